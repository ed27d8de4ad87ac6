"""Each public category, ask and signal is found in real customer phrasing; no other name is."""

from __future__ import annotations

import pytest

from callbrief.nlp.taxonomy import load_taxonomy

# (section, name, text): one post in tr, az or en for every default name
COVERAGE = [
    ("categories", "delivery", "Siparişim bir haftadır gelmedi, kurye de ortada yok"),
    ("categories", "billing", "My bill has a £15 fee I never agreed to"),
    ("categories", "product_defect", "Aldığım telefon kutudan kırık çıktı, rezalet"),
    ("categories", "outage", "Səhərdən internet yoxdur, tətbiq də açılmır"),
    ("categories", "unreachable", "I've been on hold for 50 minutes and nobody picks up"),
    ("categories", "staff_behavior", "Kuryeniz kapıda bana hakaret etti, özür bekliyorum"),
    ("categories", "refund_return", "I returned the item a month ago and still no refund"),
    ("categories", "account_access", "Hesabıma giriş yapamıyorum, SMS kodu gelmiyor"),
    # a bare demand names no topic
    ("categories", "other", "I want a manager to call me today"),
    ("asks", "refund", "Kargom gelmedi, paramı iade edin"),
    ("asks", "replacement", "Ürün kırık geldi, yenisini gönderin"),
    ("asks", "repair", "Modem yine arızalı, lütfen teknisyen gönderip tamir edin"),
    ("asks", "callback", "Pulumu qaytarın və mənə zəng edin"),
    ("asks", "manager", "Put me through to your manager"),
    ("asks", "apology", "Kuryeniz kapıda bana hakaret etti, özür bekliyorum"),
    ("asks", "cancel", "I want to cancel my subscription, you've been down all week"),
    ("asks", "information", "Siparişim 5 gündür gelmedi, ne zaman gelecek?"),
    ("asks", "compensation", "Two days without internet, I expect compensation for this"),
    ("signals", "churn_threat", "Switching to Vodafone, never again. Third outage this month"),
    ("signals", "legal_threat", "Vəkilimlə məhkəməyə verəcəyəm, pulumu qaytarmırlar"),
    (
        "signals",
        "public_escalation",
        "Faturama haksız ücret eklendi, çözülmezse sosyal medyada paylaşacağım",
    ),
    ("signals", "manager_request", "Rəhbərinizlə danışmaq istəyirəm"),
    ("signals", "safety_risk", "The heater caught fire in my kitchen"),
    ("signals", "repeat_contact", "Kaçıncı kez yazıyorum, internetim yine yok"),
    ("signals", "irony", "Great job losing my bag AGAIN. Thanks a lot."),
]
# not complaints: praise, questions and noise get no category
NON_COMPLAINTS = [
    "Thanks @Delta, the crew on my flight was amazing today!",
    "Çox sağ olun, problemim tez həll olundu 🙏",
    "Yeni tarifeleriniz ne zaman açıklanacak?",
    "lol",
]


@pytest.fixture(scope="module")
def analysed(analyzer):  # type: ignore[no-untyped-def]
    texts = [c[2] for c in COVERAGE] + NON_COMPLAINTS
    return dict(zip(texts, analyzer.analyze(texts), strict=True))


def test_coverage_names_every_default_entry():
    tax = load_taxonomy()
    named = {(section, name) for section, name, _ in COVERAGE}
    assert named == {(s, n) for s in ("categories", "asks", "signals") for n in tax.section(s)}


@pytest.mark.parametrize(("section", "name", "text"), COVERAGE, ids=[c[1] for c in COVERAGE])
def test_each_default_name_is_found(analysed, section, name, text):
    a = analysed[text]
    assert a.error is None and a.complaint
    if section == "categories":
        assert a.category == name
    else:
        assert name in getattr(a, section)


def test_output_names_stay_within_the_default_taxonomy(analysed):
    tax = load_taxonomy()
    for text, a in analysed.items():
        assert a.category is None or a.category in tax.categories, text
        assert set(a.asks) <= set(tax.asks), text
        assert set(a.signals) <= set(tax.signals), text
        if a.complaint:
            assert a.category is not None, text  # `other` when nothing else fits


@pytest.mark.parametrize("text", NON_COMPLAINTS)
def test_praise_and_questions_get_no_category(analysed, text):
    assert not analysed[text].complaint and analysed[text].category is None


def test_user_names_extend_the_taxonomy():
    from callbrief.nlp.category import CategoryPicker
    from callbrief.nlp.rules import CueFinder
    from callbrief.nlp.text import normalise

    tax = load_taxonomy(
        {
            "categories": {
                "loyalty": {"labels": {"en": "Loyalty points"}, "keywords": {"en": ["points"]}}
            },
            "signals": {
                "influencer": {"labels": {"en": "Influencer"}, "keywords": {"en": ["my followers"]}}
            },
        }
    )
    n = normalise("My points vanished again, telling my followers about this")
    cues = CueFinder(tax).find(n.folded, n.clean)
    assert "influencer" in cues.signals
    assert CategoryPicker(tax, None).pick(None, cues, complaint=True) == "loyalty"
    # without `other`, a complaint that fits nowhere keeps no category, as before
    bare = load_taxonomy({"categories": {"other": {"enabled": False}}})
    n = normalise("Your new advert is offensive, shame on you")
    cues = CueFinder(bare).find(n.folded, n.clean)
    assert CategoryPicker(bare, None).pick(None, cues, complaint=True) is None
    assert CategoryPicker(load_taxonomy(), None).pick(None, cues, complaint=True) == "other"
