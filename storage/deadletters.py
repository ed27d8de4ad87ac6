"""Dead letters and delivery counts: what the queue workers gave up on, and how often they tried.

A task lands here when it fails for good: its retries are spent, its arguments can never work, or
its message was delivered `max_deliveries` times without finishing (a task that kills its worker
would otherwise be redelivered forever, since late acks put it back on every crash). Writes are
keyed by the broker's task id, so a redelivered failure records one row, not two.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Column, Insert, Text, delete, func
from sqlmodel import Field, Session, SQLModel, col, select

from callbrief.storage.db import dialect_insert
from callbrief.storage.models import table_of, utcnow


class DeadLetter(SQLModel, table=True):
    """A task the workers gave up on, with its arguments and the last error (migration 0006)."""

    __tablename__ = "dead_letters"

    id: int | None = Field(default=None, primary_key=True)
    task_id: str = Field(max_length=255, unique=True)
    task: str = Field(max_length=255)
    queue: str | None = Field(default=None, max_length=64)
    args: list[Any] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    kwargs: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    error: str = Field(sa_column=Column(Text, nullable=False))
    attempts: int = 1
    created_at: datetime = Field(default_factory=utcnow, index=True)


class TaskDelivery(SQLModel, table=True):
    """How many times a task's message reached a worker; dropped when the task succeeds."""

    __tablename__ = "task_deliveries"

    task_id: str = Field(max_length=255, primary_key=True)
    task: str = Field(max_length=255)
    deliveries: int = 0
    updated_at: datetime = Field(default_factory=utcnow)


@dataclass
class DeadLetterRow:
    """One dead letter as the digest and `callbrief status` show it."""

    task_id: str
    task: str
    queue: str | None
    error: str
    attempts: int
    created_at: datetime


def count_delivery(session: Session, task_id: str, task: str) -> int:
    """Count one more delivery of `task_id` and return the total, atomically across workers."""
    stmt: Insert = dialect_insert(session, table_of(TaskDelivery)).values(
        task_id=task_id, task=task, deliveries=1, updated_at=utcnow()
    )
    stmt = stmt.on_conflict_do_update(  # type: ignore[attr-defined]
        index_elements=["task_id"],
        set_={"deliveries": table_of(TaskDelivery).c.deliveries + 1, "updated_at": utcnow()},
    )
    return int(session.execute(stmt.returning(table_of(TaskDelivery).c.deliveries)).scalar_one())


def forget_delivery(session: Session, task_id: str) -> None:
    """The task finished: its delivery count is no longer needed."""
    session.execute(delete(TaskDelivery).where(col(TaskDelivery.task_id) == task_id))


def record_dead_letter(
    session: Session,
    *,
    task_id: str,
    task: str,
    error: str,
    attempts: int,
    queue: str | None = None,
    args: list[Any] | tuple[Any, ...] = (),
    kwargs: dict[str, Any] | None = None,
) -> bool:
    """Store a dead letter once per task id; False when that task was already recorded."""
    stmt = dialect_insert(session, table_of(DeadLetter)).values(
        task_id=task_id,
        task=task,
        queue=queue,
        args=_jsonable(list(args)),
        kwargs=_jsonable(kwargs or {}),
        error=error[:4000],
        attempts=attempts,
        created_at=utcnow(),
    )
    stmt = stmt.on_conflict_do_nothing(index_elements=["task_id"])
    inserted = session.execute(stmt.returning(table_of(DeadLetter).c.id)).first()
    forget_delivery(session, task_id)
    return inserted is not None


def _jsonable(value: Any) -> Any:
    """Arguments as JSON can hold them: a poisoned message may carry anything."""
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_jsonable(v) for v in value]
    if value is None or isinstance(value, bool | int | float | str):
        return value
    return repr(value)


def dead_letters(
    session: Session,
    start: datetime | None = None,
    end: datetime | None = None,
    *,
    limit: int = 20,
) -> list[DeadLetterRow]:
    """The newest dead letters (within [start, end) when given)."""
    stmt = select(DeadLetter).order_by(col(DeadLetter.created_at).desc(), col(DeadLetter.id).desc())
    if start is not None:
        stmt = stmt.where(col(DeadLetter.created_at) >= start)
    if end is not None:
        stmt = stmt.where(col(DeadLetter.created_at) < end)
    return [
        DeadLetterRow(r.task_id, r.task, r.queue, r.error, r.attempts, r.created_at)
        for r in session.exec(stmt.limit(limit)).all()
    ]


def count_dead_letters(
    session: Session, start: datetime | None = None, end: datetime | None = None
) -> int:
    """How many dead letters there are (within [start, end) when given)."""
    stmt = select(func.count()).select_from(DeadLetter)
    if start is not None:
        stmt = stmt.where(col(DeadLetter.created_at) >= start)
    if end is not None:
        stmt = stmt.where(col(DeadLetter.created_at) < end)
    return int(session.exec(stmt).one())
