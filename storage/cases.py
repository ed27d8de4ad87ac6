"""Callback cases: open and merge them from complaints; queue, assign, outcomes, SLA clocks."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from typing import overload
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from sqlalchemy import ColumnElement, and_, func, or_, select, update
from sqlmodel import Session, col

from callbrief.foundation.errors import ConfigError, NotFoundError
from callbrief.foundation.settings import CasesSettings, Settings
from callbrief.storage.models import Analysis, Author, Case, Mention, Outcome, utcnow

RESULTS = ("reached", "unreachable", "resolved", "escalated", "follow_up")
ACTIVE = ("open", "assigned", "reached", "unreachable", "follow_up")
CLOSED = ("resolved", "escalated")
STATUS_GROUPS = {"active": ACTIVE, "closed": CLOSED, "all": ACTIVE + CLOSED}
UNKNOWN_CATEGORIES = (None, "", "unknown")
SLA_STATES = ("due", "overdue", "breached", "met")


@dataclass
class CaseUpdate:
    """What one `update_cases` pass did."""

    opened: int = 0
    merged: int = 0
    case_ids: list[int] = field(default_factory=list)


@dataclass
class PostedAgain:
    """What the customer wrote after the first callback: the closed loop."""

    count: int
    last_at: datetime
    sentiment: str | None  # the latest post's sentiment; None when it is not analysed yet
    text: str


@dataclass
class QueueRow:
    """One line of the callback queue."""

    case_id: int
    brand: str
    status: str
    sla: str  # due | overdue | breached | met
    priority: float
    agent: str | None
    category: str | None
    channel: str
    handle: str
    followers: int | None
    mentions: int
    opened_at: datetime
    due_at: datetime | None
    next_action_at: datetime | None  # the follow-up when one is set, else the SLA due time
    last_mention_at: datetime
    latest_text: str
    posted_again: PostedAgain | None

    @property
    def overdue(self) -> bool:
        return self.sla == "overdue"


@overload
def _aware(value: datetime) -> datetime: ...
@overload
def _aware(value: None) -> None: ...
@overload
def _aware(value: datetime | None) -> datetime | None: ...
def _aware(value: datetime | None) -> datetime | None:
    if value is not None and value.tzinfo is None:
        return value.replace(tzinfo=UTC)
    return value


def team_zone(cases: CasesSettings) -> ZoneInfo:
    """The team's time zone, or a ConfigError naming the bad key."""
    try:
        return ZoneInfo(cases.timezone)
    except (ZoneInfoNotFoundError, ValueError):
        raise ConfigError(
            f"cases.timezone {cases.timezone!r} is not a known time zone. "
            "Use an IANA name such as Europe/Istanbul or Asia/Baku."
        ) from None


def _check_hours(cases: CasesSettings) -> tuple[int, int]:
    start, end = cases.working_hours
    if not 0 <= start < end <= 24:
        raise ConfigError(
            f"cases.working_hours {list(cases.working_hours)} must be [start, end] with "
            "0 <= start < end <= 24, e.g. [9, 18]."
        )
    if not cases.working_days or any(d not in range(7) for d in cases.working_days):
        raise ConfigError(
            f"cases.working_days {cases.working_days} must list weekdays 0-6 (Monday is 0), "
            "e.g. [0, 1, 2, 3, 4]."
        )
    return start, end


def add_working_hours(start: datetime, hours: float, cases: CasesSettings) -> datetime:
    """The UTC moment `hours` working hours after `start`, in the configured working week."""
    zone = team_zone(cases)
    open_h, close_h = _check_hours(cases)
    remaining = timedelta(hours=hours)
    cursor = _aware(start).astimezone(UTC)
    day = cursor.astimezone(zone).date()
    # arithmetic in UTC, day edges in local time: a DST change shortens or lengthens that day
    for _ in range(3660):
        if day.weekday() in cases.working_days:
            midnight = datetime.combine(day, time(0), zone)
            day_open = (midnight + timedelta(hours=open_h)).astimezone(UTC)
            day_close = (midnight + timedelta(hours=close_h)).astimezone(UTC)
            begin = max(cursor, day_open)
            if begin < day_close:
                if remaining <= day_close - begin:
                    return begin + remaining
                remaining -= day_close - begin
        day += timedelta(days=1)
        cursor = datetime.combine(day, time(0), zone).astimezone(UTC)
    raise ConfigError("No working time found within ten years; check cases.working_days.")


