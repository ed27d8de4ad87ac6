"""Accounts and the workspace's queries on a real SQLite file: lockout, sessions, FTS triggers."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import delete, text, update

from callbrief.storage import accounts, workspace
from callbrief.storage.db import session_scope
from callbrief.storage.models import Analysis, Mention, utcnow
from tests.factories import World


def test_the_lock_lifts_after_the_window(engine):
    now = utcnow()
    with session_scope(engine) as session:
        accounts.add_user(session, "ayse", "uzun bir parola")
        for i in range(accounts.LOCK_AFTER):
            accounts.check_login(session, "ayse", "wrong", now=now + timedelta(seconds=i))
        assert accounts.check_login(session, "ayse", "uzun bir parola", now=now).locked
        later = now + accounts.LOCK_WINDOW + timedelta(minutes=1)
        assert accounts.check_login(session, "ayse", "uzun bir parola", now=later).user


def test_a_success_resets_the_failure_count(engine):
    with session_scope(engine) as session:
        accounts.add_user(session, "ayse", "uzun bir parola")
        for _ in range(accounts.LOCK_AFTER - 1):
            accounts.check_login(session, "ayse", "wrong")
        assert accounts.check_login(session, "ayse", "uzun bir parola").user
        assert accounts.recent_failures(session, "ayse") == 0


def test_sessions_expire_and_store_only_a_hash(engine):
    with session_scope(engine) as session:
        user = accounts.add_user(session, "ayse", "uzun bir parola")
        token, csrf = accounts.start_session(session, user)
        assert accounts.session_user(session, token) == (user, csrf)
        stored = session.execute(text("SELECT token_hash FROM web_sessions")).scalar()
        assert token not in stored
        late = utcnow() + accounts.SESSION_TTL + timedelta(seconds=1)
        assert accounts.session_user(session, token, now=late) is None


def test_full_text_index_follows_inserts_updates_and_deletes(engine):
    with session_scope(engine) as session:
        w = World(session)
        m = w.post(w.author("a"), utcnow(), text="Kargom gelmedi")
        assert [h.mention_id for h in workspace.search_mentions(session, "kargom")] == [m.id]
        session.execute(update(Mention).where(Mention.id == m.id).values(text="Paketim kırık"))
        assert workspace.search_mentions(session, "kargom") == []
        assert len(workspace.search_mentions(session, "kırık")) == 1
        session.execute(delete(Analysis).where(Analysis.mention_id == m.id))
        session.execute(delete(Mention).where(Mention.id == m.id))
        assert workspace.search_mentions(session, "kırık") == []


def test_turkish_capitals_match_their_lower_case(engine):
    with session_scope(engine) as session:
        w = World(session)
        w.post(w.author("a"), utcnow(), text="İADE istiyorum, ŞİKAYETİM var")
        assert len(workspace.search_mentions(session, "iade")) == 1
        assert len(workspace.search_mentions(session, "İade")) == 1
        assert len(workspace.search_mentions(session, "sikayetim")) == 1  # typed without ş
