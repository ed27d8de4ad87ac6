"""`callbrief run`: scan each source at its cadence, analyse, refresh briefs, send the digest daily.

APScheduler's triggers decide when each job is due (an IntervalTrigger per source, a CronTrigger
for the digest in the team's time zone); one loop in one thread runs the due jobs in turn. We do
not hand the jobs to APScheduler's own executor: jobs share one database and must not overlap, a
SIGTERM must let the running scan finish rather than cancel it, and tests drive the very same
loop with a fake clock instead of waiting for wall time.
"""

from __future__ import annotations

import fcntl
import logging
import os
import signal
import threading
import time as _time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from functools import partial
from pathlib import Path
from typing import Any, Protocol

from apscheduler.triggers.cron import CronTrigger
from apscheduler.triggers.interval import IntervalTrigger
from sqlalchemy import text
from sqlalchemy.engine import Engine

from callbrief.foundation.errors import CallbriefError, LockedError
from callbrief.foundation.policy import team_zone
from callbrief.foundation.settings import Settings
from callbrief.services.scan import SOURCES
from callbrief.storage.db import advisory_key
from callbrief.storage.models import utcnow

log = logging.getLogger("callbrief.scheduler")


class Clock(Protocol):
    """Where the scheduler reads the time and waits; tests pass a fake one."""

    def now(self) -> datetime: ...

    def sleep(self, seconds: float, stop: threading.Event) -> None: ...


class SystemClock:
    """Wall-clock time; a wait ends early when `stop` is set."""

    def now(self) -> datetime:
        return utcnow()

    def sleep(self, seconds: float, stop: threading.Event) -> None:
        stop.wait(max(0.0, seconds))


@dataclass
class SchedulerJobs:
    """What the scheduler runs; each returns a one-line summary for the log (or None)."""

    scan: Callable[[str], Any]  # one source: "x", "reddit" or "rss"
    process: Callable[[], Any]  # analyse new mentions, update cases, refresh briefs
    digest: Callable[[date], Any]  # build and send the digest of that local day


def _summary(result: Any) -> str:
    return "done" if result is None else str(result)


@contextmanager
def scheduler_lock(engine: Engine) -> Iterator[None]:
    """Hold the one-scheduler-per-database lock, or raise LockedError naming who holds it."""
    url = engine.url
    if url.get_backend_name() == "postgresql":
        # an advisory lock lives as long as its session, so a crashed process releases it
        shown = url.render_as_string(hide_password=True)
        key = advisory_key(url, "run")
        conn = engine.connect()
        try:
            if not conn.execute(text("SELECT pg_try_advisory_lock(:k)"), {"k": key}).scalar():
                raise LockedError(
                    f"Another `callbrief run` already works on {shown}. Stop it first, or point "
                    "this one at another database with --db."
                )
            try:
                yield
            finally:
                # the pool keeps the session open after close(): unlock explicitly
                conn.execute(text("SELECT pg_advisory_unlock(:k)"), {"k": key})
        finally:
            conn.close()
        return
    database = url.database or ""
    if not database or database == ":memory:":
        yield  # a private in-memory database cannot be shared
        return
    path = Path(database).expanduser().with_name(Path(database).name + ".run.lock")
    handle = open(path, "a+")  # noqa: SIM115  (held open for the whole run)
    try:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            handle.seek(0)
            holder = handle.read().strip() or "unknown"
            raise LockedError(
                f"Another `callbrief run` (pid {holder}) already works on {database}. Stop it "
                f"first, or point this one at another database with --db. (Lock file: {path})"
            ) from None
        handle.seek(0)
        handle.truncate()
        handle.write(str(os.getpid()))
        handle.flush()
        yield
    finally:
        handle.close()  # closing the file releases the flock


def _triggers(settings: Settings, start: datetime) -> dict[str, Any]:
    zone = team_zone(settings.cases)
    # HH:MM, checked when the settings loaded
    hour, minute = (int(p) for p in settings.digest.send_at.split(":"))
    triggers: dict[str, Any] = {}
    for name in SOURCES:
        source = getattr(settings.sources, name)
        if source.enabled:
            triggers[f"scan:{name}"] = IntervalTrigger(
                minutes=source.cadence_minutes, start_date=start, timezone=zone
            )
    triggers["digest"] = CronTrigger(hour=hour, minute=minute, timezone=zone)
    return triggers


def schedule_triggers(settings: Settings, start: datetime) -> dict[str, Any]:
    """The `run` schedule: a trigger per enabled source ("scan:x") and "digest"; beat reuses it."""
    return _triggers(settings, start)


