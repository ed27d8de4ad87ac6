"""Callback cases: open and merge them from complaints; queue, assign, outcomes, SLA clocks."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta

from sqlalchemy import ColumnElement, and_, func, or_, select, update
from sqlalchemy import case as sql_case
from sqlmodel import Session, col

from callbrief.foundation import policy
from callbrief.foundation.errors import ConfigError, NotFoundError
from callbrief.foundation.policy import (
    ACTIVE,
    CLOSED,
    RESULTS,
    STATUS_GROUPS,
    add_working_hours,
    aware,
)
from callbrief.foundation.settings import Settings
from callbrief.storage.matters import SAFETY, CaseMatter, matter_keys, matters_of
from callbrief.storage.models import Analysis, Author, Case, Customer, Mention, Outcome, utcnow

UNKNOWN_CATEGORIES = (None, "", "unknown")


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
    unreachable: int = 0  # calls recorded as unanswered
    phone: str | None = None  # the linked customer's, from the CRM import
    email: str | None = None

    @property
    def overdue(self) -> bool:
        return self.sla == "overdue"


def local_moment(day: date, settings: Settings) -> datetime:
    """The start of working hours on `day` in the team's time zone, as aware UTC."""
    return policy.working_day_start(day, settings.cases)


def sla_state(case: Case, now: datetime, settings: Settings) -> str:
    """Where a case stands against the first-callback SLA: due, overdue, breached or met."""
    return policy.sla_state(case.due_at, case.first_contact_at, case.status, now)


def _person_filter(author_id: int, customer_id: int | None) -> ColumnElement[bool]:
    if customer_id is None:
        return col(Case.author_id) == author_id
    return or_(col(Case.customer_id) == customer_id, col(Case.author_id) == author_id)


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
            col(Analysis.entities),
            col(Analysis.asks),
            col(Analysis.signals),
            col(Mention.platform_id),
            col(Mention.conversation_id),
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
    earliest = min(aware(r.created_at) for r in rows)
    candidates = list(
        session.execute(
            select(Case).where(
                col(Case.status).in_(ACTIVE), col(Case.last_mention_at) >= earliest - window
            )
        ).scalars()
    )
    matters = matters_of(session, [c.id for c in candidates])
    for row in rows:
        created = aware(row.created_at)
        assert created is not None
        post = _PostMatter.of(row)
        case = _matching_case(candidates, matters, row, post, created, window)
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
            case.last_mention_at = max(aware(case.last_mention_at), created)
            if _no_matter_of_its_own(case.category) and not _no_matter_of_its_own(row.category):
                case.category = row.category  # a follow-up opened it; the matter names it now
            if case.customer_id is None and row.customer_id is not None:
                case.customer_id = row.customer_id
            case.updated_at = now
            result.merged += 1
        _absorb(session, matters, case, post, now)
        # an ORM update, so that Mention objects already loaded in this session see their case
        session.execute(update(Mention).where(col(Mention.id) == row.id).values(case_id=case.id))
        if case.id not in result.case_ids:
            result.case_ids.append(case.id)  # type: ignore[arg-type]
    session.flush()
    return result


@dataclass(frozen=True)
class _PostMatter:
    """What one post says its matter is: parcel or order numbers, thread, asks and signals."""

    keys: frozenset[str]
    thread: str | None
    asks: tuple[str, ...]
    signals: tuple[str, ...]

    @classmethod
    def of(cls, row) -> _PostMatter:  # type: ignore[no-untyped-def]
        return cls(
            keys=frozenset(matter_keys(row.entities or [])),
            thread=row.conversation_id or row.platform_id,
            asks=tuple(row.asks or ()),
            signals=tuple(row.signals or ()),
        )

    @property
    def safety(self) -> bool:
        return SAFETY in self.signals


# a post in one of these categories ("I still can't reach you", "see my earlier post") has no
# matter of its own: it follows up the person's open case
FOLLOW_UP_CATEGORIES = ("other", "unreachable")


def _no_matter_of_its_own(category: str | None) -> bool:
    return category in UNKNOWN_CATEGORIES or category in FOLLOW_UP_CATEGORIES


def _absorb(
    session: Session, matters: dict[int, CaseMatter], case: Case, post: _PostMatter, now: datetime
) -> None:
    matter = matters.get(case.id)  # type: ignore[arg-type]
    if matter is None:
        matter = CaseMatter(case_id=case.id)  # type: ignore[arg-type]
        matters[case.id] = matter  # type: ignore[index]
    matter.absorb(
        keys=post.keys,
        threads=[post.thread] if post.thread else [],
        asks=post.asks,
        signals=post.signals,
        now=now,
    )
    session.add(matter)


