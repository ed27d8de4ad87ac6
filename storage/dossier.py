"""The queries behind a callback brief: a case's posts and the person's history on any channel."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import and_, or_
from sqlmodel import Session, col, select

from callbrief.foundation.errors import StorageError
from callbrief.storage.models import Analysis, Author, Case, Customer, Mention, Outcome

# a case in one of these states needs no callback (see the lifecycle on storage.models.Case)
CLOSED_STATUSES = ("resolved", "escalated")
CHUNK = 500  # ids per IN list: far below SQLite's bound-parameter limit


@dataclass
class CaseRows:
    """Everything stored about one case and the person behind it, as loaded rows."""

    case: Case | None
    mentions: list[Mention]  # this case's posts, oldest first (one post when there is no case)
    focus: Mention  # the post the brief was asked for
    analyses: dict[int, Analysis]  # mention id -> analysis, for case and history mentions
    author: Author
    authors: list[Author]  # every handle of this person, the author's own first
    customer: Customer | None
    earlier_mentions: list[Mention] = field(default_factory=list)  # outside this case, oldest first
    earlier_cases: list[Case] = field(default_factory=list)
    outcomes: dict[int, list[Outcome]] = field(default_factory=dict)  # case id -> oldest first


def mentions_by_platform_id(session: Session, platform_id: str) -> list[Mention]:
    """Stored mentions with this platform id, on any channel; those with a case first."""
    rows = session.exec(select(Mention).where(Mention.platform_id == platform_id)).all()
    # two channels can reuse an id (X and Reddit ids are both short strings): the one that
    # belongs to a case is the one an agent calls about
    return sorted(rows, key=lambda m: (m.case_id is None, m.channel))


def brief_target(session: Session, ref: str) -> list[Mention]:
    """The posts a brief reference names: a platform id, or a case number ("32", "#32", "case-32").

    A platform id wins over a case number, so an imported post with the id "32" stays reachable;
    a case is briefed from its newest post.
    """
    ref = ref.strip()
    found = mentions_by_platform_id(session, ref)
    number = ref.removeprefix("case-").removeprefix("#")
    if found or not number.isdigit() or len(number) > 12:
        return found
    latest = session.exec(
        select(Mention)
        .where(Mention.case_id == int(number))
        .order_by(col(Mention.created_at).desc(), col(Mention.id).desc())
        .limit(1)
    ).all()
    return list(latest)


def open_cases(session: Session) -> list[Case]:
    """Cases someone still has to call about, by priority: not closed, or escalated.

    An escalated case is closed for the agent but not for the person it went to (the safety
    team, a manager): they need its brief too.
    """
    stmt = (
        select(Case)
        .where(
            or_(
                and_(col(Case.closed_at).is_(None), col(Case.status).not_in(CLOSED_STATUSES)),
                col(Case.status) == "escalated",
            )
        )
        .order_by(col(Case.priority).desc(), col(Case.id))
    )
    return list(session.exec(stmt).all())


def case_mentions(session: Session, case_id: int) -> list[Mention]:
    """A case's posts, oldest first."""
    stmt = (
        select(Mention)
        .where(Mention.case_id == case_id)
        .order_by(col(Mention.created_at), col(Mention.id))
    )
    return list(session.exec(stmt).all())


def _chunks(ids: Iterable[int | None], size: int = CHUNK) -> Iterator[list[int]]:
    ordered = sorted({i for i in ids if i is not None})
    for i in range(0, len(ordered), size):
        yield ordered[i : i + size]


def _in(session: Session, model: Any, column: Any, ids: Iterable[int | None]) -> list[Any]:
    """Rows of `model` whose `column` is one of `ids`, in bounded IN lists."""
    rows: list[Any] = []
    for chunk in _chunks(ids):
        rows.extend(session.exec(select(model).where(col(column).in_(chunk))).all())
    return rows


def load_case_rows(
    session: Session, focus: Mention, *, mentions: list[Mention] | None = None
) -> CaseRows:
    """Load the case of `focus` (or the lone post) and the history of the person who wrote it.

    `mentions` saves a query when the caller already loaded the case's posts.
    """
    case = session.get(Case, focus.case_id) if focus.case_id is not None else None
    if mentions is None:
        mentions = case_mentions(session, case.id) if case and case.id is not None else [focus]
    if focus not in mentions:  # defensive: a case whose mentions moved keeps its focus post
        mentions = sorted([*mentions, focus], key=lambda m: (m.created_at, m.id or 0))
    return _assemble(session, [(focus, mentions, case)])[0]


def load_open_case_rows(session: Session, cases: Sequence[Case]) -> list[CaseRows]:
    """CaseRows for many cases with a fixed number of queries, each case's first post as focus."""
    posts: dict[int, list[Mention]] = {}
    for mention in _in(session, Mention, Mention.case_id, [c.id for c in cases if c.id]):
        posts.setdefault(mention.case_id or 0, []).append(mention)
    items = []
    for case in cases:
        found = sorted(posts.get(case.id or 0, []), key=lambda m: (m.created_at, m.id or 0))
        if found:  # a case whose posts were deleted has nothing to brief
            items.append((found[0], found, case))
    return _assemble(session, items)


