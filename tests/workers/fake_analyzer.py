"""A small deterministic analyzer for worker tests, selected by `workers.analyzer_factory`.

The real pipeline takes ~20 s and ~700 MB per process to load; these tests are about delivery,
claims and storage, so the workers run everything real except the models. Each batch is logged
to $CALLBRIEF_TEST_ANALYZER_LOG: a `begin` line with the process id and the posts' ids, then an
`end` line once the results are returned, so a test can tell a finished batch from the one a
SIGKILL interrupted. $CALLBRIEF_TEST_ANALYZER_DELAY (seconds per batch) keeps batches long enough
to be killed in the middle of one.
"""

from __future__ import annotations

import os
import re
import time
from collections.abc import Sequence

from callbrief.nlp.types import Analysis, Sentiment, TextContext

TOKEN = re.compile(r"\[(p\d+)\]")


class FakeAnalyzer:
    version = "fake-1"

    def __init__(self, log_path: str | None, delay: float) -> None:
        self.log_path = log_path
        self.delay = delay

    def _log(self, line: str) -> None:
        if self.log_path:
            with open(self.log_path, "a", encoding="utf-8") as handle:
                handle.write(line + "\n")
                handle.flush()

    def analyze(
        self, texts: Sequence[str], contexts: Sequence[TextContext] | None = None
    ) -> list[Analysis]:
        tokens = [m.group(1) if (m := TOKEN.search(t)) else "?" for t in texts]
        self._log(f"begin {os.getpid()} {' '.join(tokens)}")
        time.sleep(self.delay)
        results = [self._one(text) for text in texts]
        self._log(f"end {os.getpid()} {' '.join(tokens)}")
        return results

    def _one(self, text: str) -> Analysis:
        complaint = "gelmedi" in text
        return Analysis(
            language="tr",
            sentiment=Sentiment("negative" if complaint else "positive", 0.9),
            complaint=complaint,
            irony=False,
            category="delivery" if complaint else "praise",
            asks=["refund"] if complaint else [],
            grievance=[text] if complaint else [],
            priority=0.5 if complaint else 0.0,
            model_version=self.version,
        )


def build(settings: object) -> FakeAnalyzer:
    return FakeAnalyzer(
        os.environ.get("CALLBRIEF_TEST_ANALYZER_LOG"),
        float(os.environ.get("CALLBRIEF_TEST_ANALYZER_DELAY", "0")),
    )
