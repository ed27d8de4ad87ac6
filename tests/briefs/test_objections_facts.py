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


@pytest.mark.parametrize(
    ("brand", "language", "text", "not_in_draft", "in_draft"),
    [
        (
            "Ulduz Mobil",
            "az",
            "Ulduz Mobil-dan çıxıram, nömrəmi başqa operatora keçirəcəm.",
            "kəsil",
            "getmək istəməyinizin",
        ),
        (
            "Brightwave",
            "en",
            "Done with Brightwave. I'm switching to another provider next month.",
            "connection",
            "what made you want to leave",
        ),
    ],
)
def test_a_churn_post_is_answered_about_leaving(
    engine, kit_settings, brand, language, text, not_in_draft, in_draft
):
    dossier, _ = _post(
        engine,
        kit_settings,
        brand=brand,
        language=language,
        text=text,
        category="outage",  # an operator's post: the classifier guesses an outage
        signals=["churn_threat"],
    )
    ids = _ids(dossier)
    assert "outage_paid" not in ids and "churn" in ids
    draft = dossier["reply"]["text"]
    assert not_in_draft not in draft and in_draft in draft


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


# --- churn fits the brand's business; money_not_coupon follows the customer's words -------------


@pytest.fixture
def offer_settings(kit_settings):
    """As kit_settings, with the example config's offers: what each brand lists, approved or not."""
    kit_settings.offers = load_settings(CONFIG, env={}).offers
    return kit_settings


def _said(dossier, entry_id):  # type: ignore[no-untyped-def]
    """What the customer may say and the agent's answer (or lookup) for one chosen entry."""
    chosen = {o["id"]: o for o in dossier["objections"]}[entry_id]
    return f"{chosen['objection']} {chosen['answer'] or chosen['lookup']}"


@pytest.mark.parametrize(
    "language, text, fits, never",
    [
        (
            "tr",
            "Bir daha asla Kargola ile gönderi yapmam, bu ay başka firmaya geçiyorum.",
            ["başka kargo firmasına", "kargo ücretini 250 TRY limitim içinde"],
            ["Abonelik", "bonelik", "cezasız", "Sözleşme", "yöneticimle bugün konuşup"],
        ),
        (
            "az",
            "Kargola ilə bir daha bağlama göndərmərəm, başqa şirkətə keçirəm.",
            ["kuryer şirkətinə", "çatdırılma haqqını 250 TRY limitim"],
            ["Abunə", "bunəliyimi", "cəriməsiz", "Müqavilə", "rəhbərimlə bu gün danışıb"],
        ),
        (
            "en",
            "Never using Kargola again, switching to another courier this month.",
            ["another courier", "delivery fee today, within my 250 TRY limit"],
            ["subscription", "contract", "without a fee", "speak to my manager today"],
        ),
    ],
)
def test_a_parcel_brands_churn_objection_has_no_subscription_and_no_contract_release(
    engine, offer_settings, language, text, fits, never
):
    dossier, brief = _post(
        engine,
        offer_settings,
        brand="Kargola",
        language=language,
        text=text,
        category="delivery",
        signals=["churn_threat"],
    )
    said = _said(dossier, "churn")
    assert all(f in said for f in fits), said
    assert not any(n in said for n in never), said
    # the fee refund it offers is one Kargola lists; no fee-free exit is offered or approved
    assert "kargo ücreti iadesi" in brief
    assert not any(n in brief for n in ("cezasız", "cəriməsiz", "from the contract"))


def test_a_telecom_churn_without_a_listed_release_is_not_offered_one(engine, offer_settings):
    # Ulduz Mobil's offer needs approval for a tariff change only: no release to promise or ask
    dossier, brief = _post(
        engine,
        offer_settings,
        brand="Ulduz Mobil",
        language="az",
        text="Ulduz Mobil-dan çıxıram, nömrəmi başqa operatora keçirəcəm.",
        category="outage",
        signals=["churn_threat"],
    )
    said = _said(dossier, "churn")
    assert "kuryer" not in said  # Kargola's own entry stays with Kargola
    assert "cəriməsiz" not in brief and "Müqavilə" not in said
    assert "tarif dəyişikliyi" in brief


def test_a_release_the_brands_offer_lists_is_the_one_the_churn_answer_asks_approval_for(
    engine, offer_settings
):
    dossier, brief = _post(
        engine,
        offer_settings,
        brand="Brightwave",
        language="en",
        text="Done with Brightwave. I'm switching to another provider next month.",
        category="outage",
        signals=["churn_threat"],
    )
    said = _said(dossier, "churn")
    assert "Releasing you from the contract without a fee isn't mine to give alone" in said
    assert "early termination without fee" in brief  # the offer it stands for, in the brief


@pytest.mark.parametrize(
    "needs_approval, release",
    [
        ([], False),
        (["hasar tazminatı"], False),
        (["tarif dəyişikliyi"], False),
        (["tam ücret iadesi", "replacement"], False),
        (["contract release"], True),
        (["early termination without fee"], True),
        (["Sözleşmeden cezasız çıkış"], True),
        (["müqavilədən cəriməsiz çıxış"], True),
    ],
)
def test_churn_needs_approval_only_for_a_listed_contract_release(needs_approval, release):
    from callbrief.briefs.authority import decide
    from callbrief.foundation.settings import OfferLimit

    offer = OfferLimit(max_credit=100, needs_approval=needs_approval, approver="lead")
    power = decide(offer, None, texts=[], asks=[], category="delivery", churn=True)
    assert power.churn_needs_approval is release
    assert not decide(
        offer, None, texts=[], asks=[], category="delivery", churn=False
    ).churn_needs_approval


