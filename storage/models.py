"""The tables. Every change here needs an alembic revision in `storage/migrations/versions/`."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any, cast

from sqlalchemy import JSON, Column, Index, Table, Text, UniqueConstraint
from sqlmodel import Field, SQLModel


def utcnow() -> datetime:
    """Aware UTC now: every timestamp in the database is timezone-aware UTC."""
    return datetime.now(UTC)


def table_of(model: type[SQLModel]) -> Table:
    """The Core `Table` behind a table model (SQLModel does not declare `__table__` for mypy)."""
    return SQLModel.metadata.tables[cast(str, model.__tablename__)]


class Customer(SQLModel, table=True):
    """One person, possibly behind several handles on several channels."""

    __tablename__ = "customers"

    id: int | None = Field(default=None, primary_key=True)
    display_name: str | None = None
    phone: str | None = None
    email: str | None = None
    notes: str | None = Field(default=None, sa_column=Column(Text))
    created_at: datetime = Field(default_factory=utcnow)


class Author(SQLModel, table=True):
    """A handle on one channel; linked to a customer."""

    __tablename__ = "authors"
    __table_args__ = (UniqueConstraint("channel", "handle", name="uq_author_channel_handle"),)

    id: int | None = Field(default=None, primary_key=True)
    channel: str = Field(max_length=32)
    handle: str = Field(max_length=255)  # stored casefolded; display form is in `name`
    name: str | None = None
    platform_user_id: str | None = None
    followers: int | None = None
    verified: bool | None = None
    location: str | None = None
    karma: int | None = None
    account_created_at: datetime | None = None
    customer_id: int | None = Field(default=None, foreign_key="customers.id", index=True)
    updated_at: datetime = Field(default_factory=utcnow)


class Mention(SQLModel, table=True):
    """A post about a brand, with its raw payload and provenance."""

    __tablename__ = "mentions"
    __table_args__ = (
        UniqueConstraint("channel", "platform_id", name="uq_mention_channel_platform_id"),
        Index("ix_mentions_brand_created", "brand", "created_at"),
        # covers the digest's GROUP BYs over a time range (migration 0002)
        Index("ix_mentions_created_brand_channel", "created_at", "brand", "channel"),
    )

    id: int | None = Field(default=None, primary_key=True)
    channel: str = Field(max_length=32)
    platform_id: str = Field(max_length=255)
    brand: str = Field(max_length=128)
    author_id: int = Field(foreign_key="authors.id", index=True)
    text: str = Field(sa_column=Column(Text, nullable=False))
    lang: str | None = Field(default=None, max_length=16)
    created_at: datetime = Field(index=True)
    url: str | None = None
    in_reply_to: str | None = None
    conversation_id: str | None = None
    parent_text: str | None = Field(default=None, sa_column=Column(Text))
    quoted_text: str | None = Field(default=None, sa_column=Column(Text))
    title: str | None = Field(default=None, sa_column=Column(Text))
    links: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    metrics: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    content_hash: str = Field(max_length=64, index=True)
    # provenance
    source: str = Field(max_length=64)
    query: str | None = Field(default=None, sa_column=Column(Text))
    fetched_at: datetime = Field(default_factory=utcnow)
    raw: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    case_id: int | None = Field(default=None, foreign_key="cases.id", index=True)


class Analysis(SQLModel, table=True):
    """The NLP pipeline's reading of one mention (latest run wins)."""

    __tablename__ = "analyses"
    __table_args__ = (
        # covers the digest's sentiment and complaint counts (migration 0002)
        Index(
            "ix_analyses_mention_digest", "mention_id", "complaint", "sentiment_label", "category"
        ),
    )

    id: int | None = Field(default=None, primary_key=True)
    mention_id: int = Field(foreign_key="mentions.id", unique=True)
    model_version: str
    language: str = Field(max_length=16)
    sentiment_label: str = Field(max_length=16, index=True)
    sentiment_score: float
    complaint: bool
    irony: bool
    category: str | None = Field(default=None, max_length=64, index=True)
    asks: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    signals: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    entities: list[dict[str, str]] = Field(
        default_factory=list, sa_column=Column(JSON, nullable=False)
    )
    grievance: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    priority: float = 0.0
    error: str | None = Field(default=None, sa_column=Column(Text))
    created_at: datetime = Field(default_factory=utcnow)


class Case(SQLModel, table=True):
    """A callback to make: one customer's grievance about one brand."""

    __tablename__ = "cases"
    __table_args__ = (Index("ix_cases_status_due", "status", "due_at"),)

    id: int | None = Field(default=None, primary_key=True)
    brand: str = Field(max_length=128, index=True)
    author_id: int = Field(foreign_key="authors.id", index=True)
    customer_id: int | None = Field(default=None, foreign_key="customers.id", index=True)
    category: str | None = Field(default=None, max_length=64)
    # open -> assigned -> (reached | unreachable | follow_up)* -> resolved | escalated
    status: str = Field(default="open", max_length=32)
    priority: float = 0.0
    agent: str | None = Field(default=None, max_length=128, index=True)
    opened_at: datetime = Field(default_factory=utcnow, index=True)
    last_mention_at: datetime = Field(default_factory=utcnow)
    due_at: datetime | None = None
    first_contact_at: datetime | None = None
    follow_up_at: datetime | None = None
    closed_at: datetime | None = None
    updated_at: datetime = Field(default_factory=utcnow)


class Outcome(SQLModel, table=True):
    """What happened on one callback attempt."""

    __tablename__ = "outcomes"

    id: int | None = Field(default=None, primary_key=True)
    case_id: int = Field(foreign_key="cases.id", index=True)
    result: str = Field(max_length=32)  # reached|unreachable|resolved|escalated|follow_up
    note: str | None = Field(default=None, sa_column=Column(Text))
    agent: str | None = Field(default=None, max_length=128)
    promise: str | None = Field(default=None, sa_column=Column(Text))
    follow_up_at: datetime | None = None
    created_at: datetime = Field(default_factory=utcnow, index=True)


class Cursor(SQLModel, table=True):
    """Where one query of one source stopped; advanced only after its data is committed."""

    __tablename__ = "cursors"
    __table_args__ = (UniqueConstraint("source", "query", name="uq_cursor_source_query"),)

    id: int | None = Field(default=None, primary_key=True)
    source: str = Field(max_length=64)
    query: str = Field(sa_column=Column(Text, nullable=False))
    position: str | None = None  # since_id, fullname, timestamp... as the source defines
    state: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    updated_at: datetime = Field(default_factory=utcnow)


class ScanRun(SQLModel, table=True):
    """An audit of one scan of one source: what it covered and what it could not."""

    __tablename__ = "scan_runs"

    id: int | None = Field(default=None, primary_key=True)
    source: str = Field(max_length=64, index=True)
    started_at: datetime = Field(default_factory=utcnow, index=True)
    finished_at: datetime | None = None
    status: str = Field(default="running", max_length=16)  # running|ok|partial|failed
    new: int = 0
    duplicates: int = 0
    skipped: int = 0
    errors: int = 0
    pages: int = 0
    sleeps_s: float = 0.0
    quota_used: int = 0
    # per query: {"query", "window_start", "window_end", "pages", "new", "gap", "error"}
    queries: list[dict[str, Any]] = Field(
        default_factory=list, sa_column=Column(JSON, nullable=False)
    )
    error: str | None = Field(default=None, sa_column=Column(Text))
