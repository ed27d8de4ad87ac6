"""The right to erasure (KVKK art. 7, GDPR art. 17) and retention, in the database.

`erase_person` removes one person everywhere: their customer record, every handle linked to it,
their posts (text, raw payload, parents and quotes), the analyses of those posts (grievance
sentences, entities), their cases with outcomes and every row that hangs off those (found by the
live database's foreign keys, so tables other features add are covered too), their text quoted
in other people's posts, and raw payloads of other posts that name their handle. An `erasures`
row records that an erasure happened and what it counted, with no personal data. Running it
twice erases nothing the second time and fails on nothing.

`apply_retention` clears the text and raw payload of posts older than the retention period, and
the verbatim parts of their analyses; counts, sentiment and categories stay for the digest.

Deleted rows can linger in free pages and in the write-ahead log: `compact` overwrites them on
SQLite (secure_delete, VACUUM, a truncating WAL checkpoint) and rebuilds the full-text index.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import (
    JSON,
    Column,
    Text,
    delete,
    func,
    inspect,
    or_,
    select,
    text,
    update,
)
from sqlalchemy import column as sql_column
from sqlalchemy import table as sql_table
from sqlalchemy.engine import Engine
from sqlmodel import Field, Session, SQLModel, col

from callbrief.storage.models import Analysis, Author, Case, Customer, Mention, table_of, utcnow

REMOVED = ""  # the text of a post past retention: NOT NULL, and nothing of what they wrote
RETAINED_RAW: dict[str, Any] = {"retention": "cleared"}
CHUNK = 500  # values bound in one IN (...): well under SQLite's and PostgreSQL's limits


class Erasure(SQLModel, table=True):
    """That an erasure happened, and how many rows it touched; no personal data (migration 0003)."""

    __tablename__ = "erasures"

    id: int | None = Field(default=None, primary_key=True)
    erased_at: datetime = Field(default_factory=utcnow)
    scope: str = Field(max_length=32)  # author | customer
    counts: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))


@dataclass
class ErasureReport:
    """What an erasure removed, per table, and the brief files a caller should remove."""

    found: bool = False
    counts: dict[str, int] = field(default_factory=dict)
    # (case id or None, platform id) of every removed post: brief file names are built from them
    briefs: list[tuple[int | None, str]] = field(default_factory=list)
    case_ids: list[int] = field(default_factory=list)
    # what the person's data looked like, for scanning files; never stored
    needles: list[str] = field(default_factory=list)

    def add(self, table: str, n: int) -> None:
        if n:
            self.counts[table] = self.counts.get(table, 0) + n


def _authors_to_erase(
    session: Session, handle: str | None, channel: str | None, customer_id: int | None
) -> tuple[list[Author], set[int]]:
    """The handles and customers that are this person: a handle linked to a customer brings the
    customer and all of that customer's handles (one person)."""
    customers: set[int] = {customer_id} if customer_id is not None else set()
    authors: dict[int, Author] = {}
    if handle is not None:
        stmt = select(Author).where(col(Author.handle) == handle.lstrip("@").casefold())
        if channel:
            stmt = stmt.where(col(Author.channel) == channel)
        for author in session.execute(stmt).scalars():
            authors[author.id] = author  # type: ignore[index]
            if author.customer_id is not None:
                customers.add(author.customer_id)
    if customers:
        linked = select(Author).where(col(Author.customer_id).in_(customers))
        for author in session.execute(linked).scalars():
            authors[author.id] = author  # type: ignore[index]
    return list(authors.values()), customers