def local_moment(day: date, settings: Settings) -> datetime:
    """The start of working hours on `day` in the team's time zone, as aware UTC."""
    zone = team_zone(settings.cases)
    open_h, _ = _check_hours(settings.cases)
    return (datetime.combine(day, time(0), zone) + timedelta(hours=open_h)).astimezone(UTC)


def sla_state(case: Case, now: datetime, settings: Settings) -> str:
    """Where a case stands against the first-callback SLA: due, overdue, breached or met."""
    due = _aware(case.due_at)
    contact = _aware(case.first_contact_at)
    if contact is not None:
        return "met" if due is None or contact <= due else "breached"
    if due is None or now <= due:
        return "due"
    # a case closed without any callback (e.g. merged away by hand) missed its SLA for good
    return "breached" if case.status in CLOSED else "overdue"


def _person_filter(author_id: int, customer_id: int | None) -> ColumnElement[bool]:
    if customer_id is None:
        return col(Case.author_id) == author_id
    return or_(col(Case.customer_id) == customer_id, col(Case.author_id) == author_id)


def _compatible(case_category: str | None, category: str | None) -> bool:
    return (
        case_category in UNKNOWN_CATEGORIES
        or category in UNKNOWN_CATEGORIES
        or case_category == category
    )


NO_CALLBACK_CHANNELS = ("rss",)


def update_cases(
    session: Session, settings: Settings, *, now: datetime | None = None
) -> CaseUpdate:
    """Put every analysed complaint without a case into a case: join a matching one or open one."""
    now = now or utcnow()
    window = timedelta(hours=settings.cases.merge_window_hours)
    rows = session.execute(
        select(
            col(Mention.id),
            col(Mention.brand),
            col(Mention.author_id),
            col(Mention.created_at),
            col(Author.customer_id),
            col(Analysis.category),
            col(Analysis.priority),
        )
        .join(Analysis, col(Analysis.mention_id) == Mention.id)
        .join(Author, col(Author.id) == Mention.author_id)
        .where(
            col(Mention.case_id).is_(None),
            col(Analysis.complaint).is_(True),
            # news and alert feeds are media coverage for the digest, not people to phone back
            col(Mention.channel).not_in(NO_CALLBACK_CHANNELS),
        )
        .order_by(col(Mention.created_at), col(Mention.id))
    ).all()
    result = CaseUpdate()
    if not rows:
        return result
    earliest = min(_aware(r.created_at) for r in rows)
    candidates = list(
        session.execute(
            select(Case).where(
                col(Case.status).in_(ACTIVE), col(Case.last_mention_at) >= earliest - window
            )
        ).scalars()
    )
    for row in rows:
        created = _aware(row.created_at)
        assert created is not None
        case = _matching_case(candidates, row, created, window)
        if case is None:
            case = Case(
                brand=row.brand,
                author_id=row.author_id,
                customer_id=row.customer_id,
                category=row.category,
                priority=row.priority,
                # the SLA clock starts when the customer complained, not when we noticed
                opened_at=created,
                last_mention_at=created,
                due_at=add_working_hours(
                    created, settings.cases.sla_first_callback_hours, settings.cases
                ),
                updated_at=now,
            )
            session.add(case)
            session.flush()
            candidates.append(case)
            result.opened += 1
        else:
            case.priority = max(case.priority, row.priority)
            case.last_mention_at = max(_aware(case.last_mention_at), created)
            if case.category in UNKNOWN_CATEGORIES and row.category not in UNKNOWN_CATEGORIES:
                case.category = row.category
            if case.customer_id is None and row.customer_id is not None:
                case.customer_id = row.customer_id
            case.updated_at = now
            result.merged += 1
        # an ORM update, so that Mention objects already loaded in this session see their case
        session.execute(update(Mention).where(col(Mention.id) == row.id).values(case_id=case.id))
        if case.id not in result.case_ids:
            result.case_ids.append(case.id)  # type: ignore[arg-type]
    session.flush()
    return result


