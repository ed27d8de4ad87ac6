"""Bounded analysis: the real pipeline over ordinary posts, a 40 KB post and a 5 MB post.

    python bench/bench_bounded.py

Each set is imported into its own temporary SQLite file and analysed by `analyze_and_open_cases`
with the real models (loaded once, before timing). Prints the time per set. The models read at
most ANALYSIS_WINDOW characters of a post; the whole post is stored. Before the window, the issue
measured 62 s for the 40 KB post alone and more than 400 s for 5 MB.
"""

from __future__ import annotations

import json
import tempfile
import time
from pathlib import Path

from callbrief.foundation.errors import ConfigError
from callbrief.foundation.settings import load_settings
from callbrief.nlp.pipeline import build_analyzer
from callbrief.nlp.types import TextContext
from callbrief.services.analyze import ANALYSIS_WINDOW, analyze_and_open_cases
from callbrief.services.importer import import_jsonl
from callbrief.storage.db import open_database

SENTENCE = "Kargom iki haftadır gelmedi, takip numarası KG48213377, paramı iade edin. "


def row(pid: str, text: str) -> dict:
    return {
        "id": pid,
        "channel": "x",
        "author": pid,
        "text": text,
        "brand": "Kargola",
        "created_at": "2026-11-20T09:00:00Z",
    }


def timed(analyzer, settings, rows: list[dict]) -> tuple[float, int, float]:
    """(seconds to analyse, posts analysed, MB imported) for one set in a fresh database."""
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "m.jsonl"
        path.write_text("\n".join(json.dumps(r) for r in rows) + "\n", encoding="utf-8")
        engine = open_database(f"sqlite:///{Path(tmp) / 'b.db'}")
        import_jsonl(engine, path)
        started = time.perf_counter()
        report, _ = analyze_and_open_cases(engine, settings, analyzer)
        elapsed = time.perf_counter() - started
        engine.dispose()
        return elapsed, report.analysed, path.stat().st_size / 1e6


def alias_bomb_refusal() -> float:
    """Seconds to refuse a billion-laughs config (nine anchors of nine aliases each)."""
    lines = ["brands: [{name: Kargola}]", "playbook:", '  - a: &a ["lol", "lol", "lol"]']
    for prev, name in zip("abcdefgh", "bcdefghi", strict=True):
        lines.append(f"    {name}: &{name} [{', '.join([f'*{prev}'] * 9)}]")
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "bomb.yaml"
        path.write_text("\n".join(lines) + "\n", encoding="utf-8")
        started = time.perf_counter()
        try:
            load_settings(path, env={})
        except ConfigError:
            return time.perf_counter() - started
    raise SystemExit("the alias bomb was accepted")


def main() -> None:
    print(f"alias-bomb config refused in {alias_bomb_refusal() * 1000:.1f} ms")
    settings = load_settings(env={})
    started = time.perf_counter()
    analyzer = build_analyzer(settings.nlp, languages=["tr", "az", "en"])
    analyzer.analyze(["Kargom gelmedi"], [TextContext(brand="Kargola")])  # models load lazily
    print(f"models loaded in {time.perf_counter() - started:.1f} s")
    ordinary = [row(f"n{i}", f"Kargom {i} gündür gelmedi, paramı iade edin") for i in range(32)]
    sets = {
        "32 ordinary posts": ordinary,
        "one 40 KB post": [row("k40", SENTENCE * (40_000 // len(SENTENCE)))],
        "one 5 MB post": [row("m5", SENTENCE * (5_000_000 // len(SENTENCE)))],
        "31 ordinary + the 5 MB post": ordinary[:31] + [row("m5", SENTENCE * 66_000)],
    }
    for name, rows in sets.items():
        seconds, analysed, megabytes = timed(analyzer, settings, rows)
        print(f"{name:<30} {megabytes:5.1f} MB  {analysed:3d} analysed in {seconds:6.2f} s")
    print(f"(the models read at most {ANALYSIS_WINDOW} characters of each post)")


if __name__ == "__main__":
    main()