@dataclass
class _Schema:
    """The live database's tables and foreign keys, read once per erasure, so that tables other
    features added (whether or not their modules are imported) are followed too."""

    tables: set[str]
    # parent table -> [(child table, child column, child has a single `id` primary key)]
    children: dict[str, list[tuple[str, str, bool]]]

    @classmethod
    def read(cls, session: Session) -> _Schema:
        inspector = inspect(session.connection())
        tables = set(inspector.get_table_names())
        children: dict[str, list[tuple[str, str, bool]]] = {}
        for name in tables:
            pk = inspector.get_pk_constraint(name).get("constrained_columns") or []
            for fk in inspector.get_foreign_keys(name):
                if fk.get("referred_columns") == ["id"] and len(fk["constrained_columns"]) == 1:
                    children.setdefault(fk["referred_table"], []).append(
                        (name, fk["constrained_columns"][0], pk == ["id"])
                    )
        return cls(tables, children)


def _delete_tree(
    session: Session, table: str, ids: set[int], report: ErasureReport, schema: _Schema
) -> None:
    """Delete rows of `table` with these ids and, first, every row that refers to them."""
    if not ids or table not in schema.tables:
        return
    for child, column, has_id in schema.children.get(table, []):
        if child == table:
            continue
        ref = sql_table(child, sql_column(column), sql_column("id"))
        if has_id:
            child_ids = set(
                session.execute(select(ref.c.id).where(ref.c[column].in_(ids))).scalars()
            )
            _delete_tree(session, child, child_ids, report, schema)
        else:
            report.add(child, _count(session.execute(delete(ref).where(ref.c[column].in_(ids)))))
    target = sql_table(table, sql_column("id"))
    report.add(table, _count(session.execute(delete(target).where(target.c.id.in_(ids)))))


def _count(result: Any) -> int:
    """The rows a DELETE or UPDATE touched (a CursorResult's rowcount)."""
    return int(getattr(result, "rowcount", 0) or 0)


def erase_person(
    session: Session,
    *,
    handle: str | None = None,
    channel: str | None = None,
    customer_id: int | None = None,
    now: datetime | None = None,
) -> ErasureReport:
    """Remove one person (by handle, optionally on one channel, or by customer id) everywhere."""
    if handle is None and customer_id is None:
        raise ValueError("erase_person needs a handle or a customer id")
    report = ErasureReport()
    schema = _Schema.read(session)
    if session.get_bind().dialect.name == "sqlite":
        session.execute(text("PRAGMA secure_delete=ON"))  # deleted content is zeroed on disk
    authors, customers = _authors_to_erase(session, handle, channel, customer_id)
    author_ids = {a.id for a in authors if a.id is not None}
    report.found = bool(author_ids or customers)
    for author in authors:
        report.needles += [author.handle, *([author.name] if author.name else [])]
    if customers:
        for row in session.execute(select(Customer).where(col(Customer.id).in_(customers))):
            customer = row[0]
            details = (customer.display_name, customer.phone, customer.email)
            report.needles += [v for v in details if v]
    mentions = session.execute(
        select(
            col(Mention.id), col(Mention.platform_id), col(Mention.case_id), col(Mention.text)
        ).where(col(Mention.author_id).in_(author_ids))
    ).all()
    mention_ids = {m.id for m in mentions}
    texts = [m.text for m in mentions if m.text]
    report.needles += texts
    case_ids = set(
        session.execute(
            select(col(Case.id)).where(
                or_(col(Case.author_id).in_(author_ids), col(Case.customer_id).in_(customers))
            )
        ).scalars()
    )
    report.case_ids = sorted(case_ids)
    report.briefs = [(m.case_id, m.platform_id) for m in mentions]
    # other people's posts in this person's cases stay, without the case (a later analyze
    # opens their own); and posts quoting this person lose the quote
    session.execute(
        update(Mention)
        .where(col(Mention.case_id).in_(case_ids), col(Mention.id).not_in(mention_ids))
        .values(case_id=None)
    )
    report.add("quotes in other posts", _drop_quotes(session, texts, mention_ids))
    report.add("raw payloads of other posts", _drop_raw_naming(session, authors, mention_ids))
    _delete_tree(session, "mentions", mention_ids, report, schema)
    _delete_tree(session, "cases", case_ids, report, schema)
    _delete_tree(session, "authors", author_ids, report, schema)
    _delete_tree(session, "customers", customers, report, schema)
    audit = Erasure(
        erased_at=now or utcnow(),
        scope="customer" if customer_id is not None else "author",
        counts=dict(report.counts),
    )
    session.add(audit)
    session.flush()
    return report


