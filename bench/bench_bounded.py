"""Bounded analysis: how long the real pipeline takes over a batch holding a 5 MB and a 40 KB post.

    python bench/bench_bounded.py

Imports 62 ordinary complaints, one 40 KB post and one 5 MB post into a temporary SQLite file,
then runs `analyze_and_open_cases` with the real models. Prints the import time, the analysis
time of the whole batch, and what the models read of the long posts (the analysis window).
Before the window, the issue measured 62 s for the 40 KB post alone and more than 400 s for 5 MB.
"""

from __future__ import annotations

import json
import tempfile
import time
from pathlib import Path

from callbrief.foundation.settings import load_settings
from callbrief.nlp.pipeline import build_analyzer
from callbrief.nlp.types import TextContext
from callbrief.services.analyze import ANALYSIS_WINDOW, analyze_and_open_cases
from callbrief.services.importer import import_jsonl
from callbrief.storage.db import open_database


def main() -> None:
    sentence = "Kargom iki haftadır gelmedi, takip numarası KG48213377, paramı iade edin. "
    rows = [
        {
            "id": f"n{i}",
            "channel": "x",
            "author": f"user{i}",
            "text": f"Kargom {i} gündür gelmedi, paramı iade edin lütfen",
            "brand": "Kargola",
            "created_at": "2026-11-20T09:00:00Z",
        }
        for i in range(62)
    ]
    for pid, size in (("k40", 40_000), ("m5", 5_000_000)):
        rows.append(dict(rows[0], id=pid, author=pid, text=sentence * (size // len(sentence))))
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "m.jsonl"
        path.write_text("\n".join(json.dumps(r) for r in rows) + "\n", encoding="utf-8")
        engine = open_database(f"sqlite:///{Path(tmp) / 'b.db'}")
        megabytes = path.stat().st_size / 1e6
        started = time.perf_counter()
        report = import_jsonl(engine, path)
        imported = time.perf_counter() - started
        settings = load_settings(env={}, cwd=Path(tmp))
        started = time.perf_counter()
        analyzer = build_analyzer(settings.nlp, languages=["tr", "az", "en"])
        analyzer.analyze(["Kargom gelmedi"], [TextContext(brand="Kargola")])  # models load lazily
        loaded = time.perf_counter() - started
        started = time.perf_counter()
        analysed, cases = analyze_and_open_cases(engine, settings, analyzer)
        elapsed = time.perf_counter() - started
        engine.dispose()
    print(f"import: {report.saved.new} posts ({megabytes:.1f} MB) in {imported:.2f} s")
    print(f"models loaded in {loaded:.1f} s")
    print(
        f"analyse {analysed.analysed} posts incl. 40 KB and 5 MB ones: {elapsed:.2f} s "
        f"({analysed.failed} failed, {cases.opened} cases); models read <= {ANALYSIS_WINDOW} chars"
    )


if __name__ == "__main__":
    main()
