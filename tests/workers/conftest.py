"""Real brokers (Redis, RabbitMQ) and real worker processes for the worker tests.

Each test starts from empty queues: the Redis database 14 is flushed, the RabbitMQ queues are
purged. Tests that need a broker skip, with the reason, when it does not answer.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml

REDIS_URL = os.environ.get("CALLBRIEF_TEST_REDIS", "redis://127.0.0.1:6379/14")
AMQP_URL = os.environ.get("CALLBRIEF_TEST_AMQP", "amqp://guest:guest@127.0.0.1:5672//")
ROOT = Path(__file__).resolve().parents[2]
CALLBRIEF = Path(sys.executable).with_name("callbrief")
QUEUES = ("poll", "nlp", "render")


def _answers(url: str, default_port: int) -> bool:
    from kombu.utils.url import url_to_parts

    parts = url_to_parts(url)
    try:
        with socket.create_connection((parts.hostname, parts.port or default_port), timeout=1):
            return True
    except OSError:
        return False


def _empty(url: str) -> None:
    """Start from empty queues (and, on Redis, no unacknowledged leftovers of earlier tests)."""
    if url.startswith("redis"):
        import redis

        redis.Redis.from_url(url).flushdb()
        return
    from kombu import Connection, Queue

    with Connection(url, connect_timeout=5) as conn:
        channel = conn.channel()
        for name in QUEUES:
            queue = Queue(name, routing_key=name)(channel)
            queue.declare()
            queue.purge()


def _broker(kind: str) -> str:
    url, port = (REDIS_URL, 6379) if kind == "redis" else (AMQP_URL, 5672)
    if not _answers(url, port):
        pytest.skip(f"{kind} does not answer at {url} (set CALLBRIEF_TEST_{kind.upper()[:5]})")
    _empty(url)
    return url


@pytest.fixture(params=["redis", "rabbitmq"])
def broker_url(request) -> str:
    """Each broker in turn, its queues empty."""
    return _broker(request.param)


@pytest.fixture
def redis_url() -> str:
    return _broker("redis")


def write_config(folder: Path, **workers: object) -> Path:
    """A config.yaml for workers: one brand, the fake analyzer, briefs under `folder`."""
    data = {
        "home": str(folder / "home"),
        "brands": [{"name": "Kargola", "language": "tr", "keywords": ["kargola"]}],
        "nlp": {"batch_size": int(workers.pop("batch_size", 25))},  # type: ignore[call-overload]
        "workers": {
            "analyzer_factory": "tests.workers.fake_analyzer:build",
            "briefs_dir": str(folder / "briefs"),
            **workers,
        },
    }
    path = folder / "config.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return path


class Workers:
    """`callbrief worker` subprocesses, stopped (SIGTERM, then SIGKILL) when the test ends."""

    def __init__(self, folder: Path, config: Path, db: str, broker: str, env: dict[str, str]):
        self.folder, self.config, self.db, self.broker = folder, config, db, broker
        self.env = {**os.environ, "PYTHONPATH": str(ROOT), "CALLBRIEF_BROKER": broker, **env}
        self.procs: list[subprocess.Popen[bytes]] = []
        self.logs: list[Any] = []

    def start(self, name: str, queues: str = "poll,nlp,render") -> subprocess.Popen[bytes]:
        log = open(self.folder / f"{name}.log", "wb")  # noqa: SIM115  (closed in stop)
        self.logs.append(log)
        proc = subprocess.Popen(
            [str(CALLBRIEF), "--config", str(self.config), "--db", self.db, "worker",
             "--queues", queues, "--hostname", f"{name}@%h"],
            cwd=ROOT, env=self.env, stdout=log, stderr=subprocess.STDOUT,
        )  # fmt: skip
        self.procs.append(proc)
        return proc

    def log(self, name: str) -> str:
        return (self.folder / f"{name}.log").read_text(encoding="utf-8", errors="replace")

    def wait_ready(self, name: str, timeout: float = 180) -> None:
        """Until the worker says it is ready (bounded)."""
        proc = self.procs[[p.args[-1] for p in self.procs].index(f"{name}@%h")]

        def ready() -> bool:
            if proc.poll() is not None:
                pytest.fail(f"worker {name} exited ({proc.returncode}):\n{self.log(name)[-2000:]}")
            return " ready." in self.log(name)

        wait_for(ready, timeout, f"worker {name} to start")

    def stop(self) -> None:
        for proc in self.procs:
            if proc.poll() is None:
                proc.send_signal(signal.SIGTERM)
        for proc in self.procs:
            try:
                proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait(timeout=10)
        for log in self.logs:
            log.close()


@pytest.fixture
def workers(tmp_path) -> Iterator[Callable[..., Workers]]:
    made: list[Workers] = []

    def make(config: Path, db: str, broker: str, **env: str) -> Workers:
        group = Workers(tmp_path, config, db, broker, env)
        made.append(group)
        return group

    yield make
    for group in made:
        group.stop()


def wait_for(condition: Callable[[], object], timeout: float, what: str, every: float = 0.5):
    """Poll `condition` until it is truthy; fail naming `what` after `timeout` seconds."""
    deadline = time.monotonic() + timeout
    while True:
        value = condition()
        if value:
            return value
        if time.monotonic() > deadline:
            pytest.fail(f"timed out after {timeout:.0f} s waiting for {what}")
        time.sleep(every)


def wait_for_count(
    count: Callable[[], int],
    target: int,
    stall: float,
    what: str,
    explain: Callable[[], str] | None = None,
) -> None:
    """Poll `count` until it reaches `target`; fail only when it stands still for `stall` s.

    Slow progress on a loaded machine is not a failure; no progress is. `explain` adds what the
    processes were doing to the failure, so a stall seen once in CI can be diagnosed.
    """
    last, since = -1, time.monotonic()
    while True:
        value = count()
        if value >= target:
            return
        if value != last:
            last, since = value, time.monotonic()
        elif time.monotonic() - since > stall:
            detail = f"\n{explain()}" if explain else ""
            pytest.fail(f"{what}: stuck at {value} of {target} for {stall:.0f} s{detail}")
        time.sleep(0.5)
