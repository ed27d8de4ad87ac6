"""What a case is about, kept beside it: its order/tracking numbers, asks, signals and threads.

`update_cases` joins a post to a case by these (the same parcel, the same thread, the same
category within the window) rather than by who wrote it, and a later post that adds an ask or a
threat updates them, so the queue and the brief see the case as the customer sees it now.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from sqlalchemy import JSON, Column
from sqlmodel import Field, Session, SQLModel, col, select

from callbrief.storage.models import utcnow

SAFETY = "safety_risk"
KEY_TYPES = ("order_id", "tracking_number", "ticket")  # entity kinds that name one matter


class CaseMatter(SQLModel, table=True):
    """One case's matter: the keys and the customer's asks and signals so far (migration 0004)."""

    __tablename__ = "case_matters"

    case_id: int = Field(primary_key=True, foreign_key="cases.id", ondelete="CASCADE")
    keys: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    threads: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    asks: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    signals: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    updated_at: datetime = Field(default_factory=utcnow)

    @property
    def safety(self) -> bool:
        return SAFETY in self.signals

    def absorb(
        self,
        *,
        keys: Iterable[str],
        threads: Iterable[str],
        asks: Iterable[str],
        signals: Iterable[str],
        now: datetime,
    ) -> bool:
        """Add a post's keys, threads, asks and signals; True when an ask or signal is new."""
        before = (set(self.asks), set(self.signals))
        self.keys = _merged(self.keys, keys)
        self.threads = _merged(self.threads, threads)
        self.asks = _merged(self.asks, asks)
        self.signals = _merged(self.signals, signals)
        self.updated_at = now
        return (set(self.asks), set(self.signals)) != before


def _merged(old: Iterable[str], new: Iterable[str]) -> list[str]:
    return list(dict.fromkeys([*old, *(n for n in new if n)]))


def matter_keys(entities: Iterable[object]) -> list[str]:
    """The order, tracking and ticket numbers among a post's entities, normalised for matching."""
    found = []
    for entity in entities:
        if isinstance(entity, dict) and entity.get("type") in KEY_TYPES and entity.get("text"):
            found.append(str(entity["text"]).strip().upper())
    return list(dict.fromkeys(found))


def matters_of(session: Session, case_ids: Iterable[int | None]) -> dict[int, CaseMatter]:
    """The stored matters of these cases, by case id (a case opened before 0004 has none)."""
    ids = sorted({i for i in case_ids if i is not None})
    if not ids:
        return {}
    rows = session.exec(select(CaseMatter).where(col(CaseMatter.case_id).in_(ids))).all()
    return {row.case_id: row for row in rows}
