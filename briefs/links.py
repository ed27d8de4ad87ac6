"""Post text as pieces of text and links: short links expanded, only http(s) made clickable."""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any
from urllib.parse import urlsplit

URL = re.compile(r"https?://[^\s<>\"'\]]+", re.IGNORECASE)
HREF = re.compile(r"^https?://[^\s<>\"']+$", re.IGNORECASE)
# bidi controls and marks, zero-width characters, other format and control characters
UNSEEN = re.compile(
    "[\u202a-\u202e\u2066-\u2069\u200b-\u200f\u061c\u2060-\u2064\ufeff\u00ad\x00-\x1f\x7f-\x9f]"
)
SHORTENERS = {"t.co", "bit.ly", "goo.gl", "tinyurl.com", "ow.ly", "buff.ly", "redd.it"}


def href(url: str | None) -> str | None:
    """`url` when it is safe to link to (http or https), else None: it is shown as text only.

    A URL holding a bidi control or an invisible character is never a link: it could show one
    address and open another.
    """
    if not url or not HREF.match(url) or UNSEEN.search(url):
        return None
    return url


def expansions(raw: Any) -> dict[str, str]:
    """The short-link -> real URL map an X payload carries in entities.urls."""
    # X keeps the t.co -> real URL map in entities.urls of the raw payload
    found: dict[str, str] = {}
    raw = raw if isinstance(raw, dict) else {}
    for holder in (raw, raw.get("data") if isinstance(raw.get("data"), dict) else {}):
        urls = ((holder or {}).get("entities") or {}).get("urls") or []
        for item in urls:
            if isinstance(item, dict) and item.get("url"):
                expanded = item.get("unwound_url") or item.get("expanded_url")
                if expanded:
                    found[str(item["url"])] = str(expanded)
    return found


def segments(
    text: str | None, links: Iterable[str] = (), expansions: dict[str, str] | None = None
) -> list[dict[str, Any]]:
    """Split post text into text and link pieces; short links show their expanded target."""
    if not text:
        return []
    expansions = dict(expansions or {})
    spare = [u for u in links if u not in text and u not in expansions.values()]
    pieces: list[dict[str, Any]] = []
    cursor = 0
    for match in URL.finditer(text):
        url = match.group(0).rstrip(".,;:!?)")
        start, end = match.start(), match.start() + len(url)
        if start > cursor:
            pieces.append({"kind": "text", "text": text[cursor:start]})
        target = expansions.get(url)
        host = url.split("/")[2].lower() if url.count("/") >= 2 else ""
        if target is None and host in SHORTENERS and spare:
            target = spare.pop(0)  # links are stored in the order the platform listed them
        target = target or url
        pieces.append({"kind": "link", "text": target, "href": href(target), "short": url})
        cursor = end
    if cursor < len(text):
        pieces.append({"kind": "text", "text": text[cursor:]})
    return pieces


CANONICAL_HOSTS = {"x": "https://x.com", "reddit": "https://www.reddit.com"}
KNOWN_HOSTS = {
    "x": {"x.com", "twitter.com", "www.twitter.com", "mobile.twitter.com"},
    "reddit": {"www.reddit.com", "reddit.com", "old.reddit.com"},
}


def canonical_url(mention: Any) -> str | None:
    """The post's address on its own platform, whichever host (a replay, a proxy) fetched it."""
    url = getattr(mention, "url", None)
    channel = getattr(mention, "channel", None)
    if not url or channel not in CANONICAL_HOSTS:
        return url
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https"):
        return url  # never turn "javascript:..." into a link; href() shows it as text
    if parts.hostname in KNOWN_HOSTS[channel] and parts.scheme == "https":
        return url
    path = parts.path + (f"?{parts.query}" if parts.query else "")
    return CANONICAL_HOSTS[channel] + (path if path.startswith("/") else "/" + path)
