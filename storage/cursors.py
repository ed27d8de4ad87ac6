"""Query cursors, and the per-source scan lock kept as a leased cursor row.

A cursor moves only inside the transaction that stores the mentions it covers, so it never
points past uncommitted data. The lock is the row (source, "__lock__"): taken by a conditional
UPDATE that only one writer can win (on SQLite and PostgreSQL alike), renewed with every page,
and free again when released or when its holder stopped renewing it (a killed process).
"""

from __future__ import annotations

import os
import socket
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import or_, update
from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from callbrief.foundation.errors import LockedError
from callbrief.storage.db import dialect_insert, session_scope
from callbrief.storage.models import Cursor, table_of, utcnow

LOCK_QUERY = "__lock__"


def load_cursor(session: Session, source: str, query: str) -> tuple[str | None, dict[str, Any]]:
    """The position and state stored for a query (None and {} when it never ran)."""
    row = session.exec(
        select(Cursor).where(Cursor.source == source, Cursor.query == query)
    ).one_or_none()
    if row is None:
        return None, {}
    return row.position, dict(row.state or {})


def save_cursor(
    session: Session, source: str, query: str, position: str | None, state: dict[str, Any]
) -> None:
    """Move a query's cursor, in the caller's transaction (the one storing the page)."""
    row = session.exec(
        select(Cursor).where(Cursor.source == source, Cursor.query == query)
    ).one_or_none()
    if row is None:
        row = Cursor(source=source, query=query)
        session.add(row)
    row.position = position
    row.state = dict(state)
    row.updated_at = utcnow()
    session.flush()


def list_cursors(session: Session, source: str | None = None) -> list[Cursor]:
    """Every query cursor (not the locks), optionally of one source."""
    stmt = select(Cursor).where(Cursor.query != LOCK_QUERY)
    if source:
        stmt = stmt.where(Cursor.source == source)
    return list(session.exec(stmt.order_by(Cursor.source, Cursor.query)))


def _ensure_lock_row(session: Session, source: str) -> None:
    values = dict(source=source, query=LOCK_QUERY, state={}, updated_at=utcnow())
    session.execute(
        dialect_insert(session, table_of(Cursor))
        .values(**values)
        .on_conflict_do_nothing(index_elements=["source", "query"])
    )


def acquire_lock(
    engine: Engine, source: str, holder: str, *, lease_s: float, now: datetime | None = None
) -> None:
    """Take the scan lock of `source` for `holder`, or raise LockedError naming who has it."""
    now = now or utcnow()
    with session_scope(engine) as session:
        _ensure_lock_row(session, source)
    with session_scope(engine) as session:
        current = session.exec(
            select(Cursor).where(Cursor.source == source, Cursor.query == LOCK_QUERY)
        ).one()
        takeable = [
            col(Cursor.position).is_(None),
            col(Cursor.position) == holder,
            col(Cursor.updated_at) < now - timedelta(seconds=lease_s),
        ]
        if current.position and _holder_is_dead(current.state or {}):
            # a process on this machine that was killed cannot renew: no need to wait out its lease
            takeable.append(col(Cursor.position) == current.position)
        result = session.execute(
            update(Cursor)
            .where(col(Cursor.source) == source, col(Cursor.query) == LOCK_QUERY, or_(*takeable))
            .values(
                position=holder,
                updated_at=now,
                state={"pid": os.getpid(), "host": socket.gethostname(), "since": now.isoformat()},
            )
        )
        if result.rowcount == 1:  # type: ignore[attr-defined]
            return
    with session_scope(engine) as session:
        row = session.exec(
            select(Cursor).where(Cursor.source == source, Cursor.query == LOCK_QUERY)
        ).one()
        who = row.state or {}
        frees = row.updated_at + timedelta(seconds=lease_s)
    raise LockedError(
        f"Another scan of {source} is running (process {who.get('pid', '?')} on "
        f"{who.get('host', '?')}, since {who.get('since', '?')}). Wait for it to finish; if it "
        f"crashed, its lock frees itself at {frees:%Y-%m-%d %H:%M} UTC."
    )


def _holder_is_dead(who: dict[str, Any]) -> bool:
    """Whether the lock's holder is a process on this host that no longer runs."""
    if who.get("host") != socket.gethostname() or not isinstance(who.get("pid"), int):
        return False
    try:
        os.kill(who["pid"], 0)
    except ProcessLookupError:
        return True
    except PermissionError:
        return False
    return False


def renew_lock(session: Session, source: str, holder: str) -> None:
    """Prove we still hold the lock, in the page's transaction; raise LockedError if lost."""
    result = session.execute(
        update(Cursor)
        .where(
            col(Cursor.source) == source,
            col(Cursor.query) == LOCK_QUERY,
            col(Cursor.position) == holder,
        )
        .values(updated_at=utcnow())
    )
    if result.rowcount != 1:  # type: ignore[attr-defined]
        raise LockedError(
            f"This scan of {source} lost its lock (it ran longer than its lease, and another "
            "scan took over). Nothing from the current page was stored; raise the source's "
            "deadline_s if scans need longer."
        )


def release_lock(engine: Engine, source: str, holder: str) -> None:
    """Give the lock of `source` back, if `holder` still has it."""
    with session_scope(engine) as session:
        session.execute(
            update(Cursor)
            .where(
                col(Cursor.source) == source,
                col(Cursor.query) == LOCK_QUERY,
                col(Cursor.position) == holder,
            )
            .values(position=None, updated_at=utcnow(), state={})
        )
