"""The case policy: statuses, aware datetimes, the team's time zone, working hours and SLA state.

Pure functions over plain values, used alike by storage (due times, the queue), briefs (the
dossier's SLA line) and the digest. The time zone and working week are validated once, when the
settings load (`CasesSettings`), so the functions here can trust them.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from typing import TYPE_CHECKING, overload
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

if TYPE_CHECKING:
    from callbrief.foundation.settings import CasesSettings

# what an agent can record after a call, and the statuses a case moves through
RESULTS = ("reached", "unreachable", "resolved", "escalated", "follow_up")
ACTIVE = ("open", "assigned", "reached", "unreachable", "follow_up")
CLOSED = ("resolved", "escalated")
STATUS_GROUPS = {"active": ACTIVE, "closed": CLOSED, "all": ACTIVE + CLOSED}

# a scan of ten years finds working time in any valid week; more means the week is empty
_MAX_DAYS = 3660


@overload
def aware(value: datetime) -> datetime: ...
@overload
def aware(value: None) -> None: ...
@overload
def aware(value: datetime | None) -> datetime | None: ...
def aware(value: datetime | None) -> datetime | None:
    """`value` as an aware datetime; naive values are UTC (SQLite hands them back naive)."""
    if value is not None and value.tzinfo is None:
        return value.replace(tzinfo=UTC)
    return value


def zone_problem(name: str) -> str | None:
    """Why `name` is not a usable IANA time zone, or None when it is."""
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return (
            f"{name!r} is not a known time zone. Use an IANA name such as Europe/Istanbul, "
            "Asia/Baku or Europe/London."
        )
    return None


def hours_problem(working_hours: tuple[int, int]) -> str | None:
    start, end = working_hours
    if not 0 <= start < end <= 24:
        return (
            f"{list(working_hours)} must be [start, end] with 0 <= start < end <= 24, e.g. [9, 18]."
        )
    return None


def days_problem(working_days: list[int]) -> str | None:
    if not working_days or any(d not in range(7) for d in working_days):
        return f"{working_days} must list weekdays 0-6 (Monday is 0), e.g. [0, 1, 2, 3, 4]."
    return None


def team_zone(cases: CasesSettings) -> ZoneInfo:
    """The team's time zone (validated when the settings loaded)."""
    return ZoneInfo(cases.timezone)


def add_working_hours(start: datetime, hours: float, cases: CasesSettings) -> datetime:
    """The UTC moment `hours` working hours after `start`, in the configured working week."""
    try:
        return _add_working_hours(start, hours, cases)
    except OverflowError:  # a post dated within a day of 9999-12-31: its SLA never falls due
        return datetime.max.replace(tzinfo=UTC)


def _add_working_hours(start: datetime, hours: float, cases: CasesSettings) -> datetime:
    zone = team_zone(cases)
    open_h, close_h = cases.working_hours
    remaining = timedelta(hours=hours)
    cursor = aware(start).astimezone(UTC)
    day = cursor.astimezone(zone).date()
    # arithmetic in UTC, day edges in local time: a DST change shortens or lengthens that day
    for _ in range(_MAX_DAYS):
        if day.weekday() in cases.working_days:
            midnight = datetime.combine(day, time(0), zone)
            day_open = (midnight + timedelta(hours=open_h)).astimezone(UTC)
            day_close = (midnight + timedelta(hours=close_h)).astimezone(UTC)
            begin = max(cursor, day_open)
            if begin < day_close:
                if remaining <= day_close - begin:
                    return begin + remaining
                remaining -= day_close - begin
        if day >= date.max - timedelta(days=1):
            break
        day += timedelta(days=1)
        cursor = datetime.combine(day, time(0), zone).astimezone(UTC)
    # only a post dated at the end of the calendar gets here: its SLA never falls due
    return datetime.max.replace(tzinfo=UTC)


def working_day_start(day: date, cases: CasesSettings) -> datetime:
    """The start of working hours on `day` in the team's time zone, as aware UTC."""
    midnight = datetime.combine(day, time(0), team_zone(cases))
    return (midnight + timedelta(hours=cases.working_hours[0])).astimezone(UTC)


def sla_state(
    due: datetime | None, first_contact: datetime | None, status: str, now: datetime
) -> str:
    """Where a case stands against the first-callback SLA: due, overdue, breached or met."""
    due, first_contact = aware(due), aware(first_contact)
    if first_contact is not None:
        return "met" if due is None or first_contact <= due else "breached"
    if due is None or aware(now) <= due:
        return "due"
    # a case closed without any callback (e.g. merged away by hand) missed its SLA for good
    return "breached" if status in CLOSED else "overdue"