def _matching_case(candidates, row, created: datetime, window: timedelta) -> Case | None:  # type: ignore[no-untyped-def]
    best: Case | None = None
    for case in candidates:
        same_person = case.author_id == row.author_id or (
            row.customer_id is not None and case.customer_id == row.customer_id
        )
        if not same_person or case.brand != row.brand or case.status not in ACTIVE:
            continue
        if not _compatible(case.category, row.category):
            continue
        opened, last = _aware(case.opened_at), _aware(case.last_mention_at)
        if not (opened - window <= created <= last + window):
            continue
        # prefer the case about exactly this category, then the most recently active one
        key = (case.category == row.category, _aware(case.last_mention_at))
        if best is None or key > (best.category == row.category, _aware(best.last_mention_at)):
            best = case
    return best


def get_case(session: Session, case_id: int) -> Case:
    """The case with that id, or a NotFoundError that says how to list cases."""
    case = session.get(Case, case_id)
    if case is None:
        raise NotFoundError(f"No case #{case_id}. Run `callbrief cases` to see the open cases.")
    return case


def assign(session: Session, case_id: int, agent: str) -> Case:
    """Give a case to an agent; an open case becomes assigned."""
    agent = agent.strip()
    if not agent:
        raise ConfigError("Give the agent's name, e.g. `callbrief assign 12 ayse`.")
    case = get_case(session, case_id)
    case.agent = agent
    if case.status == "open":
        case.status = "assigned"
    case.updated_at = utcnow()
    session.add(case)
    session.flush()
    return case


def record_outcome(
    session: Session,
    case_id: int,
    result: str,
    *,
    note: str | None = None,
    follow_up: datetime | date | None = None,
    agent: str | None = None,
    now: datetime | None = None,
    settings: Settings | None = None,
) -> Outcome:
    """Record what a callback attempt achieved and move the case along.

    A follow-up given as a date means the start of working hours that day in the team's time
    zone (from `settings`, else the defaults).
    """
    now = now or utcnow()
    if result not in RESULTS:
        raise ConfigError(
            f"Unknown outcome {result!r}. Use one of: {', '.join(RESULTS)} (e.g. --result reached)."
        )
    case = get_case(session, case_id)
    follow_up_at = _follow_up_moment(follow_up, now, settings or Settings())
    outcome = Outcome(
        case_id=case.id,  # type: ignore[arg-type]
        result=result,
        note=note,
        agent=agent or case.agent,
        follow_up_at=follow_up_at,
        created_at=now,
    )
    session.add(outcome)
    if case.first_contact_at is None:
        case.first_contact_at = now
    if agent and not case.agent:
        case.agent = agent
    case.status = result
    case.follow_up_at = follow_up_at
    case.closed_at = now if result in CLOSED else None
    case.updated_at = now
    session.add(case)
    session.flush()
    return outcome


def _follow_up_moment(
    value: datetime | date | None, now: datetime, settings: Settings
) -> datetime | None:
    if value is None:
        return None
    moment = _aware(value) if isinstance(value, datetime) else local_moment(value, settings)
    assert moment is not None
    if moment < now:
        raise ConfigError(
            f"The follow-up date {value.isoformat()} is in the past. Give a future date, "
            "e.g. --follow-up " + (now + timedelta(days=1)).date().isoformat() + "."
        )
    return moment


def posted_again(session: Session, case_id: int) -> PostedAgain | None:
    """What the customer posted about the brand after the first callback; None if nothing yet."""
    case = get_case(session, case_id)
    return _posted_again(session, case)


