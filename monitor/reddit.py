"""Reddit poller (praw): brand searches and new comments, newest first, gap-free by fullname.

Listings run newest first and page backwards with `after`, like X's: a query's cursor is the
newest committed fullname (`position`, with its time in `position_at`) plus `state["gaps"]`,
the stretches between committed items that a scan did not finish. A walk stops when it reaches
an item at or older than its floor, so a second scan reads only what is new.
"""

from __future__ import annotations

import copy
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import praw
import prawcore

from callbrief.foundation.errors import (
    AuthError,
    MalformedResponseError,
    RateLimitedError,
    SourceError,
)
from callbrief.foundation.records import AuthorRecord, MentionRecord
from callbrief.foundation.settings import Brand, RedditSource
from callbrief.monitor.base import Page, QuerySpec, iso, matches, parse_iso
from callbrief.monitor.pacing import Deadline, PacedSession, SlidingWindow

PAGE_SIZE = 100
PLAIN = (str, int, float, bool, type(None))


def make_reddit(cfg: RedditSource, deadline: Deadline) -> praw.Reddit:
    """A read-only praw client for the configured hosts, paced to the per-minute limit."""
    if not (cfg.client_id and cfg.client_secret):
        raise AuthError(
            f"No Reddit app credentials. Set {cfg.client_id_env} and {cfg.client_secret_env} "
            "(a 'script' app from reddit.com/prefs/apps), or set sources.reddit.enabled: false."
        )
    session = PacedSession(
        timeout=cfg.timeout_s, deadline=deadline, window=SlidingWindow(cfg.requests_per_minute)
    )
    return praw.Reddit(
        client_id=cfg.client_id,
        client_secret=cfg.client_secret,
        user_agent=cfg.user_agent,
        oauth_url=cfg.oauth_url,
        reddit_url=cfg.reddit_url,
        timeout=int(cfg.timeout_s),  # whole seconds: praw applies int() to it anyway
        requestor_kwargs={"session": session},
        check_for_updates=False,
        check_for_async=False,
    )


def search_terms(brand: Brand) -> str:
    """Reddit search syntax for a brand's words and the names of its accounts."""
    terms = [f'"{k}"' if " " in k else k for k in brand.keywords]
    terms += [f'"u/{h}"' for h in brand.handles.get("reddit", [])]
    if not terms:
        raise SourceError(f"Brand {brand.name!r} has no keywords or Reddit accounts to search.")
    return " OR ".join(terms)


