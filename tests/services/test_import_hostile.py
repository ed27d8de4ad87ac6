"""Hostile import files: every bad line costs its own line only, reported by number, exit 1."""

from __future__ import annotations

import json

import pytest
from sqlmodel import Session, func, select
from typer.testing import CliRunner

from callbrief.cli import app
from callbrief.services.importer import import_jsonl
from callbrief.storage.models import Author, Mention

runner = CliRunner()


def good(i: int) -> dict:
    return {
        "id": f"g{i}",
        "channel": "x",
        "author": f"user{i}",
        "author_followers": 10 + i,
        "text": f"Kargom {i} gündür gelmedi",
        "created_at": "2026-11-20T09:15:00+03:00",
        "brand": "Kargola",
    }


def line(data: dict) -> bytes:
    return json.dumps(data).encode("utf-8")


DEEP = b'{"id": "d1", "x": ' + b"[" * 200_000 + b"]" * 200_000 + b"}"
# each case: the bad line's bytes, and a word its reason must hold
BAD = {
    "followers-10e30": (line(dict(good(90), author_followers=10**30)), "past 64 bits"),
    "followers-over-int32": (line(dict(good(91), author_followers=3_000_000_000)), "2,147,483,647"),
    "followers-infinite": (
        line(good(92)).replace(b'"author_followers": 102', b'"author_followers": 1e400'),
        "author_followers",
    ),
    "nul-in-text": (line(dict(good(93), text="kargo\x00gelmedi")), "NUL"),
    "nul-in-handle": (line(dict(good(94), author="ay\x00se")), "NUL"),
    "lone-surrogate": (line(good(95)).replace(b"gelmedi", b"\\ud800"), "`text`"),
    "nested-200000": (DEEP, "nested"),
    "invalid-utf8": (line(good(96)).replace(b"gelmedi", b"gel\xffmedi"), "UTF-8"),
    "far-future": (line(dict(good(97), created_at="9999-12-31T23:59:59Z")), "future"),
    "brand-too-long": (line(dict(good(98), brand="K" * 300)), "brand"),
    "blank-text": (line(dict(good(99), text="   ")), "text"),
    "huge-number": (b'{"id": "n1", "x": ' + b"9" * 5000 + b"}", "JSON"),
}


def write(path, lines: list[bytes]):
    path.write_bytes(b"\n".join(lines) + b"\n")
    return path


def stored_ids(engine) -> set[str]:
    with Session(engine) as session:
        return set(session.exec(select(Mention.platform_id)).all())


def url_of(engine) -> str:
    return engine.url.render_as_string(hide_password=False)


@pytest.mark.parametrize("case", sorted(BAD))
def test_a_bad_line_costs_only_itself_through_the_cli(any_engine, tmp_path, case):
    bad, word = BAD[case]
    lines = [line(good(i)) for i in range(4)] + [bad] + [line(good(i)) for i in range(4, 9)]
    path = write(tmp_path / "m.jsonl", lines)
    result = runner.invoke(app, ["--db", url_of(any_engine), "import", str(path)], env={})
    assert result.exit_code == 1, result.output
    assert not isinstance(result.exception, Exception) or isinstance(result.exception, SystemExit)
    assert "Traceback" not in result.output
    assert "m.jsonl:5: skipped:" in result.output
    reason = next(x for x in result.output.splitlines() if "m.jsonl:5:" in x)
    assert word.lower() in reason.lower(), reason
    assert "9 new" in result.output
    assert stored_ids(any_engine) == {f"g{i}" for i in range(9)}


def test_a_bom_is_accepted_and_line_one_kept(any_engine, tmp_path):
    path = write(tmp_path / "bom.jsonl", [b"\xef\xbb\xbf" + line(good(0)), line(good(1))])
    report = import_jsonl(any_engine, path)
    assert report.bad_lines == []
    assert stored_ids(any_engine) == {"g0", "g1"}


def test_every_bad_line_at_once_leaves_every_good_line(any_engine, tmp_path):
    lines: list[bytes] = []
    bad_numbers = []
    for i, (bad, _) in enumerate(BAD.values()):
        lines.append(line(good(i)))
        lines.append(bad)
        bad_numbers.append(len(lines))
    report = import_jsonl(any_engine, write(tmp_path / "all.jsonl", lines))
    assert [n for n, _ in report.bad_lines] == bad_numbers
    assert stored_ids(any_engine) == {f"g{i}" for i in range(len(BAD))}
    with Session(any_engine) as session:
        followers = session.exec(select(func.max(Author.followers))).one()
    assert followers is not None and followers < 2**31


def test_a_database_refusal_the_checks_miss_costs_one_line(any_engine, tmp_path, monkeypatch):
    """Belt and braces: if the database still refuses one row, the batch is retried line by line."""
    from callbrief.storage.mentions import save_mentions as real

    def refuse_poison(session, records):
        records = list(records)
        if any("poison" in r.text for r in records):
            raise _refusal()
        return real(session, records)

    monkeypatch.setattr("callbrief.services.importer.save_mentions", refuse_poison)
    lines = [line(good(0)), line(dict(good(1), text="poison")), line(good(2))]
    report = import_jsonl(any_engine, write(tmp_path / "p.jsonl", lines))
    assert [n for n, _ in report.bad_lines] == [2]
    assert stored_ids(any_engine) == {"g0", "g2"}


def _refusal():
    from sqlalchemy.exc import DataError

    return DataError("INSERT", {}, ValueError("value refused"))


def test_a_line_past_16_mb_is_skipped_unread_and_the_next_line_kept(engine, tmp_path):
    huge = b'{"id": "h", "text": "' + b"a" * (17 * 1024 * 1024) + b'"}'
    path = write(tmp_path / "huge.jsonl", [line(good(0)), huge, line(good(1))])
    report = import_jsonl(engine, path)
    assert report.bad_lines == [(2, "longer than 16 MB")]
    assert stored_ids(engine) == {"g0", "g1"}
