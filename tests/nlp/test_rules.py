"""Asks, signals, irony and the rule-only complaint evidence."""

from __future__ import annotations

import pytest

from nlp.pipeline import complaint_rule
from nlp.rules import is_ironic
from nlp.text import normalise


def cues_of(cue_finder, text):  # type: ignore[no-untyped-def]
    n = normalise(text)
    return cue_finder.find(n.folded, n.clean)


@pytest.mark.parametrize(
    ("text", "asks"),
    [
        ("Kargom gelmedi, paramı iade edin", ["refund"]),
        ("Pulumu qaytarın və mənə zəng edin", ["refund", "callback"]),
        ("Please fix this and call me back", ["fix", "callback"]),
        ("I want to cancel my subscription", ["cancel"]),
        ("Ürün kırık geldi, yenisini gönderin", ["replacement"]),
    ],
)
def test_asks_in_three_languages(cue_finder, text, asks):
    assert cues_of(cue_finder, text).asks == asks


@pytest.mark.parametrize(
    ("text", "signal"),
    [
        ("Şarj aleti alev aldı, çocuğum yaralanıyordu", "safety"),
        ("The heater caught fire in my kitchen", "safety"),
        ("Avukatıma verdim, tüketici hakem heyetine gidiyorum", "legal"),
        ("Vəkilimlə məhkəməyə verəcəyəm", "legal"),
        ("Switching to Vodafone, never again", "churn"),
        ("Yaşlı annem 3 gündür faturasız kaldı", "vulnerable"),
        ("Kaçıncı kez yazıyorum", "repeat"),
    ],
)
def test_signals_in_three_languages(cue_finder, text, signal):
    assert signal in cues_of(cue_finder, text).signals


@pytest.mark.parametrize(
    "text",
    [
        "Love how you went down on launch day 🙃",
        "Gecikmede rekor kırıyorsunuz, tebrikler",
        "Great job losing my bag AGAIN. Thanks a lot.",
        "Əla xidmət, 3 gündür internet yoxdur",
        "Great, just great. Third day without internet.",
    ],
)
def test_sarcasm_is_flagged(cue_finder, text):
    cues = cues_of(cue_finder, text)
    assert is_ironic(cues, complaint_rule(cues) > 0.5)


@pytest.mark.parametrize(
    "text",
    [
        "Thanks, the courier was really quick today!",
        "Teşekkürler, sorunum hemen çözüldü",
        "Hi, my parcel hasn't arrived yet, could you please check? Thanks",
    ],
)
def test_sincere_thanks_and_polite_complaints_are_not_sarcasm(cue_finder, text):
    cues = cues_of(cue_finder, text)
    assert not is_ironic(cues, complaint_rule(cues) > 0.5)


def test_rule_evidence_orders_complaint_over_praise(cue_finder):
    complaint = complaint_rule(cues_of(cue_finder, "Siparişim gelmedi, rezalet, paramı iade edin"))
    question = complaint_rule(cues_of(cue_finder, "Yeni kampanya ne zaman başlıyor?"))
    praise = complaint_rule(cues_of(cue_finder, "Harika hizmet, teşekkürler!"))
    assert complaint > 0.8 > 0.3 > question > praise


def test_words_that_merely_start_like_a_keyword_do_not_match(cue_finder):
    # "açılır" (opens) folds to "acilir", which starts like "acil" (urgent)
    assert "urgent" not in cues_of(cue_finder, "Bu gün filialınız neçədə açılır?").signals
    assert "urgent" in cues_of(cue_finder, "Acil dönüş yapın lütfen").signals
