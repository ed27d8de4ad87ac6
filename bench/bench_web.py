"""Latency of the workspace's queue and brief pages on a large database, and live-queue fan-out.

Usage:  .venv/bin/python bench/bench_web.py [--cases 100000] [--mentions 1000000]
            [--db sqlite|postgres|both] [--pg URL] [--requests 100] [--sse 50]

Quick run:  .venv/bin/python bench/bench_web.py --cases 5000 --mentions 50000 --sse 10

Rows go in with bulk inserts (SQLite executemany; PostgreSQL COPY): authors, cases (3% still
open, the rest closed over half a year, as a queue looks after months of work), ten mentions per
case, one analysis each. Then, through the real ASGI app with a logged-in agent, GET /queue and
GET /cases/{id} (random open cases) are timed `--requests` times each (after a warm-up) and the
p50/p95 printed. Finally `--sse` clients hold /events open on a real uvicorn server; one case is
claimed and the time until every client has the `queue` event is printed.
Targets on 2 cores: queue p95 < 100 ms, brief p95 < 150 ms.
"""

from __future__ import annotations

import argparse
import asyncio
import random
import socket
import statistics
import sys
import tempfile
import threading
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlalchemy import text  # noqa: E402

from callbrief.foundation.settings import Settings  # noqa: E402
from callbrief.storage import accounts  # noqa: E402
from callbrief.storage.db import open_database, session_scope  # noqa: E402

NOW = datetime.now(UTC).replace(microsecond=0)
BRANDS = ("Kargola", "Hızlıbank", "Mobilcell")
CHANNELS = ("x", "reddit")
CATEGORIES = ("delivery", "billing", "refund", "app", "card")
BATCH = 20_000
PG_DEFAULT = "postgresql://postgres@127.0.0.1:5432/test"
PASSWORD = "bench password"


def _ts(moment: datetime, sqlite: bool):  # type: ignore[no-untyped-def]
    return moment.strftime("%Y-%m-%d %H:%M:%S.%f") if sqlite else moment


COLUMNS = {
    "authors": ["id", "channel", "handle", "followers", "updated_at"],
    "cases": [
        "id", "brand", "author_id", "category", "status", "priority", "opened_at",
        "last_mention_at", "due_at", "first_contact_at", "closed_at", "updated_at",
    ],
    "mentions": [
        "id", "channel", "platform_id", "brand", "author_id", "text", "created_at", "links",
        "metrics", "content_hash", "source", "fetched_at", "raw", "case_id",
    ],
    "analyses": [
        "id", "mention_id", "model_version", "language", "sentiment_label", "sentiment_score",
        "complaint", "irony", "category", "asks", "signals", "entities", "grievance",
        "priority", "created_at",
    ],
}  # fmt: skip


def _write(conn, table: str, rows: list[tuple]) -> None:  # type: ignore[no-untyped-def]
    columns = COLUMNS[table]
    if not rows:
        return
    if conn.dialect.name == "postgresql":
        raw = conn.connection.driver_connection
        with (
            raw.cursor() as cursor,
            cursor.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy,
        ):
            for row in rows:
                copy.write_row(row)
        return
    marks = ", ".join("?" for _ in columns)
    conn.connection.driver_connection.executemany(
        f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({marks})", rows
    )


