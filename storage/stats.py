"""Aggregate queries behind the daily digest: GROUP BYs over time ranges, fast on a million rows.

Every query is bounded by a `created_at` (or `started_at`, `due_at`) range so that it walks an
index, not the table. Days are bucketed with a CASE over precomputed UTC edges rather than a
database date function: the edges come from the team's time zone, which SQLite cannot apply and
which differs from the server's on PostgreSQL.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import and_, case, func, or_, select, type_coerce
from sqlmodel import Session, col

from callbrief.foundation.policy import ACTIVE, CLOSED
from callbrief.storage.models import Analysis, Author, Case, Mention, Outcome, ScanRun, table_of

_M = table_of(Mention).c
_A = table_of(Analysis).c
_C = table_of(Case).c


@dataclass
class CategoryCount:
    """Complaints about one brand in one category, with the grievances most often named."""

    brand: str
    category: str
    count: int
    phrases: list[str]


@dataclass
class Quote:
    """One representative post: the most urgent complaint of its group."""

    mention_id: int
    text: str
    channel: str
    url: str | None
    created_at: datetime


@dataclass
class InfluentialAuthor:
    channel: str
    handle: str
    name: str | None
    followers: int
    mentions: int
    complaints: int


@dataclass(frozen=True)
class About:
    """What makes a post about a brand: its name as the brand spells it, its handles, its subs.

    "That brightwave of sunlight" is a homonym, not the brand: the name must be written as the
    brand writes it (case-sensitive), or a handle named, or the post be in the brand's own
    subreddit; a complaint always counts. A brand with no terms counts every post.
    """

    names: dict[str, tuple[str, ...]]  # brand -> spellings
    handles: dict[str, tuple[str, ...]]  # brand -> own handles, without "@"
    subreddits: dict[str, tuple[str, ...]]


@dataclass
class PraiseRow:
    """A post that praised the brand, with the staff it named (honorific or role)."""

    mention_id: int
    brand: str
    channel: str
    handle: str
    text: str
    url: str | None
    created_at: datetime


def _spelled(session: Session, term: str):  # type: ignore[no-untyped-def]
    # LIKE folds ASCII case on SQLite: a homonym in lower case must not match the brand's name
    if session.get_bind().dialect.name == "sqlite":
        return func.instr(_M.text, term) > 0
    return func.strpos(_M.text, term) > 0


def relevant(session: Session, about: About | None):  # type: ignore[no-untyped-def]
    """A WHERE clause keeping posts about their brand (see `About`); needs the analyses join."""
    if about is None or not (about.names or about.handles):
        return None
    configured = set(about.names) | set(about.handles)
    per_brand = []
    for brand in sorted(configured):
        terms = [_spelled(session, n) for n in about.names.get(brand, ()) if n]
        terms += [_M.text.ilike(f"%@{h}%") for h in about.handles.get(brand, ()) if h]
        terms += [_M.url.ilike(f"%/r/{r}/%") for r in about.subreddits.get(brand, ()) if r]
        if terms:
            per_brand.append(and_(_M.brand == brand, or_(*terms)))
    return or_(_A.complaint.is_(True), _M.brand.not_in(sorted(configured)), *per_brand)


def _bucket(edges: list[datetime]):  # type: ignore[no-untyped-def]
    """A CASE giving the index of the day a row's created_at falls in (edges are day starts)."""
    return case(
        *[(_M.created_at < edge, i) for i, edge in enumerate(edges[1:])], else_=len(edges) - 1
    )


def _in_range(column, start: datetime, end: datetime):  # type: ignore[no-untyped-def]
    return and_(column >= start, column < end)


def volume_by_brand_channel(
    session: Session, start: datetime, end: datetime, *, about: About | None = None
) -> list[tuple]:
    """(brand, channel, mentions) in [start, end), largest first."""
    n = func.count().label("n")
    stmt = (
        select(_M.brand, _M.channel, n)
        .where(_in_range(_M.created_at, start, end))
        .group_by(_M.brand, _M.channel)
        .order_by(n.desc(), _M.brand, _M.channel)
    )
    keep = relevant(session, about)
    if keep is not None:
        stmt = stmt.select_from(
            table_of(Mention).outerjoin(table_of(Analysis), _A.mention_id == _M.id)
        ).where(keep)
    return [tuple(r) for r in session.execute(stmt).all()]


def daily_volume(
    session: Session, edges: list[datetime], *, about: About | None = None
) -> dict[str, list[int]]:
    """Mentions per brand per day; `edges` are the n+1 UTC starts of n consecutive days."""
    bucket = _bucket(edges).label("day")
    stmt = (
        select(bucket, _M.brand, func.count())
        .where(_in_range(_M.created_at, edges[0], edges[-1]))
        .group_by(bucket, _M.brand)
    )
    keep = relevant(session, about)
    if keep is not None:
        stmt = stmt.select_from(
            table_of(Mention).outerjoin(table_of(Analysis), _A.mention_id == _M.id)
        ).where(keep)
    series: dict[str, list[int]] = {}
    for day, brand, n in session.execute(stmt).all():
        series.setdefault(brand, [0] * (len(edges) - 1))[day] = n
    return series


