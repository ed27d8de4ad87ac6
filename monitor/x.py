"""X (API v2) poller: recent search and mentions timelines, gap-free by since_id and until_id.

A query's cursor is `position` (the newest committed post id) plus `state["gaps"]`: id ranges
between committed data that a scan could not finish (page cap, rate limit, deadline, crash).
Results come newest first, so after each committed page the part still unread is exactly
(floor, oldest committed id); that range is written in the same transaction as the page, and
the next scan fills it with since_id/until_id before it is 7 days old.
"""

from __future__ import annotations

import copy
import time
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import requests
import tweepy

from callbrief.foundation.errors import (
    AuthError,
    MalformedResponseError,
    RateLimitedError,
    SourceError,
)
from callbrief.foundation.records import AuthorRecord, MentionRecord
from callbrief.foundation.settings import Brand, XSource
from callbrief.monitor.base import Page, QuerySpec, QuotaExhaustedError, iso, parse_iso
from callbrief.monitor.pacing import Deadline, PacedSession, TransientError, with_retries

DEFAULT_HOST = "https://api.twitter.com"
MAX_QUERY_CHARS = 512  # X's limit for a recent-search query on the basic tiers
RECENT_SEARCH_DAYS = 7
MAX_429_IN_A_ROW = 5

EXPANSIONS = ["author_id", "referenced_tweets.id", "referenced_tweets.id.author_id"]
TWEET_FIELDS = [
    "created_at",
    "lang",
    "conversation_id",
    "referenced_tweets",
    "entities",
    "public_metrics",
    "in_reply_to_user_id",
    "author_id",
]
USER_FIELDS = ["username", "name", "public_metrics", "verified", "location", "created_at"]


def make_x_client(cfg: XSource, deadline: Deadline) -> tweepy.Client:
    """A tweepy Client that talks to `cfg.base_url` with the configured timeout."""
    if not cfg.bearer_token:
        raise AuthError(
            f"No X bearer token. Set the environment variable {cfg.bearer_token_env} to your "
            "app's bearer token, or disable the source with sources.x.enabled: false."
        )
    client = tweepy.Client(bearer_token=cfg.bearer_token, return_type=requests.Response)
    rebase = None if cfg.base_url.rstrip("/") == DEFAULT_HOST else (DEFAULT_HOST, cfg.base_url)
    client.session = PacedSession(timeout=cfg.timeout_s, deadline=deadline, rebase=rebase)
    return client


def search_query(brand: Brand) -> str:
    """The recent-search query for a brand: its words and accounts, no retweets, not its own."""
    own = brand.handles.get("x", [])
    terms = [f'"{k}"' if " " in k else k for k in brand.keywords] + [f"@{h}" for h in own]
    if not terms:
        raise SourceError(f"Brand {brand.name!r} has no keywords or X handles to search for.")
    query = "(" + " OR ".join(terms) + ") -is:retweet " + " ".join(f"-from:{h}" for h in own)
    query = query.strip()
    if len(query) > MAX_QUERY_CHARS:
        raise SourceError(
            f"The X query for {brand.name!r} is {len(query)} characters; X allows "
            f"{MAX_QUERY_CHARS}. Shorten brands[].keywords."
        )
    return query


