"""The tasks: poll a source, analyse a claimed batch and open cases, render briefs, send the digest.

An `analyze` message carries no mention ids: it is one batch's worth of work. The worker that
takes it claims up to `nlp.batch_size` unanalysed mentions (`storage.claims`, oldest first,
disjoint between workers), so batches are gathered in the database, full whenever a backlog
exists, instead of in a broker-side buffer that would hold many unacknowledged messages and
break prefetch 1. A message whose batch a dead worker still holds comes back after a pause until
that lease goes stale and is taken over; a mention is therefore analysed by exactly one stored
batch, however often messages are redelivered.

Every task: late ack, requeued when its worker is lost, transient failures retried with jittered
exponential backoff, a dead letter when it fails for good or keeps killing its workers.
"""

from __future__ import annotations

import logging
import traceback
from datetime import date, timedelta
from typing import Any

from celery import Task
from celery.signals import task_rejected, task_unknown
from sqlalchemy.exc import InterfaceError, OperationalError

from callbrief.foundation.errors import CallbriefError, LockedError, RateLimitedError
from callbrief.foundation.policy import team_zone
from callbrief.storage.db import session_scope
from callbrief.storage.models import utcnow
from callbrief.workers.app import app, queue_depths, runtime

log = logging.getLogger("callbrief.workers.tasks")
TRANSIENT = (OperationalError, InterfaceError, LockedError, RateLimitedError, ConnectionError)


class PoisonedTask(CallbriefError):
    """A message whose arguments can never work: dead-lettered at once, never retried."""


class CallbriefTask(Task):  # type: ignore[misc]
    """Late acks, retries with backoff, a delivery limit and a dead letter at the end."""

    acks_late = True
    reject_on_worker_lost = True
    autoretry_for = TRANSIENT
    retry_backoff = 2
    retry_jitter = True

    @property
    def max_retries(self) -> int:  # type: ignore[override]
        return runtime().settings.workers.max_retries

    @property
    def retry_backoff_max(self) -> int:  # type: ignore[override]
        return runtime().settings.workers.retry_backoff_max_s

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        if self.request.called_directly:
            return super().__call__(*args, **kwargs)
        from callbrief.storage.deadletters import count_delivery, record_dead_letter

        rt = runtime()
        # one count per attempt: a retry is a new attempt, a redelivery of the same one is not
        key = f"{self.request.id}:{self.request.retries}"
        with session_scope(rt.engine) as session:
            deliveries = count_delivery(session, key, self.name)
            limit = rt.settings.workers.max_deliveries
            if deliveries > limit:
                record_dead_letter(
                    session,
                    task_id=self.request.id,
                    task=self.name,
                    queue=_queue(self.request),
                    args=list(args),
                    kwargs=kwargs,
                    error=f"delivered {deliveries - 1} times and never finished: each time the "
                    "worker was lost (killed, out of memory?) while running it",
                    attempts=deliveries - 1,
                )
                log.error("dead-lettered after %d deliveries", deliveries - 1)
                return None
        result = super().__call__(*args, **kwargs)
        from callbrief.storage.deadletters import forget_delivery

        with session_scope(rt.engine) as session:
            forget_delivery(session, key)
        return result

    def on_failure(self, exc: Exception, task_id: str, args: Any, kwargs: Any, einfo: Any) -> None:
        from callbrief.storage.deadletters import record_dead_letter

        error = f"{type(exc).__name__}: {exc}"
        if not isinstance(exc, CallbriefError):
            error += "\n" + "".join(traceback.format_exception(exc)[-3:])
        try:
            with session_scope(runtime().engine) as session:
                record_dead_letter(
                    session,
                    task_id=task_id,
                    task=self.name,
                    queue=_queue(self.request),
                    args=list(args or ()),
                    kwargs=dict(kwargs or {}),
                    error=error,
                    attempts=self.request.retries + 1,
                )
        except Exception:  # noqa: BLE001 - the database itself may be what failed
            log.exception("could not store the dead letter of %s", task_id)
        log.error("dead letter after %d attempt(s): %s", self.request.retries + 1, error)


