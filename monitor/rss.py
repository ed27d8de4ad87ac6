"""RSS/Atom poller (feedparser): news and alert feeds configured per brand."""

from __future__ import annotations

import calendar
import html
import re
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urlsplit

import feedparser
import requests

from callbrief.foundation.errors import MalformedResponseError, SourceError
from callbrief.foundation.records import AuthorRecord, MentionRecord
from callbrief.foundation.settings import Brand, RssSource
from callbrief.monitor.base import Page, QuerySpec
from callbrief.monitor.pacing import Deadline, PacedSession, TransientError, with_retries

SEEN_KEPT = 500  # feeds do not page: remembering recent entry ids is enough to skip repeats
TAGS = re.compile(r"<[^>]+>")


class RssPoller:
    """Collects entries of the brands' feeds; every entry of a brand's feed is about it."""

    name = "rss"

    def __init__(
        self,
        cfg: RssSource,
        brands: list[Brand],
        deadline: Deadline,
        *,
        now: datetime,
        session: requests.Session | None = None,
    ) -> None:
        self.cfg = cfg
        self.brands = brands
        self.deadline = deadline
        self.now = now
        self.session = session or PacedSession(timeout=cfg.timeout_s, deadline=deadline)
        self._reads = 0

    @property
    def reads(self) -> int:
        return self._reads

    def close(self) -> None:
        self.session.close()

    def queries(self) -> list[QuerySpec]:
        """One query per feed of each brand."""
        return [
            QuerySpec("rss", "feed", f"feed {url}", url, (brand,))
            for brand in self.brands
            for url in brand.feeds
        ]

    def fetch(
        self, query: QuerySpec, position: str | None, state: dict[str, Any]
    ) -> Iterator[Page]:
        """The feed's entries not seen before, as one page."""
        url = query.text
        what = f"Feed {url}"
        response = with_retries(lambda: self._get(url, what), self.deadline, what=what)
        parsed = feedparser.parse(response.content)
        if parsed.bozo and not parsed.entries:
            raise MalformedResponseError(
                f"{what} is not RSS or Atom ({type(parsed.bozo_exception).__name__}). Check the "
                "URL in brands[].feeds."
            )
        self._reads += len(parsed.entries)
        seen = list(state.get("seen", []))
        feed_title = parsed.feed.get("title") or urlsplit(url).netloc
        records = []
        for entry in parsed.entries:
            key = entry.get("id") or entry.get("link")
            if not key or key in seen:
                continue
            seen.append(key)
            records.append(self._record(query, entry, key, feed_title))
        newest = max((r.created_at for r in records), default=None)
        if newest and (not position or newest.isoformat() > position):
            position = newest.isoformat()
        yield Page(records, 0, position, {"seen": seen[-SEEN_KEPT:], "position_at": position})

    def _get(self, url: str, what: str) -> requests.Response:
        try:
            response = self.session.get(url, headers={"User-Agent": "callbrief feed reader"})
        except requests.Timeout:
            raise TransientError(f"no answer within {self.cfg.timeout_s:g}s") from None
        except requests.ConnectionError as exc:
            raise TransientError(f"connection failed: {type(exc).__name__}") from None
        if response.status_code >= 500:
            raise TransientError(f"HTTP {response.status_code}")
        if response.status_code >= 400:
            raise SourceError(
                f"{what} answered HTTP {response.status_code}. Check the URL in brands[].feeds."
            )
        return response

    def _record(self, query: QuerySpec, entry: Any, key: str, feed_title: str) -> MentionRecord:
        title = entry.get("title", "")
        summary = html.unescape(TAGS.sub(" ", entry.get("summary", ""))).strip()
        summary = re.sub(r"\s+", " ", summary)
        stamp = entry.get("published_parsed") or entry.get("updated_parsed")
        created = datetime.fromtimestamp(calendar.timegm(stamp), tz=UTC) if stamp else self.now
        author = entry.get("author") or feed_title
        link = entry.get("link")
        return MentionRecord(
            channel="rss",
            platform_id=key,
            brand=query.brands[0].name,
            text=f"{title}\n\n{summary}".strip() if summary else title,
            created_at=created,
            author=AuthorRecord(channel="rss", handle=author, name=author),
            url=link,
            lang=entry.get("language") or None,
            title=title or None,
            links=[link] if link else [],
            source="rss",
            query=query.text,
            fetched_at=datetime.now(UTC),
            raw={k: v for k, v in entry.items() if isinstance(v, (str, int, float, bool))},
        )