def daily_sentiment(
    session: Session, edges: list[datetime], *, about: About | None = None
) -> dict[str, list[int]]:
    """Analysed mentions per sentiment label per day (labels as the analyzer wrote them)."""
    bucket = _bucket(edges).label("day")
    stmt = (
        select(bucket, _A.sentiment_label, func.count())
        .select_from(table_of(Mention).join(table_of(Analysis), _A.mention_id == _M.id))
        .where(_in_range(_M.created_at, edges[0], edges[-1]))
        .group_by(bucket, _A.sentiment_label)
    )
    keep = relevant(session, about)
    if keep is not None:
        stmt = stmt.where(keep)
    series: dict[str, list[int]] = {}
    for day, label, n in session.execute(stmt).all():
        series.setdefault(label, [0] * (len(edges) - 1))[day] = n
    return series


def daily_complaints(session: Session, edges: list[datetime]) -> dict[tuple[str, str], list[int]]:
    """Complaints per (brand, category) per day; an unknown category counts as "unknown"."""
    bucket = _bucket(edges).label("day")
    category = func.coalesce(_A.category, "unknown").label("category")
    stmt = (
        select(bucket, _M.brand, category, func.count())
        .select_from(table_of(Mention).join(table_of(Analysis), _A.mention_id == _M.id))
        .where(_in_range(_M.created_at, edges[0], edges[-1]), _A.complaint.is_(True))
        .group_by(bucket, _M.brand, category)
    )
    series: dict[tuple[str, str], list[int]] = {}
    for day, brand, cat, n in session.execute(stmt).all():
        series.setdefault((brand, cat), [0] * (len(edges) - 1))[day] = n
    return series


def top_categories(
    session: Session, start: datetime, end: datetime, *, limit: int = 8, phrases: int = 3
) -> list[CategoryCount]:
    """The complaint categories with most posts in [start, end), with their commonest grievances."""
    category = func.coalesce(_A.category, "unknown").label("category")
    n = func.count().label("n")
    joined = table_of(Mention).join(table_of(Analysis), _A.mention_id == _M.id)
    where = and_(_in_range(_M.created_at, start, end), _A.complaint.is_(True))
    top = session.execute(
        select(_M.brand, category, n)
        .select_from(joined)
        .where(where)
        .group_by(_M.brand, category)
        .order_by(n.desc(), _M.brand, category)
        .limit(limit)
    ).all()
    if not top:
        return []
    # grievance lists are JSON: counted here, but only for the day's complaints in these groups
    wanted = {(b, c) for b, c, _ in top}
    counters: dict[tuple[str, str], Counter] = {key: Counter() for key in wanted}
    rows = session.execute(
        select(_M.brand, category, _A.grievance)
        .select_from(joined)
        .where(where, _M.brand.in_({b for b, _ in wanted}))
    )
    for brand, cat, grievance in rows:
        if (brand, cat) in counters and grievance:
            counters[(brand, cat)].update(g.strip().casefold() for g in grievance if g.strip())
    return [
        CategoryCount(
            brand=b,
            category=c,
            count=k,
            phrases=[p for p, _ in counters[(b, c)].most_common(phrases)],
        )
        for b, c, k in top
    ]


def representative_quote(
    session: Session, start: datetime, end: datetime, brand: str, category: str
) -> Quote | None:
    """The most urgent complaint of a brand and category in [start, end) (newest on a tie)."""
    cat_filter = (
        _A.category.is_(None) | (_A.category == "unknown")
        if category == "unknown"
        else _A.category == category
    )
    row = session.execute(
        select(_M.id, _M.text, _M.channel, _M.url, _M.created_at)
        .select_from(table_of(Mention).join(table_of(Analysis), _A.mention_id == _M.id))
        .where(
            _M.brand == brand,
            _in_range(_M.created_at, start, end),
            _A.complaint.is_(True),
            cat_filter,
        )
        .order_by(_A.priority.desc(), _M.created_at.desc(), _M.id.desc())
        .limit(1)
    ).first()
    return Quote(*row) if row else None


