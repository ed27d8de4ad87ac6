"""A hostile post opened in a real browser: nothing in it runs (headless Chromium)."""

from __future__ import annotations

import json
import shutil
import subprocess

import pytest
from typer.testing import CliRunner

from callbrief.cli import app

pytestmark = pytest.mark.slow

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
needs_browser = pytest.mark.skipif(
    CHROMIUM is None, reason="Chromium is not installed (Debian: apt-get install chromium)"
)
PAYLOAD = (
    "<script>document.title='PWNED-script'</script> "
    "<img src=x onerror=\"document.title='PWNED-onerror'\"> {{ 7*7 }} "
    "<svg onload=\"document.title='PWNED-svg'\"></svg> kargom gelmedi"
)


def dom_after_load(path) -> str:
    """The page's DOM once scripts and image errors had their chance to run."""
    result = subprocess.run(
        [
            CHROMIUM,
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            f"--user-data-dir={path.parent / 'chromium-profile'}",
            "--virtual-time-budget=3000",
            "--dump-dom",
            path.as_uri(),
        ],
        capture_output=True,
        text=True,
        timeout=90,
        check=True,
    )
    return result.stdout


@needs_browser
def test_the_harness_sees_a_script_that_runs(tmp_path):
    page = tmp_path / "control.html"
    page.write_text(f"<html><head><title>ok</title></head><body>{PAYLOAD}</body></html>")
    assert "<title>PWNED" in dom_after_load(page)


@needs_browser
def test_hostile_post_stays_text_in_the_html_brief(tmp_path):
    mention = {
        "id": "666",
        "channel": "x",
        "author": "mallory",
        "text": PAYLOAD,
        "created_at": "2026-11-20T09:00:00Z",
        "brand": "Kargola",
        "url": "https://x.com/mallory/status/666",
    }
    (tmp_path / "m.jsonl").write_text(json.dumps(mention) + "\n", encoding="utf-8")
    db = f"sqlite:///{tmp_path / 'b.db'}"
    runner = CliRunner()
    assert runner.invoke(app, ["--db", db, "import", str(tmp_path / "m.jsonl")]).exit_code == 0
    page = tmp_path / "brief.html"
    result = runner.invoke(
        app, ["--db", db, "brief", "666", "--format", "html", "--out", str(page)]
    )
    assert result.exit_code == 0, result.output
    dom = dom_after_load(page)
    assert "PWNED" not in dom.split("</title>")[0]  # no script changed the title
    assert "{{ 7*7 }}" in dom  # template syntax shown as typed, never evaluated
    assert "&lt;script&gt;document.title" in dom  # the markup is visible text