def _queue(request: Any) -> str | None:
    info = getattr(request, "delivery_info", None) or {}
    return info.get("routing_key") or info.get("exchange") or None


def _ids(values: Any, what: str) -> list[int]:
    """A list of database ids from a message, or PoisonedTask saying what is wrong."""
    if not isinstance(values, list | tuple) or not all(
        isinstance(v, int) and not isinstance(v, bool) and v > 0 for v in values
    ):
        raise PoisonedTask(f"{what} must be a list of positive integers, got {values!r:.200}")
    return list(values)


@app.task(base=CallbriefTask, bind=True, name="callbrief.poll")
def poll(self: CallbriefTask, source: str) -> str:
    """Scan one source (its queries, cursors and leases as `callbrief scan`), then queue the new."""
    from callbrief.services.scheduler import SOURCES, make_jobs

    if source not in SOURCES:
        raise PoisonedTask(f"unknown source {source!r}; one of {', '.join(SOURCES)}")
    rt = runtime()
    report = make_jobs(rt.settings, rt.engine, analyzer=None).scan(source)
    new = sum(row.new for row in getattr(report, "rows", []))
    queued = send_analyze_batches(new, rt.settings.nlp.batch_size)
    return f"{source}: {new} new, {queued} batch(es) queued"


@app.task(base=CallbriefTask, bind=True, name="callbrief.enqueue_pending")
def enqueue_pending(self: CallbriefTask) -> str:
    """Queue enough analyse batches for every mention not analysed and not being worked on."""
    from callbrief.storage.backlog import backlog

    rt = runtime()
    stale = utcnow() - timedelta(seconds=rt.settings.workers.lease_s)
    with session_scope(rt.engine) as session:
        left = backlog(session, stale)
    queued = send_analyze_batches(left.claimable, rt.settings.nlp.batch_size)
    return f"{left.pending} pending, {left.leased} being analysed; {queued} batch(es) queued"