def influential_authors(
    session: Session,
    start: datetime,
    end: datetime,
    *,
    limit: int = 5,
    min_followers: int = 1000,
    complained: bool = False,
) -> list[InfluentialAuthor]:
    """Authors who wrote in [start, end), by audience, with how many of their posts complained.

    `complained` keeps only authors with at least one complaint: an audience matters to care
    when it heard a complaint, not a sunset.
    """
    followers = func.max(Author.followers).label("followers")
    complaints = func.sum(case((_A.complaint.is_(True), 1), else_=0))
    stmt = (
        select(
            col(Author.channel),
            col(Author.handle),
            col(Author.name),
            followers,
            func.count(_M.id),
            complaints,
        )
        .select_from(
            table_of(Mention)
            .join(table_of(Author), col(Author.id) == _M.author_id)
            .outerjoin(table_of(Analysis), _A.mention_id == _M.id)
        )
        .where(_in_range(_M.created_at, start, end), col(Author.followers) >= min_followers)
        .group_by(col(Author.id), col(Author.channel), col(Author.handle), col(Author.name))
        .order_by(followers.desc(), Author.handle)
        .limit(limit)
    )
    if complained:
        stmt = stmt.having(complaints > 0)
    return [
        InfluentialAuthor(c, h, nm, f, int(m), int(k or 0))
        for c, h, nm, f, m, k in session.execute(stmt).all()
    ]


def count_influential(
    session: Session, start: datetime, end: datetime, *, min_followers: int = 1000
) -> int:
    """How many authors with a large audience complained in [start, end)."""
    stmt = (
        select(func.count(func.distinct(_M.author_id)))
        .select_from(
            table_of(Mention)
            .join(table_of(Author), col(Author.id) == _M.author_id)
            .join(table_of(Analysis), _A.mention_id == _M.id)
        )
        .where(
            _in_range(_M.created_at, start, end),
            col(Author.followers) >= min_followers,
            _A.complaint.is_(True),
        )
    )
    return int(session.execute(stmt).scalar_one())


def count_categories(session: Session, start: datetime, end: datetime) -> int:
    """How many (brand, category) groups of complaints there were in [start, end)."""
    category = func.coalesce(_A.category, "unknown")
    groups = (
        select(_M.brand, category)
        .select_from(table_of(Mention).join(table_of(Analysis), _A.mention_id == _M.id))
        .where(_in_range(_M.created_at, start, end), _A.complaint.is_(True))
        .group_by(_M.brand, category)
        .subquery()
    )
    return int(session.execute(select(func.count()).select_from(groups)).scalar_one())


def praise(
    session: Session, start: datetime, end: datetime, *, about: About | None = None, limit: int = 5
) -> tuple[list[PraiseRow], int]:
    """Positive posts that are not complaints in [start, end), newest first, and how many."""
    joined = (
        table_of(Mention)
        .join(table_of(Analysis), _A.mention_id == _M.id)
        .join(table_of(Author), col(Author.id) == _M.author_id)
    )
    where = [
        _in_range(_M.created_at, start, end),
        _A.complaint.is_(False),
        _A.sentiment_label == "positive",
        _A.irony.is_(False),
    ]
    keep = relevant(session, about)
    if keep is not None:
        where.append(keep)
    total = session.execute(select(func.count()).select_from(joined).where(*where)).scalar_one()
    rows = session.execute(
        select(_M.id, _M.brand, _M.channel, col(Author.handle), _M.text, _M.url, _M.created_at)
        .select_from(joined)
        .where(*where)
        .order_by(_M.created_at.desc(), _M.id.desc())
        .limit(limit)
    ).all()
    return [PraiseRow(*r) for r in rows], int(total)


def case_counts(session: Session, start: datetime, end: datetime, now: datetime) -> dict[str, int]:
    """New cases in [start, end), cases still active, and active cases past due with no call."""
    new = session.execute(
        select(func.count()).select_from(table_of(Case)).where(_in_range(_C.opened_at, start, end))
    ).scalar_one()
    active = session.execute(
        select(func.count()).select_from(table_of(Case)).where(_C.status.in_(ACTIVE))
    ).scalar_one()
    overdue = session.execute(
        select(func.count())
        .select_from(table_of(Case))
        .where(_C.status.in_(ACTIVE), _C.first_contact_at.is_(None), _C.due_at < now)
    ).scalar_one()
    return {"new": new, "open": active, "overdue": overdue}


def outcome_counts(session: Session, start: datetime, end: datetime) -> dict[str, int]:
    """Callback outcomes recorded in [start, end), by result."""
    oc = table_of(Outcome).c
    stmt = (
        select(oc.result, func.count())
        .where(_in_range(oc.created_at, start, end))
        .group_by(oc.result)
    )
    return dict(session.execute(stmt).all())


def escalations(session: Session, start: datetime, end: datetime) -> list[tuple]:
    """(case id, brand, category, agent, note) for each escalation recorded in [start, end)."""
    oc = table_of(Outcome).c
    stmt = (
        select(_C.id, _C.brand, _C.category, oc.agent, oc.note)
        .select_from(table_of(Outcome).join(table_of(Case), _C.id == oc.case_id))
        .where(_in_range(oc.created_at, start, end), oc.result == "escalated")
        .order_by(oc.created_at)
    )
    return [tuple(r) for r in session.execute(stmt).all()]


