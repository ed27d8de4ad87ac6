"""Query cursors and the per-source scan lock."""

from __future__ import annotations

import threading
from datetime import timedelta

import pytest

from callbrief.foundation.errors import LockedError
from callbrief.storage.cursors import (
    acquire_lock,
    load_cursor,
    release_lock,
    renew_lock,
    save_cursor,
)
from callbrief.storage.db import session_scope
from callbrief.storage.models import utcnow


def test_a_cursor_moves_only_when_its_transaction_commits(any_engine):
    with session_scope(any_engine) as session:
        save_cursor(session, "x", "search kargola", "100", {"gaps": []})
    with pytest.raises(RuntimeError), session_scope(any_engine) as session:
        save_cursor(session, "x", "search kargola", "200", {"gaps": []})
        raise RuntimeError("the page's mentions failed to store")
    with session_scope(any_engine) as session:
        assert load_cursor(session, "x", "search kargola") == ("100", {"gaps": []})


def test_only_one_of_two_concurrent_scans_gets_the_lock(any_engine):
    winners, losers = [], []

    def take(holder: str) -> None:
        try:
            acquire_lock(any_engine, "x", holder, lease_s=300)
            winners.append(holder)
        except LockedError as exc:
            losers.append(str(exc))

    threads = [threading.Thread(target=take, args=(f"scan-{i}",)) for i in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(winners) == 1 and len(losers) == 1
    assert "Another scan of x is running" in losers[0]
    release_lock(any_engine, "x", winners[0])
    acquire_lock(any_engine, "x", "scan-later", lease_s=300)


def test_a_lost_lock_stops_the_page_and_a_stale_lock_can_be_taken(any_engine):
    acquire_lock(any_engine, "reddit", "old", lease_s=60)
    later = utcnow() + timedelta(seconds=120)
    acquire_lock(any_engine, "reddit", "new", lease_s=60, now=later)
    with pytest.raises(LockedError, match="lost its lock"), session_scope(any_engine) as session:
        renew_lock(session, "reddit", "old")