def _chosen_for(brand, language, facts):  # type: ignore[no-untyped-def]
    from callbrief.briefs.objections import choose

    project = load_settings(CONFIG, env={})
    chosen = choose(
        load_playbook(project.playbook, project.avoid_phrases),
        {"categories": set(), "asks": set(), "signals": set(), "history": set(), **facts},
        language=language,
        agent_language=language,
        values={"brand": brand, "limit": "100 TRY"},
        needs_approval=False,
        churn_needs_approval=False,
    )
    return {o.id: o for o in chosen}


def test_a_brands_own_entries_are_used_on_its_cases_only():
    churn = {"signals": {"churn_threat"}}
    assert "kargo firmasına" in _chosen_for("Kargola", "tr", churn)["churn"].objection
    assert "kargo firmasına" in _chosen_for("KARGOLA", "tr", churn)["churn"].objection
    assert "rakibinize" in _chosen_for("Another Kargo", "tr", churn)["churn"].objection
    weekend = {"categories": {"delivery"}, "cues": {"weekend", "paid"}}
    assert WEEKEND in _chosen_for("Kargola", "tr", weekend)
    assert WEEKEND not in _chosen_for("Another Kargo", "tr", weekend)


def test_brands_must_be_a_list_of_names():
    from callbrief.foundation.errors import ConfigError

    with pytest.raises(ConfigError, match="`brands` 'Kargola'.*brands: \\[Kargola\\]"):
        load_playbook(
            [{"id": "x", "brands": "Kargola", "text": {"tr": {"objection": "a", "answer": "b"}}}]
        )


def test_a_package_used_up_is_billing_but_not_a_coupon_fight(engine, offer_settings):
    # demo case 10: billing, an amount, no refund asked and no coupon in sight
    dossier, brief = _post(
        engine,
        offer_settings,
        brand="Ulduz Mobil",
        language="az",
        text="Ulduz Mobil 10 manatlıq paket aldım, 2 günə bitdi, demək olar heç istifadə etməmişəm",
        category="billing",
        entities=[{"type": "amount", "text": "10 manatlıq"}],
    )
    ids = _ids(dossier)
    assert "money_not_coupon" not in ids and "billing_twice" not in ids
    assert "billing_what_for" in ids
    assert "kupon" not in brief


def test_a_late_return_parcel_is_not_a_money_ask(engine, offer_settings):
    # "iade kargom": the parcel they send back, not a refund (demo case 8)
    dossier, _ = _post(
        engine,
        offer_settings,
        brand="Kargola",
        language="tr",
        text="@kargola KG51907734 numaralı iade kargom 10 gündür aktarma merkezinde bekliyor.",
        category="delivery",
        entities=[{"type": "tracking_number", "text": "KG51907734"}],
    )
    assert "money_not_coupon" not in _ids(dossier) and "delivery_where" in _ids(dossier)


@pytest.mark.parametrize(
    "brand, language, text, category, asks",
    [
        ("Kargola", "tr", "Kupon istemiyorum, kargo ücretimi geri verin.", "billing", []),
        ("Ulduz Mobil", "az", "Bonus lazım deyil, pulumu qaytarın!", "billing", []),
        ("Brightwave", "en", "They offered me a voucher for being charged wrong.", "billing", []),
        (
            "Brightwave",
            "en",
            "Brightwave billed me for a month I cancelled.",
            "billing",
            ["refund"],
        ),
        ("Kargola", "tr", "Paramı geri istiyorum, 3 gündür kargom gelmedi.", "delivery", []),
    ],
)
def test_money_not_coupon_follows_a_money_ask_or_a_coupon_in_their_words(
    engine, offer_settings, brand, language, text, category, asks
):
    with session_scope(engine) as session:
        author = Author(channel="x", handle="musteri", name="Zeynep Ak", followers=200)
        session.add(author)
        session.flush()
        post = _mention(session, author, "1870000000000000002", brand, text, NOW, lang=language)
        _analysis(session, post, language, category=category, asks=asks, grievance=[text])
        dossier = BriefKit.load(offer_settings, NOW).dossier(session, post)
    assert "money_not_coupon" in _ids(dossier)


@pytest.mark.parametrize(
    "language, text, cue, found",
    [
        ("tr", "Bana kupon verdiler", "coupon", True),
        ("tr", "Paramı geri istiyorum", "money_back", True),
        ("tr", "İADE İSTİYORUM", "money_back", True),
        ("tr", "iade kargom 10 gündür depoda", "money_back", False),  # a parcel sent back
        ("az", "pulumu qaytarın", "money_back", True),
        ("en", "I want my money back", "money_back", True),
        ("en", "offered me a £10 voucher", "coupon", True),
        ("en", "I paid by credit card", "coupon", False),  # a card is not a credit offered
    ],
)
def test_money_and_coupon_cues(language, text, cue, found):
    assert (cue in read_cues(load_playbook(), [text], language, churn=False, named=False)) is found