def populate(engine, n_cases: int, n_mentions: int, seed: int = 13) -> list[int]:  # type: ignore[no-untyped-def]
    """Insert the rows; return the ids of the open cases."""
    rnd = random.Random(seed)
    sqlite = engine.dialect.name == "sqlite"
    per_case = max(1, n_mentions // n_cases)
    now = _ts(NOW, sqlite)
    open_ids = []
    with engine.begin() as conn:
        _write(
            conn,
            "authors",
            [(i, CHANNELS[i % 2], f"user{i}", rnd.randrange(10, 50_000), now)
             for i in range(1, n_cases + 1)],
        )  # fmt: skip
        cases, mentions, analyses = [], [], []
        mention_id = 0
        for c in range(1, n_cases + 1):
            active = rnd.random() < 0.03
            opened = NOW - timedelta(hours=rnd.random() * (48 if active else 24 * 180))
            due = opened + timedelta(hours=4)
            contacted = (not active and rnd.random() < 0.9) or (active and rnd.random() < 0.3)
            first = opened + timedelta(hours=rnd.random() * 8) if contacted else None
            status = (
                rnd.choice(("open", "assigned", "reached", "follow_up"))
                if active
                else rnd.choice(("resolved", "resolved", "escalated"))
            )
            if active:
                open_ids.append(c)
            brand = BRANDS[c % 3]
            category = CATEGORIES[c % len(CATEGORIES)]
            cases.append(
                (c, brand, c, category, status, rnd.random(), _ts(opened, sqlite),
                 _ts(opened, sqlite), _ts(due, sqlite), _ts(first, sqlite) if first else None,
                 None if active else _ts(opened + timedelta(days=1), sqlite),
                 _ts(opened, sqlite))
            )  # fmt: skip
            for k in range(per_case):
                mention_id += 1
                created = opened + timedelta(minutes=k * 7)
                mentions.append(
                    (mention_id, CHANNELS[c % 2], str(mention_id), brand, c,
                     f"{brand} post {mention_id}: kargom {k} gündür gelmedi, iade istiyorum",
                     _ts(created, sqlite), "[]", "{}", f"{mention_id:064x}", "bench", now, "{}", c)
                )  # fmt: skip
                analyses.append(
                    (mention_id, mention_id, "bench", "tr", "negative", 0.9, True, False,
                     category, '["refund"]', "[]", "[]", '["kargom gelmedi"]', rnd.random(), now)
                )  # fmt: skip
            if len(mentions) >= BATCH:
                _write(conn, "cases", cases)
                _write(conn, "mentions", mentions)
                _write(conn, "analyses", analyses)
                cases, mentions, analyses = [], [], []
        _write(conn, "cases", cases)
        _write(conn, "mentions", mentions)
        _write(conn, "analyses", analyses)
    # fresh statistics, as a running database has; VACUUM also lets PostgreSQL scan index-only
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        conn.execute(text("ANALYZE" if sqlite else "VACUUM ANALYZE"))
    with session_scope(engine) as session:
        accounts.add_user(session, "agent", PASSWORD, role="agent")
    return open_ids


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(q * (len(ordered) - 1))))]


def time_pages(engine, settings: Settings, open_ids: list[int], requests: int) -> dict:  # type: ignore[no-untyped-def]
    import re

    from fastapi.testclient import TestClient

    from callbrief.web.app import create_app

    app = create_app(settings, engine, secret_key="bench")
    figures = {}
    with TestClient(app, follow_redirects=False) as client:
        form = client.get("/login").text
        csrf = re.search(r'name="csrf_token" value="([^"]+)"', form).group(1)
        done = client.post(
            "/login", data={"username": "agent", "password": PASSWORD, "csrf_token": csrf}
        )
        assert done.status_code == 303, done.text
        rnd = random.Random(1)
        for name, path in (("queue", lambda: "/queue"),
                           ("brief", lambda: f"/cases/{rnd.choice(open_ids)}")):  # fmt: skip
            for _ in range(5):  # warm-up: templates compiled, caches filled
                client.get(path())
            times = []
            for _ in range(requests):
                url = path()
                start = time.perf_counter()
                response = client.get(url)
                times.append((time.perf_counter() - start) * 1000)
                assert response.status_code == 200, (url, response.status_code)
            figures[name] = (statistics.median(times), percentile(times, 0.95))
        rows = len(re.findall(r'<tr class="case-row', client.get("/queue").text))
        figures["queue_rows"] = rows
    return figures


