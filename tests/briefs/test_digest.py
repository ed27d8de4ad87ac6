"""The daily digest: what a manager reads, in HTML and plain text, built from fixture data."""

import re
from datetime import UTC, date, datetime

import pytest

from callbrief.briefs.digest import build_digest, render_digest
from callbrief.foundation.errors import ConfigError
from callbrief.storage.cases import record_outcome, update_cases
from callbrief.storage.db import session_scope
from callbrief.storage.models import ScanRun
from tests.factories import World, local

UTC = UTC
DAY = date(2026, 11, 24)  # a Tuesday
NOW = datetime(2026, 11, 25, 5, 0, tzinfo=UTC)  # Wednesday 08:00 in Istanbul
HOSTILE = "<script>alert('x')</script> {{ 7*7 }} Kargom 5 gündür gelmedi"


def seed(session, settings) -> dict:
    """Two brands over two weeks: a quiet Kargola that spikes on the 24th, a steady bank."""
    w = World(session)

    def post(handle, when, text, channel="x", followers=None, **rest):
        return w.post(w.known(handle, channel, followers), when, text, **rest)

    for d in range(10, 24):  # the usual: one Kargola post and two bank posts a day
        post(f"k{d}", local(d, 12), "Teslimat gecikti")
        post(
            f"b{d}",
            local(d, 11),
            "Kart ücreti",
            brand="Hızlıbank",
            channel="reddit",
            category="billing",
        )
        post(
            f"c{d}",
            local(d, 13),
            "Güzel hizmet",
            brand="Hızlıbank",
            channel="reddit",
            complaint=False,
            category=None,
            sentiment="positive",
        )
    for i in range(6):  # the spike on the 24th
        post(
            f"s{i}",
            local(24, 9 + i),
            f"Kargom yok {i}",
            priority=0.3 + i / 100,
            grievance=["kargo gecikmesi", "iade"],
        )
    post(
        "loud",
        local(24, 15),
        HOSTILE,
        priority=0.95,
        grievance=["kargo gecikmesi"],
        followers=250_000,
        url="javascript:alert(1)",
    )
    post(
        "fan",
        local(24, 16),
        "Teşekkürler",
        complaint=False,
        category=None,
        sentiment="positive",
        followers=5_000,
    )
    session.add(
        ScanRun(
            source="x",
            started_at=local(24, 10),
            finished_at=local(24, 10),
            status="partial",
            errors=2,
            sleeps_s=900.0,
            quota_used=150,
            # the gaps themselves come from a real scan: see test_digest_coverage.py
            queries=[],
            error="Rate limited until 10:15",
        )
    )
    session.flush()
    update_cases(session, settings, now=NOW)
    return w.authors


@pytest.fixture
def digest(any_engine, settings):
    settings.sources.x.enabled = True
    settings.sources.reddit.enabled = True  # enabled, never scanned: a dead source
    with session_scope(any_engine) as s:
        seed(s, settings)
        record_outcome(s, 1, "resolved", now=local(24, 10))
        record_outcome(s, 2, "escalated", note="Müşteri avukat istedi", now=local(24, 11))
    with session_scope(any_engine) as s:
        return build_digest(s, settings, DAY, now=NOW)


def test_digest_counts_the_day_by_brand_and_channel(digest):
    assert digest.total_mentions == 8 + 0  # Kargola's 8 posts; the bank was quiet on the 24th
    assert digest.by_brand_channel == [("Kargola", "x", 8)]
    assert digest.volume_trend["Kargola"] == [1, 1, 1, 1, 1, 1, 8]
    assert digest.volume_trend["Hızlıbank"] == [2, 2, 2, 2, 2, 2, 0]
    assert digest.sentiment_trend["negative"][-1] == 7
    assert digest.sentiment_trend["positive"] == [1, 1, 1, 1, 1, 1, 1]


def test_digest_finds_the_spike_and_its_grievance(digest):
    spikes = [(s.brand, s.category, s.count) for s in digest.spikes]
    assert ("Kargola", None, 8) in spikes and ("Kargola", "delivery", 7) in spikes
    top = digest.grievances[0]  # over the last 7 days, with its daily counts
    assert (top.brand, top.category, top.count) == ("Kargola", "delivery", 13)
    assert top.trend == [1, 1, 1, 1, 1, 1, 7] and top.today == 7 and top.direction == "up"
    assert top.phrases[0] == "kargo gecikmesi"
    assert top.quote.text == HOSTILE  # the most urgent post represents its group


def test_digest_reports_cases_outcomes_and_breaches(digest):
    assert digest.cases["new"] == 7
    assert digest.outcomes == {"resolved": 1, "escalated": 1}
    assert [e[0] for e in digest.escalations] == [2]
    breached = {b[0] for b in digest.breaches}
    assert breached and 1 not in breached and 2 not in breached
    # 35 cases, 2 closed, and the loud 15:00 complaint is due only at 10:00 on Wednesday
    assert (digest.cases["open"], digest.cases["overdue"]) == (33, 32)
    assert len(digest.overdue) == 10 and digest.overdue[0].sla == "overdue"
    # only those who complained: the fan with 5,000 followers thanked us
    assert [a.handle for a in digest.influencers] == ["loud"]
    assert digest.overdue_more == 32 - 10


def test_digest_shows_coverage_gaps_and_dead_sources(digest):
    (x,) = digest.coverage.sources
    assert (x.source, x.partial, x.errors, x.sleeps_s) == ("x", 1, 2, 900.0)
    assert x.messages == ["Rate limited until 10:15"]
    assert digest.coverage.dead == ["reddit"]
    assert digest.coverage.quota["x"] == (150, 10_000)


