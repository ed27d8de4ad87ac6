"""Worker settings, refusals, delivery options, the beat schedule and the dead-letter table."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from apscheduler.triggers.interval import IntervalTrigger
from typer.testing import CliRunner

from callbrief.cli import app as cli
from callbrief.foundation.errors import ConfigError
from callbrief.foundation.settings import load_settings
from callbrief.services.scheduler import schedule_triggers
from callbrief.storage.db import session_scope
from callbrief.storage.deadletters import (
    count_dead_letters,
    count_delivery,
    dead_letters,
    record_dead_letter,
)
from callbrief.workers.app import check_settings, configure
from callbrief.workers.beat import TriggerSchedule, beat_schedule

PG = "postgresql://cb@db.example/cb"
runner = CliRunner()


def test_the_broker_comes_from_the_environment_over_the_file(tmp_path):
    (tmp_path / "config.yaml").write_text("workers:\n  broker_url: redis://file:6379/0\n")
    from_file = load_settings(env={}, cwd=tmp_path)
    from_env = load_settings(env={"CALLBRIEF_BROKER": "amqp://env//"}, cwd=tmp_path)
    assert from_file.workers.broker_url == "redis://file:6379/0"
    assert from_env.workers.broker_url == "amqp://env//"


def test_workers_refuse_sqlite_and_a_missing_or_foreign_broker(settings):
    settings.workers.broker_url = "redis://127.0.0.1:6379/0"
    with pytest.raises(ConfigError, match="SQLite file. Use PostgreSQL"):
        check_settings(settings)
    settings.database = PG
    assert check_settings(settings) == "redis://127.0.0.1:6379/0"
    settings.workers.broker_url = "sqs://queue"
    with pytest.raises(ConfigError, match="not Redis or RabbitMQ"):
        check_settings(settings)
    settings.workers.broker_url = None
    with pytest.raises(ConfigError, match="CALLBRIEF_BROKER"):
        check_settings(settings)


@pytest.mark.parametrize(
    "args",
    [["worker"], ["beat"], ["status"], ["analyze", "--enqueue"]],
    ids=lambda a: " ".join(a),
)
def test_every_worker_command_refuses_sqlite_in_one_line(tmp_path, args):
    env = {"CALLBRIEF_BROKER": "redis://127.0.0.1:6379/14", "CALLBRIEF_HOME": str(tmp_path)}
    result = runner.invoke(cli, args, env=env)
    assert result.exit_code == 2
    assert "Use PostgreSQL" in result.output
    assert "Traceback" not in result.output


def test_an_unknown_queue_is_named(tmp_path):
    env = {"CALLBRIEF_BROKER": "redis://127.0.0.1:6379/14", "CALLBRIEF_DB": PG}
    result = runner.invoke(cli, ["worker", "--queues", "nlp,gpu"], env=env)
    assert result.exit_code == 2
    assert "Unknown queue(s): gpu" in result.output


def test_a_broker_that_does_not_answer_is_one_line(tmp_path, settings):
    # nothing listens on port 9 (discard); the command must say so, not hang or trace back
    env = {"CALLBRIEF_BROKER": "redis://127.0.0.1:9/0", "CALLBRIEF_DB": PG}
    result = runner.invoke(cli, ["status"], env=env)
    assert result.exit_code == 1
    assert "Cannot reach the message broker at redis://" in result.output
    assert "Traceback" not in result.output


def test_delivery_is_late_acked_one_at_a_time(settings):
    settings.database = PG
    settings.workers.broker_url = "amqp://guest:guest@127.0.0.1:5672//"
    conf = configure(settings).conf
    assert conf.task_acks_late and conf.task_reject_on_worker_lost
    assert conf.worker_prefetch_multiplier == 1
    assert {q.name for q in conf.task_queues} == {"poll", "nlp", "render"}
    assert conf.task_routes["callbrief.analyze"] == {"queue": "nlp"}


def test_beat_reuses_the_run_schedule(settings):
    settings.sources.rss.enabled = True
    settings.sources.rss.cadence_minutes = 30
    start = datetime(2026, 11, 24, 9, 0, tzinfo=UTC)
    entries = beat_schedule(settings, start)
    assert set(entries) == set(schedule_triggers(settings, start)) | {"sweep"}
    assert entries["scan:rss"]["task"] == "callbrief.poll"
    assert entries["scan:rss"]["args"] == ("rss",)
    assert entries["digest"]["task"] == "callbrief.digest"
    # the digest fires at digest.send_at in the team's zone, as `run` does
    digest = entries["digest"]["schedule"]
    fire = digest.trigger.get_next_fire_time(None, start)
    assert fire.astimezone(digest.trigger.timezone).strftime("%H:%M") == settings.digest.send_at


def test_a_trigger_schedule_is_due_when_its_trigger_fires():
    start = datetime(2026, 11, 24, 9, 0, tzinfo=UTC)
    now = [start + timedelta(minutes=10)]
    schedule = TriggerSchedule(IntervalTrigger(minutes=15, start_date=start, timezone=UTC))
    schedule.nowfun = lambda: now[0]
    due, wait = schedule.is_due(start)
    assert (due, round(wait)) == (False, 300)  # 5 minutes until 09:15
    now[0] = start + timedelta(minutes=16)
    due, wait = schedule.is_due(start)
    assert (due, round(wait)) == (True, 14 * 60)  # 09:15 passed; next at 09:30
    due, _ = schedule.is_due(start + timedelta(minutes=15))
    assert due is False  # the 09:15 run happened


def test_a_dead_letter_is_stored_once_per_task(any_engine):
    with session_scope(any_engine) as session:
        assert [count_delivery(session, "t1:0", "callbrief.analyze") for _ in range(3)] == [1, 2, 3]
        first = record_dead_letter(
            session, task_id="t1", task="callbrief.render", error="PoisonedTask: bad", attempts=1,
            queue="render", args=[["x"], object()],
        )  # fmt: skip
        again = record_dead_letter(
            session, task_id="t1", task="callbrief.render", error="again", attempts=2
        )
    with session_scope(any_engine) as session:
        (row,) = dead_letters(session)
        assert (first, again) == (True, False)
        assert (row.task, row.queue, row.error) == (
            "callbrief.render",
            "render",
            "PoisonedTask: bad",
        )
        assert count_dead_letters(session) == 1
        tomorrow = datetime.now(UTC) + timedelta(days=1)
        assert count_dead_letters(session, start=tomorrow) == 0


def test_the_digest_lists_the_days_dead_letters(engine, settings):
    from callbrief.briefs.digest import build_digest, render_digest

    with session_scope(engine) as session:
        record_dead_letter(
            session, task_id="t9", task="callbrief.render", attempts=6,
            error="OperationalError: server closed the connection\ntrace...",
        )  # fmt: skip
    today = datetime.now(UTC).astimezone(ZoneInfo(settings.cases.timezone))
    with session_scope(engine) as session:
        digest = build_digest(session, settings, today.date())
        yesterday = build_digest(session, settings, today.date() - timedelta(days=1))
    text = render_digest(digest, "txt")
    assert "dead letters): 1" in text
    assert "callbrief.render (6x): OperationalError: server closed the connection" in text
    assert "trace..." not in text
    assert "callbrief.render" in render_digest(digest, "html")
    assert "dead letters" not in render_digest(yesterday, "txt")
    assert isinstance(digest.day, date)


def test_a_new_configuration_publishes_to_its_own_broker(settings):
    from callbrief.workers.app import app

    settings.database = PG
    for url in ("redis://127.0.0.1:6379/14", "amqp://guest:guest@127.0.0.1:5672//"):
        settings.workers.broker_url = url
        configure(settings)
        with app.producer_or_acquire() as producer:
            assert producer.connection.as_uri().split(":")[0] == url.split(":")[0]
