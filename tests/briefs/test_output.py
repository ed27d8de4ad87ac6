"""Files callbrief writes: atomic, never through a symlink, never over a user's file, no stale
briefs left behind, and one clear line for every file-system failure."""

from __future__ import annotations

import json
import os

import pytest
from typer.testing import CliRunner

from callbrief.briefs.output import MANIFEST, OutputFolder, write_document
from callbrief.cli import app
from callbrief.foundation.errors import StorageError
from callbrief.services.analyze import analyze_and_open_cases
from callbrief.services.importer import import_jsonl
from callbrief.storage.cases import record_outcome
from callbrief.storage.db import open_database, session_scope
from tests.services.analyze_runner import LoggingAnalyzer

runner = CliRunner()


@pytest.fixture
def db(tmp_path, settings):
    """A SQLite file with two open cases (two complaining customers)."""
    url = f"sqlite:///{tmp_path / 'o.db'}"
    engine = open_database(url)
    rows = [
        {
            "id": f"p{i}",
            "channel": "x",
            "author": f"user{i}",
            "text": f"p{i} #c kargom gelmedi",
            "created_at": "2026-11-20T09:00:00Z",
            "brand": "Kargola",
        }
        for i in (1, 2)
    ]
    path = tmp_path / "m.jsonl"
    path.write_text("\n".join(json.dumps(r) for r in rows) + "\n", encoding="utf-8")
    import_jsonl(engine, path)
    analyze_and_open_cases(engine, settings, LoggingAnalyzer(str(tmp_path / "log")))
    yield url, engine
    engine.dispose()


def briefs(url, out, *extra):
    return runner.invoke(app, ["--db", url, "briefs", "--out", str(out), *extra], env={})


def test_briefs_leave_a_users_own_files_and_symlinks_alone(db, tmp_path):
    url, _ = db
    out = tmp_path / "briefs"
    out.mkdir()
    (out / "index.html").write_text("my own page", encoding="utf-8")
    secret = tmp_path / "secret.txt"
    secret.write_text("do not touch", encoding="utf-8")
    (out / "case-1-p1.md").symlink_to(secret)
    result = briefs(url, out)
    assert result.exit_code == 1, result.output
    assert "Traceback" not in result.output
    assert "index.html alone: callbrief did not write it" in result.output
    assert "case-1-p1.md alone: it is a symbolic link" in result.output
    assert (out / "index.html").read_text(encoding="utf-8") == "my own page"
    assert secret.read_text(encoding="utf-8") == "do not touch"
    assert (out / "case-1-p1.md").is_symlink()
    assert (out / "case-1-p1.html").read_text(encoding="utf-8").startswith("<!DOCTYPE")
    assert (out / "case-2-p2.md").exists()
    assert not [p for p in os.listdir(out) if p.startswith(".callbrief-tmp-")]


def test_briefs_replace_their_own_files_and_remove_stale_ones(db, tmp_path, settings):
    url, engine = db
    out = tmp_path / "briefs"
    assert briefs(url, out).exit_code == 0
    first = sorted(os.listdir(out))
    assert first == sorted(
        [MANIFEST, "index.html", "case-1-p1.md", "case-1-p1.html", "case-2-p2.md", "case-2-p2.html"]
    )
    (out / "notes.txt").write_text("mine", encoding="utf-8")  # a user's file beside ours
    with session_scope(engine) as session:
        record_outcome(session, 1, "resolved", note="refund issued")
    result = briefs(url, out)
    assert result.exit_code == 0, result.output
    assert sorted(os.listdir(out)) == sorted(
        [MANIFEST, "index.html", "case-2-p2.md", "case-2-p2.html", "notes.txt"]
    )
    assert "case-1" not in (out / "index.html").read_text(encoding="utf-8")


def test_a_brief_the_user_edited_is_not_overwritten(db, tmp_path):
    url, _ = db
    out = tmp_path / "briefs"
    assert briefs(url, out).exit_code == 0
    (out / "case-2-p2.md").write_text("my notes on this call", encoding="utf-8")
    result = briefs(url, out)
    assert result.exit_code == 1
    assert "case-2-p2.md alone: it was changed since callbrief wrote it" in result.output
    assert (out / "case-2-p2.md").read_text(encoding="utf-8") == "my notes on this call"


@pytest.mark.parametrize(
    ("make", "command", "expected"),
    [
        ("file", ["briefs", "--out", "{p}"], "it is a file, not a folder"),
        ("file", ["briefs", "--out", "{p}/below"], "a part of the path is a file"),
        ("dir", ["digest", "--date", "2026-11-20", "--out", "{p}"], "it is a folder"),
        ("file", ["digest", "--date", "2026-11-20", "--out", "{p}/x.txt"], "is a file"),
        ("file", ["brief", "p1", "--out", "{p}/x.md"], "is a file"),
        ("dir", ["brief", "p1", "--out", "{p}"], "it is a folder"),
        ("link", ["brief", "p1", "--out", "{p}"], "symbolic link"),
        (None, ["digest", "--date", "0001-01-01"], "out of range"),
        (None, ["digest", "--date", "9999-12-31"], "out of range"),
    ],
)
def test_file_system_failures_are_one_line_errors(db, tmp_path, make, command, expected):
    url, _ = db
    target = tmp_path / "target"
    if make == "file":
        target.write_text("x", encoding="utf-8")
    elif make == "dir":
        target.mkdir()
    elif make == "link":
        (tmp_path / "elsewhere").write_text("keep", encoding="utf-8")
        target.symlink_to(tmp_path / "elsewhere")
    args = [part.replace("{p}", str(target)) for part in command]
    result = runner.invoke(app, ["--db", url, *args], env={})
    assert result.exit_code in (1, 2), result.output
    assert isinstance(result.exception, SystemExit), result.exception
    assert expected in result.output, result.output
    assert len([line for line in result.output.splitlines() if line.startswith("Error")]) == 1
    if make == "link":
        assert (tmp_path / "elsewhere").read_text(encoding="utf-8") == "keep"


def test_a_read_only_place_is_a_one_line_error(tmp_path):
    target = "/proc/callbrief-test/brief.md"  # read-only even for root
    with pytest.raises(StorageError, match="Cannot write /proc/callbrief-test/brief.md"):
        write_document(target, "x")
    with pytest.raises(StorageError, match="Cannot write briefs into /proc/callbrief-test"):
        OutputFolder.open("/proc/callbrief-test")


def test_write_document_replaces_atomically(tmp_path):
    path = tmp_path / "digest.txt"
    path.write_text("old", encoding="utf-8")
    inode = path.stat().st_ino
    write_document(path, "new")
    assert path.read_text(encoding="utf-8") == "new"
    assert path.stat().st_ino != inode  # a new file swapped in, not the old one rewritten
    assert os.listdir(tmp_path) == ["digest.txt"]
