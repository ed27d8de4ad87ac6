"""The case policy: one calendar, one SLA state, time zones validated when the settings load."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from callbrief.foundation import policy
from callbrief.foundation.errors import ConfigError
from callbrief.foundation.settings import CasesSettings, load_settings

MON_10 = datetime(2026, 11, 23, 7, 0, tzinfo=UTC)  # 10:00 in Istanbul


def _load(tmp_path, body: str):
    path = tmp_path / "config.yaml"
    path.write_text(body, encoding="utf-8")
    return load_settings(path, env={})


@pytest.mark.parametrize(
    "body, key",
    [
        ("cases:\n  timezone: Mars/Olympus\n", "cases.timezone"),
        ("cases:\n  working_hours: [18, 9]\n", "cases.working_hours"),
        ("cases:\n  working_days: [0, 9]\n", "cases.working_days"),
        ("cases:\n  working_days: []\n", "cases.working_days"),
    ],
)
def test_a_bad_calendar_is_refused_when_the_settings_load(tmp_path, body, key):
    with pytest.raises(ConfigError, match=rf"`{key}`: .*(IANA|start < end|weekdays)"):
        _load(tmp_path, body)


def test_naive_datetimes_are_utc():
    naive = datetime(2026, 11, 23, 7, 0)
    assert policy.aware(naive) == MON_10
    assert policy.aware(None) is None
    assert policy.aware(MON_10) is MON_10


def test_working_hours_skip_the_night_and_the_weekend():
    cases = CasesSettings()  # 09-18 Europe/Istanbul, Monday to Friday
    friday_17 = datetime(2026, 11, 27, 14, 0, tzinfo=UTC)
    # one hour left on Friday, three on Monday from 09:00
    assert policy.add_working_hours(friday_17, 4, cases) == datetime(2026, 11, 30, 9, 0, tzinfo=UTC)


def test_a_post_at_the_end_of_the_calendar_never_falls_due():
    cases = CasesSettings()
    far = datetime(9999, 12, 31, 12, 0, tzinfo=UTC)
    assert policy.add_working_hours(far, 4, cases) == datetime.max.replace(tzinfo=UTC)


@pytest.mark.parametrize(
    "due, contact, status, now, expected",
    [
        (MON_10, None, "open", datetime(2026, 11, 23, 6, 0, tzinfo=UTC), "due"),
        (MON_10, None, "open", datetime(2026, 11, 23, 8, 0, tzinfo=UTC), "overdue"),
        (MON_10, None, "resolved", datetime(2026, 11, 23, 8, 0, tzinfo=UTC), "breached"),
        (MON_10, datetime(2026, 11, 23, 6, 0, tzinfo=UTC), "reached", MON_10, "met"),
        (MON_10, datetime(2026, 11, 23, 9, 0, tzinfo=UTC), "reached", MON_10, "breached"),
        (None, None, "open", MON_10, "due"),
    ],
)
def test_sla_state(due, contact, status, now, expected):
    assert policy.sla_state(due, contact, status, now) == expected


def test_working_day_start_is_local_opening_time():
    cases = CasesSettings(timezone="Asia/Baku")
    assert policy.working_day_start(date(2026, 11, 23), cases) == datetime(
        2026, 11, 23, 5, 0, tzinfo=UTC
    )
