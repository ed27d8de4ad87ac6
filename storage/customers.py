"""One customer behind several handles: links from the config, and a CRM CSV import with phones."""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import update
from sqlmodel import Session, col, select

from callbrief.foundation.errors import ConfigError, ImportFileError
from callbrief.foundation.records import CHANNELS as MENTION_CHANNELS
from callbrief.storage.models import Author, Case, Customer, utcnow

# a CRM row's phone and e-mail are ways to reach the person, not handles on a channel
CHANNELS = tuple(c for c in MENTION_CHANNELS if c not in ("email", "phone"))

CHANNEL_ALIASES = {
    "twitter": "x",
    "x_handle": "x",
    "twitter_handle": "x",
    "reddit_handle": "reddit",
}
PHONE = re.compile(r"^\+?\d{7,15}$")
EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


@dataclass
class CrmImportReport:
    """What a CRM import did; bad rows are listed by line number, the rest are imported."""

    imported: int = 0
    customers: int = 0  # customers created or updated
    errors: list[tuple[int, str]] = field(default_factory=list)

    def summary(self) -> str:
        lines = [f"Imported {self.imported} row(s) into {self.customers} customer(s)."]
        lines += [f"  line {line}: {message}" for line, message in self.errors]
        return "\n".join(lines)


def normalize_phone(raw: str) -> str:
    """A phone number with spaces, dots, dashes and brackets removed; ValueError if not one."""
    phone = re.sub(r"[\s().\-/]", "", raw)
    if phone.startswith("00"):
        phone = "+" + phone[2:]
    if not PHONE.match(phone):
        raise ValueError(f"{raw!r} is not a phone number (7-15 digits, optional leading +)")
    return phone


def _author(session: Session, channel: str, handle: str) -> Author:
    """The author for a handle, created if no mention of theirs was stored yet."""
    channel = CHANNEL_ALIASES.get(channel.strip().casefold(), channel.strip().casefold())
    handle = handle.strip().lstrip("@").removeprefix("u/").casefold()
    if channel not in CHANNELS:
        raise ValueError(f"unknown channel {channel!r} (use one of: {', '.join(CHANNELS)})")
    if not handle:
        raise ValueError("empty handle")
    author = session.exec(
        select(Author).where(Author.channel == channel, Author.handle == handle)
    ).one_or_none()
    if author is None:
        author = Author(channel=channel, handle=handle)
        session.add(author)
        session.flush()
    return author


def link_handles(
    session: Session,
    handles: list[tuple[str, str]],
    *,
    name: str | None = None,
    phone: str | None = None,
    email: str | None = None,
) -> Customer:
    """Record that (channel, handle) pairs are one person; merges customers already linked."""
    if not handles:
        raise ConfigError("A customer link needs at least one (channel, handle) pair.")
    try:
        authors = [_author(session, channel, handle) for channel, handle in handles]
        phone = normalize_phone(phone) if phone else None
    except ValueError as exc:
        raise ConfigError(f"Cannot link customer handles: {exc}.") from None
    ids = sorted({a.customer_id for a in authors if a.customer_id is not None})
    customer = session.get(Customer, ids[0]) if ids else None
    if customer is None:
        customer = Customer()
        session.add(customer)
        session.flush()
    for other_id in ids[1:]:
        _merge(session, customer, other_id)
    for author in authors:
        author.customer_id = customer.id
        author.updated_at = utcnow()
    customer.display_name = name or customer.display_name
    customer.phone = phone or customer.phone
    customer.email = email or customer.email
    session.flush()
    return customer


def _merge(session: Session, into: Customer, other_id: int) -> None:
    """Move another customer's handles and cases to `into`, keep its details, drop it."""
    other = session.get(Customer, other_id)
    if other is None:
        return
    session.execute(
        update(Author).where(col(Author.customer_id) == other_id).values(customer_id=into.id)
    )
    session.execute(
        update(Case).where(col(Case.customer_id) == other_id).values(customer_id=into.id)
    )
    for name in ("display_name", "phone", "email", "notes"):
        if getattr(into, name) is None:
            setattr(into, name, getattr(other, name))
    session.delete(other)
    session.flush()


def customer_of(session: Session, channel: str, handle: str) -> Customer | None:
    """The customer a handle is linked to, if any."""
    author = session.exec(
        select(Author).where(
            Author.channel == channel, Author.handle == handle.lstrip("@").casefold()
        )
    ).one_or_none()
    if author is None or author.customer_id is None:
        return None
    return session.get(Customer, author.customer_id)


def _handle_columns(header: list[str]) -> list[str]:
    columns = []
    for column in header:
        key = column.strip().casefold()
        if key in CHANNELS or key in CHANNEL_ALIASES:
            columns.append(column)
    return columns


def import_crm_csv(session: Session, path: Path) -> CrmImportReport:
    """Attach names, phones and e-mails from a CRM export to handles; one person per row.

    Columns: `name`, `phone`, `email`, and one column per channel holding that person's handle
    (`x` or `twitter`, `reddit`); or `channel` and `handle` columns for one handle per row.
    """
    try:
        text = path.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise ImportFileError(f"CRM file {path} does not exist. Check the path.") from None
    except UnicodeDecodeError:
        raise ImportFileError(
            f"CRM file {path} is not UTF-8. Export it from the CRM as 'CSV UTF-8' and try again."
        ) from None
    except OSError as exc:
        raise ImportFileError(f"Cannot read CRM file {path}: {exc.strerror}.") from None
    reader = csv.DictReader(text.splitlines())
    header = [h.strip().casefold() for h in (reader.fieldnames or [])]
    reader.fieldnames = header
    handle_columns = _handle_columns(header)
    long_form = "channel" in header and "handle" in header
    if not handle_columns and not long_form:
        raise ImportFileError(
            f"CRM file {path} has no handle columns (found: {', '.join(header) or 'nothing'}). "
            "Add a column named after the channel (x, twitter, reddit) holding the handle, or "
            "the two columns channel,handle."
        )
    report = CrmImportReport()
    touched: set[int] = set()
    for line, row in enumerate(reader, start=2):
        if None in row:
            report.errors.append((line, "more fields than the header has columns"))
            continue
        if long_form:
            pairs = [(row.get("channel") or "", row.get("handle") or "")]
        else:
            pairs = [(c, row[c]) for c in handle_columns if (row.get(c) or "").strip()]
        if not pairs or not any(h.strip() for _, h in pairs):
            report.errors.append((line, "no handle in this row"))
            continue
        email = (row.get("email") or "").strip() or None
        if email and not EMAIL.match(email):
            report.errors.append((line, f"{email!r} is not an e-mail address"))
            continue
        try:
            with session.begin_nested():
                customer = link_handles(
                    session,
                    pairs,
                    name=(row.get("name") or "").strip() or None,
                    phone=(row.get("phone") or "").strip() or None,
                    email=email,
                )
        except ConfigError as exc:
            report.errors.append((line, str(exc).removeprefix("Cannot link customer handles: ")))
            continue
        report.imported += 1
        assert customer.id is not None
        touched.add(customer.id)
    report.customers = len(touched)
    return report
