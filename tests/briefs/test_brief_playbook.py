"""The objection playbook: defaults in every language, choice by case facts, config extensions."""

from __future__ import annotations

import pytest

from callbrief.briefs.objections import choose
from callbrief.briefs.playbook import avoid_phrases, load_playbook
from callbrief.foundation.errors import ConfigError

DEFAULT_CATEGORIES = (
    "delivery",
    "billing",
    "product_defect",
    "outage",
    "unreachable",
    "staff_behavior",
    "refund_return",
    "account_access",
    "other",
)


def _facts(categories=(), asks=(), signals=(), history=()):  # type: ignore[no-untyped-def]
    return {
        "categories": set(categories),
        "asks": set(asks),
        "signals": set(signals),
        "history": set(history),
    }


def choose_objections(playbook, facts, *, language, agent_language, values, over=False):  # type: ignore[no-untyped-def]
    return choose(
        playbook,
        facts,
        language=language,
        agent_language=agent_language,
        values=values,
        needs_approval=over,
        churn_needs_approval=over,
    )


def _ids(facts, language="en"):  # type: ignore[no-untyped-def]
    chosen = choose_objections(
        load_playbook(),
        facts,
        language=language,
        agent_language=language,
        values={"times": "3", "contact": "Priya", "brand": "B"},
    )
    return [o.id for o in chosen]


@pytest.mark.parametrize("category", DEFAULT_CATEGORIES)
@pytest.mark.parametrize("language", ["tr", "az", "en"])
def test_every_default_category_gets_two_to_five_objections_in_each_language(category, language):
    chosen = choose_objections(
        load_playbook(), _facts([category]), language=language, agent_language=language, values={}
    )
    assert 2 <= len(chosen) <= 5
    assert all(o.language == language for o in chosen)
    assert any(
        category in e.when.get("categories", ())
        for e in load_playbook().entries
        if e.id in {o.id for o in chosen}
    )


def test_every_default_entry_speaks_tr_az_and_en():
    for entry in load_playbook().entries:
        assert set(entry.text) >= {"tr", "az", "en"}, entry.id


def test_safety_comes_first_and_the_cap_is_five():
    ids = _ids(
        _facts(
            ["product_defect"],
            ["refund", "manager", "cancel"],
            ["safety_risk", "legal_threat", "churn_threat", "public_escalation"],
            ["repeat_contact", "broken_promise"],
        )
    )
    assert ids[0] == "safety"
    assert len(ids) == 5


def test_repeat_contact_and_manager_request_pick_their_objections():
    ids = _ids(_facts(["outage"], ["manager"], ["manager_request"], ["repeat_contact"]))
    assert "repeat_contact" in ids and "manager" in ids and "outage_paid" in ids


def test_refund_ask_brings_money_not_coupon_with_placeholders_filled():
    chosen = choose_objections(
        load_playbook(),
        _facts(["delivery"], ["refund"], (), ["repeat_contact"]),
        language="tr",
        agent_language="tr",
        values={"times": "üç kez", "contact": "Elif", "amount": "149,90 TL", "limit": "250 TRY"},
    )
    by_id = {o.id: o for o in chosen}
    assert by_id["money_not_coupon"].objection == "Ben paramı istiyorum, kupon değil."
    assert "149,90 TL tutarındaki iadeyi" in by_id["money_not_coupon"].answer
    assert "bize üç kez yazdınız" in by_id["repeat_contact"].answer
    assert "{" not in by_id["repeat_contact"].answer


def test_an_answer_whose_fact_is_missing_becomes_a_lookup():
    chosen = choose_objections(
        load_playbook(),
        _facts(["delivery"], (), (), ["repeat_contact"]),
        language="tr",
        agent_language="tr",
        values={"times": None, "tracking": None, "quote": None},
    )
    by_id = {o.id: o for o in chosen}
    assert by_id["delivery_where"].answer is None
    assert "takip numarası yok" in by_id["delivery_where"].lookup
    assert by_id["didnt_read"].answer is None and "aynen aktarmaya" in by_id["didnt_read"].lookup
    # "I've explained this over and over" on a first contact: no count to quote, look it up
    assert by_id["repeat_contact"].answer is None
    assert "tek bir gönderi" in by_id["repeat_contact"].lookup


def test_an_email_address_is_never_said_to_call_the_customer():
    chosen = choose_objections(
        load_playbook(),
        _facts(["delivery"], ["manager"], ["manager_request"]),
        language="tr",
        agent_language="tr",
        values={"manager": None},  # the brand's only contact is operasyon@...
    )
    manager = {o.id: o for o in chosen}["manager"]
    assert manager.answer is None and "yöneticiyle" in manager.lookup


