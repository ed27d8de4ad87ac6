"""One real worker process on each real broker: batches analysed, briefs written, poison
dead-lettered, and the queue state that `callbrief status` shows."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import text
from typer.testing import CliRunner

from callbrief.cli import app as cli
from callbrief.foundation.settings import load_settings
from callbrief.storage.db import make_engine
from callbrief.workers.app import app as celery_app
from callbrief.workers.app import configure
from callbrief.workers.control import queue_status
from tests.workers.conftest import wait_for, write_config
from tests.workers.data import write_mentions

pytestmark = [pytest.mark.slow, pytest.mark.postgres]
runner = CliRunner()


def _count(engine, sql: str) -> int:
    with engine.connect() as conn:
        return int(conn.execute(text(sql)).scalar_one())


def _one_worker(workers, config, pg_url: str, broker_url: str):  # type: ignore[no-untyped-def]
    """One real worker `w1` on the nlp and render queues, started and ready."""
    group = workers(config, pg_url, broker_url)
    group.start("w1", queues="nlp,render")
    group.wait_ready("w1")
    return group


def _log_records(group) -> list[dict]:  # type: ignore[no-untyped-def]
    """The JSON lines worker `w1` logged."""
    return [json.loads(line) for line in group.log("w1").splitlines() if line.startswith("{")]


def test_a_worker_on_the_broker_analyses_renders_and_dead_letters_poison(
    broker_url, pg_url, tmp_path, workers
):
    config = write_config(tmp_path, batch_size=20)
    env = {"CALLBRIEF_BROKER": broker_url}
    base = ["--config", str(config), "--db", pg_url]
    data = write_mentions(tmp_path / "first.jsonl", 60)

    imported = runner.invoke(cli, [*base, "import", str(data), "--enqueue"], env=env)
    assert imported.exit_code == 0, imported.output
    assert "60 new" in imported.output
    assert "3 analyse batch(es) queued" in imported.output
    settings = load_settings(config, database=pg_url, env=env)
    before = queue_status(settings)
    assert before.depths == {"poll": 0, "nlp": 3, "render": 0}
    assert before.workers == {}
    assert before.backlog.pending == 60

    # poison: arguments that can never work, and a task no worker knows
    bad_args = celery_app.send_task("callbrief.render", args=[["not-a-case"]])
    unknown = celery_app.send_task("callbrief.nope", args=[1], queue="nlp", routing_key="nlp")

    group = _one_worker(workers, config, pg_url, broker_url)
    engine = make_engine(pg_url)
    try:
        wait_for(lambda: _count(engine, "SELECT count(*) FROM analyses") == 60, 60, "analyses")
        wait_for(lambda: _count(engine, "SELECT count(*) FROM dead_letters") == 2, 30, "poison")
        cases = _count(engine, "SELECT count(*) FROM cases")
        assert cases == 6  # 12 authors, every second one complains
        briefs = tmp_path / "briefs"
        wait_for(lambda: len(list(briefs.glob("case-*.md"))) == cases, 30, "a brief per case")
        assert len(list(briefs.glob("case-*.html"))) == cases

        with engine.connect() as conn:
            letters = dict(conn.execute(text("SELECT task_id, error FROM dead_letters")).all())
        assert "case_ids must be a list of positive integers" in letters[bad_args.id]
        assert "unknown task 'callbrief.nope'" in letters[unknown.id]

        # nothing else stopped: the same worker takes the next file
        more = write_mentions(tmp_path / "more.jsonl", 20, first=1000)
        again = runner.invoke(cli, [*base, "import", str(more), "--enqueue"], env=env)
        assert again.exit_code == 0, again.output
        wait_for(lambda: _count(engine, "SELECT count(*) FROM analyses") == 80, 60, "more")
    finally:
        engine.dispose()

    after = runner.invoke(cli, [*base, "status"], env=env)
    assert after.exit_code == 0, after.output
    assert "workers: 1 live" in after.output
    assert "dead letters: 2" in after.output
    assert "mentions: 0 not analysed" in after.output
    state = queue_status(settings)
    assert state.depths["nlp"] == 0
    assert [sorted(q) for q in state.workers.values()] == [["nlp", "render"]]

    # structured logs: one JSON object a line, task lines carry the task's id
    group.stop()
    records = _log_records(group)
    analysed = [r for r in records if r.get("task") == "callbrief.analyze"]
    assert analysed and all(r["task_id"] for r in analysed)
    assert any("claimed" in r["msg"] for r in analysed)


def test_analyze_enqueue_queues_what_is_stored_and_not_analysed(broker_url, pg_url, tmp_path):
    config = write_config(tmp_path, batch_size=20)
    env = {"CALLBRIEF_BROKER": broker_url}
    base = ["--config", str(config), "--db", pg_url]
    data = write_mentions(tmp_path / "stored.jsonl", 50)
    assert runner.invoke(cli, [*base, "import", str(data)], env=env).exit_code == 0

    queued = runner.invoke(cli, [*base, "analyze", "--enqueue"], env=env)
    assert queued.exit_code == 0, queued.output
    assert "50 mention(s) not analysed, 0 being analysed; 3 analyse batch(es)" in queued.output
    settings = load_settings(config, database=pg_url, env=env)
    assert queue_status(settings).depths["nlp"] == 3


def test_a_backlog_outlives_a_lost_message(broker_url, pg_url, tmp_path, workers):
    """Three batches stored, one message queued (as if the broker lost two): the worker that
    takes it tops the queue up from the backlog, and every mention is analysed, without beat."""
    config = write_config(tmp_path, batch_size=20)
    env = {"CALLBRIEF_BROKER": broker_url}
    base = ["--config", str(config), "--db", pg_url]
    data = write_mentions(tmp_path / "stored.jsonl", 60)
    assert runner.invoke(cli, [*base, "import", str(data)], env=env).exit_code == 0
    configure(load_settings(config, database=pg_url, env=env))
    celery_app.send_task("callbrief.analyze", queue="nlp", routing_key="nlp")

    group = _one_worker(workers, config, pg_url, broker_url)
    engine = make_engine(pg_url)
    try:
        wait_for(lambda: _count(engine, "SELECT count(*) FROM analyses") == 60, 60, "analyses")
    finally:
        engine.dispose()
    group.stop()
    records = _log_records(group)
    assert any("2 batch(es) queued for the 40 left" in r["msg"] for r in records)
