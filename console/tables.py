"""The CLI's tables: scan summaries and the callback queue, as rich tables with plain cells."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, tzinfo
from typing import Any

from rich.table import Table

from callbrief.briefs.fallback import next_channel
from callbrief.foundation.policy import aware, team_zone
from callbrief.foundation.settings import Settings

HANDLE_FORMS = {"x": "@{}", "reddit": "u/{}"}


def cell(value: Any, zone: tzinfo | None = None) -> str:
    """One table cell: "-" for nothing, two decimals, local minutes for times."""
    if value is None:
        return "-"
    if isinstance(value, float):
        return f"{value:.2f}"
    if isinstance(value, datetime):
        moment = aware(value)
        return (moment.astimezone(zone) if zone else moment).strftime("%Y-%m-%d %H:%M")
    return str(value)


def customer(channel: str, handle: str) -> str:
    """How an agent knows the customer on their channel: @handle on X, u/handle on Reddit."""
    return HANDLE_FORMS.get(channel, "{}").format(handle)


def scan_table(rows: Sequence[Any]) -> Table:
    """One line per source of a scan: what was new, skipped, failed and the quota used."""
    table = Table(title="Scan")
    for column in ("source", "status", "new", "duplicates", "skipped", "errors", "quota"):
        table.add_column(column)
    for row in rows:
        quota = f"{row.quota_used}/{row.quota_limit}" if row.quota_limit else str(row.quota_used)
        table.add_row(
            row.source,
            row.status,
            str(row.new),
            str(row.duplicates),
            str(row.skipped),
            str(row.errors),
            quota,
        )
    return table


QUEUE_COLUMNS = (
    "case",
    "brand",
    "customer",
    "category",
    "priority",
    "status",
    "agent",
    "sla",
    "due",
    "next channel",
    "posted again",
)


def queue_values(row: Any, settings: Settings) -> list[str]:
    """The cells of one queue row (storage.cases.QueueRow), due time in the team's zone."""
    zone = team_zone(settings.cases)
    brand = next((b for b in settings.brands if b.name == row.brand), None)
    switch = next_channel(
        settings.channel_switch,
        unreachable=row.unreachable,
        phone=row.phone,
        email=row.email,
        channel=row.channel,
        handle=row.handle,
        branch=brand.branch if brand else None,
    )
    again = row.posted_again
    return [
        str(row.case_id),
        row.brand,
        customer(row.channel, row.handle),
        cell(row.category),
        cell(row.priority),
        row.status,
        cell(row.agent),
        row.sla,
        cell(row.next_action_at or row.due_at, zone),
        switch or "phone",
        f"{again.count}x, {again.sentiment or 'not analysed'}" if again else "-",
    ]


def queue_table(rows: Sequence[Any], settings: Settings) -> Table:
    """The callback queue as the agent reads it: case number first, due in local time."""
    zone = team_zone(settings.cases)
    table = Table(title=f"Callback queue ({len(rows)}), times in {zone}")
    for column in QUEUE_COLUMNS:
        table.add_column(column)
    for row in rows:
        table.add_row(*queue_values(row, settings))
    return table