def _posted_again(session: Session, case: Case) -> PostedAgain | None:
    if case.first_contact_at is None:
        return None
    authors = select(col(Author.id)).where(
        or_(
            col(Author.id) == case.author_id,
            and_(col(Author.customer_id).is_not(None), col(Author.customer_id) == case.customer_id),
        )
    )
    base = (
        select(col(Mention.created_at), col(Mention.text), col(Analysis.sentiment_label))
        .outerjoin(Analysis, col(Analysis.mention_id) == Mention.id)
        .where(
            col(Mention.author_id).in_(authors),
            col(Mention.brand) == case.brand,
            col(Mention.created_at) > case.first_contact_at,
        )
    )
    count = session.execute(select(func.count()).select_from(base.subquery())).scalar_one()
    if not count:
        return None
    last = session.execute(base.order_by(col(Mention.created_at).desc()).limit(1)).one()
    return PostedAgain(
        count=count,
        last_at=_aware(last.created_at),
        sentiment=last.sentiment_label,
        text=last.text,
    )


def queue(
    session: Session,
    settings: Settings,
    *,
    brand: str | None = None,
    status: str | None = None,
    agent: str | None = None,
    overdue: bool = False,
    now: datetime | None = None,
    limit: int | None = None,
) -> list[QueueRow]:
    """The callback queue: overdue first, then by priority, then by the time the next call is due.

    `status` is one status (open, assigned, reached, ...) or a group: active (the default),
    closed or all.
    """
    now = now or utcnow()
    statuses = _statuses(status)
    stmt = (
        select(Case, Author)
        .join(Author, col(Author.id) == Case.author_id)
        .where(col(Case.status).in_(statuses))
    )
    if brand:
        stmt = stmt.where(func.lower(Case.brand) == brand.casefold())
    if agent:
        stmt = stmt.where(func.lower(Case.agent) == agent.casefold())
    if overdue:  # the same rule as sla_state's "overdue", pushed into SQL
        stmt = stmt.where(col(Case.first_contact_at).is_(None), col(Case.due_at) < now)
    pairs = session.execute(stmt).all()
    if not pairs:
        return []
    ids = [case.id for case, _ in pairs]
    counts = dict(
        session.execute(
            select(col(Mention.case_id), func.count())
            .where(col(Mention.case_id).in_(ids))
            .group_by(col(Mention.case_id))
        ).all()
    )
    latest_ids = (
        select(func.max(Mention.id))
        .where(col(Mention.case_id).in_(ids))
        .group_by(col(Mention.case_id))
    )
    latest = dict(
        session.execute(
            select(col(Mention.case_id), col(Mention.text)).where(col(Mention.id).in_(latest_ids))
        ).all()
    )
    rows = []
    for case, author in pairs:
        state = sla_state(case, now, settings)
        if overdue and state != "overdue":
            continue
        due = _aware(case.due_at)
        rows.append(
            QueueRow(
                case_id=case.id,
                brand=case.brand,
                status=case.status,
                sla=state,
                priority=case.priority,
                agent=case.agent,
                category=case.category,
                channel=author.channel,
                handle=author.handle,
                followers=author.followers,
                mentions=counts.get(case.id, 0),
                opened_at=_aware(case.opened_at),
                due_at=due,
                next_action_at=_aware(case.follow_up_at) or due,
                last_mention_at=_aware(case.last_mention_at),
                latest_text=latest.get(case.id, ""),
                posted_again=None,
            )
        )
    far = datetime.max.replace(tzinfo=UTC)
    rows.sort(key=lambda r: (not r.overdue, -r.priority, r.next_action_at or far, r.case_id))
    rows = rows[:limit] if limit is not None else rows
    by_id = {case.id: case for case, _ in pairs}
    for row in rows:  # one query per shown row, so only for the rows shown
        row.posted_again = _posted_again(session, by_id[row.case_id])
    return rows


def _statuses(status: str | None) -> tuple[str, ...]:
    if status is None:
        return ACTIVE
    key = status.strip().lower()
    if key in STATUS_GROUPS:
        return STATUS_GROUPS[key]
    if key in ACTIVE + CLOSED:
        return (key,)
    raise ConfigError(
        f"Unknown case status {status!r}. Use one of: {', '.join(ACTIVE + CLOSED)}, "
        "or a group: active, closed, all."
    )