def test_above_the_limit_the_refund_answer_asks_the_approver_instead_of_promising():
    values = {"amount": "$120", "limit": "20 GBP", "approver": "Priya Shah"}
    chosen = choose_objections(
        load_playbook(),
        _facts(["refund_return"], ["refund"]),
        language="en",
        agent_language="en",
        values=values,
        over=True,
    )
    answer = {o.id: o for o in chosen}["money_not_coupon"].answer
    assert "I'm starting the refund" not in answer
    assert "up to 20 GBP myself" in answer and "my manager's approval" in answer


def test_a_churn_threat_never_promises_no_penalty():
    for over in (False, True):
        chosen = choose_objections(
            load_playbook(),
            _facts(["outage"], (), ["churn_threat"]),
            language="en",
            agent_language="en",
            values={"approver": "Priya Shah"},
            over=over,
        )
        answer = {o.id: o for o in chosen}["churn"].answer
        assert "no penalty" not in answer
        assert ("isn't mine to give alone" in answer) is over


# words that offer the customer money in a prepared answer, per language
MONEY_OFFERS = {
    "tr": ("para iadesi", "iade ederim", "paranızı"),
    "az": ("pulun qaytarılması", "qaytararam", "pulunuzu"),
    "en": ("money back", "refund of", "refund up to", "a refund"),
}


@pytest.mark.parametrize("language", ["tr", "az", "en"])
def test_no_packaged_answer_offers_money_without_the_agents_limit(language):
    """An answer that offers money back names the limit, or names the amount and has an
    `answer_over` for an amount above the limit (the brief picks it then)."""
    for entry in load_playbook().entries:
        text = entry.text[language]
        for key in ("answer", "answer_over"):
            body = text.get(key) or ""
            if any(word in body.lower() for word in MONEY_OFFERS[language]):
                bounded = "{amount}" in body and key == "answer" and "answer_over" in text
                assert "{limit}" in body or bounded, (entry.id, key, body)


@pytest.mark.parametrize("language", ["tr", "az", "en"])
def test_no_packaged_answer_keeps_an_open_slot(language):
    for entry in load_playbook().entries:
        text = entry.text[language]
        for key in ("answer", "answer_over", "lookup"):
            body = text.get(key) or ""
            assert "(" not in body.replace("({limit})", ""), (entry.id, key, body)
            for slot in ("şurada ve şu saatte", "at this step", "bu mərhələdədir", "bu idi."):
                assert slot not in body, (entry.id, key)
    assert "calaşdırın" not in str(load_playbook().entries) and "əksik" not in str(
        load_playbook().entries
    )


def test_config_entry_replaces_a_default_and_changes_the_version():
    custom = [
        {
            "id": "didnt_read",
            "weight": 20,
            "always": True,
            "text": {"en": {"objection": "Did you read it?", "answer": "Yes: {brand}."}},
        }
    ]
    playbook = load_playbook(custom, {"en": ["Per our policy"]})
    assert playbook.version.startswith(load_playbook().version + "+config.")
    chosen = choose_objections(
        playbook,
        _facts(["billing"]),
        language="en",
        agent_language="en",
        values={"brand": "Brightwave"},
    )
    assert chosen[0].objection == "Did you read it?" and chosen[0].answer == "Yes: Brightwave."
    phrases = [row["phrase"] for row in avoid_phrases(playbook, "en")]
    assert "Per our policy" in phrases and "We'll take your comments into account." in phrases


def test_a_bad_config_entry_names_the_problem():
    with pytest.raises(ConfigError, match="unknown condition.*mood"):
        load_playbook(
            [
                {
                    "id": "x",
                    "when": {"mood": ["angry"]},
                    "text": {"en": {"objection": "a", "answer": "b"}},
                }
            ]
        )
    with pytest.raises(ConfigError, match="needs `objection` and `answer` under text.tr"):
        load_playbook([{"id": "x", "text": {"tr": {"objection": "a"}}}])


@pytest.mark.parametrize(
    "language, phrase",
    [
        ("tr", "Görüşlerinizi dikkate alacağız."),
        ("tr", "Yaşanan aksaklıktan dolayı özür dileriz."),
        ("az", "İradlarınızı nəzərə alacağıq."),
        ("en", "We'll take your comments into account."),
        ("en", "We apologise for any inconvenience."),
    ],
)
def test_default_avoid_phrases_per_language(language, phrase):
    rows = avoid_phrases(load_playbook(), language)
    assert phrase in [r["phrase"] for r in rows]
    assert all(r["instead"] for r in rows)
