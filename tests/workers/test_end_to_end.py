"""2,000 mentions through import -> analyse -> cases -> briefs on two real worker processes, one
killed by SIGKILL in the middle of a batch, with poisoned messages in the queues.

The workers run the real tasks, broker, claims and storage; only the models are the small
deterministic analyzer (`tests/workers/fake_analyzer.py`), whose log tells which batches finished.
The expected cases come from the embedded path (`callbrief analyze` on SQLite) over the same file.
"""

from __future__ import annotations

import os
import re
import signal
import time
from collections import Counter
from pathlib import Path

import pytest
from sqlalchemy import text
from typer.testing import CliRunner

from callbrief.cli import app as cli
from callbrief.foundation.settings import load_settings
from callbrief.services.analyze import analyze_and_open_cases
from callbrief.services.importer import import_jsonl
from callbrief.storage.db import make_engine, open_database
from callbrief.workers.app import app as celery_app
from tests.workers.conftest import wait_for, wait_for_count, write_config
from tests.workers.data import write_mentions
from tests.workers.fake_analyzer import FakeAnalyzer

pytestmark = [pytest.mark.slow, pytest.mark.postgres]
MENTIONS = 2000
BATCH = 25
runner = CliRunner()


def _batches(log: Path) -> tuple[list[tuple[int, list[str]]], dict[int, list[str]]]:
    """Finished batches as (pid, post ids), and each process's batch still open at the end."""
    finished: list[tuple[int, list[str]]] = []
    open_: dict[int, list[str]] = {}
    for line in log.read_text(encoding="utf-8").splitlines():
        kind, pid, *tokens = line.split(" ")
        if kind == "begin":
            open_[int(pid)] = tokens
        elif kind == "end" and open_.pop(int(pid), None) == tokens:
            finished.append((int(pid), tokens))
    return finished, open_


def _partition(engine) -> set[frozenset[str]]:
    """The cases as sets of their posts' ids."""
    with engine.connect() as conn:
        rows = conn.execute(
            text("SELECT case_id, platform_id FROM mentions WHERE case_id IS NOT NULL")
        ).all()
    cases: dict[int, set[str]] = {}
    for case_id, platform_id in rows:
        cases.setdefault(case_id, set()).add(platform_id)
    return {frozenset(posts) for posts in cases.values()}


def _expected_cases(data: Path, config: Path, folder: Path) -> set[frozenset[str]]:
    """What the embedded path (one process, SQLite) makes of the same file."""
    settings = load_settings(config, database=f"sqlite:///{folder / 'reference.db'}", env={})
    engine = open_database(settings.database_url)
    try:
        import_jsonl(engine, data)
        analyze_and_open_cases(engine, settings, FakeAnalyzer(None, 0.0))
        return _partition(engine)
    finally:
        engine.dispose()


