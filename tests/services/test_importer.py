"""JSONL import: each mention once, bad lines reported by number, the rest stored."""

import json

from sqlmodel import Session, func, select

from callbrief.services.importer import import_jsonl
from callbrief.storage.models import Mention

GOOD = {
    "id": "1001",
    "channel": "x",
    "author": "ayse_k",
    "author_followers": 120,
    "text": "Kargom 2 haftadır gelmedi, takip no KG48213377",
    "created_at": "2026-11-20T09:15:00+03:00",
    "url": "https://x.com/ayse_k/status/1001",
    "brand": "Kargola",
}


def write_lines(path, lines):
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def count(engine):
    with Session(engine) as s:
        return s.exec(select(func.count()).select_from(Mention)).one()


def test_reimport_adds_nothing(any_engine, tmp_path):
    second = dict(GOOD, id=1002, text="Paramı iade edin", lang="tr", in_reply_to="1001")
    path = write_lines(tmp_path / "m.jsonl", [json.dumps(GOOD), json.dumps(second)])
    first = import_jsonl(any_engine, path)
    again = import_jsonl(any_engine, path)
    assert (first.saved.new, again.saved.new, again.saved.duplicates) == (2, 0, 2)
    assert count(any_engine) == 2


def test_bad_lines_reported_by_number_and_rest_imported(engine, tmp_path):
    lines = [
        json.dumps(GOOD),
        "{not json",
        json.dumps(dict(GOOD, id="1003", created_at="yesterday")),
        json.dumps(dict(GOOD, id="1004", channel="myspace")),
        json.dumps(dict(GOOD, id="1005", text="Hâlâ bekliyorum")),
        "[1, 2]",
    ]
    report = import_jsonl(engine, write_lines(tmp_path / "m.jsonl", lines))
    numbers = [n for n, _ in report.bad_lines]
    assert numbers == [2, 3, 4, 6]
    assert "created_at" in report.bad_lines[1][1]
    assert "channel" in report.bad_lines[2][1]
    assert report.saved.new == 2 and count(engine) == 2


def test_timestamps_kept_in_utc(engine, tmp_path):
    import_jsonl(engine, write_lines(tmp_path / "m.jsonl", [json.dumps(GOOD)]))
    with Session(engine) as s:
        stored = s.exec(select(Mention)).one()
    assert stored.created_at.isoformat() == "2026-11-20T06:15:00+00:00"
    assert stored.source == "import" and stored.query == "m.jsonl"


def test_a_value_the_database_cannot_hold_is_reported_at_its_own_line_in_the_files_words(
    engine, tmp_path
):
    lines = [
        json.dumps(dict(GOOD, id="dup")),
        json.dumps(dict(GOOD, id="dup", author_name="A" * 5000, text="ikinci")),
        json.dumps(dict(GOOD, id="1002", text="üçüncü")),
        json.dumps(dict(GOOD, id="dup", brand="K" * 300, text="dördüncü")),
        json.dumps(dict(GOOD, id="9" * 300, text="beşinci")),
        json.dumps(dict(GOOD, id="1006", author_followers=3_000_000_000, text="altıncı")),
        # the line as stored (the raw payload) is checked before the author's fields
        json.dumps(dict(GOOD, id="1007", author="ay\x00se", text="yedinci")),
    ]
    report = import_jsonl(engine, write_lines(tmp_path / "m.jsonl", lines))
    assert report.bad_lines == [
        (2, "`author_name` is 5,000 characters long; at most 4,096 are stored"),
        (4, "`brand` is 300 characters long; at most 128 are stored"),
        (5, "`id` is 300 characters long; at most 255 are stored"),
        (6, "`author_followers` 3000000000 is out of range (at most 2,147,483,647)"),
        (7, "`line` contains a NUL byte (\\u0000)"),
    ]
    assert report.saved.new == 2 and count(engine) == 2
