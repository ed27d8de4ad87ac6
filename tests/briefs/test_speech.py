"""How a brief speaks: address forms, times read aloud in the brand's zone, counts per language."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest

from callbrief.briefs.speech import address, spoken, times

NOW = datetime(2026, 11, 18, 14, 0, tzinfo=UTC)  # a Wednesday


@pytest.mark.parametrize(
    "name, language, brand_said, expected",
    [
        ("Deniz Yıldız", "tr", [], "Deniz Yıldız"),  # Deniz is either: the full name
        ("Deniz Yıldız", "tr", ["@deniz_yldz Merhaba Deniz Hanım, üzgünüz."], "Deniz Hanım"),
        ("Mehmet Kaya", "tr", [], "Mehmet Bey"),
        ("Zeynep Ak", "tr", [], "Zeynep Hanım"),
        ("Aysel Məmmədova", "az", [], "Aysel xanım"),
        ("Rəşad Həsənov", "az", [], "Rəşad bəy"),
        ("Tural Dev", "az", [], "Tural bəy"),
        ("Claire B", "en", [], "Claire"),
        ("Hakan D.", "tr", ["@hakan_d Merhaba Hakan Bey, SMS sorunu giderildi."], "Hakan Bey"),
        ("oyunkolik", "tr", [], "oyunkolik"),
    ],
)
def test_address_forms(name, language, brand_said, expected):
    assert address(name, language, brand_said) == expected


def test_times_are_read_aloud_in_the_brands_own_zone():
    yesterday = datetime(2026, 11, 17, 13, 0, tzinfo=UTC)
    assert spoken(yesterday, NOW, ZoneInfo("Europe/Istanbul"), "tr") == "dün 16:00"
    assert spoken(yesterday, NOW, ZoneInfo("Europe/London"), "en") == "yesterday at 1 pm"
    assert spoken(yesterday, NOW, ZoneInfo("Asia/Baku"), "az") == "dünən 17:00"
    saturday = datetime(2026, 11, 14, 14, 30, tzinfo=UTC)
    assert spoken(saturday, NOW, ZoneInfo("Europe/London"), "en") == "on Saturday at 2:30 pm"
    assert spoken(saturday, NOW, ZoneInfo("Europe/Istanbul"), "tr") == "cumartesi 17:30"
    old = datetime(2026, 11, 2, 9, 0, tzinfo=UTC)
    assert spoken(old, NOW, ZoneInfo("Asia/Baku"), "az") == "2 noyabr 13:00"
    # a UK post late in the evening is "today" in London but already "tomorrow" in Istanbul
    late = datetime(2026, 11, 17, 23, 30, tzinfo=UTC)
    assert spoken(late, NOW, ZoneInfo("Europe/London"), "en") == "yesterday at 11:30 pm"
    assert spoken(late, NOW, ZoneInfo("Europe/Istanbul"), "tr") == "bugün 02:30"


@pytest.mark.parametrize(
    "n, language, expected",
    [
        (1, "en", "once"),
        (2, "en", "twice"),
        (5, "en", "5 times"),
        (1, "tr", "bir kez"),
        (4, "tr", "4 kez"),
        (1, "az", "bir dəfə"),
        (2, "az", "iki dəfə"),
    ],
)
def test_counts_in_each_grammar(n, language, expected):
    assert times(n, language) == expected
