"""What a fresh `callbrief analyze --json TEXT` loads: only what the text needs.

Timing belongs in bench/bench_nlp.py; this checks the modules a fresh process ends up with, which
is what makes the start slow or fast.
"""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

pytestmark = pytest.mark.slow

PROBE = """
import json, sys
from callbrief.cli import app
sys.argv = ["callbrief", "analyze", "--json", sys.argv[1]]
try:
    app()
except SystemExit:
    pass
heavy = ("torch", "spacy", "thinc", "transformers", "sklearn")
sys.stderr.write("\\nMODULES=" + json.dumps([m for m in heavy if m in sys.modules]) + "\\n")
"""


def _fresh(text: str) -> tuple[dict, list[str]]:
    done = subprocess.run(
        [sys.executable, "-c", PROBE, text],
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    line = [ln for ln in done.stderr.splitlines() if ln.startswith("MODULES=")][-1]
    return json.loads(done.stdout.splitlines()[-1]), json.loads(line.removeprefix("MODULES="))


def test_a_turkish_post_loads_neither_torch_nor_spacy():
    result, modules = _fresh("Yurt dışındayım, kartım bloke oldu, acilen açın!")
    assert result["language"] == "tr" and result["complaint"]
    assert modules == []


def test_a_short_english_post_loads_neither_spacy_nor_torch():
    result, modules = _fresh("My router is hot and smells of burning plastic. Please help.")
    assert result["language"] == "en" and "safety_risk" in result["signals"]
    assert "torch" not in modules and "spacy" not in modules
    assert result["grievance"]  # sentences from the rules: a post's worth of English


def test_a_long_english_text_loads_spacy_but_not_torch():
    text = "My router is hot and smells of burning plastic, and it has been like that " * 4
    result, modules = _fresh(text.strip() + ". Please help.")
    assert result["language"] == "en" and "safety_risk" in result["signals"]
    assert "torch" not in modules and "spacy" in modules
    assert result["grievance"]  # sentences came from spaCy's English model