class XPoller:
    """Collects posts about the configured brands from X."""

    name = "x"

    def __init__(
        self,
        cfg: XSource,
        brands: list[Brand],
        client: tweepy.Client,
        deadline: Deadline,
        *,
        now: datetime,
        quota_left: int,
        wall_clock: Callable[[], float] = time.time,
    ) -> None:
        self.cfg = cfg
        self.brands = brands
        self.client = client
        self.deadline = deadline
        self.now = now
        self.quota_left = quota_left
        self.wall_clock = wall_clock
        self._reads = 0
        # X limits each endpoint separately: when one is spent, the others may still be asked
        self._blocked_until: dict[str, float] = {}
        self._user_ids: dict[str, str] = {}
        self.expired: dict[str, list[dict[str, Any]]] = {}  # query key -> gaps given up

    @property
    def reads(self) -> int:
        return self._reads

    def close(self) -> None:
        self.client.session.close()

    def queries(self) -> list[QuerySpec]:
        """A search per brand, then the mentions timeline of each of its accounts."""
        specs = []
        for brand in self.brands:
            if brand.keywords or brand.handles.get("x"):
                text = search_query(brand)
                specs.append(QuerySpec("x", "search", f"search {text}", text, (brand,)))
        for brand in self.brands:
            for handle in brand.handles.get("x", []):
                key = f"mentions @{handle.casefold()}"
                specs.append(QuerySpec("x", "mentions", key, handle, (brand,)))
        return specs

    def fetch(
        self, query: QuerySpec, position: str | None, state: dict[str, Any]
    ) -> Iterator[Page]:
        """Pages of new posts for `query`: the newest first, then any gaps left earlier."""
        state = copy.deepcopy(state)
        oldest_allowed = self.now - timedelta(days=RECENT_SEARCH_DAYS) + timedelta(minutes=5)
        expired = [g for g in state.get("gaps", []) if _gap_floor(g) < oldest_allowed]
        if expired:
            # recent search cannot reach back further than 7 days: that coverage is lost
            self.expired[query.key] = expired
            state["gaps"] = [g for g in state["gaps"] if g not in expired]
        if position:
            top = {"since_id": position, "since_at": state.get("position_at")}
        else:
            start = self.now - timedelta(hours=self.cfg.backfill_hours)
            top = {"start_time": iso(max(start, oldest_allowed))}
        if query.kind == "mentions":
            # resolved once and kept with the cursor: the user lookup has its own small quota
            state["user_id"] = state.get("user_id") or self._user_id(query.text)
        pages_left = self.cfg.max_pages_per_query
        for walk in [top, *state.get("gaps", [])]:
            if pages_left <= 0:
                return
            walk_is_top = walk is top
            token: str | None = None
            while pages_left > 0:
                body = self._page(query, walk, token, state.get("user_id"))
                pages_left -= 1
                tweets = body.get("data") or []
                records, skipped = self._records(query, body)
                if tweets:
                    newest, oldest = tweets[0], tweets[-1]
                    if walk_is_top and "top" not in walk:
                        position = max(position or "0", newest["id"], key=int)
                        state["position_at"] = newest.get("created_at")
                        walk["top"] = True
                        state.setdefault("gaps", []).insert(0, walk)
                    walk["until_id"] = oldest["id"]
                    walk["until_at"] = oldest.get("created_at")
                token = (body.get("meta") or {}).get("next_token")
                if not token and walk in state.get("gaps", []):
                    state["gaps"].remove(walk)
                yield Page(
                    records=records,
                    skipped=skipped,
                    position=position,
                    state=_clean(state),
                    reads=len(tweets),
                    window_start=_gap_floor(walk),
                )
                if not token:
                    break

    def _page(
        self, query: QuerySpec, walk: dict[str, Any], token: str | None, user_id: str | None
    ) -> dict[str, Any]:
        params: dict[str, Any] = dict(
            max_results=100,
            expansions=EXPANSIONS,
            tweet_fields=TWEET_FIELDS,
            user_fields=USER_FIELDS,
        )
        if walk.get("since_id"):
            params["since_id"] = walk["since_id"]
        elif walk.get("start_time"):
            params["start_time"] = walk["start_time"]
        if walk.get("until_id"):
            params["until_id"] = walk["until_id"]
        if query.kind == "search":

            def call() -> requests.Response:
                return self.client.search_recent_tweets(query.text, next_token=token, **params)

        else:

            def call() -> requests.Response:
                return self.client.get_users_mentions(user_id, pagination_token=token, **params)

        what = f"X {query.kind} {query.text!r}"
        response = with_retries(
            lambda: self._send(call, what, query.kind), self.deadline, what=what
        )
        body = _parse_page(response, what)
        # X bills every post a page returns against the monthly cap, expansions excluded
        self._reads += len(body.get("data") or [])
        return body

    def _user_id(self, handle: str) -> str:
        if handle.casefold() not in self._user_ids:
            what = f"X user lookup @{handle}"
            response = with_retries(
                lambda: self._send(lambda: self.client.get_user(username=handle), what, "users"),
                self.deadline,
                what=what,
            )
            body = _json(response, what)
            user = body.get("data") if isinstance(body, dict) else None
            if not isinstance(user, dict) or "id" not in user:
                raise SourceError(
                    f"X has no account @{handle}. Fix brands[].handles.x in config.yaml."
                )
            self._user_ids[handle.casefold()] = str(user["id"])
        return self._user_ids[handle.casefold()]

    def _send(
        self, call: Callable[[], requests.Response], what: str, endpoint: str
    ) -> requests.Response:
        """One request, waiting out rate limits within the deadline; errors in our own tree."""
        for _ in range(MAX_429_IN_A_ROW):
            if self._reads >= self.quota_left:
                raise QuotaExhaustedError(
                    "The monthly X read quota (sources.x.monthly_read_quota) is used up; the "
                    "scan stopped and records the gap. Raise the quota or wait for next month."
                )
            if endpoint in self._blocked_until:
                # the last response said the window is spent: wait for its reset, if we may
                wait = self._blocked_until[endpoint] - self.wall_clock()
                self.deadline.sleep(wait, f"{what}: rate limit")
                del self._blocked_until[endpoint]
            try:
                response = call()
            except tweepy.TooManyRequests as exc:
                reset = exc.reset_time or _header_int(exc.response, "x-rate-limit-reset")
                self._blocked_until[endpoint] = (
                    float(reset + 1) if reset else self.wall_clock() + 60
                )
                continue
            except tweepy.TwitterServerError as exc:
                raise TransientError(f"HTTP {exc.response.status_code}") from None
            except (tweepy.Unauthorized, tweepy.Forbidden) as exc:
                status = exc.response.status_code
                raise AuthError(
                    f"{what}: X refused the request (HTTP {status}: {_api_message(exc)}). Check "
                    f"the bearer token in ${self.cfg.bearer_token_env} and your API access level."
                ) from None
            except tweepy.HTTPException as exc:
                raise SourceError(
                    f"{what}: X answered HTTP {exc.response.status_code}: {_api_message(exc)}"
                ) from None
            except requests.Timeout:
                raise TransientError(f"no answer within {self.cfg.timeout_s:g}s") from None
            except requests.ConnectionError as exc:
                raise TransientError(f"connection failed: {type(exc).__name__}") from None
            remaining = _header_int(response, "x-rate-limit-remaining")
            reset = _header_int(response, "x-rate-limit-reset")
            if remaining == 0 and reset:
                self._blocked_until[endpoint] = float(reset + 1)
            return response
        raise RateLimitedError(
            f"{what}: X kept answering 429 after its reset time. The scan stopped here; the "
            "next one resumes from the last stored page."
        )

    def _records(self, query: QuerySpec, body: dict[str, Any]) -> tuple[list[MentionRecord], int]:
        """Our records for a page's posts, without retweets and the brand's own posts."""
        brand = query.brands[0]
        own = brand.own_handles("x")
        includes = body.get("includes") or {}
        users = {u["id"]: u for u in includes.get("users", []) if isinstance(u, dict)}
        referenced = {t["id"]: t for t in includes.get("tweets", []) if isinstance(t, dict)}
        fetched = datetime.now(UTC)
        records, skipped = [], 0
        for tweet in body.get("data") or []:
            refs = {r.get("type"): r.get("id") for r in tweet.get("referenced_tweets") or []}
            user = users.get(tweet.get("author_id"), {})
            handle = user.get("username") or str(tweet.get("author_id"))
            if "retweeted" in refs or handle.casefold() in own:
                skipped += 1
                continue
            parent = referenced.get(refs.get("replied_to"), {})
            quoted = referenced.get(refs.get("quoted"), {})
            metrics = user.get("public_metrics") or {}
            url = f"https://x.com/{handle}/status/{tweet['id']}"
            raw = {
                "tweet": tweet,
                "author": user,
                "referenced": [t for t in (parent, quoted) if t],
                "provenance": {"source": "x", "query": query.text, "url": url},
            }
            records.append(
                MentionRecord(
                    channel="x",
                    platform_id=str(tweet["id"]),
                    brand=brand.name,
                    text=tweet["text"],
                    created_at=parse_iso(tweet.get("created_at")) or fetched,
                    author=AuthorRecord(
                        channel="x",
                        handle=handle,
                        name=user.get("name"),
                        platform_user_id=tweet.get("author_id"),
                        followers=metrics.get("followers_count"),
                        verified=user.get("verified"),
                        location=user.get("location"),
                        account_created_at=parse_iso(user.get("created_at")),
                    ),
                    url=url,
                    lang=tweet.get("lang"),
                    in_reply_to=refs.get("replied_to"),
                    conversation_id=tweet.get("conversation_id"),
                    parent_text=parent.get("text"),
                    quoted_text=quoted.get("text"),
                    links=_links(tweet, refs.get("quoted")),
                    metrics=dict(tweet.get("public_metrics") or {}),
                    source="x",
                    query=query.text,
                    fetched_at=fetched,
                    raw=raw,
                )
            )
        return records, skipped


