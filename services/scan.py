"""Run a scan: every enabled source under its own lock, each page committed with its cursor."""

from __future__ import annotations

import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy.engine import Engine
from sqlalchemy.exc import SQLAlchemyError

from callbrief.foundation.errors import AuthError, ConfigError, LockedError, SourceError
from callbrief.foundation.progress import NullProgress, Progress
from callbrief.foundation.records import Gap, QueryReport
from callbrief.foundation.settings import Settings
from callbrief.monitor.base import Poller, QuerySpec
from callbrief.monitor.pacing import Deadline, redact, redacted_logs
from callbrief.storage.cursors import (
    acquire_lock,
    load_cursor,
    release_lock,
    renew_lock,
    save_cursor,
)
from callbrief.storage.db import session_scope
from callbrief.storage.mentions import save_mentions
from callbrief.storage.models import utcnow
from callbrief.storage.scans import finish_run, quota_used_this_month, start_run

SOURCES = ("x", "reddit", "rss")
LOCK_MARGIN_S = 120.0  # a lock outlives the deadline by this much before others may take it


@dataclass
class ScanClients:
    """Clients to use instead of building them from settings (tests, replays, proxies)."""

    x: Any = None  # tweepy.Client
    reddit: Any = None  # praw.Reddit
    http: Any = None  # requests.Session for feeds
    sleep: Callable[[float], None] = time.sleep
    clock: Callable[[], float] = time.monotonic


@dataclass
class ScanRow:
    """One source's line in the scan summary."""

    source: str
    new: int = 0
    duplicates: int = 0
    skipped: int = 0
    errors: int = 0
    quota_used: int = 0
    quota_limit: int | None = None
    status: str = "ok"  # ok | partial | failed | locked
    pages: int = 0
    sleeps_s: float = 0.0
    message: str | None = None
    queries: list[QueryReport] = field(default_factory=list)


@dataclass
class ScanReport:
    """The result of `run_scan`: one row per source."""

    rows: list[ScanRow] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)  # things worth a line under the table

    @property
    def failed(self) -> bool:
        """Whether any source failed or stopped with errors (the CLI exits non-zero)."""
        return any(row.status != "ok" for row in self.rows)

    @property
    def new(self) -> int:
        return sum(row.new for row in self.rows)


def run_scan(
    settings: Settings,
    engine: Engine,
    *,
    sources: list[str] | None = None,
    clients: ScanClients | None = None,
    progress: Progress | None = None,
    now: datetime | None = None,
) -> ScanReport:
    """Scan the chosen (default: enabled) sources; one failing source does not stop the others."""
    names = _chosen_sources(settings, sources)
    if not settings.brands:
        raise ConfigError(
            "No brands are configured. Add at least one under `brands:` in config.yaml."
        )
    clients = clients or ScanClients()
    progress = progress or NullProgress()
    report = ScanReport()
    with redacted_logs(_secrets(settings)):
        for name in names:
            report.rows.append(_scan_source(name, settings, engine, clients, progress, now))
    return report


def _chosen_sources(settings: Settings, sources: list[str] | None) -> list[str]:
    enabled = [name for name in SOURCES if getattr(settings.sources, name).enabled]
    if not sources:
        if not enabled:
            raise ConfigError(
                "No source is enabled. Set sources.x.enabled, sources.reddit.enabled or "
                "sources.rss.enabled to true in config.yaml."
            )
        return enabled
    for name in sources:
        if name not in SOURCES:
            raise ConfigError(f"Unknown source {name!r}. Choose from: {', '.join(SOURCES)}.")
        if name not in enabled:
            raise ConfigError(
                f"Source {name!r} is disabled. Set sources.{name}.enabled: true in config.yaml."
            )
    return list(dict.fromkeys(sources))


def _secrets(settings: Settings) -> list[str | None]:
    s = settings.sources
    return [s.x.bearer_token, s.reddit.client_id, s.reddit.client_secret]


def _build_poller(
    name: str,
    settings: Settings,
    engine: Engine,
    clients: ScanClients,
    deadline: Deadline,
    now: datetime,
) -> Poller:
    if name == "x":
        from callbrief.monitor.x import XPoller, make_x_client

        cfg = settings.sources.x
        with session_scope(engine) as session:
            used = quota_used_this_month(session, "x", now)
        client = clients.x or make_x_client(cfg, deadline)
        quota_left = max(0, cfg.monthly_read_quota - used)
        return XPoller(cfg, settings.brands, client, deadline, now=now, quota_left=quota_left)
    if name == "reddit":
        from callbrief.monitor.reddit import RedditPoller, make_reddit

        reddit_cfg = settings.sources.reddit
        reddit = clients.reddit or make_reddit(reddit_cfg, deadline)
        return RedditPoller(reddit_cfg, settings.brands, reddit, deadline, now=now)
    from callbrief.monitor.rss import RssPoller

    return RssPoller(settings.sources.rss, settings.brands, deadline, now=now, session=clients.http)


