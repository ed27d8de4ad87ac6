"""What is left for the queue workers: unanalysed mentions, the live leases on them, their cases."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func
from sqlmodel import Session, col, select

from callbrief.storage.claims import AnalysisClaim
from callbrief.storage.models import Analysis, Mention


@dataclass
class Backlog:
    """Unanalysed mentions: how many in all, and how many a live lease holds (being worked on)."""

    pending: int
    leased: int

    @property
    def claimable(self) -> int:
        return self.pending - self.leased


def backlog(session: Session, stale_before: datetime) -> Backlog:
    """Count the mentions without an analysis, and those among them under a lease newer than
    `stale_before`."""
    unanalysed = (
        select(col(Mention.id))
        .outerjoin(Analysis, col(Analysis.mention_id) == Mention.id)
        .where(col(Analysis.id).is_(None))
        .subquery()
    )
    pending = session.exec(select(func.count()).select_from(unanalysed)).one()
    leased = session.exec(
        select(func.count())
        .select_from(unanalysed)
        .join(AnalysisClaim, col(AnalysisClaim.mention_id) == unanalysed.c.id)
        .where(col(AnalysisClaim.claimed_at) >= stale_before)
    ).one()
    return Backlog(int(pending), int(leased))


def case_ids_of(session: Session, mention_ids: Sequence[int]) -> list[int]:
    """The cases these mentions belong to, each once, in id order."""
    if not mention_ids:
        return []
    rows = session.exec(
        select(col(Mention.case_id))
        .where(col(Mention.id).in_(list(mention_ids)), col(Mention.case_id).is_not(None))
        .distinct()
    ).all()
    return sorted(int(r) for r in rows if r is not None)