@dataclass
class _Prefetched:
    """Rows loaded for a batch of briefs, keyed for picking each brief's share."""

    authors: dict[int, Author]
    linked: dict[int, list[Author]]  # customer id -> handles
    customers: dict[int, Customer]
    by_author: dict[int, list[Mention]]
    person_cases: list[Case]
    outcomes: dict[int, list[Outcome]]
    analyses: dict[int, Analysis]


def _assemble(
    session: Session, items: Sequence[tuple[Mention, list[Mention], Case | None]]
) -> list[CaseRows]:
    # one query per table for the whole batch; each brief's history is then picked in Python
    authors = {a.id: a for a in _in(session, Author, Author.id, [f.author_id for f, _, _ in items])}
    customer_ids = {a.customer_id for a in authors.values() if a.customer_id is not None}
    customer_ids |= {c.customer_id for _, _, c in items if c and c.customer_id is not None}
    linked: dict[int, list[Author]] = {}
    for author in _in(session, Author, Author.customer_id, customer_ids):
        authors.setdefault(author.id, author)
        linked.setdefault(author.customer_id, []).append(author)
    by_author: dict[int, list[Mention]] = {}
    for mention in _in(session, Mention, Mention.author_id, authors):
        by_author.setdefault(mention.author_id, []).append(mention)
    person_cases = _in(session, Case, Case.author_id, authors)
    seen = {c.id for c in person_cases}
    person_cases += [
        c for c in _in(session, Case, Case.customer_id, customer_ids) if c.id not in seen
    ]
    case_ids = {c.id for c in person_cases} | {c.id for _, _, c in items if c}
    outcomes: dict[int, list[Outcome]] = {}
    for outcome in sorted(
        _in(session, Outcome, Outcome.case_id, case_ids), key=lambda o: (o.created_at, o.id or 0)
    ):
        outcomes.setdefault(outcome.case_id, []).append(outcome)
    mention_ids = {m.id for ms in by_author.values() for m in ms}
    mention_ids |= {m.id for _, ms, _ in items for m in ms}
    pre = _Prefetched(
        authors={k: v for k, v in authors.items() if k is not None},
        linked=linked,
        customers={c.id: c for c in _in(session, Customer, Customer.id, customer_ids)},
        by_author=by_author,
        person_cases=person_cases,
        outcomes=outcomes,
        analyses={
            a.mention_id: a for a in _in(session, Analysis, Analysis.mention_id, mention_ids)
        },
    )
    return [_pick(pre, focus, mentions, case) for focus, mentions, case in items]


def _pick(pre: _Prefetched, focus: Mention, mentions: list[Mention], case: Case | None) -> CaseRows:
    """One brief's rows out of a batch: the same rules as the queries would apply."""
    author = pre.authors.get(focus.author_id)
    if author is None:  # the foreign key makes this unreachable unless the database was edited
        raise StorageError(
            f"Post {focus.platform_id} refers to author #{focus.author_id}, which is missing. "
            "The database is inconsistent: restore a backup or re-import the post."
        )
    customer_id = (
        author.customer_id
        if author.customer_id is not None
        else (case.customer_id if case else None)
    )
    others = (a for a in pre.linked.get(customer_id or -1, []) if a.id != author.id)
    people = [author, *sorted(others, key=lambda a: a.id or 0)]
    handles = {a.id for a in people}
    case_id = case.id if case else None
    latest = max(m.created_at for m in mentions)
    own = {m.id for m in mentions} | {focus.id}
    earlier = sorted(
        (
            m
            for a in people
            for m in pre.by_author.get(a.id or -1, [])
            if m.brand == focus.brand and m.created_at <= latest and m.id not in own
        ),
        key=lambda m: (m.created_at, m.id or 0),
    )
    cases = sorted(
        (
            c
            for c in pre.person_cases
            if c.brand == focus.brand
            and c.id != case_id
            and (
                c.author_id in handles or (customer_id is not None and c.customer_id == customer_id)
            )
        ),
        key=lambda c: (c.opened_at, c.id or 0),
    )
    wanted = {c.id for c in cases} | {case_id}
    return CaseRows(
        case=case,
        mentions=mentions,
        focus=focus,
        analyses={
            m.id: pre.analyses[m.id]
            for m in [*mentions, *earlier]
            if m.id is not None and m.id in pre.analyses
        },
        author=author,
        authors=people,
        customer=pre.customers.get(customer_id) if customer_id is not None else None,
        earlier_mentions=earlier,
        earlier_cases=cases,
        outcomes={k: v for k, v in pre.outcomes.items() if k in wanted},
    )
