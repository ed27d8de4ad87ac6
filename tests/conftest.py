"""Shared fixtures: settings, and databases on SQLite and (when a server answers) PostgreSQL."""

from __future__ import annotations

import os
import socket
import uuid
from collections.abc import Iterator

import pytest
from sqlalchemy import text
from sqlalchemy.engine import Engine

from callbrief.foundation.settings import Settings, load_settings
from callbrief.storage.db import make_engine, open_database

# the replay server and poller settings serve tests/monitor and tests/services alike
pytest_plugins = ["tests.replay_fixtures"]

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")

PG_URL = os.environ.get("CALLBRIEF_TEST_PG", "postgresql://postgres@127.0.0.1:5432/test")


def _pg_answers() -> bool:
    try:
        with socket.create_connection(("127.0.0.1", 5432), timeout=1):
            return True
    except OSError:
        return False


@pytest.fixture
def settings(tmp_path) -> Settings:
    """Built-in defaults with a throwaway home, no config file, no environment."""
    s = load_settings(env={}, cwd=tmp_path)
    s.home = str(tmp_path / "home")
    return s


@pytest.fixture
def engine(tmp_path) -> Iterator[Engine]:
    """A migrated SQLite file database."""
    eng = open_database(f"sqlite:///{tmp_path / 'test.db'}")
    yield eng
    eng.dispose()


@pytest.fixture
def pg_url() -> Iterator[str]:
    """A PostgreSQL URL with a fresh schema of its own; skipped when no server answers."""
    if not _pg_answers():
        pytest.skip("PostgreSQL does not answer at 127.0.0.1:5432 (set CALLBRIEF_TEST_PG)")
    schema = f"t_{uuid.uuid4().hex[:12]}"
    admin = make_engine(PG_URL)
    with admin.begin() as conn:
        conn.execute(text(f"CREATE SCHEMA {schema}"))
    yield f"{PG_URL}?options=-csearch_path%3D{schema}"
    with admin.begin() as conn:
        conn.execute(text(f"DROP SCHEMA {schema} CASCADE"))
    admin.dispose()


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def any_engine(request, tmp_path) -> Iterator[Engine]:
    """The same test on a SQLite file and on PostgreSQL."""
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path / 'any.db'}"
    else:
        url = request.getfixturevalue("pg_url")
    eng = open_database(url)
    yield eng
    eng.dispose()