def _scan_source(
    name: str,
    settings: Settings,
    engine: Engine,
    clients: ScanClients,
    progress: Progress,
    now: datetime | None,
) -> ScanRow:
    cfg = getattr(settings.sources, name)
    scan_now = now or utcnow()
    deadline_s = getattr(cfg, "deadline_s", 300.0)
    deadline = Deadline(deadline_s, clock=clients.clock, sleep=clients.sleep)
    row = ScanRow(source=name)
    if name == "x":
        row.quota_limit = settings.sources.x.monthly_read_quota
    holder = uuid.uuid4().hex
    try:
        acquire_lock(engine, name, holder, lease_s=deadline_s + LOCK_MARGIN_S)
    except LockedError as exc:
        row.status, row.errors, row.message = "locked", 1, str(exc)
        progress.done(name, f"{name}: skipped, {exc}")
        return row
    run_id = start_run(engine, name, started_at=scan_now)
    poller: Poller | None = None
    secrets = _secrets(settings)
    try:
        poller = _build_poller(name, settings, engine, clients, deadline, scan_now)
        queries = poller.queries()
        progress.start(name, total=len(queries))
        for query in queries:
            query_report = _scan_query(poller, query, engine, holder, row, scan_now, secrets)
            row.queries.append(query_report)
            progress.advance(name)
            if isinstance(query_report.error, _Fatal):
                break
    except SourceError as exc:  # the source could not start at all (no credentials, bad config)
        row.errors += 1
        row.message = redact(str(exc), secrets)
    finally:
        if poller is not None:
            row.quota_used = poller.reads
            poller.close()
        row.status = _status(row)
        if row.message is None:
            row.message = next((q.error for q in row.queries if q.error), None)
        finish_run(
            engine,
            run_id,
            status=row.status,
            new=row.new,
            duplicates=row.duplicates,
            skipped=row.skipped,
            errors=row.errors,
            pages=row.pages,
            sleeps_s=round(deadline.slept_s, 3),
            quota_used=row.quota_used,
            queries=[q.to_json() for q in row.queries],
            error=row.message,
            finished_at=scan_now if now is not None else None,
        )
        release_lock(engine, name, holder)
    row.sleeps_s = deadline.slept_s
    progress.done(
        name, f"{name}: {row.new} new, {row.duplicates} duplicate(s), {row.errors} error(s)"
    )
    return row


class _Fatal(str):
    """An error message after which the rest of the source's queries are not tried."""


def _scan_query(
    poller: Poller,
    query: QuerySpec,
    engine: Engine,
    holder: str,
    row: ScanRow,
    now: datetime,
    secrets: list[str | None],
) -> QueryReport:
    """Fetch one query page by page; each page and the cursor after it commit together."""
    report = QueryReport(query=query.key)
    with session_scope(engine) as session:
        position, state = load_cursor(session, query.source, query.key)
    report.window_start = state.get("position_at")
    try:
        for page in poller.fetch(query, position, state):
            with session_scope(engine) as session:
                renew_lock(session, query.source, holder)
                saved = save_mentions(session, page.records)
                save_cursor(session, query.source, query.key, page.position, page.state)
            state = page.state
            report.pages += 1
            report.new += saved.new
            report.duplicates += saved.duplicates
            # records whose values cannot be stored (foundation.limits) are skipped, not fatal
            report.skipped += page.skipped + len(saved.rejected)
            if report.window_start is None and page.window_start is not None:
                report.window_start = page.window_start.isoformat()
        report.window_end = now.isoformat()
    except (AuthError, LockedError) as exc:
        report.error = _Fatal(redact(str(exc), secrets))
    except SourceError as exc:
        report.error = redact(str(exc), secrets)
    except SQLAlchemyError as exc:
        report.error = _Fatal(f"The database refused a page: {type(exc).__name__}: {exc}"[:300])
    if report.error:
        row.errors += 1
    report.gaps = _gaps(state)
    for expired in _gaps({"gaps": getattr(poller, "expired", {}).pop(query.key, [])}):
        # older than the platform lets a search reach: reported once, then given up
        expired.why = "lost: too old to fetch"
        report.gaps.append(expired)
    row.pages += report.pages
    row.new += report.new
    row.duplicates += report.duplicates
    row.skipped += report.skipped
    return report


def _gaps(state: dict[str, Any]) -> list[Gap]:
    """The cursor's unfinished ranges as times, for the scan record and the digest."""
    return [
        Gap(
            start=gap.get("since_at") or gap.get("start_time") or gap.get("floor_at"),
            end=gap.get("until_at"),
        )
        for gap in state.get("gaps", [])
    ]


def _status(row: ScanRow) -> str:
    if not row.errors:
        return "ok"
    return "partial" if row.pages else "failed"
