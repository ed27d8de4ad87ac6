"""The project's own records that pollers yield; no platform object leaves `monitor/`."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
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
