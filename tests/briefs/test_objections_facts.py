"""Objections and the reply draft follow what the customer wrote, not only the category guessed.

A churn post about a parcel firm is classified `delivery`; it must not get "I paid for weekend
delivery" or a draft about a late parcel. Runs the project's own config.yaml playbook (where the
weekend-fee entry lives) through the real dossier.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from callbrief.briefs.brief import BriefKit, render_brief
from callbrief.briefs.playbook import load_playbook, read_cues
from callbrief.foundation.settings import load_settings
from callbrief.storage.db import session_scope
from callbrief.storage.models import Author
from tests.briefs.brief_fixtures import NOW, _analysis, _mention, brief_settings

CONFIG = Path(__file__).resolve().parents[2] / "config.yaml"
WEEKEND = "kargola_weekend_delivery"


@pytest.fixture
def kit_settings(settings):
    """The fixture brands with the example config's playbook (its Kargola weekend-fee entry)."""
    project = load_settings(CONFIG, env={})
    settings = brief_settings(settings)
    settings.playbook = project.playbook
    settings.avoid_phrases = project.avoid_phrases
    return settings


def _post(engine, settings, *, brand, language, text, category, signals=(), entities=()):  # type: ignore[no-untyped-def]
    """Store one analysed post and return its dossier and its Markdown brief."""
    with session_scope(engine) as session:
        author = Author(channel="x", handle="musteri", name="Zeynep Ak", followers=200)
        session.add(author)
        session.flush()
        post = _mention(session, author, "1870000000000000001", brand, text, NOW, lang=language)
        _analysis(
            session,
            post,
            language,
            category=category,
            signals=list(signals),
            entities=list(entities),
            grievance=[text],
        )
        dossier = BriefKit.load(settings, NOW).dossier(session, post)
        brief = render_brief(session, settings, post.platform_id, "md", now=NOW)
    return dossier, brief


def _ids(dossier):  # type: ignore[no-untyped-def]
    return [o["id"] for o in dossier["objections"]]


def test_a_turkish_churn_post_gets_no_weekend_fee_objection_and_no_late_parcel_draft(
    engine, kit_settings
):
    dossier, brief = _post(
        engine,
        kit_settings,
        brand="Kargola",
        language="tr",
        text="Bir daha asla Kargola ile gönderi yapmam, bu ay başka firmaya geçiyorum.",
        category="delivery",  # what the classifier says of a parcel firm's post
        signals=["churn_threat"],
    )
    ids = _ids(dossier)
    assert WEEKEND not in ids and "delivery_where" not in ids
    assert "churn" in ids and "leaving_decided" in ids
    assert "Hafta sonu" not in brief and "kargom şu an nerede" not in brief
    assert "takip numarası yok" not in brief  # no "find the parcel" step before the call
    draft = dossier["reply"]["text"]
    assert "gecik" not in draft and "beklemesi" not in draft
    assert "ayrılmak istemenize" in draft


def test_a_late_parcel_with_a_paid_weekend_delivery_still_gets_the_weekend_objection(
    engine, kit_settings
):
    dossier, brief = _post(
        engine,
        kit_settings,
        brand="Kargola",
        language="tr",
        text="@kargoladestek Hafta sonu teslimat için 39,90 TL ödedim, KG55501234 numaralı "
        "kargom 4 gündür gelmedi.",
        category="delivery",
        entities=[
            {"type": "tracking_number", "text": "KG55501234"},
            {"type": "amount", "text": "39,90 TL"},
        ],
    )
    ids = _ids(dossier)
    assert WEEKEND in ids and "delivery_where" in ids
    assert "Hafta sonu teslimat var diye ödeme yaptım" in brief
    assert "KG55501234 numaralı gönderinizin bu kadar beklemesi" in dossier["reply"]["text"]


def test_a_late_parcel_that_names_no_weekend_gets_no_weekend_objection(engine, kit_settings):
    dossier, _ = _post(
        engine,
        kit_settings,
        brand="Kargola",
        language="tr",
        text="Aynı gün teslimat diyorlar, benim kargom 9 gündür yolda",
        category="delivery",
    )
    assert WEEKEND not in _ids(dossier) and "delivery_where" in _ids(dossier)
    assert "gecikmesi" in dossier["reply"]["text"]


def test_an_azerbaijani_churn_post_is_answered_about_leaving(engine, kit_settings):
    dossier, _ = _post(
        engine,
        kit_settings,
        brand="Ulduz Mobil",
        language="az",
        text="Ulduz Mobil-dan çıxıram, nömrəmi başqa operatora keçirəcəm.",
        category="outage",  # an operator's post: the classifier guesses an outage
        signals=["churn_threat"],
    )
    ids = _ids(dossier)
    assert "outage_paid" not in ids and "churn" in ids
    draft = dossier["reply"]["text"]
    assert "kəsil" not in draft and "getmək istəməyinizin" in draft


def test_an_english_churn_post_is_answered_about_leaving(engine, kit_settings):
    dossier, _ = _post(
        engine,
        kit_settings,
        brand="Brightwave",
        language="en",
        text="Done with Brightwave. I'm switching to another provider next month.",
        category="outage",
        signals=["churn_threat"],
    )
    ids = _ids(dossier)
    assert "outage_paid" not in ids and "churn" in ids
    draft = dossier["reply"]["text"]
    assert "connection" not in draft and "what made you want to leave" in draft


def test_a_churn_threat_over_a_named_problem_keeps_the_problems_objection(engine, kit_settings):
    dossier, _ = _post(
        engine,
        kit_settings,
        brand="Brightwave",
        language="en",
        text="@brightwave third outage this week in Leeds. Cancelling if this happens again.",
        category="outage",
        signals=["churn_threat"],
    )
    ids = _ids(dossier)
    assert "outage_paid" in ids and "churn" in ids and "leaving_decided" not in ids
    assert "losing your connection again" in dossier["reply"]["text"]


@pytest.mark.parametrize(
    "language, text, cue",
    [
        ("tr", "KARGOM KIRIK GELDİ", "damaged"),  # dotless I: KIRIK is kırık
        ("tr", "İADE İSTİYORUM", "refund"),
        ("tr", "850₺'lik ürünüm gitti", "paid"),  # a symbol counts after digits
        ("az", "Bu ay balansımdan iki dəfə 15 AZN çıxılıb", "double_charge"),
        ("en", "Charged me £34.99 x2 this month", "double_charge"),
    ],
)
def test_cues_are_read_in_the_posts_language(language, text, cue):
    assert cue in read_cues(load_playbook(), [text], language, churn=False, named=False)


def test_pazartesi_is_not_a_weekend_and_a_tracking_number_is_not_churn_only():
    book = load_playbook()
    assert "weekend" not in read_cues(book, ["pazartesi geldi"], "tr", churn=False, named=False)
    leaving = ["Başka firmaya geçiyorum."]
    assert "churn_only" in read_cues(book, leaving, "tr", churn=True, named=False)
    assert "churn_only" not in read_cues(book, leaving, "tr", churn=True, named=True)
    assert "churn_only" not in read_cues(book, leaving, "tr", churn=False, named=False)


def test_an_entry_naming_an_unknown_cue_is_refused():
    from callbrief.foundation.errors import ConfigError

    with pytest.raises(ConfigError, match="unknown cue.*wekend.*use .*weekend"):
        load_playbook(
            [
                {
                    "id": "x",
                    "requires": {"cues": ["wekend"]},
                    "text": {"tr": {"objection": "a", "answer": "b"}},
                }
            ]
        )
