"""Storing mentions: once per platform id, exact repeats dropped, authors refreshed."""

from datetime import UTC, datetime

from sqlmodel import func, select

from callbrief.foundation.records import AuthorRecord, MentionRecord
from callbrief.storage.db import session_scope
from callbrief.storage.mentions import save_mentions
from callbrief.storage.models import Author, Mention


def record(pid: str, text: str = "Kargom gelmedi", handle: str = "Ayse_K", followers=None):
    return MentionRecord(
        channel="x",
        platform_id=pid,
        brand="Kargola",
        text=text,
        created_at=datetime(2026, 11, 20, 9, 0, tzinfo=UTC),
        author=AuthorRecord(channel="x", handle=handle, followers=followers),
        links=["https://example.com/photo"],
        source="x-search",
        query="kargola -is:retweet",
    )


def test_same_id_is_stored_once(any_engine):
    with session_scope(any_engine) as s:
        first = save_mentions(s, [record("1")])
    with session_scope(any_engine) as s:
        again = save_mentions(s, [record("1"), record("2", text="Paramı iade edin")])
        count = s.exec(select(func.count()).select_from(Mention)).one()
    assert (first.new, again.new, again.duplicates) == (1, 1, 1)
    assert count == 2


def test_exact_repeat_under_new_id_is_a_duplicate(any_engine):
    with session_scope(any_engine) as s:
        result = save_mentions(s, [record("1"), record("9")])
    assert (result.new, result.duplicates) == (1, 1)


def test_author_handle_casefolded_and_followers_kept(any_engine):
    with session_scope(any_engine) as s:
        save_mentions(s, [record("1", followers=1200)])
        save_mentions(s, [record("2", text="Hâlâ yok", handle="ayse_k")])
        authors = s.exec(select(Author)).all()
        stored = s.exec(select(Mention).where(Mention.platform_id == "1")).one()
    assert len(authors) == 1
    assert authors[0].followers == 1200  # a missing value never erases a known one
    assert stored.links == ["https://example.com/photo"]
    assert stored.created_at.tzinfo is not None


def test_two_writers_at_once_store_each_mention_once(any_engine):
    import threading

    records = [record(str(i), text=f"Kargom {i} gündür gelmedi") for i in range(40)]
    barrier = threading.Barrier(2)
    results = []

    def writer():
        barrier.wait()
        with session_scope(any_engine) as s:
            results.append(save_mentions(s, records))

    threads = [threading.Thread(target=writer) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    with session_scope(any_engine) as s:
        count = s.exec(select(func.count()).select_from(Mention)).one()
    assert count == 40
    assert sum(r.new for r in results) == 40
    assert sum(r.duplicates for r in results) == 40
