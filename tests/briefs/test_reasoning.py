"""The pure reasoning behind a brief: authority and approval, whom to call, fallback, reply."""

from __future__ import annotations

import pytest

from callbrief.briefs.authority import amounts, contact_for, decide
from callbrief.briefs.fallback import plan
from callbrief.briefs.reply import draft
from callbrief.foundation.settings import Brand, ChannelSwitch, EscalationRole, OfferLimit

KARGOLA = Brand(
    name="Kargola",
    escalation_contact="operasyon@kargola.example",
    escalation=[
        EscalationRole(
            role="operasyon müdürü",
            name="Elif Şahin",
            phone="+90 212 555 01 42",
            handles=["approval", "manager"],
        ),
        EscalationRole(role="güvenlik ekibi", queue="guvenlik", handles=["safety"]),
    ],
)
LIMIT = OfferLimit(max_credit=250, currency="TRY", approver="operasyon müdürü")


@pytest.mark.parametrize(
    "text, amount, currency",
    [
        ("850₺'lik ürünüm gitti", 850.0, "TRY"),
        ("kartımdan 2 kez 149,90 TL çekti", 149.9, "TRY"),
        ("1.250,50 TL", 1250.5, "TRY"),
        ("bu ay 15 AZN çıxılıb", 15.0, "AZN"),
        ("10 manatlıq paket", 10.0, "AZN"),
        ("$120 down the drain", 120.0, "USD"),
        ("£34.99 x2", 34.99, "GBP"),
        ("€1,200.00 please", 1200.0, "EUR"),
    ],
)
def test_amounts_are_parsed_with_their_currency(text, amount, currency):
    found = amounts([text])
    assert [(m.amount, m.currency) for m in found] == [(amount, currency)]


def test_no_amount_in_plain_counts_or_words():
    assert amounts(["3 kez şikayet ettim", "2 tries", "KG48213377"]) == []


def test_above_the_limit_approval_is_needed_and_the_approver_has_a_phone():
    power = decide(
        LIMIT,
        KARGOLA,
        texts=["850₺'lik ürünüm gitti"],
        asks=["refund"],
        category="delivery",
        churn=False,
    )
    assert power.needs_approval and [m.text for m in power.over] == ["850₺"]
    assert power.approver.who == "Elif Şahin (operasyon müdürü)"
    assert power.approver.how == "call" and power.approver.reach == "+90 212 555 01 42"


def test_within_the_limit_no_approval_and_a_foreign_currency_is_flagged():
    within = decide(
        LIMIT, KARGOLA, texts=["149,90 TL"], asks=["refund"], category="billing", churn=False
    )
    assert not within.needs_approval
    foreign = decide(
        OfferLimit(max_credit=20, currency="GBP"),
        None,
        texts=["$120"],
        asks=["refund"],
        category="refund_return",
        churn=False,
    )
    assert foreign.needs_approval and not foreign.over and foreign.foreign[0].currency == "USD"


def test_an_amount_outside_a_money_matter_is_not_at_stake():
    power = decide(
        LIMIT, KARGOLA, texts=["10 manatlıq paket"], asks=[], category="outage", churn=False
    )
    assert not power.at_stake and not power.needs_approval


def test_whom_to_call_is_a_person_with_a_phone_not_an_address():
    assert contact_for(KARGOLA, "manager").who == "Elif Şahin (operasyon müdürü)"
    safety = contact_for(KARGOLA, "safety")
    assert safety.how == "queue" and safety.reach == "guvenlik"
    legacy = contact_for(Brand(name="B", escalation_contact="ops@b.example"), "manager")
    assert legacy.how == "write"  # an e-mail address is written to, never "called"
    assert legacy.speaker is None  # nor named to the customer as the one who will call
    phone = contact_for(Brand(name="B", escalation_contact="Duty manager: +44 20 5550 0130"), "x")
    assert (phone.role, phone.how, phone.reach) == ("Duty manager", "call", "+44 20 5550 0130")


