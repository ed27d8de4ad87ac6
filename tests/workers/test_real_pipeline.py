"""One worker with the real NLP pipeline: the models load once, before the first message, and
a real batch is analysed, cased and briefed through the queue."""

from __future__ import annotations

import pytest
import yaml
from sqlalchemy import text
from typer.testing import CliRunner

from callbrief.cli import app as cli
from callbrief.storage.db import make_engine
from tests.workers.conftest import wait_for, write_config
from tests.workers.data import write_mentions

pytestmark = [pytest.mark.slow, pytest.mark.postgres]


def test_a_worker_with_the_real_models(redis_url, pg_url, tmp_path, workers):
    config = write_config(tmp_path, batch_size=16)
    data = yaml.safe_load(config.read_text(encoding="utf-8"))
    del data["workers"]["analyzer_factory"]  # the real pipeline
    config.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")

    group = workers(config, pg_url, redis_url)
    group.start("real", queues="nlp,render")
    group.wait_ready("real", timeout=300)  # loading the models comes before "ready"
    mentions = write_mentions(tmp_path / "m.jsonl", 10, per_author=5)
    env = {"CALLBRIEF_BROKER": redis_url}
    done = CliRunner().invoke(
        cli,
        ["--config", str(config), "--db", pg_url, "import", str(mentions), "--enqueue"],
        env=env,
    )
    assert done.exit_code == 0, done.output

    engine = make_engine(pg_url)
    try:

        def one(sql: str):  # type: ignore[no-untyped-def]
            with engine.connect() as conn:
                return conn.execute(text(sql)).scalar_one()

        wait_for(lambda: one("SELECT count(*) FROM analyses") == 10, 120, "real analyses")
        assert one("SELECT count(*) FROM analyses WHERE error IS NOT NULL") == 0
        assert one("SELECT count(DISTINCT model_version) FROM analyses") == 1
        assert one("SELECT min(model_version) FROM analyses") != "fake-1"
        # musteri0 complains five times ("kargom 2 haftadır gelmedi, paramı iade edin"): one case
        wait_for(lambda: one("SELECT count(*) FROM cases") >= 1, 60, "a case")
        briefs = tmp_path / "briefs"
        wait_for(lambda: list(briefs.glob("case-*.md")), 60, "its brief")
    finally:
        engine.dispose()
    log = group.log("real")
    assert log.count("models loaded in") == 1
    assert log.index("models loaded in") < log.index(" ready.")