def test_html_is_self_contained_with_charts_and_inert_post_text(digest):
    html = render_digest(digest, "html")
    assert html.count("<svg") == 2 and "Mentions per day" in html
    assert "<script>" not in html and "&lt;script&gt;alert(" in html
    assert "{{ 7*7 }}" in html and "49" not in html.split("</style>")[1].split("Kargom 5")[0][-40:]
    assert 'href="javascript' not in html
    assert not re.search(r"(src|href)=\"https?://", html)  # nothing to fetch from outside
    assert "Silence is not satisfaction" in html
    assert "Dead sources" in html and "reddit" in html


def test_text_digest_reads_as_a_report(digest):
    txt = render_digest(digest, "txt")
    assert txt.startswith("Daily digest for 2026-11-24 (times in Europe/Istanbul)")
    assert "! Kargola / all posts: 8 posts, 8.0× the usual 1.0/day" in txt
    assert "== Top grievances" in txt and HOSTILE in txt
    assert "Müşteri avukat istedi" in txt
    assert "<svg" not in txt


def test_unknown_format_is_refused(digest):
    with pytest.raises(ConfigError, match="Unknown digest format 'pdf'. Use html or txt."):
        render_digest(digest, "pdf")


@pytest.mark.parametrize(
    ("language", "headings"),
    [
        ("tr", ["Günlük özet", "Sessizlik memnuniyet değildir", "Öne çıkan şikâyetler, son 7 gün"]),
        ("az", ["Gündəlik icmal", "Susqunluq məmnunluq demək deyil", "Əsas şikayətlər, son 7 gün"]),
    ],
)
def test_digest_speaks_turkish_and_azerbaijani(any_engine, settings, language, headings):
    from pathlib import Path

    import yaml

    from callbrief.briefs.templating import TEMPLATES

    labels = yaml.safe_load(Path(TEMPLATES, "digest", "labels.yaml").read_text(encoding="utf-8"))
    assert set(labels["en"]) <= set(labels[language])  # no heading falls back to English
    for key, text in labels["en"].items():
        if isinstance(text, list):  # month names
            assert len(labels[language][key]) == len(text) == 12, key
            continue
        if isinstance(text, dict):  # outcome codes, trend words
            assert set(labels[language][key]) == set(text), key
            continue
        assert re.findall(r"{\w+}", labels[language][key]) == re.findall(r"{\w+}", text), key

    settings.sources.x.enabled = True
    settings.digest.language = language
    with session_scope(any_engine) as s:
        seed(s, settings)
    with session_scope(any_engine) as s:
        digest = build_digest(s, settings, DAY, now=NOW)
    html, txt = render_digest(digest, "html"), render_digest(digest, "txt")
    t = labels[language]
    for out in (html, txt):
        for heading in [*headings, t["spikes"], t["callbacks"], t["coverage"]]:
            assert heading in out, (language, heading)
        assert "Daily digest" not in out and "Silence is not satisfaction" not in out
    assert t["chart_volume"] in html  # the chart titles are translated too
    assert txt.startswith(f"{t['title']} — 2026-11-24 ({t['times_in']} Europe/Istanbul)")
    assert "8 " + t["posts"].lower() in txt.split("\n! Kargola / ")[1]  # the spike line
    assert f"24 {t['months'][10]}" in txt and "24 Nov" not in txt  # trend days in the language


def test_an_edited_digest_template_in_templates_dir_wins(engine, settings, tmp_path):
    (tmp_path / "digest").mkdir()
    (tmp_path / "digest" / "digest.txt").write_text("Our digest: {{ d.total_mentions }}\n")
    settings.templates_dir = str(tmp_path)
    with session_scope(engine) as s:
        digest = build_digest(
            s, settings, date(2026, 11, 23), now=datetime(2026, 11, 24, tzinfo=UTC)
        )
    assert render_digest(digest, "txt") == "Our digest: 0\n"


def test_only_posts_about_the_brand_count_and_praise_names_the_staff(any_engine, settings):
    from callbrief.foundation.settings import Brand

    settings.brands = [Brand(name="Kargola", handles={"x": ["kargola"]})]
    with session_scope(any_engine) as s:
        seed(s, settings)
        w = World(s)
        w.n = 10_000  # platform ids after the seed's
        positive = dict(complaint=False, category=None, sentiment="positive")
        w.post(w.known("sunny", "x", 90_000), local(24, 17), "what a kargola of light", **positive)
        w.post(
            w.known("selin", "x"),
            local(24, 18),
            "Kargola kuryesi Mehmet Bey çok kibardı, teşekkürler",
            **positive,
        )
    with session_scope(any_engine) as s:
        digest = build_digest(s, settings, DAY, now=NOW)
    # the homonym (and the seed's bare "Teşekkürler", which names no brand) is neither volume
    # nor a positive voice; the seven complaints and the praise of the courier are
    assert digest.volume_trend["Kargola"][-1] == 7 + 1
    assert digest.sentiment_trend["positive"][-1] == 1
    assert [p.handle for p in digest.praise][0] == "selin"
    assert "what a kargola of light" not in [p.text for p in digest.praise]
    assert digest.staff == [("Mehmet Bey", 1)]
    assert "sunny" not in [a.handle for a in digest.influencers]
    txt = render_digest(digest, "txt")
    assert "Staff praised by name: Mehmet Bey (1)" in txt
    # the overdue list is cut at 10 and says how many it left out
    assert len(digest.overdue) == 10 and digest.overdue_more == digest.cases["overdue"] - 10 > 0
    assert f"and {digest.overdue_more} more" in txt
    assert "Delivery" in txt and "/ delivery" not in txt  # categories in words, not keys