def _links(tweet: dict[str, Any], quoted_id: str | None) -> list[str]:
    """Expanded URLs of a post, without the link X adds to the post it quotes."""
    links = []
    for url in (tweet.get("entities") or {}).get("urls") or []:
        target = url.get("unwound_url") or url.get("expanded_url") or url.get("url")
        if not target or (quoted_id and target.rstrip("/").endswith(f"/status/{quoted_id}")):
            continue
        links.append(target)
    return links


def _gap_floor(walk: dict[str, Any]) -> datetime:
    """The oldest time a walk reaches back to (for 7-day expiry and coverage reports)."""
    floor = parse_iso(walk.get("start_time") or walk.get("since_at"))
    if floor is None and walk.get("since_id"):
        floor = _snowflake_time(walk["since_id"])
    return floor or datetime.now(UTC)


def _snowflake_time(post_id: str) -> datetime | None:
    """The creation time encoded in an X post id."""
    try:
        millis = (int(post_id) >> 22) + 1288834974657
    except ValueError:
        return None
    return datetime.fromtimestamp(millis / 1000, tz=UTC)


def _clean(state: dict[str, Any]) -> dict[str, Any]:
    """A JSON copy of the cursor state, without the walk bookkeeping flag."""
    state = copy.deepcopy(state)
    for gap in state.get("gaps", []):
        gap.pop("top", None)
    return state


