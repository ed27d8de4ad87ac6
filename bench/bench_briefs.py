"""Benchmark callback briefs: briefs per second for 1,000 open cases, with and without the database.

    python bench/bench_briefs.py [--cases 1000] [--keep DIR]

Inserts synthetic cases (tr, az and en; a third of them repeat complainers linked across X and
Reddit, with earlier cases and outcomes) into a temporary SQLite file, then times:
  dossier only     the database queries and the reasoning of each dossier
  render only      dossiers built beforehand, templates rendered
  write_briefs     the whole command: queries, reasoning, rendering, files and the index (the
                   target: >= 200 briefs/s in one format)
Each line gives wall-clock and CPU-time rates: on a machine shared with other work the wall
clock measures the neighbours, the CPU time measures callbrief.
The NLP is not counted: analyses are inserted as stored rows.
"""

from __future__ import annotations

import argparse
import random
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from callbrief.briefs.brief import BriefKit, write_briefs  # noqa: E402
from callbrief.briefs.render import render_dossier  # noqa: E402
from callbrief.foundation.settings import (  # noqa: E402
    Brand,
    EscalationRole,
    OfferLimit,
    load_settings,
)
from callbrief.storage.db import open_database, session_scope  # noqa: E402
from callbrief.storage.dossier import load_open_case_rows, open_cases  # noqa: E402
from callbrief.storage.models import Analysis, Author, Case, Customer, Mention, Outcome  # noqa: E402

NOW = datetime(2026, 11, 20, 12, 0, tzinfo=UTC)
BRANDS = [
    ("Kargola", "tr", "delivery"),
    ("Ulduz Mobil", "az", "billing"),
    ("Brightwave", "en", "outage"),
]
TEXTS = {
    "tr": "Harika hizmet, 3 haftadır kargo bekliyorum 👏 Takip no KG{n}. 850₺ paramı iade edin! "
    "https://t.co/x{n}",
    "az": "@ulduzmobil bu ay hesabımdan iki dəfə 15 AZN çıxılıb. Pulumu geri qaytarın. "
    "https://t.co/a{n}",
    "en": "Internet down for the third day. Ticket BW-{n}. <b>Not</b> paying for this month. "
    "https://t.co/b{n}",
}


def _settings(home: Path):  # type: ignore[no-untyped-def]
    settings = load_settings(env={}, cwd=home)
    settings.home = str(home)
    zones = {"tr": "Europe/Istanbul", "az": "Asia/Baku", "en": "Europe/London"}
    settings.brands = [
        Brand(
            name=n,
            language=lang,
            timezone=zones[lang],
            branch=f"{n} central branch",
            escalation=[
                EscalationRole(
                    role="team lead",
                    name=f"{n} Lead",
                    phone="+90 212 555 0000",
                    handles=["default"],
                ),
                EscalationRole(role="safety team", queue="safety", handles=["safety"]),
            ],
        )
        for n, lang, _ in BRANDS
    ]
    settings.offers = {
        n: {
            "default": OfferLimit(
                max_credit=100, may_offer=["refund"], needs_approval=["replacement"]
            )
        }
        for n, _, _ in BRANDS
    }
    return settings


def _insert(engine, count: int, seed: int = 7) -> None:  # type: ignore[no-untyped-def]
    rng = random.Random(seed)
    with session_scope(engine) as session:
        for i in range(count):
            brand, lang, category = BRANDS[i % 3]
            repeat = i % 3 == 0
            customer = Customer(display_name=f"Customer {i}", phone=f"+90 555 {i:07d}")
            session.add(customer)
            session.flush()
            x = Author(
                channel="x",
                handle=f"user{i}",
                name=f"User {i}",
                followers=rng.randint(10, 50_000),
                customer_id=customer.id,
            )
            session.add(x)
            authors = [x]
            if repeat:
                reddit = Author(
                    channel="reddit",
                    handle=f"redditor{i}",
                    karma=rng.randint(1, 9000),
                    customer_id=customer.id,
                )
                session.add(reddit)
                authors.append(reddit)
            session.flush()
            if repeat:  # an earlier, resolved case with a promise nobody kept
                old = Case(
                    brand=brand,
                    author_id=x.id,
                    customer_id=customer.id,
                    category=category,
                    status="resolved",
                    opened_at=NOW - timedelta(days=7),
                    closed_at=NOW - timedelta(days=5),
                )
                session.add(old)
                session.flush()
                session.add(
                    Outcome(
                        case_id=old.id,
                        result="reached",
                        promise="Call back Friday",
                        follow_up_at=NOW - timedelta(days=3),
                        created_at=NOW - timedelta(days=7),
                    )
                )
                _post(
                    session, x, old.id, f"old{i}", brand, lang, category, NOW - timedelta(days=7), i
                )
            case = Case(
                brand=brand,
                author_id=authors[-1].id,
                customer_id=customer.id,
                category=category,
                priority=rng.random(),
                opened_at=NOW - timedelta(hours=rng.randint(1, 30)),
                due_at=NOW + timedelta(hours=rng.randint(-10, 4)),
            )
            session.add(case)
            session.flush()
            for j, author in enumerate(authors):
                _post(
                    session,
                    author,
                    case.id,
                    f"p{i}-{j}",
                    brand,
                    lang,
                    category,
                    NOW - timedelta(hours=10 - j),
                    i,
                )


