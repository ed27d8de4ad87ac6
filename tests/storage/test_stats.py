"""The digest's aggregate queries on SQLite and PostgreSQL: day buckets, groups, the loop."""

from datetime import UTC, datetime, timedelta

from callbrief.storage import stats
from callbrief.storage.db import session_scope
from callbrief.storage.models import Case, ScanRun
from tests.factories import World

UTC = UTC
D0 = datetime(2026, 11, 22, 21, 0, tzinfo=UTC)  # midnight of 23 Nov in Istanbul
EDGES = [D0 + timedelta(days=i) for i in range(4)]  # 23, 24, 25 Nov (local days)


def add(w, author, when, *, channel="x", **rest):
    """A post on X unless `channel` says otherwise, whoever wrote it, named "post 1", "post 2"..."""
    return w.post(author, when, f"post {w.n + 1}", channel=channel, **rest)


def people(s):
    w = World(s)
    return w, w.author("a", followers=120_000), w.author("b", channel="reddit", followers=10)


def test_days_are_bucketed_at_local_midnight(any_engine):
    with session_scope(any_engine) as s:
        w, a, b = people(s)
        add(w, a, D0 - timedelta(minutes=1))  # 22 Nov local: outside
        add(w, a, D0)  # 00:00 on the 23rd local, 21:00 UTC the day before
        add(w, b, D0 + timedelta(hours=23, minutes=59), brand="Hızlıbank", channel="reddit")
        add(
            w,
            a,
            D0 + timedelta(days=1, hours=2),
            sentiment="positive",
            complaint=False,
            category=None,
        )
        add(w, a, EDGES[-1])  # the first moment after the range: outside
        volume = stats.daily_volume(s, EDGES)
        sentiment = stats.daily_sentiment(s, EDGES)
        complaints = stats.daily_complaints(s, EDGES)
    assert volume == {"Kargola": [1, 1, 0], "Hızlıbank": [1, 0, 0]}
    assert sentiment == {"negative": [2, 0, 0], "positive": [0, 1, 0]}
    assert complaints == {("Kargola", "delivery"): [1, 0, 0], ("Hızlıbank", "delivery"): [1, 0, 0]}


def test_groups_quotes_and_influencers(any_engine):
    start, end = EDGES[1], EDGES[2]
    with session_scope(any_engine) as s:
        w, a, b = people(s)
        for i in range(3):
            add(
                w,
                b,
                start + timedelta(hours=i),
                category="billing",
                priority=0.1 * i,
                grievance=["Double charge", "refund"],
            )
        add(w, a, start + timedelta(hours=5), category=None, priority=0.9)
        add(
            w,
            a,
            start + timedelta(hours=6),
            brand="Hızlıbank",
            sentiment="neutral",
            complaint=False,
            category=None,
        )
        top = stats.top_categories(s, start, end)
        quote = stats.representative_quote(s, start, end, "Kargola", "billing")
        unknown = stats.representative_quote(s, start, end, "Kargola", "unknown")
        by_channel = stats.volume_by_brand_channel(s, start, end)
        loud = stats.influential_authors(s, start, end)
    assert [(c.brand, c.category, c.count) for c in top] == [
        ("Kargola", "billing", 3),
        ("Kargola", "unknown", 1),
    ]
    assert top[0].phrases == ["double charge", "refund"]
    assert quote.text == "post 3"  # the highest priority of the group
    assert unknown.text == "post 4"
    assert by_channel == [("Kargola", "x", 4), ("Hızlıbank", "x", 1)]
    assert [(x.handle, x.followers, x.mentions, x.complaints) for x in loud] == [
        ("a", 120_000, 2, 1)
    ]


def test_case_counts_breaches_and_closed_loop(any_engine):
    start, end = EDGES[1], EDGES[2]
    now = end + timedelta(hours=8)
    with session_scope(any_engine) as s:
        w, a, b = people(s)
        person = w.customer("A")
        other_handle = w.author("a2", channel="reddit", customer=person)

        def case(author, due, contact=None, status="open", customer=None):
            c = Case(
                brand="Kargola",
                author_id=author.id,
                customer_id=customer,
                status=status,
                opened_at=due - timedelta(hours=4),
                last_mention_at=due,
                due_at=due,
                first_contact_at=contact,
            )
            s.add(c)
            s.flush()
            return c.id

        late = case(
            a,
            start + timedelta(hours=10),
            start + timedelta(hours=12),
            "reached",
            customer=person.id,
        )
        on_time = case(b, start + timedelta(hours=10), start + timedelta(hours=9), "resolved")
        never = case(b, start + timedelta(hours=11))
        case(b, now + timedelta(hours=1))  # not due yet
        add(w, other_handle, start + timedelta(hours=13), sentiment="positive", complaint=False)
        add(w, a, start + timedelta(hours=14), brand="Hızlıbank")  # another brand: not the loop
        counts = stats.case_counts(s, start, end, now)
        breaches = stats.sla_breaches(s, start, end, now)
        loop = stats.closed_loop(s, start, end)
    assert counts == {"new": 3, "open": 3, "overdue": 1}
    assert [row[0] for row in breaches] == [late, never]
    assert [(r.case_id, r.posted_again, r.sentiment) for r in loop] == [
        (late, 1, "positive"),
        (on_time, 0, None),
    ]


def test_coverage_queries(any_engine):
    with session_scope(any_engine) as s:
        s.add_all(
            [
                ScanRun(source="x", started_at=EDGES[1], status="ok", quota_used=40),
                ScanRun(
                    source="x",
                    started_at=EDGES[1] + timedelta(hours=1),
                    status="failed",
                    quota_used=5,
                ),
                ScanRun(source="reddit", started_at=EDGES[0], status="partial"),
            ]
        )
        s.flush()
        runs = stats.scan_runs(s, EDGES[1], EDGES[2])
        last = stats.last_success(s)
        used = stats.quota_used(s, "x", EDGES[0])
    assert [r.status for r in runs] == ["ok", "failed"]
    assert last == {"x": EDGES[1], "reddit": EDGES[0]}
    assert used == 45
