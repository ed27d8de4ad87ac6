"""What every poller offers the scan: its queries, and pages of records with their cursor."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, Protocol

from callbrief.foundation.errors import SourceError
from callbrief.foundation.records import MentionRecord
from callbrief.foundation.settings import Brand


class QuotaExhaustedError(SourceError):
    """The configured monthly read quota is used up."""


@dataclass(frozen=True)
class QuerySpec:
    """One thing a poller asks a platform, with the cursor key it resumes from."""

    source: str  # "x", "reddit", "rss"
    kind: str  # "search", "mentions", "comments", "feed"
    key: str  # the cursor's query key; stable while the config does not change
    text: str  # the platform query, subreddit list, account or feed URL
    brands: tuple[Brand, ...]


@dataclass
class Page:
    """One page of results, and where the cursor stands once this page is committed."""

    records: list[MentionRecord]
    skipped: int  # retweets, the brand's own posts, non-matching comments
    position: str | None
    state: dict[str, Any]
    reads: int = 0  # items that count against the monthly quota
    window_start: datetime | None = None  # the oldest time this page's walk covers


class Poller(Protocol):
    """A source the scan can run: a list of queries, and a generator of pages per query."""

    name: str

    def queries(self) -> list[QuerySpec]: ...

    def fetch(
        self, query: QuerySpec, position: str | None, state: dict[str, Any]
    ) -> Iterator[Page]: ...

    @property
    def reads(self) -> int: ...

    def close(self) -> None: ...


def iso(value: datetime | None) -> str | None:
    """An aware datetime as ISO 8601 UTC text, or None."""
    if value is None:
        return None
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    return value.astimezone(UTC).isoformat()


def parse_iso(value: str | None) -> datetime | None:
    """ISO 8601 text (with or without a trailing Z) as an aware UTC datetime."""
    if not value:
        return None
    parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def matches(text: str, brand: Brand, channel: str) -> bool:
    """Whether a text names the brand: a keyword, or one of its accounts on that channel."""
    folded = text.casefold()
    terms = [k.casefold() for k in brand.keywords] + [
        h.casefold() for h in brand.handles.get(channel, [])
    ]
    return any(term and term in folded for term in terms)
