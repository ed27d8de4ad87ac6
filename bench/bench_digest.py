"""Time the daily digest over 10k, 100k and 1M stored mentions and print how it grows.

Usage:  .venv/bin/python bench/bench_digest.py [--sizes 10000,100000,1000000] [--db URL]

Each size gets a fresh database (a SQLite file in a temp folder unless --db names a PostgreSQL
server, whose schema is then emptied first). Rows go in through the DB-API's executemany, not ORM
objects: half a year of mentions over three brands and three channels, one analysis each, cases
and outcomes for a share of the complaints, and scan audits. The digest is then built for the
last day, cold (fresh connection) and warm (median of three), and rendered to HTML.
"""

from __future__ import annotations

import argparse
import json
import random
import statistics
import sys
import tempfile
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlalchemy import text  # noqa: E402

from callbrief.briefs.digest import build_digest, render_digest  # noqa: E402
from callbrief.foundation.settings import Settings  # noqa: E402
from callbrief.storage.db import open_database, session_scope  # noqa: E402

DAY = date(2026, 11, 24)
END = datetime(2026, 11, 24, 21, 0, tzinfo=UTC)  # the end of DAY in Istanbul
SPAN_DAYS = 180  # a fixed half year: more rows means busier days, as in real growth
BRANDS = ("Kargola", "Hızlıbank", "Mobilcell")
CHANNELS = ("x", "reddit", "rss")
CATEGORIES = ("delivery", "billing", "refund", "app", "staff", "network", "card", None)
LABELS = ("negative", "negative", "neutral", "positive")
BATCH = 50_000


def _fmt(moment: datetime, sqlite: bool):  # type: ignore[no-untyped-def]
    # SQLite stores datetimes as text in this exact form; PostgreSQL takes the object
    return moment.strftime("%Y-%m-%d %H:%M:%S.%f") if sqlite else moment


