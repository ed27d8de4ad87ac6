"""Headless Chromium for brief tests: the page's DOM after load, and an HTML brief from a post."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest
from typer.testing import CliRunner

from callbrief.cli import app

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
needs_browser = pytest.mark.skipif(
    CHROMIUM is None, reason="Chromium is not installed (Debian: apt-get install chromium)"
)


def dom_after_load(path: Path) -> str:
    """The page's DOM once scripts and image errors had their chance to run."""
    assert CHROMIUM is not None
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


def html_brief(tmp_path: Path, mention: dict) -> Path:
    """Import one post through the CLI and write its HTML brief; the brief's path."""
    (tmp_path / "m.jsonl").write_text(json.dumps(mention) + "\n", encoding="utf-8")
    db = f"sqlite:///{tmp_path / 'b.db'}"
    runner = CliRunner()
    imported = runner.invoke(app, ["--db", db, "import", str(tmp_path / "m.jsonl")])
    assert imported.exit_code == 0, imported.output
    page = tmp_path / "brief.html"
    result = runner.invoke(
        app, ["--db", db, "brief", mention["id"], "--format", "html", "--out", str(page)]
    )
    assert result.exit_code == 0, result.output
    return page