def send_analyze_batches(mentions: int, batch_size: int) -> int:
    """Send one analyse message per `batch_size` mentions; how many were sent."""
    batches = -(-mentions // batch_size) if mentions > 0 else 0
    for _ in range(batches):
        analyze.apply_async()
    return batches


@app.task(base=CallbriefTask, bind=True, name="callbrief.analyze")
def analyze(self: CallbriefTask) -> str:
    """Claim a batch, analyse it, open and merge cases, queue the touched cases' briefs."""
    from callbrief.services.analyze import analyze_mentions
    from callbrief.storage.backlog import backlog, case_ids_of
    from callbrief.storage.cases import update_cases
    from callbrief.storage.claims import claim_mentions, lock_case_updates

    rt = runtime()
    lease = timedelta(seconds=rt.settings.workers.lease_s)
    with rt.analyze_lock:
        ids = claim_mentions(rt.engine, rt.worker, rt.settings.nlp.batch_size, lease=lease)
        report = analyze_mentions(rt.engine, rt.analyzer, ids) if ids else None
    with session_scope(rt.engine) as session:
        # first in the transaction: another worker's case update waits, then sees these cases
        lock_case_updates(session, rt.worker)
        cases = update_cases(session, rt.settings)
        touched = sorted(set(cases.case_ids) | set(case_ids_of(session, ids)))
    if touched:
        render.apply_async(args=(touched,))
    with session_scope(rt.engine) as session:
        left = backlog(session, utcnow() - lease)
    if report is None:
        if left.claimable:
            # rows another transaction held locked (SKIP LOCKED passed them by): look again soon
            analyze.apply_async(countdown=1)
            return f"nothing claimed; {left.claimable} claimable were locked, again in 1 s"
        if left.leased:
            # another worker holds the rest; if it died, its lease goes stale: look again then
            wait = max(1.0, min(60.0, lease.total_seconds() / 4))
            analyze.apply_async(countdown=wait)
            return f"nothing to claim; {left.leased} leased elsewhere, again in {wait:.0f} s"
        return "nothing to claim"
    topped = 0
    if report.analysed + report.failed:
        # the time budget's leftovers, a message lost on the way: the backlog still needs one
        topped = top_up_analyze(left.claimable, rt.settings.nlp.batch_size)
    return (
        f"{len(ids)} claimed: {report.analysed} analysed, {report.failed} failed, "
        f"{report.deferred} deferred; cases opened {cases.opened}, merged {cases.merged}"
        + (f"; {topped} batch(es) queued for the {left.claimable} left" if topped else "")
    )


def top_up_analyze(claimable: int, batch_size: int) -> int:
    """Queue analyse messages until those waiting cover the `claimable` mentions; how many sent.

    Messages are the only thing that makes a worker claim, so a backlog must never outlive its
    messages: the time budget defers part of a batch, and a broker may lose a message (in one CI
    run a redelivery after a SIGKILL never came and 25 mentions waited until beat's sweep). A
    message too many is harmless: it claims nothing and stops.
    """
    if claimable <= 0:
        return 0
    try:
        waiting = queue_depths(["nlp"])["nlp"]
    except Exception as exc:  # noqa: BLE001 - kombu raises a different class per transport
        log.warning("could not read the nlp queue's depth (%s); beat's sweep will catch up", exc)
        return 0
    missing = -(-claimable // batch_size) - waiting
    for _ in range(missing):
        analyze.apply_async()
    return max(missing, 0)


@app.task(base=CallbriefTask, bind=True, name="callbrief.render")
def render(self: CallbriefTask, case_ids: list[int]) -> str:
    """Write the briefs of these cases (replacing the files whole)."""
    from callbrief.briefs.case_briefs import write_case_briefs

    ids = _ids(case_ids, "case_ids")
    rt = runtime()
    written = write_case_briefs(rt.engine, rt.settings, rt.briefs_dir, ids)
    return f"{len(written)} brief file(s) for {len(ids)} case(s)"


@app.task(base=CallbriefTask, bind=True, name="callbrief.digest")
def digest(self: CallbriefTask, day: str | None = None) -> str:
    """Build, write and e-mail the digest of `day` (default: yesterday in the team's zone)."""
    from callbrief.services.scheduler import make_jobs

    rt = runtime()
    try:
        when = date.fromisoformat(day) if day else None
    except (TypeError, ValueError):
        raise PoisonedTask(f"day must be an ISO date like 2026-11-24, got {day!r:.50}") from None
    if when is None:
        when = utcnow().astimezone(team_zone(rt.settings.cases)).date()
        when -= timedelta(days=1)
    return str(make_jobs(rt.settings, rt.engine, analyzer=None).digest(when))


def _dead_letter_message(message: Any, error: str) -> None:
    """Store a message that never became a task (unknown name, undecodable body)."""
    from callbrief.storage.deadletters import record_dead_letter

    headers = getattr(message, "headers", None) or {}
    properties = getattr(message, "properties", None) or {}
    info = getattr(message, "delivery_info", None) or {}
    task_id = headers.get("id") or properties.get("correlation_id") or f"message-{id(message)}"
    try:
        body = message.decode()
        args = list(body[0]) if isinstance(body, list | tuple) and body else []
    except Exception:  # noqa: BLE001 - an undecodable body is why we are here
        args = [repr(getattr(message, "body", b""))[:500]]
    try:
        with session_scope(runtime().engine) as session:
            record_dead_letter(
                session,
                task_id=str(task_id),
                task=str(headers.get("task") or "(unknown)"),
                queue=info.get("routing_key"),
                args=args,
                error=error,
                attempts=1,
            )
    except Exception:  # noqa: BLE001
        log.exception("could not store the dead letter of message %s", task_id)


@task_unknown.connect
def _unknown(message: Any = None, name: str = "", exc: Any = None, **_: Any) -> None:
    _dead_letter_message(message, f"unknown task {name!r}: no worker defines it")


@task_rejected.connect
def _rejected(message: Any = None, exc: Any = None, **_: Any) -> None:
    _dead_letter_message(message, f"message rejected: {type(exc).__name__}: {exc}")