def _insert(conn, table: str, columns: list[str], rows: list[tuple]) -> None:  # type: ignore[no-untyped-def]
    marks = ", ".join(f":{c}" for c in columns)
    stmt = text(f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({marks})")
    for i in range(0, len(rows), BATCH):
        conn.execute(stmt, [dict(zip(columns, r, strict=True)) for r in rows[i : i + BATCH]])


def populate(engine, n: int, seed: int = 5) -> None:  # type: ignore[no-untyped-def]
    """Insert `n` mentions with analyses, plus authors, cases, outcomes and scan audits."""
    rnd = random.Random(seed)
    sqlite = engine.dialect.name == "sqlite"
    now = _fmt(END, sqlite)
    n_authors = max(50, n // 20)
    span = SPAN_DAYS * 86_400
    with engine.begin() as conn:
        _insert(
            conn,
            "authors",
            ["id", "channel", "handle", "followers", "updated_at"],
            [
                (i, CHANNELS[i % 3], f"user{i}", int(rnd.lognormvariate(5, 2)), now)
                for i in range(1, n_authors + 1)
            ],
        )
        mentions, analyses = [], []
        for i in range(1, n + 1):
            created = END - timedelta(seconds=rnd.random() * span)
            brand = BRANDS[rnd.randrange(3)]
            complaint = rnd.random() < 0.4
            category = CATEGORIES[rnd.randrange(len(CATEGORIES))] if complaint else None
            mentions.append(
                (
                    i,
                    CHANNELS[i % 3],
                    str(i),
                    brand,
                    rnd.randrange(1, n_authors + 1),
                    f"{brand} post {i}: kargom gelmedi, iade istiyorum",
                    _fmt(created, sqlite),
                    "[]",
                    "{}",
                    f"{i:064x}",
                    "bench",
                    now,
                    "{}",
                )
            )
            analyses.append(
                (
                    i,
                    i,
                    "bench",
                    "tr",
                    LABELS[rnd.randrange(4)],
                    0.9,
                    complaint,
                    False,
                    category,
                    "[]",
                    "[]",
                    "[]",
                    json.dumps(["kargo gecikmesi"] if complaint else []),
                    rnd.random(),
                    now,
                )
            )
            if len(mentions) == BATCH:
                _flush(conn, mentions, analyses)
        _flush(conn, mentions, analyses)
        cases, outcomes = [], []
        for c in range(1, max(10, n // 100) + 1):
            opened = END - timedelta(seconds=rnd.random() * 30 * 86_400)
            contacted = rnd.random() < 0.7
            first = opened + timedelta(hours=rnd.random() * 10) if contacted else None
            status = rnd.choice(("resolved", "reached", "escalated")) if contacted else "open"
            cases.append(
                (
                    c,
                    BRANDS[c % 3],
                    rnd.randrange(1, n_authors + 1),
                    "delivery",
                    status,
                    rnd.random(),
                    _fmt(opened, sqlite),
                    _fmt(opened, sqlite),
                    _fmt(opened + timedelta(hours=4), sqlite),
                    _fmt(first, sqlite) if first else None,
                    now,
                )
            )
            if first:
                outcomes.append((c, status, _fmt(first, sqlite)))
        _insert(
            conn,
            "cases",
            [
                "id",
                "brand",
                "author_id",
                "category",
                "status",
                "priority",
                "opened_at",
                "last_mention_at",
                "due_at",
                "first_contact_at",
                "updated_at",
            ],
            cases,
        )
        _insert(conn, "outcomes", ["case_id", "result", "created_at"], outcomes)
        runs = []
        for k in range(30 * 96):  # a scan every 15 minutes for 30 days, round-robin sources
            started = END - timedelta(minutes=15 * k)
            runs.append(
                (
                    CHANNELS[k % 3],
                    _fmt(started, sqlite),
                    _fmt(started, sqlite),
                    "ok" if k % 50 else "partial",
                    5,
                    1,
                    0,
                    int(k % 7 == 0),
                    1,
                    0.0,
                    3,
                    "[]",
                )
            )
        _insert(
            conn,
            "scan_runs",
            [
                "source",
                "started_at",
                "finished_at",
                "status",
                "new",
                "duplicates",
                "skipped",
                "errors",
                "pages",
                "sleeps_s",
                "quota_used",
                "queries",
            ],
            runs,
        )


def _flush(conn, mentions: list, analyses: list) -> None:  # type: ignore[no-untyped-def]
    _insert(
        conn,
        "mentions",
        [
            "id",
            "channel",
            "platform_id",
            "brand",
            "author_id",
            "text",
            "created_at",
            "links",
            "metrics",
            "content_hash",
            "source",
            "fetched_at",
            "raw",
        ],
        mentions,
    )
    _insert(
        conn,
        "analyses",
        [
            "id",
            "mention_id",
            "model_version",
            "language",
            "sentiment_label",
            "sentiment_score",
            "complaint",
            "irony",
            "category",
            "asks",
            "signals",
            "entities",
            "grievance",
            "priority",
            "created_at",
        ],
        analyses,
    )
    mentions.clear()
    analyses.clear()


def _reset_postgres(url: str) -> None:
    from callbrief.storage.db import make_engine

    engine = make_engine(url)
    with engine.begin() as conn:
        conn.execute(text("DROP SCHEMA public CASCADE; CREATE SCHEMA public"))
    engine.dispose()


def time_digest(url: str, settings: Settings) -> tuple[float, float, float]:
    """Seconds for a cold build, the median warm build, and rendering the HTML."""
    timings = []
    engine = open_database(url)  # a fresh engine: the first build pays for connections and caches
    for _ in range(4):
        began = time.perf_counter()
        with session_scope(engine) as session:
            digest = build_digest(session, settings, DAY, now=END)
        timings.append(time.perf_counter() - began)
    began = time.perf_counter()
    render_digest(digest, "html")
    rendered = time.perf_counter() - began
    engine.dispose()
    return timings[0], statistics.median(timings[1:]), rendered


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="10000,100000,1000000")
    parser.add_argument("--db", help="a PostgreSQL URL to use instead of temporary SQLite files")
    args = parser.parse_args()
    settings = Settings()
    settings.sources.x.enabled = settings.sources.reddit.enabled = True
    print(
        f"{'mentions':>10} {'insert s':>9} {'digest cold s':>14} {'digest warm s':>14} "
        f"{'render s':>9}  database"
    )
    with tempfile.TemporaryDirectory() as tmp:
        for n in (int(s) for s in args.sizes.split(",")):
            if args.db:
                _reset_postgres(args.db)
                url = args.db
            else:
                url = f"sqlite:///{Path(tmp) / f'bench-{n}.db'}"
            engine = open_database(url)
            began = time.perf_counter()
            populate(engine, n)
            with engine.begin() as conn:
                conn.execute(text("ANALYZE"))
            inserted = time.perf_counter() - began
            engine.dispose()
            cold, warm, rendered = time_digest(url, settings)
            print(
                f"{n:>10,} {inserted:>9.1f} {cold:>14.3f} {warm:>14.3f} {rendered:>9.3f}  "
                f"{engine.dialect.name}",
                flush=True,
            )
            if not args.db:
                Path(tmp, f"bench-{n}.db").unlink()


if __name__ == "__main__":
    main()