def sla_breaches(session: Session, start: datetime, end: datetime, now: datetime) -> list[tuple]:
    """(case id, brand, category, agent, due_at, first_contact_at) for cases whose first-callback
    deadline fell in [start, end) and was missed: called late, or not called by `now`."""
    stmt = (
        select(_C.id, _C.brand, _C.category, _C.agent, _C.due_at, _C.first_contact_at)
        .where(
            _in_range(_C.due_at, start, end),
            _C.due_at < now,
            or_(_C.first_contact_at.is_(None), _C.first_contact_at > _C.due_at),
        )
        .order_by(_C.due_at)
    )
    return [tuple(r) for r in session.execute(stmt).all()]


@dataclass
class LoopRow:
    """A case first called in the window, and whether the customer wrote about the brand since."""

    case_id: int
    brand: str
    status: str
    posted_again: int
    sentiment: str | None  # of the latest post after the call; None when they stayed silent


def closed_loop(session: Session, start: datetime, end: datetime) -> list[LoopRow]:
    """Cases first called in [start, end) with what their customers posted after the call."""
    called = session.execute(
        select(_C.id, _C.brand, _C.status)
        .where(_in_range(_C.first_contact_at, start, end))
        .order_by(_C.id)
    ).all()
    if not called:
        return []
    # every post by the same person about the same brand after the call: by the case's own
    # handle, and by handles linked to the same customer (two queries: an OR join defeats the
    # indexes)
    after = and_(_M.brand == _C.brand, _M.created_at > _C.first_contact_at)
    cols = (_C.id, _M.id, _M.created_at, _A.sentiment_label)
    window = _in_range(_C.first_contact_at, start, end)
    by_handle = (
        select(*cols)
        .select_from(
            table_of(Case)
            .join(table_of(Mention), and_(_M.author_id == _C.author_id, after))
            .outerjoin(table_of(Analysis), _A.mention_id == _M.id)
        )
        .where(window)
    )
    by_customer = (
        select(*cols)
        .select_from(
            table_of(Case)
            .join(table_of(Author), col(Author.customer_id) == _C.customer_id)
            .join(table_of(Mention), and_(_M.author_id == Author.id, after))
            .outerjoin(table_of(Analysis), _A.mention_id == _M.id)
        )
        .where(window, _C.customer_id.is_not(None))
    )
    later = {
        (c, m): (t, label)
        for query in (by_handle, by_customer)
        for c, m, t, label in session.execute(query).all()
    }
    counts: Counter = Counter()
    latest: dict[int, tuple] = {}
    for (case_id, _), (created, label) in later.items():
        counts[case_id] += 1
        if case_id not in latest or created > latest[case_id][0]:
            latest[case_id] = (created, label)
    return [
        LoopRow(cid, brand, status, counts[cid], latest[cid][1] if cid in latest else None)
        for cid, brand, status in called
    ]


def scan_runs(session: Session, start: datetime, end: datetime) -> list[ScanRun]:
    """The scan audits that started in [start, end)."""
    stmt = (
        select(ScanRun)
        .where(_in_range(ScanRun.started_at, start, end))
        .order_by(col(ScanRun.started_at))
    )
    return list(session.execute(stmt).scalars())


def last_success(session: Session) -> dict[str, datetime]:
    """When each source last finished a scan that was not a failure."""
    sr = table_of(ScanRun).c
    latest = type_coerce(func.max(sr.started_at), sr.started_at.type)
    stmt = select(sr.source, latest).where(sr.status.in_(("ok", "partial"))).group_by(sr.source)
    return dict(session.execute(stmt).all())


def quota_used(session: Session, source_prefix: str, since: datetime) -> int:
    """Platform reads a source spent since `since` (e.g. the start of the month)."""
    sr = table_of(ScanRun).c
    stmt = select(func.coalesce(func.sum(sr.quota_used), 0)).where(
        or_(sr.source == source_prefix, sr.source.like(f"{source_prefix}%")),
        sr.started_at >= since,
    )
    return int(session.execute(stmt).scalar_one())


__all__ = [
    "ACTIVE",
    "About",
    "PraiseRow",
    "count_categories",
    "count_influential",
    "praise",
    "relevant",
    "CLOSED",
    "CategoryCount",
    "InfluentialAuthor",
    "Quote",
    "case_counts",
    "closed_loop",
    "LoopRow",
    "daily_complaints",
    "daily_sentiment",
    "daily_volume",
    "escalations",
    "influential_authors",
    "last_success",
    "outcome_counts",
    "quota_used",
    "representative_quote",
    "scan_runs",
    "sla_breaches",
    "top_categories",
    "volume_by_brand_channel",
]
