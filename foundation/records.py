"""The project's own records that pollers yield; no platform object leaves `monitor/`."""

from __future__ import annotations

import hashlib
from dataclasses import asdict, dataclass, field
from datetime import datetime
from typing import Any

# every channel a mention can come from: the pollers' and the importer's, one list
CHANNELS = ("x", "reddit", "rss", "email", "phone", "other")


@dataclass
class AuthorRecord:
    """Who wrote a mention, as the channel describes them."""

    channel: str
    handle: str
    name: str | None = None
    platform_user_id: str | None = None
    followers: int | None = None
    verified: bool | None = None
    location: str | None = None
    karma: int | None = None
    account_created_at: datetime | None = None


@dataclass
class MentionRecord:
    """One post about a brand, with its context and provenance."""

    channel: str  # "x", "reddit", "rss", "import"
    platform_id: str
    brand: str
    text: str
    created_at: datetime
    author: AuthorRecord
    url: str | None = None
    lang: str | None = None
    in_reply_to: str | None = None
    conversation_id: str | None = None
    parent_text: str | None = None  # the replied-to post or comment's parent
    quoted_text: str | None = None
    title: str | None = None  # Reddit submission title, feed item title
    links: list[str] = field(default_factory=list)  # expanded URLs
    metrics: dict[str, Any] = field(default_factory=dict)
    source: str = "import"  # poller name that produced it
    query: str | None = None
    fetched_at: datetime | None = None
    raw: dict[str, Any] = field(default_factory=dict)

    @property
    def content_hash(self) -> str:
        """Hash of author and text, used to drop exact duplicates across ids."""
        key = f"{self.channel}\x00{self.author.handle.casefold()}\x00{self.text.strip()}"
        return hashlib.sha256(key.encode("utf-8")).hexdigest()


NOT_FINISHED = "not finished in this scan"


@dataclass
class Gap:
    """A time range a query could not cover; ISO 8601 strings as the platform gave them."""

    start: str | None
    end: str | None
    why: str = NOT_FINISHED


@dataclass
class QueryReport:
    """What one query covered in one scan: written by the scan, read by the digest.

    Stored as JSON in ScanRun.queries; `to_json` and `from_json` are the only two sides of that
    format, so the writer and the readers cannot drift apart.
    """

    query: str
    window_start: str | None = None
    window_end: str | None = None
    pages: int = 0
    new: int = 0
    duplicates: int = 0
    skipped: int = 0
    gaps: list[Gap] = field(default_factory=list)
    error: str | None = None

    def to_json(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> QueryReport:
        gaps = [
            # rows written by 0.1 named the range "from"/"to"
            Gap(
                start=g.get("start", g.get("from")),
                end=g.get("end", g.get("to")),
                why=g.get("why") or NOT_FINISHED,
            )
            for g in data.get("gaps") or []
            if isinstance(g, dict)
        ]
        return cls(
            query=str(data.get("query") or "?"),
            window_start=data.get("window_start"),
            window_end=data.get("window_end"),
            pages=int(data.get("pages") or 0),
            new=int(data.get("new") or 0),
            duplicates=int(data.get("duplicates") or 0),
            skipped=int(data.get("skipped") or 0),
            gaps=gaps,
            error=data.get("error"),
        )