def time_sse(engine, settings: Settings, open_ids: list[int], clients: int) -> dict:  # type: ignore[no-untyped-def]
    import httpx
    import uvicorn

    from callbrief.web.app import create_app

    app = create_app(settings, engine, secret_key="bench", poll_interval_s=1.0)
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="error"))
    server.config.timeout_graceful_shutdown = 1
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    while not server.started:
        time.sleep(0.05)
    base = f"http://127.0.0.1:{port}"

    async def run() -> dict:
        import re

        async with httpx.AsyncClient(base_url=base, timeout=30) as login_client:
            form = (await login_client.get("/login")).text
            csrf = re.search(r'name="csrf_token" value="([^"]+)"', form).group(1)
            await login_client.post(
                "/login", data={"username": "agent", "password": PASSWORD, "csrf_token": csrf}
            )
            cookies = dict(login_client.cookies)
        connected = asyncio.Event()
        ready = 0
        received: list[float] = []
        changed_at: list[float] = []

        async def listen() -> None:
            nonlocal ready
            limits = httpx.Limits(max_connections=1)
            async with (
                httpx.AsyncClient(base_url=base, cookies=cookies, timeout=60, limits=limits) as c,
                c.stream("GET", "/events") as response,
            ):
                assert response.status_code == 200
                ready += 1
                if ready == clients:
                    connected.set()
                async for line in response.aiter_lines():
                    if line.startswith("event: queue"):
                        received.append(time.perf_counter())
                        return

        tasks = [asyncio.create_task(listen()) for _ in range(clients)]
        await asyncio.wait_for(connected.wait(), 60)
        await asyncio.sleep(2.5)  # the poller has read its first signature
        with session_scope(engine) as session:
            session.execute(
                text("UPDATE cases SET agent = 'bench', updated_at = :now WHERE id = :id"),
                {"now": _ts(datetime.now(UTC), engine.dialect.name == "sqlite"),
                 "id": open_ids[0]},
            )  # fmt: skip
        changed_at.append(time.perf_counter())
        await asyncio.wait_for(asyncio.gather(*tasks), 30)
        delays = [(t - changed_at[0]) * 1000 for t in received]
        return {"clients": len(delays), "p50": statistics.median(delays), "max": max(delays)}

    try:
        return asyncio.run(run())
    finally:
        server.should_exit = True
        thread.join(timeout=10)


def bench(url: str, label: str, args: argparse.Namespace) -> None:
    engine = open_database(url)
    settings = Settings()
    start = time.perf_counter()
    open_ids = populate(engine, args.cases, args.mentions)
    built = time.perf_counter() - start
    print(f"{label}: {args.cases:,} cases ({len(open_ids):,} open), "
          f"{args.mentions:,} mentions built in {built:.0f} s")  # fmt: skip
    pages = time_pages(engine, settings, open_ids, args.requests)
    q50, q95 = pages["queue"]
    b50, b95 = pages["brief"]
    print(f"  GET /queue ({pages['queue_rows']} rows): p50 {q50:.0f} ms, p95 {q95:.0f} ms "
          f"(target < 100 ms)")  # fmt: skip
    print(f"  GET /cases/{{id}}: p50 {b50:.0f} ms, p95 {b95:.0f} ms (target < 150 ms)")
    if args.sse:
        sse = time_sse(engine, settings, open_ids, args.sse)
        print(f"  SSE: {sse['clients']} clients got the change in p50 {sse['p50']:.0f} ms, "
              f"max {sse['max']:.0f} ms (poll interval 1 s)")  # fmt: skip
    engine.dispose()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=int, default=100_000)
    parser.add_argument("--mentions", type=int, default=1_000_000)
    parser.add_argument("--db", choices=("sqlite", "postgres", "both"), default="both")
    parser.add_argument("--pg", default=PG_DEFAULT)
    parser.add_argument("--requests", type=int, default=100)
    parser.add_argument("--sse", type=int, default=50)
    args = parser.parse_args()
    if args.db in ("sqlite", "both"):
        with tempfile.TemporaryDirectory() as folder:
            bench(f"sqlite:///{folder}/bench.db", "SQLite", args)
    if args.db in ("postgres", "both"):
        from sqlalchemy import create_engine

        schema = f"bench_web_{int(time.time())}"
        admin = create_engine(args.pg)
        with admin.begin() as conn:
            conn.execute(text(f"CREATE SCHEMA {schema}"))
        try:
            bench(f"{args.pg}?options=-csearch_path%3D{schema}", "PostgreSQL", args)
        finally:
            with admin.begin() as conn:
                conn.execute(text(f"DROP SCHEMA {schema} CASCADE"))
            admin.dispose()


if __name__ == "__main__":
    main()
