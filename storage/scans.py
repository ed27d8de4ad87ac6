"""Scan-run records: what each scan of each source covered, and the gaps it could not."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import func
from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from callbrief.foundation.records import QueryReport
from callbrief.storage.db import session_scope
from callbrief.storage.models import ScanRun, utcnow

INTERRUPTED = "interrupted: the process ended before this scan finished (killed or crashed)"


def start_run(engine: Engine, source: str, *, started_at: datetime | None = None) -> int:
    """Open a run record; runs of `source` left 'running' by a dead process become 'failed'.

    Call it while holding the source's lock: then no other live scan of it can be running.
    """
    with session_scope(engine) as session:
        for stale in session.exec(
            select(ScanRun).where(ScanRun.source == source, ScanRun.status == "running")
        ):
            stale.status = "failed"
            stale.error = INTERRUPTED
            stale.errors += 1
        run = ScanRun(source=source, started_at=started_at or utcnow())
        session.add(run)
        session.flush()
        assert run.id is not None
        return run.id


def finish_run(engine: Engine, run_id: int, **fields: Any) -> None:
    """Close a run record with its counts, per-query windows and status."""
    with session_scope(engine) as session:
        run = session.get(ScanRun, run_id)
        if run is None:
            return
        for name, value in fields.items():
            setattr(run, name, value)
        run.finished_at = fields.get("finished_at") or utcnow()


def quota_used_this_month(session: Session, source: str, now: datetime) -> int:
    """Reads counted against `source`'s monthly quota since the first of `now`'s month (UTC)."""
    now = now.astimezone(UTC)
    month_start = now.replace(day=1, hour=0, minute=0, second=0, microsecond=0)
    used = session.exec(
        select(func.coalesce(func.sum(ScanRun.quota_used), 0)).where(
            ScanRun.source == source, ScanRun.started_at >= month_start
        )
    ).one()
    return int(used or 0)


def runs_since(session: Session, since: datetime, source: str | None = None) -> list[ScanRun]:
    """Scan runs started at or after `since`, oldest first."""
    stmt = select(ScanRun).where(ScanRun.started_at >= since)
    if source:
        stmt = stmt.where(ScanRun.source == source)
    return list(session.exec(stmt.order_by(col(ScanRun.started_at), col(ScanRun.id))))


def query_reports(run: ScanRun) -> list[QueryReport]:
    """The per-query reports a scan run stored, read back through the one schema."""
    return [QueryReport.from_json(q) for q in run.queries or [] if isinstance(q, dict)]
