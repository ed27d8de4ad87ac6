"""Scans that meet rate limits, server errors, timeouts, bad pages and a killed process."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from datetime import datetime
from pathlib import Path

from sqlalchemy import text
from sqlmodel import Session, select

from callbrief.services.scan import run_scan
from callbrief.storage.models import Cursor, Mention, ScanRun
from callbrief.storage.scans import query_reports
from tests.monitor.xpages import mentions, page, search, tweet, user_lookup
from tests.replay_fixtures import SECRET

NOW = datetime.fromisoformat("2025-03-10T12:00:00+00:00")
ROOT = Path(__file__).resolve().parents[2]


def timeline() -> list[dict]:
    return [user_lookup("kargola", "9001"), mentions("9001", page([]))]


def ids(engine) -> list[str]:
    with Session(engine) as session:
        return sorted(session.exec(select(Mention.platform_id)))


def search_cursor(engine) -> Cursor:
    with Session(engine) as session:
        return session.exec(select(Cursor).where(Cursor.query.startswith("search"))).one()


FIRST = page([tweet("505", "kargola a"), tweet("504", "kargola b")], next_token="p2")
SECOND = page([tweet("503", "kargola c"), tweet("502", "kargola d")])


def test_a_429_whose_reset_fits_the_deadline_is_waited_out(
    replay, x_settings, clients, sleeps, engine
):
    reset = str(int(time.time()) + 40)
    server = replay(
        [
            search(
                {"title": "Too Many Requests", "detail": "Too Many Requests", "status": 429},
                status=429,
                headers={"x-rate-limit-remaining": "0", "x-rate-limit-reset": reset},
            ),
            search(SECOND),
            *timeline(),
        ]
    )
    report = run_scan(x_settings(server), engine, clients=clients, now=NOW)
    assert ids(engine) == ["502", "503"] and not report.failed
    assert len(sleeps) == 1 and 35 < sleeps[0] <= 42


def test_a_rate_limit_past_the_deadline_stops_records_the_gap_and_the_next_scan_fills_it(
    replay, x_settings, clients, sleeps, any_engine
):
    far = str(int(time.time()) + 8148)  # twarc once slept this long; we must not
    server = replay(
        [
            search(FIRST, headers={"x-rate-limit-remaining": "0", "x-rate-limit-reset": far}),
            *timeline(),
            # next scan: nothing newer than 505, then the gap below 504 is filled
            search(page([]), since_id="505"),
            search(SECOND, until_id="504"),
            mentions("9001", page([])),
        ]
    )
    settings = x_settings(server)
    first = run_scan(settings, any_engine, clients=clients, now=NOW)
    row = first.rows[0]
    assert first.failed and row.status == "partial" and sleeps == []
    assert "deadline" in row.message and ids(any_engine) == ["504", "505"]
    cursor = search_cursor(any_engine)
    assert cursor.position == "505" and cursor.state["gaps"][0]["until_id"] == "504"
    with Session(any_engine) as session:
        run = session.exec(select(ScanRun)).one()
    gap = query_reports(run)[0].gaps[0]
    assert gap.end == "2025-03-10T09:00:00.000Z" and gap.start is not None

    second = run_scan(settings, any_engine, clients=clients, now=NOW)
    assert not second.failed and ids(any_engine) == ["502", "503", "504", "505"]
    assert search_cursor(any_engine).state.get("gaps") == []
    assert not server.unplayed()


def test_server_errors_are_retried_with_backoff(replay, x_settings, clients, sleeps, engine):
    error = {"title": "Service Unavailable", "status": 503}
    server = replay(
        [search(error, status=503), search(error, status=503), search(SECOND), *timeline()]
    )
    report = run_scan(x_settings(server), engine, clients=clients, now=NOW)
    assert not report.failed and ids(engine) == ["502", "503"]
    assert len(sleeps) == 2 and all(0 < s <= 30 for s in sleeps)


def test_repeated_timeouts_fail_the_query_and_the_next_scan_loses_nothing(
    replay, x_settings, clients, engine
):
    server = replay(
        [
            search(FIRST),
            *[search(SECOND, delay_s=1.0, next_token="p2") for _ in range(3)],
            *timeline(),
            search(SECOND, next_token="p2", until_id="504"),  # not used: next scan walks anew
        ]
    )
    settings = x_settings(server)
    first = run_scan(settings, engine, clients=clients, now=NOW)
    assert first.failed and "failed 3 times" in first.rows[0].message
    assert "no answer within 0.5s" in first.rows[0].message
    assert ids(engine) == ["504", "505"]
    server.interactions[:] = [i for i in server.interactions if i.played]
    server.interactions.extend(
        replay_list(
            [
                search(page([]), since_id="505"),
                search(SECOND, until_id="504"),
                mentions("9001", page([])),
            ]
        )
    )
    run_scan(settings, engine, clients=clients, now=NOW)
    assert ids(engine) == ["502", "503", "504", "505"]


def replay_list(recorded: list[dict]):
    from callbrief.services.demo.replay import Interaction

    return [Interaction.from_json(i) for i in recorded]


def test_a_malformed_page_stores_nothing_from_it_and_is_asked_again(
    replay, x_settings, clients, engine
):
    server = replay(
        [
            search("<html>upstream proxy error</html>", headers={"Content-Type": "text/html"}),
            *timeline(),
            search({"data": {"id": "1"}, "meta": {}}),
            mentions("9001", page([])),
            search(SECOND),
            mentions("9001", page([])),
        ]
    )
    settings = x_settings(server)
    first = run_scan(settings, engine, clients=clients, now=NOW)
    assert first.failed and "not JSON" in first.rows[0].message
    second = run_scan(settings, engine, clients=clients, now=NOW)
    assert "not in X's documented format" in second.rows[0].message
    assert ids(engine) == []
    third = run_scan(settings, engine, clients=clients, now=NOW)
    assert not third.failed and ids(engine) == ["502", "503"]


def test_secrets_never_reach_logs_errors_or_the_database(
    replay, x_settings, clients, engine, caplog
):
    caplog.set_level("DEBUG")
    server = replay(
        [
            search(SECOND),
            user_lookup("kargola", "9001"),
            mentions("9001", {"title": "Unauthorized", "status": 401, "detail": "Unauthorized"}),
        ]
    )
    server.interactions[-1].status = 401
    report = run_scan(x_settings(server), engine, clients=clients, now=NOW)
    assert server.received[0]["headers"]["Authorization"] == f"Bearer {SECRET}"
    assert "CALLBRIEF_X_BEARER_TOKEN" in report.rows[0].message
    assert "tweepy" in caplog.text or "Making API request" in caplog.text
    assert SECRET not in caplog.text and SECRET not in report.rows[0].message
    with engine.connect() as conn:
        for table in ("mentions", "authors", "cursors", "scan_runs"):
            dump = json.dumps(
                [list(map(str, r)) for r in conn.execute(text(f"SELECT * FROM {table}"))]
            )
            assert SECRET not in dump, table


def test_a_scan_killed_mid_way_leaves_no_cursor_past_stored_data(
    replay, x_settings, clients, engine, tmp_path
):
    server = replay([search(FIRST), search(SECOND, next_token="p2", delay_s=20)])
    settings = x_settings(server)
    settings.sources.x.timeout_s = 30
    config = tmp_path / "settings.json"
    config.write_text(settings.model_dump_json(), encoding="utf-8")
    script = (
        "import sys; from datetime import datetime;"
        "from callbrief.foundation.settings import Settings;"
        "from callbrief.storage.db import open_database;"
        "from callbrief.services.scan import run_scan;"
        "s = Settings.model_validate_json(open(sys.argv[1]).read());"
        f"s.sources.x.bearer_token = {SECRET!r};"
        "run_scan(s, open_database(sys.argv[2]), now=datetime.fromisoformat(sys.argv[3]))"
    )
    proc = subprocess.Popen(
        [sys.executable, "-c", script, str(config), str(engine.url), NOW.isoformat()],
        cwd=ROOT,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
    )
    for _ in range(200):  # until the process asks for page 2
        if len(server.received) >= 2:
            break
        time.sleep(0.05)
    time.sleep(0.3)
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    assert ids(engine) == ["504", "505"]
    cursor = search_cursor(engine)
    assert cursor.position == "505" and cursor.state["gaps"][0]["until_id"] == "504"

    server.interactions.extend(
        replay_list([search(page([]), since_id="505"), search(SECOND, until_id="504"), *timeline()])
    )
    report = run_scan(settings, engine, clients=clients, now=NOW)
    assert not report.failed, report.rows[0].message
    assert ids(engine) == ["502", "503", "504", "505"]
    with Session(engine) as session:
        runs = session.exec(select(ScanRun).order_by(ScanRun.id)).all()
    assert runs[0].status == "failed" and "interrupted" in runs[0].error
