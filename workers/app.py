"""The Celery application: queues, at-least-once delivery settings, and the worker's runtime.

Delivery is at least once, and the settings below are what make it exactly once in effect:

- late acks (`task_acks_late`): a message is acknowledged after its task finished, so a worker
  killed mid-task leaves it on the broker and another worker gets it;
- `task_reject_on_worker_lost`: the same when the task's thread or process dies under it;
- prefetch 1: a worker holds only the message it is working on, never a backlog that a crash
  would delay by a whole visibility timeout;
- the writes a redelivered task repeats are idempotent: mentions and authors by unique keys,
  analyses through atomic claims, brief files replaced whole;
- transient failures (database or broker gone, a lock held) are retried with jittered
  exponential backoff; a task that still fails, or can never work, becomes a dead letter.

One process loads its models once (`Runtime.analyzer`); the pool is threads, never prefork, so
nothing forks after a model is loaded.
"""

from __future__ import annotations

import json
import logging
import sys
import threading
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from celery import Celery
from celery.signals import setup_logging
from kombu import Queue
from sqlalchemy.engine import Engine, make_url

from callbrief.foundation.errors import ConfigError
from callbrief.foundation.settings import Settings
from callbrief.services.analyze import load_analyzer
from callbrief.storage.claims import worker_name

QUEUES = ("poll", "nlp", "render")
ROUTES = {
    "callbrief.poll": "poll",
    "callbrief.enqueue_pending": "poll",
    "callbrief.analyze": "nlp",
    "callbrief.render": "render",
    "callbrief.digest": "render",
}

app = Celery("callbrief", set_as_current=False)
log = logging.getLogger("callbrief.workers")


def check_settings(settings: Settings) -> str:
    """The broker URL, or a ConfigError when workers cannot run with these settings."""
    url = settings.workers.broker_url
    if not url:
        raise ConfigError(
            "No message broker configured. Set workers.broker_url in config.yaml or "
            "CALLBRIEF_BROKER, e.g. redis://127.0.0.1:6379/0 or amqp://guest:guest@127.0.0.1:5672//."
        )
    if not url.startswith(("redis://", "rediss://", "amqp://", "amqps://", "pyamqp://")):
        raise ConfigError(
            f"Broker URL {url!r} is not Redis or RabbitMQ. Use redis://host:6379/0 or "
            "amqp://user:password@host:5672//."
        )
    if make_url(settings.database_url).get_backend_name() == "sqlite":
        raise ConfigError(
            f"Workers need a database that every worker can reach, and {settings.database_url} "
            "is an SQLite file. Use PostgreSQL: --db postgresql://user@host:5432/callbrief "
            "(or CALLBRIEF_DB). The embedded `callbrief run` keeps working on SQLite."
        )
    return url


def configure(settings: Settings) -> Celery:
    """Point the one Celery app at these settings' broker and give workers their runtime."""
    broker = check_settings(settings)
    from callbrief.workers.beat import beat_schedule

    # connection and producer pools of an earlier configuration (another broker) go, and so does
    # Celery's AMQP helper: it caches an event dispatcher whose exchange type follows the broker
    # it was made for ("celeryev" is fanout on Redis, topic on RabbitMQ), so after a switch from
    # Redis it declared a fanout "celeryev" on RabbitMQ, and every later topic declaration there
    # failed with PRECONDITION_FAILED
    app.close()
    app.__dict__.pop("amqp", None)
    app.conf.update(
        broker_url=broker,
        broker_connection_retry_on_startup=True,
        broker_transport_options={
            "visibility_timeout": settings.workers.visibility_timeout_s,
            # Redis: look for the messages of lost workers every few seconds, not every 100 s
            "unacked_restore_interval": min(10, settings.workers.visibility_timeout_s),
            "unacked_restore_throttle": 1,
            # RabbitMQ: a publish waits for the broker's confirmation, so a message the broker
            # did not take raises instead of vanishing (seen in a test: tasks published, never
            # delivered); Redis ignores it
            "confirm_publish": True,
        },
        task_acks_late=True,
        task_reject_on_worker_lost=True,
        worker_prefetch_multiplier=1,
        # a task that failed is dead-lettered by its on_failure before the ack
        task_acks_on_failure_or_timeout=True,
        task_ignore_result=True,
        task_serializer="json",
        accept_content=["json"],
        task_queues=[Queue(name, routing_key=name) for name in QUEUES],
        task_default_queue="nlp",
        task_routes={name: {"queue": queue} for name, queue in ROUTES.items()},
        # events for Flower and `celery events`
        worker_send_task_events=True,
        task_send_sent_event=True,
        worker_hijack_root_logger=False,
        timezone="UTC",
        enable_utc=True,
        beat_schedule=beat_schedule(settings),
    )
    global _runtime
    if _runtime is not None:
        _runtime.close()
    _runtime = Runtime(settings)
    return app


def queue_depths(names: tuple[str, ...] | list[str] = QUEUES) -> dict[str, int]:
    """Messages waiting in each queue: not those a worker holds unacknowledged or for later.

    The connection comes from the app's pool: a worker asks after every batch.
    """
    depths: dict[str, int] = {}
    with app.connection_or_acquire() as conn:
        channel = conn.default_channel
        for name in names:
            declared = Queue(name, routing_key=name)(channel).queue_declare()
            depths[name] = int(declared.message_count)
    return depths


class Runtime:
    """What one worker process shares between its tasks: settings, one engine, one analyzer."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.worker = worker_name()  # how claims name this process: host and pid
        home = settings.home_path
        self.briefs_dir = Path(settings.workers.briefs_dir or home / "briefs").expanduser()
        self._engine: Engine | None = None
        self._analyzer: Any = None
        self._lock = threading.Lock()
        # the models run one batch at a time per process; other threads poll and render meanwhile
        self.analyze_lock = threading.Lock()

    @property
    def engine(self) -> Engine:
        with self._lock:
            if self._engine is None:
                from callbrief.storage.db import open_database

                self._engine = open_database(self.settings.database_url)
            return self._engine

    def close(self) -> None:
        """Return the database connections (a one-shot command is done with them)."""
        with self._lock:
            if self._engine is not None:
                self._engine.dispose()
                self._engine = None

    @property
    def analyzer(self) -> Any:
        with self._lock:
            if self._analyzer is None:
                self._analyzer = load_analyzer(self.settings)
            return self._analyzer


_runtime: Runtime | None = None


def runtime() -> Runtime:
    """This process's runtime; `configure` must have run (the CLI and `celeryapp` do)."""
    if _runtime is None:
        raise ConfigError(
            "The workers are not configured: start them with `callbrief worker`, or point Celery "
            "at callbrief.workers.celeryapp."
        )
    return _runtime


class JsonLogFormatter(logging.Formatter):
    """One JSON object per line, carrying the task's id and name when a task is running."""

    def format(self, record: logging.LogRecord) -> str:
        from celery import current_task

        entry: dict[str, Any] = {
            "ts": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "msg": record.getMessage(),
        }
        task = current_task
        if task and getattr(task.request, "id", None):
            entry["task_id"] = task.request.id
            entry["task"] = task.name
        if record.exc_info:
            entry["exc"] = self.formatException(record.exc_info)
        return json.dumps(entry, ensure_ascii=False, default=str)


def setup_json_logging(level: str | int = "INFO") -> None:
    """Send every log record to stderr as JSON lines (workers, beat)."""
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(JsonLogFormatter())
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level)


@setup_logging.connect
def _celery_logging(loglevel: Any = None, **_: Any) -> None:
    # a receiver here stops Celery from installing its own plain-text handlers
    setup_json_logging(loglevel or "INFO")