class RedditPoller:
    """Collects submissions and comments about the configured brands from Reddit."""

    name = "reddit"

    def __init__(
        self,
        cfg: RedditSource,
        brands: list[Brand],
        reddit: praw.Reddit,
        deadline: Deadline,
        *,
        now: datetime,
    ) -> None:
        self.cfg = cfg
        self.brands = brands
        self.reddit = reddit
        self.deadline = deadline
        self.now = now
        self._reads = 0
        self._people: dict[str, dict[str, Any]] = {}  # author fullname -> karma and age

    @property
    def reads(self) -> int:
        return self._reads

    def close(self) -> None:
        pass  # praw's session belongs to the Reddit object, closed with the process

    def queries(self) -> list[QuerySpec]:
        """A search per brand, and the new comments of each configured subreddit."""
        specs = []
        for brand in self.brands:
            subs = "+".join(brand.subreddits) or "all"
            text = search_terms(brand)
            specs.append(QuerySpec("reddit", "search", f"search r/{subs} {text}", text, (brand,)))
        for sub in self.cfg.comment_subreddits:
            brands = tuple(b for b in self.brands if not b.subreddits or sub in b.subreddits)
            if brands:
                specs.append(QuerySpec("reddit", "comments", f"comments r/{sub}", sub, brands))
        return specs

    def fetch(
        self, query: QuerySpec, position: str | None, state: dict[str, Any]
    ) -> Iterator[Page]:
        """Pages of new items for `query`: the newest first, then gaps left by earlier scans."""
        state = copy.deepcopy(state)
        if position:
            top: dict[str, Any] = {"floor_name": position, "floor_at": state.get("position_at")}
        else:
            start = self.now - timedelta(hours=self.cfg.backfill_hours)
            top = {"floor_name": None, "floor_at": iso(start)}
        budget = self.cfg.max_items_per_query
        for walk in [top, *state.get("gaps", [])]:
            floor_at = parse_iso(walk.get("floor_at"))
            after = walk.get("after")
            while budget > 0:
                items, more = self._listing(query, after)
                fresh = []
                reached_floor = False
                for item in items:
                    created = datetime.fromtimestamp(item.created_utc, tz=UTC)
                    if item.name == walk.get("floor_name") or (floor_at and created < floor_at):
                        reached_floor = True
                        break
                    fresh.append(item)
                budget -= len(fresh)
                records, skipped = self._records(query, fresh)
                if fresh:
                    if walk is top and "started" not in walk:
                        walk["started"] = True
                        position = fresh[0].name
                        state["position_at"] = iso(
                            datetime.fromtimestamp(fresh[0].created_utc, tz=UTC)
                        )
                        state.setdefault("gaps", []).insert(0, walk)
                    walk["after"] = fresh[-1].name
                    walk["until_at"] = iso(datetime.fromtimestamp(fresh[-1].created_utc, tz=UTC))
                    after = fresh[-1].name
                # Reddit drops removed and filtered items from a page after choosing it, so a
                # page shorter than the limit can sit mid-listing: only a missing `after` token
                # ends the listing
                finished = reached_floor or not fresh or not more
                if finished and walk in state.get("gaps", []):
                    state["gaps"].remove(walk)
                clean = copy.deepcopy(state)
                for gap in clean.get("gaps", []):
                    gap.pop("started", None)
                yield Page(records, skipped, position, clean, len(items), floor_at)
                if finished:
                    break

    def _listing(self, query: QuerySpec, after: str | None) -> tuple[list[Any], str | None]:
        """One page of a listing, newest first, as praw objects (they stay in this module), and
        the listing's `after` token: None on its last page."""
        params: dict[str, Any] = {"limit": PAGE_SIZE}
        if after:
            params["after"] = after
        if query.kind == "search":
            subs = "+".join(query.brands[0].subreddits) or "all"
            path = f"r/{subs}/search"
            params.update(q=query.text, sort="new", t="all", restrict_sr=int(subs != "all"))
        else:
            path = f"r/{query.text}/comments"
        listing = self._call(lambda: self.reddit.get(path, params=params), f"Reddit {path}")
        children = getattr(listing, "children", None)
        if not isinstance(children, list) or any(not hasattr(c, "created_utc") for c in children):
            raise MalformedResponseError(
                f"Reddit {path}: the answer is not a listing of posts. Nothing from it was "
                "stored; the next scan asks again."
            )
        self._reads += len(children)
        more = getattr(listing, "after", None)
        return children, more if isinstance(more, str) and more else None

    def _call(self, call: Any, what: str) -> Any:
        """One praw call; prawcore's errors become ours, its waits stay within the deadline."""
        for _ in range(3):
            self._respect_headers(what)
            try:
                return call()
            except prawcore.TooManyRequests as exc:
                wait = _header_float(exc.response, "retry-after") or _header_float(
                    exc.response, "x-ratelimit-reset"
                )
                # Reddit says how long to back off; wait that long if the scan has the time
                self.deadline.sleep(wait or 60.0, f"{what}: rate limited (429)")
            except (prawcore.Forbidden, prawcore.NotFound, prawcore.Redirect) as exc:
                raise SourceError(
                    f"{what}: the subreddit is private, banned or does not exist "
                    f"({type(exc).__name__}). Remove it from brands[].subreddits or "
                    "sources.reddit.comment_subreddits."
                ) from None
            except (prawcore.OAuthException, prawcore.InvalidToken) as exc:
                raise AuthError(
                    f"{what}: Reddit refused the app credentials ({type(exc).__name__}). Check "
                    f"{self.cfg.client_id_env} and {self.cfg.client_secret_env}."
                ) from None
            except prawcore.ResponseException as exc:
                if exc.response.status_code == 401:
                    raise AuthError(
                        f"{what}: Reddit refused the app credentials (HTTP 401). Check "
                        f"{self.cfg.client_id_env} and {self.cfg.client_secret_env}."
                    ) from None
                if isinstance(exc, prawcore.BadJSON):
                    raise MalformedResponseError(
                        f"{what}: the answer is not JSON. Nothing from it was stored; the next "
                        "scan asks again."
                    ) from None
                raise SourceError(
                    f"{what}: Reddit answered HTTP {exc.response.status_code} after retries. "
                    "Nothing after the last stored page was lost: the next scan retries."
                ) from None
            except prawcore.RequestException as exc:
                reason = type(exc.original_exception).__name__
                raise SourceError(
                    f"{what}: no usable answer from Reddit ({reason}, timeout "
                    f"{self.cfg.timeout_s:g}s). The next scan retries from the last stored page."
                ) from None
        raise RateLimitedError(f"{what}: Reddit kept answering 429; the next scan resumes here.")

    def _respect_headers(self, what: str) -> None:
        """Stop before prawcore would sleep past the deadline on a spent rate-limit window."""
        session = getattr(getattr(self.reddit._core, "_requestor", None), "_http", None)
        headers = getattr(session, "last_headers", {}) or {}
        remaining = _float(headers.get("x-ratelimit-remaining"))
        reset = _float(headers.get("x-ratelimit-reset"))
        if remaining is not None and remaining < 1 and reset and reset >= self.deadline.left():
            raise RateLimitedError(
                f"{what}: Reddit's request window is spent for {reset:.0f}s, past this scan's "
                "deadline. The scan stopped here and the next one resumes.",
            )

    def _records(self, query: QuerySpec, items: list[Any]) -> tuple[list[MentionRecord], int]:
        """Our records for submissions and comments; the brand's own posts are skipped."""
        comments = [i for i in items if isinstance(i, praw.models.Comment)]
        parents = self._parents(comments) if comments else {}
        self._load_people([getattr(i, "author_fullname", None) for i in items])
        records, skipped = [], 0
        fetched = datetime.now(UTC)
        for item in items:
            is_comment = isinstance(item, praw.models.Comment)
            text = item.body if is_comment else _join(item.title, item.selftext)
            brand = next((b for b in query.brands if matches(text, b, "reddit")), None)
            if query.kind == "search":
                brand = query.brands[0]
            author = getattr(item.author, "name", None)
            if brand is None:
                continue  # a comment that does not name any brand is not a mention
            if author is None or author.casefold() in brand.own_handles("reddit"):
                skipped += 1  # the brand's own posts, and deleted accounts nobody can call back
                continue
            person = self._people.get(getattr(item, "author_fullname", ""), {})
            url = f"{self.cfg.reddit_url.rstrip('/')}{item.permalink}"
            raw: dict[str, Any] = {
                k: v
                for k, v in vars(item).items()
                if not k.startswith("_") and isinstance(v, PLAIN)
            }
            raw.update(
                author=author,
                subreddit=str(item.subreddit),
                provenance={"source": "reddit", "query": query.key, "url": url},
            )
            records.append(
                MentionRecord(
                    channel="reddit",
                    platform_id=item.name,
                    brand=brand.name,
                    text=text,
                    created_at=datetime.fromtimestamp(item.created_utc, tz=UTC),
                    author=AuthorRecord(
                        channel="reddit",
                        handle=author,
                        name=author,
                        platform_user_id=getattr(item, "author_fullname", None),
                        karma=person.get("karma"),
                        account_created_at=person.get("created"),
                    ),
                    url=url,
                    in_reply_to=item.parent_id if is_comment else None,
                    conversation_id=item.link_id if is_comment else item.name,
                    parent_text=parents.get(item.parent_id) if is_comment else None,
                    title=getattr(item, "link_title", None) if is_comment else item.title,
                    links=[] if is_comment or item.is_self else [item.url],
                    metrics={
                        "score": item.score,
                        "num_comments": getattr(item, "num_comments", None),
                    },
                    source="reddit",
                    query=query.text,
                    fetched_at=fetched,
                    raw=raw,
                )
            )
        return records, skipped

    def _parents(self, comments: list[Any]) -> dict[str, str]:
        """The text each comment answers (a comment, or the post itself), in one request."""
        wanted = sorted({c.parent_id for c in comments})
        found = self._call(lambda: list(self.reddit.info(fullnames=wanted)), "Reddit parents")
        self._reads += 1
        texts = {}
        for thing in found:
            if isinstance(thing, praw.models.Comment):
                texts[thing.name] = thing.body
            else:
                texts[thing.name] = _join(thing.title, thing.selftext)
        return texts

    def _load_people(self, fullnames: list[str | None]) -> None:
        """Karma and account age of new authors, a hundred per request."""
        wanted = sorted({f for f in fullnames if f and f not in self._people})
        if not wanted:
            return
        found = self._call(
            lambda: list(self.reddit.redditors.partial_redditors(wanted)), "Reddit authors"
        )
        for person in found:
            karma = (getattr(person, "link_karma", 0) or 0) + (
                getattr(person, "comment_karma", 0) or 0
            )
            created = getattr(person, "created_utc", None)
            self._people[person.fullname] = {
                "karma": karma,
                "created": datetime.fromtimestamp(created, tz=UTC) if created else None,
            }
        for name in wanted:
            self._people.setdefault(name, {})


def _join(title: str, body: str | None) -> str:
    return f"{title}\n\n{body}".strip() if body else title


def _float(value: Any) -> float | None:
    try:
        return float(value)
    except (TypeError, ValueError):
        return None


def _header_float(response: Any, name: str) -> float | None:
    return _float(getattr(response, "headers", {}).get(name))
