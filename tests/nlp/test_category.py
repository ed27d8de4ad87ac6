"""Choosing the main category from keywords, without the encoder."""

from __future__ import annotations

import pytest

from callbrief.nlp.category import CategoryPicker
from callbrief.nlp.text import normalise


@pytest.fixture(scope="module")
def picker(taxonomy):  # type: ignore[no-untyped-def]
    return CategoryPicker(taxonomy, None)


def category_of(picker, cue_finder, text, complaint=True):  # type: ignore[no-untyped-def]
    n = normalise(text)
    return picker.pick(None, cue_finder.find(n.folded, n.clean), complaint)


@pytest.mark.parametrize(
    ("text", "category"),
    [
        # nobody answering comes on top of the grievance that made them call
        ("Salam, 3 gündür internet yoxdur, heç kim cavab vermir", "outage"),
        ("Kargom 10 gündür gelmedi, kimse telefonu açmıyor", "delivery"),
        ("3 saatdır zəng edirəm, heç kim cavab vermir", "unreachable"),
        # an @handle is who the post is addressed to, not what went wrong
        ("@kargoladestek 2 gün önce DM attım, hâlâ cevap yok", "unreachable"),
        # who did it (the courier) matters less than what they did
        ("Kuryeniz bana bağırdı, çok kaba davrandı", "staff_behavior"),
        ("Can't log in, SMS code never comes", "account_access"),
        ("Your new advert is offensive, shame on you", "other"),
        # everyday words for a fault, an outage, a closed line, a dead phone line, rudeness
        ("Yeni aldığım bulaşık makinesi su akıtıyor, mutfak göl oldu", "product_defect"),
        ("Soyuducu ilk gündən su axıdır, döşəmə islandı", "product_defect"),
        ("The new dishwasher is leaking all over my kitchen floor", "product_defect"),
        ("Bütün gece sıcak su yok, kombiyi de yeni taktırdık", "outage"),
        ("Dünəndən bəri isti su yoxdur, bu nə vəziyyətdir", "outage"),
        ("Flight delayed again, 4 hours at the gate", "outage"),
        ("Hattım kapatılmış, kimseyi arayamıyorum", "account_access"),
        ("Nömrəmi bağlamısınız, heç kimə zəng edə bilmirəm", "account_access"),
        ("You cut off my number without warning, can't call anyone", "account_access"),
        # a banned account is shut to its owner, whatever the reason given
        ("Hesabım hiçbir uyarı olmadan banlandı, oyunlarıma giremiyorum", "account_access"),
        ("Hesabımı səbəbsiz banladınız, 3 ildir istifadə edirəm", "account_access"),
        ("You banned my account for no reason and kept my balance", "account_access"),
        # 2026-12-08: a courier lost on the way, a parcel held at customs, a worker who smoked
        # indoors, a shop that will not take a return back
        ("Kurye yine adresi bulamadı diye siparişi geri götürmüş", "delivery"),
        ("Kuryer ünvanı tapa bilmir, üç dəfə zəng etdi", "delivery"),
        ("My parcel has been stuck in customs for three weeks", "delivery"),
        ("Montaj ekibinden biri evimde sigara içti, halıyı da yaktı", "staff_behavior"),
        ("The fitter smoked in my kitchen without asking", "staff_behavior"),
        ("Açılmamış ayakkabıyı geri qəbul etmirsiniz, niyə?", "refund_return"),
        ("They won't take back a kettle that was never used", "refund_return"),
        ("Destek hattını dün beş kez aradım, kimse cevap vermedi", "unreachable"),
        ("Dünən beş dəfə zəng etdim, heç kim götürmədi", "unreachable"),
        ("Rang five times yesterday and nobody picked up", "unreachable"),
        ("Kasiyer soruma cevap bile vermeden göz devirdi", "staff_behavior"),
        ("The cashier rolled her eyes at my question and walked off", "staff_behavior"),
        ("They keep charging me for a plan I cancelled in May", "billing"),
        ("Three outages this month and not a word from you", "outage"),
    ],
)
def test_main_category(picker, cue_finder, text, category):
    assert category_of(picker, cue_finder, text) == category


def test_a_post_that_is_no_complaint_gets_no_fallback(picker, cue_finder):
    assert category_of(picker, cue_finder, "What time do you open?", complaint=False) is None


def _head(picker, **probs):  # type: ignore[no-untyped-def]
    import numpy as np

    return np.array([probs.get(n, 0.0) for n in picker.head_classes], dtype=np.float32)


def test_the_head_chooses_only_among_the_topics_the_customer_named(taxonomy, cue_finder):
    names = [n for n in taxonomy.categories if n != "other"]
    picker = CategoryPicker(taxonomy, None, head_classes=names)
    n = normalise("Kargom 2 haftadır gelmedi")
    cues = cue_finder.find(n.folded, n.clean)
    assert set(cues.category_hits) == {"delivery"}
    sure_refund = _head(picker, refund_return=0.9, delivery=0.05)
    picker.head_weight = 0.5
    assert picker.pick(None, cues, True, sure_refund) == "refund_return"  # unrestricted: it wins
    picker.head_weight_named = 0.05
    assert picker.pick(None, cues, True, sure_refund) == "delivery"


def test_a_keyword_less_complaint_takes_the_head_only_when_it_is_sure(taxonomy, cue_finder):
    names = [n for n in taxonomy.categories if n != "other"]
    picker = CategoryPicker(taxonomy, None, head_classes=names)
    n = normalise("Your new advert is offensive, shame on you")
    cues = cue_finder.find(n.folded, n.clean)
    # below the floor (0.3) the head is unsure: `other`, not a guess
    assert picker.pick(None, cues, True, _head(picker, staff_behavior=0.25)) == "other"
    assert picker.pick(None, cues, True, _head(picker, staff_behavior=0.4)) == "staff_behavior"


def test_an_ask_beside_a_keyword_less_complaint_keeps_the_heads_topic(taxonomy, cue_finder):
    """The refund is the topic: "you refunded my fare as miles, I want cash" names no category
    word and states no failure word, but the ask does not make it a bare demand."""
    names = [n for n in taxonomy.categories if n != "other"]
    picker = CategoryPicker(taxonomy, None, head_classes=names)
    n = normalise("@SwiftAirUK you refunded my fare as Swift Miles. I paid cash, I want cash.")
    cues = cue_finder.find(n.folded, n.clean)
    assert cues.asks and not cues.category_hits
    assert picker.pick(None, cues, True, _head(picker, refund_return=0.9)) == "refund_return"
    # a bare demand needs a sure head (0.7): at 0.6 it still names nothing
    bare = normalise("I want a manager to call me today")
    bare_cues = cue_finder.find(bare.folded, bare.clean)
    assert picker.pick(None, bare_cues, True, _head(picker, outage=0.6)) == "other"
    assert picker.pick(None, bare_cues, True, _head(picker, unreachable=0.8)) == "unreachable"
