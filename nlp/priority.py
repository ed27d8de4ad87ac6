"""Rank what to call back first: safety, then severity, signals, influence, repeats and age."""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence

from callbrief.nlp.types import TextContext

SAFETY = "safety_risk"
SAFETY_FLOOR = 0.85  # a safety risk always outranks every ordinary complaint


def priority(
    *,
    complaint: bool,
    negativity: float,
    signals: Sequence[str],
    severities: Mapping[str, float],
    context: TextContext | None,
) -> float:
    """A 0..1 callback priority; every term is capped so that no single one can dominate."""
    context = context or TextContext()
    score = 0.35 if complaint else 0.05
    score += 0.15 * max(0.0, min(negativity, 1.0))
    # signals add their severity, with diminishing returns for piling several up
    score += 0.25 * (1 - math.prod(1 - severities.get(s, 0.2) for s in signals))
    if context.followers:
        # 100 followers adds ~0.04, 10k ~0.08, 1M ~0.12: reach matters, but never outranks harm
        score += 0.02 * min(math.log10(context.followers + 1), 6.0)
    if context.prior_contacts:
        score += 0.04 * min(context.prior_contacts, 3)
    if context.age_hours is not None:
        # an unanswered complaint grows more urgent for two days, then goes stale
        if context.age_hours <= 48:
            score += 0.05 * context.age_hours / 48
        else:
            score *= max(0.6, 1 - (context.age_hours - 48) / (24 * 14))
    if SAFETY in signals:
        score = max(score, SAFETY_FLOOR + 0.1 * min(score, 1.0))
    else:
        score = min(score, SAFETY_FLOOR - 0.01)  # nothing else may reach the safety band
    return round(min(max(score, 0.0), 1.0), 4)