def _plan(unreachable, phone="+1 555 0100", email="a@b.example"):  # type: ignore[no-untyped-def]
    return plan(
        ChannelSwitch(),
        unreachable=unreachable,
        phone=phone,
        email=email,
        dm_handles=[{"handle": "@mike_o"}],
        branch=None,
        language="en",
        values={"name": "Mike", "brand": "Brightwave", "case": "#15", "agent": "olivia"},
    )


def test_the_channel_switches_after_two_unanswered_calls_or_without_a_phone():
    assert not _plan(1)["switch"]
    two = _plan(2)
    assert two["switch"] and two["reason"] == "unreachable"
    assert [o["channel"] for o in two["options"]] == ["email", "dm"]
    assert "Hello Mike" in two["options"][0]["message"] and "#15" in two["options"][0]["message"]
    assert "{" not in two["options"][0]["message"]
    assert _plan(0, phone=None)["reason"] == "no_phone"


def test_configured_channel_switch_messages_win():
    config = ChannelSwitch(messages={"email": {"tr": "Sayın {name}, dosya {case}."}})
    result = plan(
        config,
        unreachable=3,
        phone="1",
        email="x@y.z",
        dm_handles=[],
        branch="Kadıköy",
        language="tr",
        values={"name": "Deniz Hanım", "brand": "K", "case": "#1", "agent": ""},
    )
    assert result["options"][0]["message"] == "Sayın Deniz Hanım, dosya #1."
    assert (
        result["options"][1]["channel"] == "branch" and "Kadıköy" in result["options"][1]["message"]
    )


def test_the_reply_draft_names_the_fact_fits_x_and_keeps_out_avoid_phrases():
    reply = draft(
        language="tr",
        channel="x",
        handle="deniz_yldz",
        name="Deniz Hanım",
        category="delivery",
        facts={"tracking": "KG48213377"},
        cues={"late"},
        safety=False,
        has_phone=False,
        avoid=["Görüşlerinizi dikkate alacağız."],
    )
    assert reply["text"].startswith("@deniz_yldz Merhaba Deniz Hanım,")
    assert "KG48213377" in reply["text"] and reply["length"] <= 280
    banned = draft(
        language="en",
        channel="x",
        handle="c",
        name="Claire",
        category="other",
        facts={},
        cues=set(),
        safety=False,
        has_phone=True,
        avoid=["I've read what you wrote"],
    )
    assert "read what you wrote" not in banned["text"] and "We'll call you today." in banned["text"]


def test_a_long_reply_is_cut_to_the_platforms_length():
    reply = draft(
        language="az",
        channel="x",
        handle="n" * 200,
        name="Nigar xanım",
        category="product_defect",
        facts={},
        cues=set(),
        safety=True,
        has_phone=False,
        avoid=[],
    )
    assert reply["length"] <= 280


def test_canonical_urls_rewrite_only_web_links_of_known_platforms():
    from types import SimpleNamespace as Post

    from callbrief.briefs.links import canonical_url

    replay = Post(channel="reddit", url="http://127.0.0.1:4000/r/b/comments/1/_/c/")
    assert canonical_url(replay) == "https://www.reddit.com/r/b/comments/1/_/c/"
    assert canonical_url(Post(channel="x", url="javascript:alert(1)")) == "javascript:alert(1)"
    assert canonical_url(Post(channel="rss", url="http://news.example/a")) == (
        "http://news.example/a"
    )
    assert canonical_url(Post(channel="x", url="https://x.com/a/status/1")) == (
        "https://x.com/a/status/1"
    )


def test_the_queue_names_the_next_channel_by_the_briefs_rule():
    from callbrief.briefs.fallback import next_channel
    from callbrief.foundation.settings import ChannelSwitch

    config = ChannelSwitch()
    reach = dict(email="deniz@example.com", channel="x", handle="deniz", branch=None)
    assert next_channel(config, unreachable=0, phone="+905551112233", **reach) is None
    assert next_channel(config, unreachable=1, phone="+905551112233", **reach) is None
    assert next_channel(config, unreachable=2, phone="+905551112233", **reach) == "email"
    assert next_channel(config, unreachable=0, phone=None, **reach) == "email"
    no_email = {**reach, "email": None}
    assert next_channel(config, unreachable=0, phone=None, **no_email) == "dm"
