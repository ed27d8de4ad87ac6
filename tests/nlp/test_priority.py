"""Callback priority: safety first, then severity, signals, reach, repeats and age."""

from __future__ import annotations

from callbrief.nlp.decisions import priority
from callbrief.nlp.types import TextContext

SEV = {"safety_risk": 1.0, "legal_threat": 0.6, "churn_threat": 0.4, "repeat_contact": 0.3}


def p(complaint=True, negativity=0.8, signals=(), **ctx):  # type: ignore[no-untyped-def]
    return priority(
        complaint=complaint,
        negativity=negativity,
        signals=list(signals),
        severities=SEV,
        context=TextContext(**ctx),
    )


def test_safety_outranks_everything_else():
    loud = p(
        signals=["legal_threat", "churn_threat", "repeat_contact"],
        followers=2_000_000,
        prior_contacts=5,
        age_hours=40,
    )
    assert p(complaint=False, negativity=0.0, signals=["safety_risk"]) > loud


def test_order_of_ordinary_cases():
    praise = p(complaint=False, negativity=0.0)
    plain = p()
    legal = p(signals=["legal_threat"])
    assert praise < plain < legal


def test_reach_repeat_contact_and_waiting_raise_priority():
    base = p()
    assert p(followers=50_000) > base
    assert p(prior_contacts=2) > base
    assert p(age_hours=30) > p(age_hours=1)


def test_stale_posts_sink_and_scores_stay_in_range():
    assert p(age_hours=24 * 20) < p(age_hours=24)
    top = p(
        signals=["safety_risk", "legal_threat", "churn_threat"], followers=10**9, prior_contacts=99
    )
    assert p(complaint=False, negativity=0.0) >= 0.0 and top <= 1.0
