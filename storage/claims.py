"""Work claimed atomically: each unanalysed mention leased to one worker, case updates serialised.

Any number of `analyze` processes (and workers) may run at once. Each asks `claim_mentions` for a
batch: the mentions without an analysis and without a live lease, leased to it in one short
transaction. PostgreSQL picks the rows with `SELECT ... FOR UPDATE SKIP LOCKED`, so two claimers
that meet take disjoint rows without waiting; SQLite takes its single write lock up front with
`BEGIN IMMEDIATE`, so claims run one after another. A lease older than `lease` is stale (its
worker died): the next claimer takes it over. Storing the analysis releases the lease.

Opening and merging cases must see every case opened before, so `lock_case_updates` serialises
those transactions on one row of `work_locks`: a process that meets another waits for it to
commit, then sees its cases, and neither fails.
"""

from __future__ import annotations

import os
import socket
from collections.abc import Sequence
from datetime import datetime, timedelta

from sqlalchemy import and_, delete, or_, update
from sqlalchemy.engine import Connection, Engine
from sqlmodel import Field, Session, SQLModel, col, select

from callbrief.storage.db import dialect_insert
from callbrief.storage.models import Analysis, Mention, table_of, utcnow

DEFAULT_LEASE = timedelta(minutes=10)
CASES_LOCK = "cases"


class AnalysisClaim(SQLModel, table=True):
    """One mention leased to one worker until its analysis is stored (migration 0003)."""

    __tablename__ = "analysis_claims"

    mention_id: int = Field(primary_key=True, foreign_key="mentions.id", ondelete="CASCADE")
    worker: str = Field(max_length=128)
    claimed_at: datetime = Field(default_factory=utcnow, index=True)


class WorkLock(SQLModel, table=True):
    """A row that a transaction locks (by updating it) to run one job at a time (migration 0003)."""

    __tablename__ = "work_locks"

    name: str = Field(primary_key=True, max_length=64)
    holder: str | None = Field(default=None, max_length=128)
    taken_at: datetime | None = None


def worker_name() -> str:
    """This process, as claims name it: host and pid."""
    return f"{socket.gethostname()}:{os.getpid()}"[:128]


def _pending(worker: str, stale_before: datetime, limit: int):  # type: ignore[no-untyped-def]
    """Mentions without an analysis whose lease is absent, stale or already this worker's."""
    claims = table_of(AnalysisClaim)
    return (
        select(col(Mention.id))
        .outerjoin(Analysis, col(Analysis.mention_id) == Mention.id)
        .outerjoin(claims, claims.c.mention_id == Mention.id)
        .where(
            col(Analysis.id).is_(None),
            or_(
                claims.c.mention_id.is_(None),
                claims.c.claimed_at < stale_before,
                claims.c.worker == worker,
            ),
        )
        .order_by(col(Mention.created_at), col(Mention.id))
        .limit(limit)
    )


def _lease(
    conn: Connection, ids: Sequence[int], worker: str, now: datetime, stale_before: datetime
) -> list[int]:
    """Insert or take over the leases of `ids`; the ids actually leased to `worker`."""
    if not ids:
        return []
    claims = table_of(AnalysisClaim)
    stmt = dialect_insert(conn, claims).values(
        [{"mention_id": i, "worker": worker, "claimed_at": now} for i in ids]
    )
    # a live lease of another worker is left alone: the WHERE makes the upsert a no-op for it
    upsert = stmt.on_conflict_do_update(
        index_elements=["mention_id"],
        set_={"worker": stmt.excluded.worker, "claimed_at": stmt.excluded.claimed_at},
        where=or_(claims.c.claimed_at < stale_before, claims.c.worker == worker),
    ).returning(claims.c.mention_id)
    return sorted(row[0] for row in conn.execute(upsert))


def claim_mentions(
    engine: Engine,
    worker: str,
    limit: int,
    *,
    lease: timedelta = DEFAULT_LEASE,
    now: datetime | None = None,
) -> list[int]:
    """Lease up to `limit` unanalysed mentions to `worker`; [] when nothing is left to claim."""
    now = now or utcnow()
    stale_before = now - lease
    with engine.connect() as conn:
        if conn.dialect.name == "sqlite":
            # take the write lock before reading, so no other claimer reads the same rows; a
            # deferred transaction would fail to upgrade its read lock under WAL instead
            conn.exec_driver_sql("BEGIN IMMEDIATE")
            ids = [row[0] for row in conn.execute(_pending(worker, stale_before, limit))]
        else:
            stmt = _pending(worker, stale_before, limit).with_for_update(
                skip_locked=True, of=table_of(Mention)
            )
            ids = [row[0] for row in conn.execute(stmt)]
        leased = _lease(conn, ids, worker, now, stale_before)
        conn.commit()
    return leased


def release_claims(session: Session, mention_ids: Sequence[int]) -> None:
    """Drop the leases of mentions whose analysis is stored in this session's transaction."""
    if mention_ids:
        claims = table_of(AnalysisClaim)
        session.execute(delete(claims).where(claims.c.mention_id.in_(list(mention_ids))))


def lock_case_updates(session: Session, holder: str | None = None) -> None:
    """Serialise case opening and merging: hold the `cases` lock row until this transaction ends.

    Call it first in a fresh transaction. On PostgreSQL the UPDATE waits for another holder's
    commit and the next statement sees that holder's cases (READ COMMITTED); on SQLite the write
    takes the database's write lock, and the transaction's snapshot starts after it.
    """
    locks = table_of(WorkLock)
    stmt = (
        update(locks)
        .where(and_(locks.c.name == CASES_LOCK))
        .values(holder=(holder or worker_name())[:128], taken_at=utcnow())
    )
    if session.execute(stmt).rowcount == 0:  # type: ignore[attr-defined]
        # a database migrated before the row was seeded: create it (a unique key, so once)
        session.execute(
            dialect_insert(session, locks)
            .values(name=CASES_LOCK, holder=holder, taken_at=utcnow())
            .on_conflict_do_nothing(index_elements=["name"])
        )
        session.execute(stmt)