def test_two_thousand_mentions_survive_a_worker_killed_mid_batch(
    broker_url, pg_url, tmp_path, workers
):
    config = write_config(tmp_path, batch_size=BATCH, lease_s=8, visibility_timeout_s=8)
    analyzer_log = tmp_path / "analyzer.log"
    group = workers(
        config,
        pg_url,
        broker_url,
        CALLBRIEF_TEST_ANALYZER_LOG=str(analyzer_log),
        CALLBRIEF_TEST_ANALYZER_DELAY="0.4",
    )
    victim = group.start("victim", queues="nlp,render")
    survivor = group.start("survivor", queues="nlp,render")
    group.wait_ready("victim")
    group.wait_ready("survivor")

    data = write_mentions(tmp_path / "mentions.jsonl", MENTIONS)
    env = {"CALLBRIEF_BROKER": broker_url}
    imported = runner.invoke(
        cli, ["--config", str(config), "--db", pg_url, "import", str(data), "--enqueue"], env=env
    )
    assert imported.exit_code == 0, imported.output
    assert f"{MENTIONS // BATCH} analyse batch(es) queued" in imported.output
    poisoned = [
        celery_app.send_task("callbrief.analyze", args=["boom"]),  # analyze takes no argument
        celery_app.send_task("callbrief.render", args=[[-1]]),
    ]

    # kill the victim while it is inside a batch, after it has finished two
    def inside_a_batch() -> list[str] | None:
        finished, open_ = _batches(analyzer_log) if analyzer_log.exists() else ([], {})
        done = sum(1 for pid, _ in finished if pid == victim.pid)
        return open_.get(victim.pid) if done >= 2 else None

    wait_for(inside_a_batch, 120, "the victim to start its third batch", every=0.05)
    os.kill(victim.pid, signal.SIGKILL)
    victim.wait(timeout=10)
    time.sleep(0.5)  # a batch takes 0.4 s: had it not been killed, its end would be logged
    _, open_ = _batches(analyzer_log)
    interrupted = open_.get(victim.pid)
    assert interrupted, "the victim finished its batch before the kill: not mid-batch"

    engine = make_engine(pg_url)
    try:

        def count(sql: str) -> int:
            with engine.connect() as conn:
                return int(conn.execute(text(sql)).scalar_one())

        def explain() -> str:
            with engine.connect() as conn:
                claims = conn.execute(
                    text("SELECT worker, claimed_at, count(*) FROM analysis_claims GROUP BY 1, 2")
                ).all()
                left = conn.execute(
                    text(
                        "SELECT m.platform_id FROM mentions m LEFT JOIN analyses a "
                        "ON a.mention_id = m.id WHERE a.id IS NULL ORDER BY m.id"
                    )
                ).all()
            tasks = [
                line
                for line in group.log("survivor").splitlines()
                if "callbrief.analyze" in line or "ERROR" in line
            ]
            return (
                f"interrupted batch: {' '.join(interrupted)}\n"
                f"not analysed: {' '.join(r[0] for r in left)}\nclaims: {claims}\n"
                "survivor's last analyse lines:\n" + "\n".join(tasks[-12:])
            )

        wait_for_count(
            lambda: count("SELECT count(*) FROM analyses"), MENTIONS, 120, "analyses", explain
        )
        assert count("SELECT count(DISTINCT mention_id) FROM analyses") == MENTIONS
        assert count("SELECT count(*) FROM analysis_claims") == 0

        # every mention analysed by exactly one finished batch, the interrupted ones included
        finished, _ = _batches(analyzer_log)
        seen = Counter(token for _, tokens in finished for token in tokens)
        assert set(seen) == {f"p{i}" for i in range(MENTIONS)}
        assert max(seen.values()) == 1
        assert {pid for pid, tokens in finished if set(interrupted) & set(tokens)} == {survivor.pid}

        # every case opened once: the same cases as the embedded path makes
        expected = _expected_cases(data, config, tmp_path)
        assert len(expected) == MENTIONS // 5 // 2  # every second author complains
        assert _partition(engine) == expected
        assert count("SELECT count(*) FROM cases") == len(expected)

        # every brief written, once per case and format, named by the case's first post and
        # quoting all of its posts: the last render of a case saw the whole case
        briefs = tmp_path / "briefs"
        wait_for(lambda: len(list(briefs.glob("case-*.html"))) == len(expected), 120, "briefs")
        with engine.connect() as conn:
            posts = conn.execute(
                text(
                    "SELECT case_id, platform_id FROM mentions WHERE case_id IS NOT NULL "
                    "ORDER BY case_id, created_at, id"
                )
            ).all()
        by_case: dict[int, list[str]] = {}
        for case_id, platform_id in posts:
            by_case.setdefault(case_id, []).append(platform_id)

        def complete(case_id: int, ids: list[str]) -> bool:
            (md,) = briefs.glob(f"case-{case_id}-*.md")
            (html,) = briefs.glob(f"case-{case_id}-*.html")
            assert md.name == f"case-{case_id}-{ids[0]}.md"
            page = html.read_text(encoding="utf-8")
            return all(f"[{i}]" in page for i in ids)

        # the render queue may still hold a case's last update when the analyses are all in
        wait_for(lambda: all(complete(c, ids) for c, ids in by_case.items()), 180, "whole briefs")
        assert not list(briefs.glob(".*.tmp"))

        # the poisoned messages, and nothing else, are dead letters
        with engine.connect() as conn:
            letters = dict(conn.execute(text("SELECT task_id, error FROM dead_letters")).all())
        assert set(letters) == {p.id for p in poisoned}
        assert re.search(r"TypeError: .*argument", letters[poisoned[0].id])
    finally:
        engine.dispose()
    assert survivor.poll() is None, "the surviving worker stopped"
