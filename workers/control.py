"""What the CLI calls: start a worker or beat, hand work to the queues, show the queues' state."""

from __future__ import annotations

import logging
import os
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path
from typing import Any

from callbrief.foundation.errors import BrokerError, ConfigError
from callbrief.foundation.progress import Progress
from callbrief.foundation.settings import Settings
from callbrief.storage.db import session_scope
from callbrief.storage.models import utcnow
from callbrief.workers.app import (
    QUEUES,
    app,
    configure,
    queue_depths,
    runtime,
    setup_json_logging,
)

log = logging.getLogger("callbrief.workers")
CONNECT_TIMEOUT_S = 5.0


def _setup(settings: Settings) -> None:
    """Configure the app and register the tasks; BrokerError when the broker does not answer."""
    configure(settings)
    import callbrief.workers.tasks  # noqa: F401  (registers the tasks on the app)

    shown = app.connection_for_write().as_uri()  # the URL with its password masked
    try:
        with app.connection_for_write(connect_timeout=CONNECT_TIMEOUT_S) as conn:
            conn.ensure_connection(max_retries=1, timeout=CONNECT_TIMEOUT_S)
    except Exception as exc:  # noqa: BLE001 - kombu raises a different class per transport
        raise BrokerError(
            f"Cannot reach the message broker at {shown}: {exc}. Start Redis or RabbitMQ, or fix "
            "workers.broker_url (or CALLBRIEF_BROKER)."
        ) from None


def parse_queues(text: str) -> list[str]:
    """ "poll,nlp" -> ["poll", "nlp"]; ConfigError naming an unknown queue."""
    names = [n.strip() for n in text.split(",") if n.strip()]
    unknown = [n for n in names if n not in QUEUES]
    if unknown or not names:
        raise ConfigError(
            f"Unknown queue(s): {', '.join(unknown) or 'none given'}. Use a comma-separated list "
            f"of {', '.join(QUEUES)}, e.g. --queues poll,render."
        )
    return names


def run_worker(
    settings: Settings,
    queues: Sequence[str],
    *,
    concurrency: int = 1,
    hostname: str | None = None,
    loglevel: str = "INFO",
) -> int | None:
    """Run a worker on these queues until stopped (SIGTERM: finish the running tasks, then exit).

    The pool is threads: the process loads its models once, before it takes a message, and
    never forks afterwards. An nlp worker runs one batch at a time (the models are the
    bottleneck); more processes, or a GPU, add throughput.
    """
    if concurrency < 1:
        raise ConfigError("--concurrency must be 1 or more.")
    setup_json_logging(loglevel)
    _setup(settings)
    rt = runtime()
    rt.engine  # noqa: B018 - open and migrate the database now, not on the first task
    if "nlp" in queues:
        rt.analyzer  # noqa: B018 - load the models once, before taking a message
    argv = [
        "worker",
        f"--queues={','.join(queues)}",
        f"--concurrency={concurrency}",
        "--pool=threads",
        f"--hostname={hostname or f'callbrief-{os.getpid()}@%h'}",
        f"--loglevel={loglevel}",
        "--task-events",
    ]
    return app.worker_main(argv)  # type: ignore[func-returns-value]


def run_beat(settings: Settings, *, loglevel: str = "INFO") -> None:
    """Send the `run` schedule's tasks until stopped; one beat per database (a lock says so)."""
    from celery.apps.beat import Beat

    from callbrief.services.scheduler import scheduler_lock

    setup_json_logging(loglevel)
    _setup(settings)
    with scheduler_lock(runtime().engine):
        # the in-memory scheduler: like `run`, a restarted beat skips what it missed
        Beat(app=app, scheduler="celery.beat:Scheduler", loglevel=loglevel, max_interval=30).run()


@dataclass
class QueueStatus:
    """What `callbrief status` shows."""

    broker: str
    depths: dict[str, int]  # queue -> messages waiting (not counting those being worked on)
    workers: dict[str, list[str]]  # worker name -> queues it consumes
    dead_letters: int
    recent: list[Any] = field(default_factory=list)  # storage.deadletters.DeadLetterRow
    backlog: Any = None  # storage.backlog.Backlog


def queue_status(settings: Settings, *, timeout_s: float = 1.0) -> QueueStatus:
    """Queue depths, live workers (those answering within `timeout_s`) and dead letters."""
    from callbrief.storage.backlog import backlog
    from callbrief.storage.deadletters import count_dead_letters, dead_letters

    _setup(settings)
    depths = queue_depths()
    replies = app.control.inspect(timeout=timeout_s).active_queues() or {}
    workers = {host: sorted(q["name"] for q in queues) for host, queues in sorted(replies.items())}
    rt = runtime()
    stale = utcnow() - timedelta(seconds=settings.workers.lease_s)
    try:
        with session_scope(rt.engine) as session:
            count = count_dead_letters(session)
            recent = dead_letters(session, limit=5)
            left = backlog(session, stale)
    finally:
        rt.close()
    return QueueStatus(
        broker=app.connection_for_write().as_uri(),
        depths=depths,
        workers=workers,
        dead_letters=count,
        recent=recent,
        backlog=left,
    )


def enqueue_import(
    settings: Settings, path: Path, *, progress: Progress | None = None
) -> tuple[Any, int]:
    """Import a JSONL file here, then queue analyse batches for its new mentions."""
    from callbrief.services.importer import import_jsonl
    from callbrief.workers.tasks import send_analyze_batches

    _setup(settings)  # before importing: a broker that does not answer fails the command first
    # the batches are sent after the import, not as each import batch commits: publishing
    # between import batches lost messages on RabbitMQ in a test here (41 of 80 arrived), cause
    # not found yet
    try:
        report = import_jsonl(runtime().engine, path, progress=progress)
    finally:
        runtime().close()
    return report, send_analyze_batches(report.saved.new, settings.nlp.batch_size)


def enqueue_analysis(settings: Settings) -> tuple[Any, int]:
    """Queue analyse batches for every stored mention not analysed and not being worked on."""
    from callbrief.storage.backlog import backlog
    from callbrief.workers.tasks import send_analyze_batches

    _setup(settings)
    stale = utcnow() - timedelta(seconds=settings.workers.lease_s)
    try:
        with session_scope(runtime().engine) as session:
            left = backlog(session, stale)
    finally:
        runtime().close()
    return left, send_analyze_batches(left.claimable, settings.nlp.batch_size)
