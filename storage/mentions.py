"""Store mention records: authors upserted, mentions inserted once, exact duplicates dropped."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Table
from sqlmodel import Session, select

from callbrief.foundation.limits import record_problem
from callbrief.foundation.policy import aware
from callbrief.foundation.records import AuthorRecord, MentionRecord
from callbrief.storage.db import dialect_insert
from callbrief.storage.models import Author, Mention, table_of, utcnow


@dataclass
class SaveResult:
    """What one save did: how many were new, how many were already stored."""

    new: int = 0
    duplicates: int = 0
    new_ids: list[int] = field(default_factory=list)
    # (position among the records given to that save, platform id, reason) of records that
    # cannot be stored as they are (foundation.limits)
    rejected: list[tuple[int, str, str]] = field(default_factory=list)

    def __iadd__(self, other: SaveResult) -> SaveResult:
        self.new += other.new
        self.duplicates += other.duplicates
        self.new_ids.extend(other.new_ids)
        self.rejected.extend(other.rejected)
        return self


def _insert_ignoring_conflict(
    session: Session, table: Table, values: dict[str, Any], keys: list[str]
) -> int | None:
    """Insert one row; None when a row with the same unique `keys` is already stored.

    ON CONFLICT DO NOTHING rather than check-then-insert: two scans at once must not both insert,
    and the loser of such a race must not fail its whole page.
    """
    stmt = dialect_insert(session, table).values(**values)
    row = session.execute(stmt.on_conflict_do_nothing(index_elements=keys).returning(table.c.id))
    found = row.first()
    return found[0] if found else None


def upsert_author(session: Session, record: AuthorRecord) -> Author:
    """The stored author for a handle on a channel, created or refreshed from `record`."""
    handle = record.handle.lstrip("@").casefold()
    _insert_ignoring_conflict(
        session,
        table_of(Author),
        {"channel": record.channel, "handle": handle, "updated_at": utcnow()},
        ["channel", "handle"],
    )
    author = session.exec(
        select(Author).where(Author.channel == record.channel, Author.handle == handle)
    ).one()
    # newer observations win, but a missing value never erases a known one
    for name in ("name", "platform_user_id", "followers", "verified", "location", "karma"):
        value = getattr(record, name)
        if value is not None:
            setattr(author, name, value)
    if record.account_created_at is not None:
        author.account_created_at = aware(record.account_created_at)
    author.updated_at = utcnow()
    session.flush()
    return author


def save_mentions(session: Session, records: Iterable[MentionRecord]) -> SaveResult:
    """Store records once each: by (channel, platform id), and by content for exact repeats."""
    result = SaveResult()
    for position, record in enumerate(records):
        # one bad value (a NUL byte, an int past int32) would fail the whole transaction
        if problem := record_problem(record):
            result.rejected.append((position, record.platform_id[:255], problem))
            continue
        author = upsert_author(session, record.author)
        content_hash = record.content_hash
        repeat = session.exec(
            select(Mention.id).where(
                Mention.content_hash == content_hash,
                Mention.platform_id != record.platform_id,
            )
        ).first()
        if repeat is not None:
            result.duplicates += 1
            continue
        values = dict(
            channel=record.channel,
            platform_id=record.platform_id,
            brand=record.brand,
            author_id=author.id,
            text=record.text,
            lang=record.lang,
            created_at=aware(record.created_at),
            url=record.url,
            in_reply_to=record.in_reply_to,
            conversation_id=record.conversation_id,
            parent_text=record.parent_text,
            quoted_text=record.quoted_text,
            title=record.title,
            links=list(record.links),
            metrics=dict(record.metrics),
            content_hash=content_hash,
            source=record.source,
            query=record.query,
            fetched_at=aware(record.fetched_at) or utcnow(),
            raw=record.raw,
        )
        new_id = _insert_ignoring_conflict(
            session, table_of(Mention), values, ["channel", "platform_id"]
        )
        if new_id is None:
            result.duplicates += 1
        else:
            result.new += 1
            result.new_ids.append(new_id)
    session.flush()
    return result
