"""A queue asked for its first rows orders them in SQL: the same rows as the whole queue's top."""

from __future__ import annotations

import random
from datetime import timedelta

from callbrief.storage.cases import queue
from callbrief.storage.db import session_scope
from callbrief.storage.models import Author, Case, utcnow


def test_a_limited_queue_is_the_top_of_the_whole_queue(any_engine, settings):
    rnd = random.Random(7)
    now = utcnow()
    with session_scope(any_engine) as session:
        author = Author(channel="x", handle="a")
        session.add(author)
        session.flush()
        for _ in range(60):
            opened = now - timedelta(hours=rnd.random() * 48)
            contacted = rnd.random() < 0.3
            session.add(
                Case(
                    brand=rnd.choice(["Kargola", "Nordbank"]),
                    author_id=author.id,
                    status=rnd.choice(["open", "assigned", "reached", "follow_up", "resolved"]),
                    priority=rnd.choice([0.2, 0.5, 0.5, 0.9]),  # ties: the next key decides
                    opened_at=opened,
                    due_at=opened + timedelta(hours=4) if rnd.random() < 0.9 else None,
                    first_contact_at=opened + timedelta(hours=1) if contacted else None,
                    follow_up_at=now + timedelta(hours=rnd.random() * 24)
                    if rnd.random() < 0.3
                    else None,
                )
            )
        session.flush()
        for status in (None, "all"):
            whole = [r.case_id for r in queue(session, settings, status=status, now=now)]
            for limit in (1, 7, 25, 100):
                top = queue(session, settings, status=status, now=now, limit=limit)
                assert [r.case_id for r in top] == whole[:limit]
