"""Asks, signals and category from trained multi-label heads, with rules kept where exact.

The heads read the sentence vector and the rules' cues side by side (cue_vector), so a keyword
hit is evidence the head weighs rather than a verdict. Training (nlp.training.labels) tunes one
threshold per label on dev and keeps the rule for a label whose head did not beat it there.
Exact rules always stand: a safety term, an explicit manager request, an amount wanted back.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np

from callbrief.nlp.heads import Head, HeadSet
from callbrief.nlp.rules import MANAGER, MANAGER_REQUEST, REPEAT_CONTACT, SAFETY, Cues
from callbrief.nlp.taxonomy import Taxonomy

ASKS, SIGNALS, CATEGORY, IRONY_HEAD = "asks", "signals", "category", "irony"
# the heads' extra inputs are scaled to weigh like a few embedding dimensions
CUE_SCALE = 0.5
# decided by rules whatever a head says: exact statements, or risks that must never be missed.
# Churn and legal threats are quoted to the agent as something the customer said ("they say they
# are leaving"), so they need the customer's own words: a head guessing them from an angry tone
# put a false churn banner on "3 days calling, nobody solves it, I want your manager".
EXACT_SIGNALS = frozenset({SAFETY, MANAGER_REQUEST, "churn_threat", "legal_threat"})
EXACT_ASKS = frozenset({MANAGER})
# Money asks a head reads from tone alone must have something in the text to stand on: the
# rules' own cue for a money ask, harm done (lost, broken, charged twice), a sum of money or a
# billing topic.
# "My router smells of burning plastic. Is this safe??" asks a question, not for compensation.
MONEY_ASKS = frozenset({"refund", "compensation"})
MONEY_TOPICS = frozenset({"billing", "refund_return"})


# A keyword hit stands unless the head leans against it: "I want a refund" is a refund ask at
# p 0.6 even where dev set the head's own bar at 0.8 (8 refund asks on dev cannot place it)
RULE_HEAD_FLOOR = 0.5


def head_keeps(p: float, threshold: float, rule: bool) -> bool:
    """A head-decided label: the head is sure enough, or the rule fired and the head agrees."""
    return p >= threshold or (rule and p >= RULE_HEAD_FLOOR)


def cue_names(taxonomy: Taxonomy) -> list[str]:
    """The names of cue_vector's columns, for the heads' metadata."""
    return (
        [f"ask:{n}" for n in taxonomy.asks]
        + [f"signal:{n}" for n in taxonomy.signals]
        + [f"category:{n}" for n in taxonomy.categories]
        + ["failure", "negative", "positive", "harm", "polite", "irony_marker", "sarcasm"]
        + ["conceded_praise", "vulnerable", "urgent"]
    )


def cue_vector(cues: Cues, taxonomy: Taxonomy) -> np.ndarray:
    """The rules' findings as numbers: keyword hits per label, then capped cue counts."""
    values = (
        [float(n in cues.asks) for n in taxonomy.asks]
        + [float(n in cues.signals) for n in taxonomy.signals]
        + [float(n in cues.category_hits) for n in taxonomy.categories]
        + [min(cues.failure, 2) / 2, min(cues.negative, 2) / 2, min(cues.positive, 2) / 2]
        + [float(cues.harm > 0), float(cues.polite > 0), float(cues.irony_marker)]
        + [float(cues.sarcasm), float(cues.conceded_praise)]
        + [float("vulnerable" in cues.priority_cues), float("urgent" in cues.priority_cues)]
    )
    return CUE_SCALE * np.asarray(values, dtype=np.float32)


def head_inputs(vectors: np.ndarray, cues: Sequence[Cues], taxonomy: Taxonomy) -> np.ndarray:
    """[sentence vector; cue vector] per text: what the label heads read."""
    extra = np.stack([cue_vector(c, taxonomy) for c in cues]) if cues else np.zeros((0, 0))
    return np.concatenate([vectors.astype(np.float32), extra], axis=1)


class TrainedLabels:
    """The asks, signals and category heads, with per-label thresholds and rule fallbacks."""

    def __init__(self, taxonomy: Taxonomy, heads: Mapping[str, Head], config: Mapping[str, Any]):
        self.taxonomy = taxonomy
        self.heads = dict(heads)
        self.config = dict(config)
        self.category_classes = self.heads[CATEGORY].classes if CATEGORY in self.heads else []
        self.category_min = float(self.config.get("category_min", 0.0))

    @classmethod
    def from_heads(cls, heads: HeadSet, taxonomy: Taxonomy) -> TrainedLabels | None:
        """The label heads in a head set, if it has any and they read this taxonomy's cues."""
        config = heads.meta.get("labels") or {}
        names = (ASKS, SIGNALS, CATEGORY, IRONY_HEAD)
        found = {n: heads.heads[n] for n in names if n in heads.heads}
        if not found or config.get("cues") != cue_names(taxonomy):
            return None  # a taxonomy edited in config changes the cue columns: rules only
        return cls(taxonomy, found, config)

    def proba(self, vectors: np.ndarray, cues: Sequence[Cues]) -> dict[str, np.ndarray]:
        """Each head's probabilities for a batch: {"asks": (n, asks), ...}."""
        x = head_inputs(vectors, cues, self.taxonomy)
        return {name: head.proba(x) for name, head in self.heads.items()}

    def _decide(
        self, section: str, proba: Mapping[str, np.ndarray], found: Sequence[str], exact: frozenset
    ) -> list[str]:
        head = self.heads.get(section)
        per_label = (self.config.get(section) or {}) if head else {}
        out = []
        for name in getattr(self.taxonomy, section):
            rule = name in found
            setting = per_label.get(name)
            if name in exact or setting is None or setting.get("source") != "head":
                keep = rule
            else:
                p = float(proba[section][head.classes.index(name)])  # type: ignore[union-attr]
                keep = head_keeps(p, float(setting["threshold"]), rule)
            if keep:
                out.append(name)
        return out

    def irony(self, proba: Mapping[str, np.ndarray]) -> np.ndarray | None:
        """P(sarcastic) per text of a batch from the irony head, if there is one."""
        head = self.heads.get(IRONY_HEAD)
        if head is None:
            return None
        return proba[IRONY_HEAD][:, head.classes.index("yes")]

    def asks(self, proba: Mapping[str, np.ndarray], cues: Cues, complaint: bool) -> list[str]:
        """The asks, in taxonomy order."""
        found = self._decide(ASKS, proba, cues.asks, EXACT_ASKS)
        grounded = (
            bool(MONEY_ASKS.intersection(cues.asks))
            or cues.harm > 0
            or cues.amount
            or bool(MONEY_TOPICS.intersection(cues.category_hits))
        )
        return found if grounded else [a for a in found if a not in MONEY_ASKS]

    def signals(self, proba: Mapping[str, np.ndarray], cues: Cues) -> list[str]:
        """The signals (irony excepted: the pipeline adds it from its irony decision)."""
        found = self._decide(SIGNALS, proba, cues.signals, EXACT_SIGNALS)
        if cues.double_charge and REPEAT_CONTACT not in cues.signals:
            # "iki dəfə çıxılıb" counts payments: a head hearing "twice" must not call it repeat
            found = [s for s in found if s != REPEAT_CONTACT]
        return found
