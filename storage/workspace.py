"""What the web workspace keeps and asks beyond cases: edited config versions, credits given,
the queue's change signature, the SLA board, and full-text search over mentions.

Search uses the FTS5 table `mentions_fts` (migration 0005, kept in step by triggers) on SQLite,
and `to_tsvector('simple', text)` with its GIN index on PostgreSQL; without either it falls back
to a LIKE scan.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from sqlalchemy import JSON, Column, ColumnElement, and_, case, func, or_, select, text
from sqlmodel import Field, Session, SQLModel, col

from callbrief.storage.cases import ACTIVE, CLOSED
from callbrief.storage.models import Analysis, Author, Case, Mention, utcnow

CONFIG_SECTIONS = ("brands", "offers", "playbook", "avoid_phrases")
SEARCH_LIMIT = 200


class ConfigVersion(SQLModel, table=True):
    """One saved edit of a settings section; the newest version of each section is in force."""

    __tablename__ = "web_config_versions"

    id: int | None = Field(default=None, primary_key=True)
    section: str = Field(max_length=32, index=True)
    version: int
    data: Any = Field(default=None, sa_column=Column(JSON))
    author: str = Field(max_length=128)
    created_at: datetime = Field(default_factory=utcnow)


class OutcomeCredit(SQLModel, table=True):
    """A goodwill credit given on a callback, and who approved it when it was above the limit."""

    __tablename__ = "web_outcome_credits"

    id: int | None = Field(default=None, primary_key=True)
    outcome_id: int = Field(foreign_key="outcomes.id", index=True)
    case_id: int = Field(foreign_key="cases.id", index=True)
    amount: float
    currency: str = Field(max_length=8)
    limit: float
    approver: str | None = Field(default=None, max_length=128)
    created_at: datetime = Field(default_factory=utcnow)


# ----------------------------------------------------------------------------------- config
def save_config(session: Session, section: str, data: Any, author: str) -> ConfigVersion:
    """Store a new version of a settings section (already validated by the caller)."""
    if section not in CONFIG_SECTIONS:
        raise ValueError(f"unknown config section {section!r}")
    latest = session.execute(
        select(func.max(ConfigVersion.version)).where(col(ConfigVersion.section) == section)
    ).scalar_one()
    row = ConfigVersion(section=section, version=(latest or 0) + 1, data=data, author=author)
    session.add(row)
    session.flush()
    return row


def config_overrides(session: Session) -> dict[str, Any]:
    """The newest stored version of each edited section: section -> data."""
    newest = (
        select(col(ConfigVersion.section), func.max(ConfigVersion.version).label("v"))
        .group_by(col(ConfigVersion.section))
        .subquery()
    )
    rows = session.execute(
        select(col(ConfigVersion.section), col(ConfigVersion.data)).join(
            newest,
            and_(newest.c.section == ConfigVersion.section, newest.c.v == ConfigVersion.version),
        )
    ).all()
    return {section: data for section, data in rows}


def config_history(session: Session, section: str | None = None, limit: int = 50) -> list:
    stmt = select(ConfigVersion).order_by(col(ConfigVersion.id).desc()).limit(limit)
    if section:
        stmt = stmt.where(col(ConfigVersion.section) == section)
    return list(session.execute(stmt).scalars())


# ---------------------------------------------------------------------------------- credits
def record_credit(
    session: Session,
    outcome_id: int,
    case_id: int,
    amount: float,
    currency: str,
    limit: float,
    approver: str | None,
) -> OutcomeCredit:
    row = OutcomeCredit(
        outcome_id=outcome_id,
        case_id=case_id,
        amount=amount,
        currency=currency,
        limit=limit,
        approver=approver,
    )
    session.add(row)
    session.flush()
    return row


# ------------------------------------------------------------------------------ live queue
def queue_signature(session: Session) -> tuple[str, int]:
    """Changes whenever a case is opened, claimed, updated or closed, by any process."""
    newest, count = session.execute(
        select(func.max(Case.updated_at), func.count()).select_from(Case)
    ).one()
    return (str(newest), int(count))


def language_filter(language: str) -> ColumnElement[bool]:
    """Cases with at least one post the analyser read as `language`."""
    ids = (
        select(col(Mention.case_id))
        .join(Analysis, col(Analysis.mention_id) == Mention.id)
        .where(col(Analysis.language) == language, col(Mention.case_id).is_not(None))
    )
    return col(Case.id).in_(ids)


# -------------------------------------------------------------------------------- SLA board
@dataclass
class SlaCell:
    agent: str
    brand: str
    due: int = 0
    overdue: int = 0
    breached: int = 0
    met: int = 0


def sla_board(
    session: Session,
    now: datetime,
    since: datetime,
    brands: Sequence[str] | None = None,
) -> list[SlaCell]:
    """Due / overdue (open cases) and breached / met (first callbacks since `since`), by agent
    and brand; the same rules as `sla_state`, pushed into one GROUP BY."""
    uncontacted = col(Case.first_contact_at).is_(None)
    late = or_(
        col(Case.first_contact_at) > Case.due_at,
        and_(uncontacted, col(Case.status).in_(CLOSED), col(Case.due_at) < now),
    )
    recent = or_(col(Case.first_contact_at) >= since, col(Case.closed_at) >= since)
    active = col(Case.status).in_(ACTIVE)
    agent = func.coalesce(Case.agent, "").label("agent")
    stmt = (
        select(
            agent,
            col(Case.brand),
            func.sum(case((and_(active, uncontacted, col(Case.due_at) >= now), 1), else_=0)),
            func.sum(case((and_(active, uncontacted, col(Case.due_at) < now), 1), else_=0)),
            func.sum(case((and_(recent, late), 1), else_=0)),
            func.sum(
                case((and_(recent, ~late, col(Case.first_contact_at).is_not(None)), 1), else_=0)
            ),
        )
        .where(or_(active, col(Case.closed_at) >= since, col(Case.first_contact_at) >= since))
        .group_by(agent, col(Case.brand))
        .order_by(agent, col(Case.brand))
    )
    if brands:
        stmt = stmt.where(col(Case.brand).in_(list(brands)))
    cells = [
        SlaCell(a, b, int(d or 0), int(o or 0), int(br or 0), int(m or 0))
        for a, b, d, o, br, m in session.execute(stmt).all()
    ]
    return [c for c in cells if c.due or c.overdue or c.breached or c.met]


# ----------------------------------------------------------------------------------- search
@dataclass
class SearchHit:
    mention_id: int
    case_id: int | None
    brand: str
    channel: str
    handle: str
    created_at: datetime
    text: str
    url: str | None


def _fts_available(session: Session) -> bool:
    bind = session.get_bind()
    if bind.dialect.name != "sqlite":
        return False
    found = session.execute(
        text("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'mentions_fts'")
    ).first()
    return found is not None


def _fts_query(words: list[str]) -> str:
    # each word quoted (FTS5 syntax in a post or a query is text) and matched as a prefix
    return " ".join('"' + w.replace('"', '""') + '"*' for w in words)


def search_mentions(
    session: Session,
    query: str = "",
    *,
    author: str | None = None,
    brand: str | None = None,
    since: date | None = None,
    until: date | None = None,
    brands: Sequence[str] | None = None,
    limit: int = SEARCH_LIMIT,
) -> list[SearchHit]:
    """Mentions matching every word of `query` (and the author, brand and date filters), newest
    first; `brands` limits the result to the brands a user may see."""
    words = re.findall(r"\w+", query.replace("İ", "i").casefold())
    stmt = (
        select(
            col(Mention.id),
            col(Mention.case_id),
            col(Mention.brand),
            col(Mention.channel),
            col(Author.handle),
            col(Mention.created_at),
            col(Mention.text),
            col(Mention.url),
        )
        .join(Author, col(Author.id) == Mention.author_id)
        .order_by(col(Mention.created_at).desc(), col(Mention.id).desc())
        .limit(limit)
    )
    dialect = session.get_bind().dialect.name
    if words and dialect == "postgresql":
        vector = func.to_tsvector(text("'simple'"), Mention.text)
        tsquery = func.to_tsquery(text("'simple'"), " & ".join(w + ":*" for w in words))
        stmt = stmt.where(vector.op("@@")(tsquery))
    elif words and _fts_available(session):
        matching = text("SELECT rowid FROM mentions_fts WHERE mentions_fts MATCH :q").bindparams(
            q=_fts_query(words)
        )
        stmt = stmt.where(col(Mention.id).in_(matching))
    elif words:
        for w in words:
            stmt = stmt.where(func.lower(Mention.text).contains(w, autoescape=True))
    if author:
        stmt = stmt.where(col(Author.handle) == author.strip().lstrip("@").casefold())
    if brand:
        stmt = stmt.where(func.lower(Mention.brand) == brand.casefold())
    if brands:
        stmt = stmt.where(col(Mention.brand).in_(list(brands)))
    if since:
        stmt = stmt.where(col(Mention.created_at) >= datetime.combine(since, time(0), UTC))
    if until:
        end = datetime.combine(until + timedelta(days=1), time(0), UTC)
        stmt = stmt.where(col(Mention.created_at) < end)
    return [SearchHit(*row) for row in session.execute(stmt).all()]