def _post(session, author, case_id, pid, brand, lang, category, at, n):  # type: ignore[no-untyped-def]
    mention = Mention(
        channel=author.channel,
        platform_id=pid,
        brand=brand,
        author_id=author.id,
        text=TEXTS[lang].format(n=n),
        created_at=at,
        lang=lang,
        case_id=case_id,
        content_hash=f"h-{pid}",
        source="bench",
        url=f"https://x.com/{author.handle}/status/{pid}",
        links=[f"https://example.com/evidence/{n}"],
    )
    session.add(mention)
    session.flush()
    session.add(
        Analysis(
            mention_id=mention.id,
            model_version="bench-1",
            language=lang,
            sentiment_label="negative",
            sentiment_score=0.9,
            complaint=True,
            irony=lang == "tr",
            category=category,
            asks=["refund"],
            signals=["repeat_contact"] if n % 3 == 0 else [],
            entities=[{"type": "ticket", "text": f"T{n}"}],
            grievance=[TEXTS[lang].format(n=n).split(".")[0] + "."],
            priority=0.6,
        )
    )


class _Clock:
    """Wall and CPU time of a block: on a shared machine the CPU figure is the fair one."""

    def __enter__(self) -> _Clock:
        self.wall, self.cpu = time.perf_counter(), time.process_time()
        return self

    def __exit__(self, *_: object) -> None:
        self.wall = time.perf_counter() - self.wall
        self.cpu = time.process_time() - self.cpu


def _rate(label: str, n: int, clock: _Clock) -> float:
    """Print briefs/s by wall clock and by CPU time; return the CPU-time rate."""
    wall = n / clock.wall if clock.wall else float("inf")
    cpu = n / clock.cpu if clock.cpu else float("inf")
    print(
        f"  {label:<38} {n:>5} briefs: wall {clock.wall:6.2f} s = {wall:7.1f}/s, "
        f"cpu {clock.cpu:6.2f} s = {cpu:7.1f}/s"
    )
    return cpu


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=int, default=1000)
    parser.add_argument("--keep", type=Path, help="write the briefs here instead of a temp dir")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        home = Path(tmp)
        engine = open_database(f"sqlite:///{home / 'bench.db'}")
        settings = _settings(home)
        started = time.perf_counter()
        _insert(engine, args.cases)
        print(
            f"inserted {args.cases} open cases in {time.perf_counter() - started:.1f} s "
            "(a third repeat complainers on two channels)"
        )

        kit = BriefKit.load(settings, NOW)
        with session_scope(engine) as session, _Clock() as built:
            cases = open_cases(session)
            dossiers = [kit.build(rows) for rows in load_open_case_rows(session, cases)]
        print(f"briefs for {len(dossiers)} cases (python {sys.version.split()[0]}):")
        _rate("dossiers only (queries and reasoning)", len(dossiers), built)
        for fmt in ("md", "html"):
            render_dossier(dossiers[0], fmt)  # template compilation is a one-off, not per brief
            with _Clock() as clock:
                for dossier in dossiers:
                    render_dossier(dossier, fmt)
            _rate(f"render only, {fmt}", len(dossiers), clock)
        out = args.keep or home / "briefs"
        with_db = {}
        for fmts in (["md"], ["html"], ["md", "html"]):
            with _Clock() as clock:
                paths = write_briefs(engine, settings, out, fmts, now=NOW)
            with_db["+".join(fmts)] = _rate(
                f"write_briefs {'+'.join(fmts)} (with DB, files)", len(paths) - 1, clock
            )
        engine.dispose()
        slowest = min(with_db["md"], with_db["html"])
        verdict = "meets" if slowest >= 200 else "MISSES"
        print(
            f"target >= 200 briefs/s with the database (CPU time, one format): {verdict} "
            f"(slowest {slowest:.0f}/s)"
        )


if __name__ == "__main__":
    main()