def run_forever(
    settings: Settings,
    engine: Engine,
    jobs: SchedulerJobs,
    *,
    clock: Clock | None = None,
    stop_event: threading.Event | None = None,
) -> None:
    """Run the jobs on their schedules until SIGTERM, Ctrl-C or `stop_event`, one job at a time."""
    clock = clock or SystemClock()
    stop = stop_event or threading.Event()
    with scheduler_lock(engine), _stop_on_signals(stop):
        start = clock.now()
        triggers = _triggers(settings, start)
        zone = team_zone(settings.cases)
        next_at = {name: t.get_next_fire_time(None, start) for name, t in triggers.items()}
        sources = [n.split(":")[1] for n in triggers if n.startswith("scan:")]
        log.info(
            "scheduler started: scanning %s; digest daily at %s %s",
            ", ".join(sources) or "no source (none enabled)",
            settings.digest.send_at,
            settings.cases.timezone,
        )
        while not stop.is_set():
            now = clock.now()
            due = sorted((at, name) for name, at in next_at.items() if at <= now)
            scanned = False
            for at, name in due:
                if stop.is_set():
                    break
                if name == "digest":
                    day = at.astimezone(zone).date() - timedelta(days=1)
                    _run(f"digest {day.isoformat()}", partial(jobs.digest, day))
                else:
                    source = name.split(":")[1]
                    scanned |= _run(f"scan {source}", partial(jobs.scan, source))
                # the next fire time after now: fire times missed while a job ran (or the
                # machine slept) are skipped, not replayed, since one late scan covers them all
                after = max(clock.now(), at + timedelta(microseconds=1))
                next_at[name] = triggers[name].get_next_fire_time(None, after)
            if scanned and not stop.is_set():
                _run("analyse, cases and briefs", jobs.process)
            if stop.is_set():
                break
            upcoming, name = min((at, n) for n, at in next_at.items())
            log.debug("next: %s at %s", name, upcoming.astimezone(zone).strftime("%H:%M"))
            clock.sleep((upcoming - clock.now()).total_seconds(), stop)
        log.info("scheduler stopped")


def _run(label: str, job: Callable[[], Any]) -> bool:
    """Run one job, log how it went; a failure is logged and the schedule goes on."""
    began = _time.monotonic()
    log.info("%s: started", label)
    try:
        result = job()
    except CallbriefError as exc:
        log.error("%s: failed: %s", label, exc)
        return False
    except Exception:
        log.exception("%s: failed unexpectedly; the schedule goes on", label)
        return False
    log.info("%s: %s (%.1f s)", label, _summary(result), _time.monotonic() - began)
    return True


@contextmanager
def _stop_on_signals(stop: threading.Event) -> Iterator[None]:
    """SIGTERM and Ctrl-C set `stop`: the running job finishes, then the loop exits."""
    if threading.current_thread() is not threading.main_thread():
        yield  # signals can only be caught in the main thread; the caller owns `stop`
        return

    def handler(signum: int, _frame: Any) -> None:
        if stop.is_set():
            raise KeyboardInterrupt  # a second Ctrl-C: the operator really wants out now
        log.warning(
            "received %s: finishing the current job, then stopping", signal.Signals(signum).name
        )
        stop.set()

    previous = {s: signal.signal(s, handler) for s in (signal.SIGTERM, signal.SIGINT)}
    try:
        yield
    finally:
        for sig, old in previous.items():
            signal.signal(sig, old)


def make_jobs(
    settings: Settings,
    engine: Engine,
    *,
    analyzer: Any,
    out_dir: Path | None = None,
    email: bool = True,
) -> SchedulerJobs:
    """The real jobs: monitor.scan, core.analyze, storage.cases, briefs.brief and the digest."""
    from callbrief.briefs.brief import write_briefs
    from callbrief.briefs.digest import build_digest, render_digest
    from callbrief.briefs.mail import send_digest
    from callbrief.services.analyze import analyze_and_open_cases
    from callbrief.services.scan import run_scan
    from callbrief.storage.db import session_scope
    from callbrief.storage.erase import apply_retention

    home = settings.home_path
    briefs_dir = out_dir or home / "briefs"

    def scan(source: str) -> Any:
        return run_scan(settings, engine, sources=[source])

    def process() -> str:
        analysed, cases = analyze_and_open_cases(engine, settings, analyzer)
        written = write_briefs(engine, settings, briefs_dir, ["html", "md"])
        cleared = ""
        if settings.retention_days:  # after analysis: a post is read before its text goes
            with session_scope(engine) as session:
                n = apply_retention(session, settings.retention_days)
            cleared = f"; {n} post(s) past {settings.retention_days} days cleared" if n else ""
        return (
            f"{analysed.analysed} analysed, {analysed.failed} failed; cases opened "
            f"{cases.opened}, merged {cases.merged}; {len(written)} brief file(s) in {briefs_dir}"
            f"{cleared}"
        )

    def digest(day: date) -> str:
        with session_scope(engine) as session:
            built = build_digest(session, settings, day)
        target = home / "digests"
        target.mkdir(parents=True, exist_ok=True)
        path = target / f"digest-{day.isoformat()}.html"
        path.write_text(render_digest(built, "html"), encoding="utf-8")
        if email and settings.digest.recipients:
            send_digest(built, settings)
            return f"written to {path}, e-mailed to {len(settings.digest.recipients)} recipient(s)"
        return f"written to {path}"

    return SchedulerJobs(scan=scan, process=process, digest=digest)