def _matching_case(  # type: ignore[no-untyped-def]
    candidates, matters: dict[int, CaseMatter], row, post: _PostMatter, created, window
) -> Case | None:
    """The open case this post belongs to: the same parcel, thread or category, never by person
    alone; a safety matter is kept apart from every other."""
    best: Case | None = None
    best_key: tuple[int, datetime] | None = None
    for case in candidates:
        if case.brand != row.brand or case.status not in ACTIVE:
            continue
        matter = matters.get(case.id)
        keys = set(matter.keys) if matter else set()
        safety_case = bool(matter and matter.safety)
        same_parcel = bool(post.keys & keys)
        if same_parcel and post.safety == safety_case:
            strength = 4  # one parcel, one order: one case, whoever writes and however late
        else:
            same_person = case.author_id == row.author_id or (
                row.customer_id is not None and case.customer_id == row.customer_id
            )
            opened, last = aware(case.opened_at), aware(case.last_mention_at)
            if not same_person or not (opened - window <= created <= last + window):
                continue
            if post.keys and keys and not same_parcel:
                continue  # two different parcels are two matters
            same_thread = bool(matter and post.thread and post.thread in matter.threads)
            if post.safety != safety_case:
                continue  # a safety matter is never merged into another, nor another into it
            if same_thread:
                strength = 3
            elif case.category == row.category and not _no_matter_of_its_own(row.category):
                strength = 2
            elif _no_matter_of_its_own(row.category) or _no_matter_of_its_own(case.category):
                strength = 1  # a follow-up joins the person's open matter
            else:
                continue
        key = (strength, aware(case.last_mention_at))
        if best_key is None or key > best_key:
            best, best_key = case, key
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
    moment = aware(value) if isinstance(value, datetime) else local_moment(value, settings)
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
        last_at=aware(last.created_at),
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
    where: Sequence[ColumnElement[bool]] = (),
) -> list[QueueRow]:
    """The callback queue: overdue first, then by priority, then by the time the next call is due.

    `status` is one status (open, assigned, reached, ...) or a group: active (the default),
    closed or all. `where` adds conditions on cases (the web workspace's filters).
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
    if where:
        stmt = stmt.where(*where)
    if limit is not None:
        # only `limit` rows are wanted: order in SQL by the sort key below and load just those
        # (the web queue over thousands of open cases loads 100 rows, not every case)
        late = and_(
            col(Case.first_contact_at).is_(None),
            col(Case.due_at) < now,
            col(Case.status).not_in(CLOSED),
        )
        next_action = func.coalesce(Case.follow_up_at, Case.due_at)
        # the ids first, from cases alone: a walk over the covering index ix_cases_queue
        # (migration 0005); only those rows are then loaded with their authors
        top = (
            select(col(Case.id))
            .where(stmt.whereclause)  # type: ignore[arg-type]
            .order_by(
                sql_case((late, 0), else_=1),
                col(Case.priority).desc(),
                next_action.is_(None),
                next_action,
                col(Case.id),
            )
            .limit(limit)
        )
        stmt = stmt.where(col(Case.id).in_(top))
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
    unanswered = dict(
        session.execute(
            select(col(Outcome.case_id), func.count())
            .where(col(Outcome.case_id).in_(ids), col(Outcome.result) == "unreachable")
            .group_by(col(Outcome.case_id))
        ).all()
    )
    customer_ids = {case.customer_id for case, _ in pairs if case.customer_id is not None}
    contacts = {
        c.id: c for c in session.scalars(select(Customer).where(col(Customer.id).in_(customer_ids)))
    }
    rows = []
    for case, author in pairs:
        state = sla_state(case, now, settings)
        if overdue and state != "overdue":
            continue
        due = aware(case.due_at)
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
                opened_at=aware(case.opened_at),
                due_at=due,
                next_action_at=aware(case.follow_up_at) or due,
                last_mention_at=aware(case.last_mention_at),
                latest_text=latest.get(case.id, ""),
                posted_again=None,
                unreachable=unanswered.get(case.id, 0),
                phone=contact.phone if (contact := contacts.get(case.customer_id)) else None,
                email=contact.email if contact else None,
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