def _drop_quotes(session: Session, texts: Iterable[str], keep_out: set[int]) -> int:
    """Clear parent and quoted text that repeats one of these posts in other people's posts."""
    bodies = sorted({t for t in texts if t.strip()})
    changed = 0
    # one UPDATE per column and chunk of texts, each text a bound parameter
    for start in range(0, len(bodies), CHUNK):
        chunk = bodies[start : start + CHUNK]
        for name in ("parent_text", "quoted_text"):
            column = table_of(Mention).c[name]
            changed += _count(
                session.execute(
                    update(Mention)
                    .where(column.in_(chunk), col(Mention.id).not_in(keep_out))
                    .values({name: None})
                )
            )
    return changed


def _drop_raw_naming(session: Session, authors: Iterable[Author], keep_out: set[int]) -> int:
    """Other posts whose raw payload names this person (a reply's `includes.users`): cleared.

    The handle is matched as a whole JSON string ("handle"), case-insensitively.
    """
    handles = {a.handle for a in authors if a.handle}
    if not handles:
        return 0
    raw_text = func.lower(func.cast(table_of(Mention).c.raw, Text))
    matches = or_(*(raw_text.contains(f'"{h.casefold()}"', autoescape=True) for h in handles))
    return _count(
        session.execute(
            update(Mention)
            .where(matches, col(Mention.id).not_in(keep_out))
            .values(raw={"erased": "a person named here was erased"})
        )
    )


def apply_retention(session: Session, days: int, *, now: datetime | None = None) -> int:
    """Clear text, raw payload and verbatim analysis of posts older than `days`; how many."""
    cutoff = (now or utcnow()) - timedelta(days=days)
    if session.get_bind().dialect.name == "sqlite":
        session.execute(text("PRAGMA secure_delete=ON"))  # overwritten text is zeroed on disk
    old = select(col(Mention.id)).where(
        col(Mention.created_at) < cutoff,
        or_(col(Mention.text) != REMOVED, col(Mention.parent_text).is_not(None)),
    )
    ids = list(session.execute(old).scalars())
    for start in range(0, len(ids), CHUNK):
        chunk = ids[start : start + CHUNK]
        session.execute(
            update(Mention)
            .where(col(Mention.id).in_(chunk))
            .values(
                text=REMOVED,
                raw=RETAINED_RAW,
                parent_text=None,
                quoted_text=None,
                title=None,
                links=[],
            )
        )
        session.execute(
            update(Analysis)
            .where(col(Analysis.mention_id).in_(chunk))
            .values(grievance=[], entities=[])
        )
    return len(ids)


def compact(engine: Engine) -> None:
    """Overwrite what deleted rows left behind: rebuild the full-text index; on SQLite also
    VACUUM and truncate the write-ahead log (PostgreSQL: a plain VACUUM of the tables)."""
    with engine.connect() as conn:
        tables = set(inspect(conn).get_table_names())
        if conn.dialect.name == "sqlite":
            if "mentions_fts" in tables:
                conn.exec_driver_sql("INSERT INTO mentions_fts(mentions_fts) VALUES ('rebuild')")
                conn.commit()
            conn.exec_driver_sql("PRAGMA secure_delete=ON")
            conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
            conn.commit()
    # VACUUM cannot run inside a transaction: an autocommit connection of its own
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        if conn.dialect.name == "sqlite":
            conn.exec_driver_sql("VACUUM")
            conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
        elif conn.dialect.name == "postgresql":
            for name in ("mentions", "authors", "customers", "analyses", "cases", "outcomes"):
                conn.exec_driver_sql(f"VACUUM {name}")
