"""Open a database by URL, bring its schema to the latest alembic revision, hand out sessions."""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config
from sqlalchemy import Table, event, text
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import URL, Connection, Engine, make_url
from sqlalchemy.exc import ArgumentError, DatabaseError, SQLAlchemyError
from sqlalchemy.pool import StaticPool
from sqlmodel import Session, create_engine

from callbrief.foundation.errors import StorageError

MIGRATIONS = Path(__file__).parent / "migrations"


def _sqlite_pragmas(dbapi_connection, _record) -> None:  # type: ignore[no-untyped-def]
    cursor = dbapi_connection.cursor()
    # WAL lets the scheduler write while an agent reads briefs; busy_timeout waits out short locks
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=30000")
    cursor.close()


def make_engine(url: str) -> Engine:
    """Create an engine for a SQLAlchemy URL (SQLite file, in-memory SQLite or PostgreSQL)."""
    try:
        parsed = make_url(url)
        parsed.port  # noqa: B018 - a port that is not a number fails here, not at connect time
    except (ArgumentError, ValueError):
        raise StorageError(
            f"Database URL {url!r} is not valid. Use e.g. sqlite:///callbrief.db or "
            "postgresql://user@host:5432/dbname."
        ) from None
    kwargs: dict = {}
    if parsed.get_backend_name() == "sqlite":
        database = parsed.database or ""
        if database and database != ":memory:":
            folder = Path(database).expanduser().parent
            try:
                folder.mkdir(parents=True, exist_ok=True)
            except OSError as exc:
                raise StorageError(
                    f"Cannot create the folder {folder} for the database: "
                    f"{exc.strerror or exc}. Choose another path with --db or CALLBRIEF_DB."
                ) from None
            kwargs["connect_args"] = {"check_same_thread": False, "timeout": 30}
        else:
            kwargs.update(connect_args={"check_same_thread": False}, poolclass=StaticPool)
    try:
        engine = create_engine(url, **kwargs)
    except (ArgumentError, ModuleNotFoundError) as exc:
        raise StorageError(
            f"Cannot use database {parsed.render_as_string(hide_password=True)}: {exc}. "
            "For PostgreSQL install the extra: pip install 'callbrief[postgres]'."
        ) from None
    if parsed.get_backend_name() == "sqlite":
        event.listen(engine, "connect", _sqlite_pragmas)
    return engine


def advisory_key(url: URL, purpose: str) -> int:
    """The PostgreSQL advisory-lock key of `purpose` ("migrate", "run") on this database.

    The key is the URL (password left out), so schemas of one server (search_path) lock
    independently.
    """
    shown = url.render_as_string(hide_password=True)
    digest = hashlib.sha256(f"callbrief-{purpose} {shown}".encode()).digest()
    return int.from_bytes(digest[:7], "big")


def dialect_insert(bind: Session | Connection, table: Table) -> Any:
    """An INSERT into `table` in the database's own dialect, which has ON CONFLICT DO NOTHING
    and DO UPDATE (PostgreSQL's or SQLite's)."""
    dialect = bind.get_bind().dialect if isinstance(bind, Session) else bind.dialect
    return postgresql.insert(table) if dialect.name == "postgresql" else sqlite.insert(table)


def alembic_config(engine: Engine) -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    cfg.attributes["engine"] = engine
    return cfg


@contextmanager
def _migration_lock(engine: Engine) -> Iterator[None]:
    """On PostgreSQL, one migrating process per database URL at a time.

    Several workers that start together on a fresh database would otherwise all create the
    alembic_version table at once, and all but one fail. SQLite serialises writers by itself.
    """
    if engine.url.get_backend_name() != "postgresql":
        yield
        return
    key = advisory_key(engine.url, "migrate")
    with engine.connect() as conn:
        conn.execute(text("SELECT pg_advisory_lock(:k)"), {"k": key})
        try:
            yield
        finally:
            conn.execute(text("SELECT pg_advisory_unlock(:k)"), {"k": key})


def migrate(engine: Engine) -> None:
    """Upgrade the schema to the newest revision; safe to call on every start."""
    try:
        with _migration_lock(engine):
            command.upgrade(alembic_config(engine), "heads")
    except DatabaseError as exc:  # OperationalError included: no server, a file that is no database
        raise StorageError(
            f"Cannot open or migrate the database at "
            f"{engine.url.render_as_string(hide_password=True)}: {exc.orig}. "
            "Check that the server is running and the URL (--db or CALLBRIEF_DB) is right."
        ) from None


def open_database(url: str) -> Engine:
    """Make an engine for `url` and migrate it."""
    engine = make_engine(url)
    migrate(engine)
    return engine


@contextmanager
def session_scope(engine: Engine) -> Iterator[Session]:
    """A session that commits on success and rolls back on any error."""
    session = Session(engine, expire_on_commit=False)
    try:
        yield session
        session.commit()
    except SQLAlchemyError:
        session.rollback()
        raise
    except BaseException:
        session.rollback()
        raise
    finally:
        session.close()
