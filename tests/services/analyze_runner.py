"""One `callbrief analyze`-like process for the concurrency tests: the real services code, a small
deterministic analyzer instead of the models (which cost ~20 s and 700 MB per process).

    python -m tests.services.analyze_runner DB_URL LOG_FILE [BATCH_SIZE]

Every text it analyses is appended to LOG_FILE (one line per text, with this pid), so the test can
prove that no mention was analysed by two processes.
"""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path

from callbrief.foundation.settings import load_settings
from callbrief.nlp.types import Analysis, Sentiment
from callbrief.services.analyze import analyze_and_open_cases
from callbrief.storage.db import open_database


class LoggingAnalyzer:
    """Texts holding "#c" are delivery complaints; each analysed text is logged with the pid."""

    version = "runner-1"

    def __init__(self, log_path: str) -> None:
        self.log_path = log_path

    def analyze(self, texts, contexts=None):  # type: ignore[no-untyped-def]
        with open(self.log_path, "a", encoding="utf-8") as log:
            for text in texts:
                log.write(f"{os.getpid()}\t{text.splitlines()[0]}\n")
        time.sleep(0.01)  # a model takes time: gives the other processes a chance to meet this one
        return [
            Analysis(
                language="tr",
                sentiment=Sentiment("negative" if "#c" in t else "neutral", 0.9),
                complaint="#c" in t,
                irony=False,
                category="delivery",
                grievance=[t],
                priority=0.5,
                model_version=self.version,
            )
            for t in texts
        ]


def main() -> int:
    url, log_path = sys.argv[1], sys.argv[2]
    settings = load_settings(env={}, cwd=Path(log_path).parent)
    settings.nlp.batch_size = int(sys.argv[3]) if len(sys.argv) > 3 else 16
    engine = open_database(url)
    report, cases = analyze_and_open_cases(engine, settings, LoggingAnalyzer(log_path))
    print(f"{os.getpid()} analysed={report.analysed} opened={cases.opened} merged={cases.merged}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