def _json(response: requests.Response, what: str) -> Any:
    try:
        return response.json()
    except ValueError:
        raise MalformedResponseError(
            f"{what}: the page is not JSON ({response.text[:80]!r}). Nothing from it was stored; "
            "the next scan asks again."
        ) from None


def _parse_page(response: requests.Response, what: str) -> dict[str, Any]:
    """The page body, checked against the documented shape before anything is stored."""
    body = _json(response, what)
    problem = None
    if not isinstance(body, dict) or not isinstance(body.get("meta", {}), dict):
        problem = "no `meta` object"
    elif not isinstance(body.get("data", []), list):
        problem = "`data` is not a list"
    elif any(
        not isinstance(t, dict) or "id" not in t or "text" not in t for t in body.get("data", [])
    ):
        problem = "a post without `id` or `text`"
    elif "data" not in body and "meta" not in body:
        problem = "neither `data` nor `meta`"
    if problem:
        raise MalformedResponseError(
            f"{what}: the page is not in X's documented format ({problem}). Nothing from it "
            "was stored; the next scan asks again."
        )
    return body


def _header_int(response: requests.Response | None, name: str) -> int | None:
    try:
        return int(response.headers[name]) if response is not None else None
    except (KeyError, ValueError):
        return None


def _api_message(exc: tweepy.HTTPException) -> str:
    messages = list(exc.api_messages) or [exc.response.reason or "no detail"]
    return "; ".join(str(m) for m in messages)[:200]
