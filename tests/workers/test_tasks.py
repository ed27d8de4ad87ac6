"""The task base class on its own: transient failures retried then dead-lettered, and a message
that keeps killing its worker dead-lettered instead of run again. Tasks run eagerly here, through
Celery's own call path (`apply`), against PostgreSQL."""

from __future__ import annotations

import pytest
from sqlalchemy.exc import OperationalError

from callbrief.foundation.settings import load_settings
from callbrief.storage.db import open_database, session_scope
from callbrief.storage.deadletters import count_delivery, dead_letters
from callbrief.workers import tasks
from callbrief.workers.app import configure, runtime

pytestmark = pytest.mark.postgres


@pytest.fixture
def configured(pg_url, tmp_path):
    settings = load_settings(env={}, cwd=tmp_path, database=pg_url)
    settings.home = str(tmp_path / "home")
    settings.workers.broker_url = "redis://127.0.0.1:6379/14"  # never contacted: tasks run eagerly
    settings.workers.max_retries = 2
    configure(settings)
    open_database(pg_url).dispose()
    yield settings
    runtime().close()


def test_a_transient_failure_is_retried_then_dead_lettered(configured, monkeypatch):
    calls = []

    def database_gone(*args, **kwargs):
        calls.append(args)
        raise OperationalError("SELECT 1", {}, Exception("server closed the connection"))

    monkeypatch.setattr("callbrief.briefs.case_briefs.write_case_briefs", database_gone)
    result = tasks.render.apply(args=([7],), task_id="render-7")
    assert result.failed()
    assert len(calls) == 3  # the first try and max_retries=2 retries
    with session_scope(runtime().engine) as session:
        (letter,) = dead_letters(session)
    assert (letter.task_id, letter.task, letter.attempts) == ("render-7", "callbrief.render", 3)
    assert "server closed the connection" in letter.error


def test_a_message_that_keeps_killing_its_worker_is_not_run_again(configured, monkeypatch):
    ran = []
    monkeypatch.setattr(
        "callbrief.briefs.case_briefs.write_case_briefs", lambda *a, **k: ran.append(a) or []
    )
    with session_scope(runtime().engine) as session:
        for _ in range(configured.workers.max_deliveries):  # three deliveries, each worker lost
            count_delivery(session, "render-8:0", "callbrief.render")
    tasks.render.apply(args=([8],), task_id="render-8")
    assert ran == []
    with session_scope(runtime().engine) as session:
        (letter,) = dead_letters(session)
    assert letter.task_id == "render-8"
    assert "delivered 3 times and never finished" in letter.error

    tasks.render.apply(args=([9],), task_id="render-9")  # a healthy one still runs
    assert len(ran) == 1


def test_poll_scans_one_source_and_queues_its_new_mentions(pg_url, redis_url, tmp_path, replay):
    from callbrief.foundation.settings import Brand
    from callbrief.workers.control import queue_status
    from tests.services.test_scan import ATOM

    server = replay(
        [
            {
                "request": {"method": "GET", "path": "/feed.atom"},
                "repeat": True,
                "response": {"headers": {"Content-Type": "application/atom+xml"}, "body": ATOM},
            }
        ]
    )
    settings = load_settings(env={}, cwd=tmp_path, database=pg_url)
    settings.home = str(tmp_path / "home")
    settings.workers.broker_url = redis_url
    settings.brands = [
        Brand(name="Kargola", keywords=["kargola"], feeds=[f"{server.url}/feed.atom"])
    ]
    settings.sources.rss.enabled = True
    configure(settings)
    try:
        first = tasks.poll.apply(args=("rss",)).get()
        again = tasks.poll.apply(args=("rss",)).get()
    finally:
        runtime().close()
    assert first == "rss: 1 new, 1 batch(es) queued"
    assert again == "rss: 0 new, 0 batch(es) queued"
    assert queue_status(settings).depths["nlp"] == 1
