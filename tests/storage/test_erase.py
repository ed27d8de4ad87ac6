"""Erasing a person clears their words quoted in other people's posts, set-based."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import event
from sqlmodel import select

from callbrief.foundation.records import AuthorRecord, MentionRecord
from callbrief.storage.db import session_scope
from callbrief.storage.erase import erase_person
from callbrief.storage.mentions import save_mentions
from callbrief.storage.models import Mention

WORDS = [f"Kargom {n}. kez gelmedi, iade istiyorum" for n in range(12)]


def post(pid: str, handle: str, text: str, **quotes: str) -> MentionRecord:
    return MentionRecord(
        channel="x",
        platform_id=pid,
        brand="Kargola",
        text=text,
        created_at=datetime(2026, 11, 20, 9, tzinfo=UTC),
        author=AuthorRecord(channel="x", handle=handle),
        **quotes,
    )


def test_quotes_of_every_post_are_cleared_in_a_few_updates(engine):
    theirs = [post(f"z{n}", "zqvxmallory", body) for n, body in enumerate(WORDS)]
    replies = [
        post(f"r{n}", "plainuser", f"bende de {n}", parent_text=b) for n, b in enumerate(WORDS)
    ]
    quotes = [post(f"q{n}", "other", f"aynen {n}", quoted_text=b) for n, b in enumerate(WORDS)]
    kept = post("k1", "other", "bambaşka bir konu", parent_text="Başka birinin sözleri")
    with session_scope(engine) as session:
        save_mentions(session, [*theirs, *replies, *quotes, kept])
    updates = []

    def count(_conn, _cursor, statement, *_):  # type: ignore[no-untyped-def]
        if statement.lstrip().upper().startswith("UPDATE MENTIONS"):
            updates.append(statement)

    event.listen(engine, "before_cursor_execute", count)
    try:
        with session_scope(engine) as session:
            report = erase_person(session, handle="zqvxmallory")
    finally:
        event.remove(engine, "before_cursor_execute", count)
    assert report.counts["quotes in other posts"] == 24
    # cases, two quote columns, raw payloads: not one per quoted post
    assert len(updates) <= 4
    with session_scope(engine) as session:
        rows = {m.platform_id: m for m in session.exec(select(Mention))}
    assert not any(m.parent_text or m.quoted_text for pid, m in rows.items() if pid != "k1")
    assert rows["k1"].parent_text == "Başka birinin sözleri"
    assert not any(pid.startswith("z") for pid in rows)
