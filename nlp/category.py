"""Pick one category per complaint from a trained head, keyword hits and exemplar likeness."""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np

from callbrief.nlp.decisions import CATEGORY, CategoryWeights
from callbrief.nlp.encoders import Encoder
from callbrief.nlp.rules import Cues
from callbrief.nlp.taxonomy import Taxonomy

FALLBACK = "other"  # the category of a complaint that fits no other one


class CategoryPicker:
    """Nearest multilingual exemplars per category, the taxonomy's keywords and a trained head.

    Exemplar vectors come from `cached` (encoded at training time and shipped with the heads)
    where the texts match; only exemplars added in config are encoded, on first use.
    """

    def __init__(
        self,
        taxonomy: Taxonomy,
        encoder: Encoder | None,
        margin: float = 0.02,
        *,
        cached: Mapping[str, np.ndarray] | None = None,
        head_classes: list[str] | None = None,
        weights: CategoryWeights = CATEGORY,
    ) -> None:
        # an entry with neither keywords nor exemplars (the fallback) can only be chosen as such
        entries = [e for e in taxonomy.categories.values() if e.pattern or e.exemplars]
        self.names = [e.name for e in entries]
        self.secondary = {e.name for e in entries if e.secondary}
        self.fallback = FALLBACK if FALLBACK in taxonomy.categories else None
        self.w = weights
        self.margin = max(margin, weights.min_exemplar_margin)
        self.head_classes = head_classes or []
        self.head_weight = weights.head
        self.head_min = 0.0  # the head's probability below which a keyword-less post is `other`
        # with a named topic, the head only chooses among the topics named, at this weight
        self.head_weight_named: float | None = None  # None: head_weight
        self._encoder = encoder
        self._cached = dict(cached or {})
        self._texts: list[str] = []
        owner: list[int] = []
        for i, entry in enumerate(entries):
            for items in entry.exemplars.values():
                self._texts.extend(items)
                owner.extend([i] * len(items))
        self._owner = np.array(owner)
        self._exemplars: np.ndarray | None = None

    def exemplar_vectors(self) -> np.ndarray | None:
        """The exemplars' vectors, encoded once (cached ones reused), or None without encoder."""
        if self._exemplars is None and self._encoder is not None and self._texts:
            missing = [t for t in self._texts if t not in self._cached]
            if missing:
                self._cached.update(zip(missing, self._encoder.encode(missing), strict=True))
            self._exemplars = np.stack([self._cached[t] for t in self._texts]).astype(np.float32)
        return self._exemplars

    def similarities(self, vectors: np.ndarray) -> np.ndarray:
        """Best cosine to any exemplar of each category: shape (texts, categories)."""
        sims = np.zeros((len(vectors), len(self.names)), dtype=np.float32)
        exemplars = self.exemplar_vectors() if len(vectors) else None
        if exemplars is None:
            return sims
        all_sims = vectors @ exemplars.T
        for c in range(len(self.names)):
            cols = self._owner == c
            if cols.any():
                sims[:, c] = all_sims[:, cols].max(axis=1)
        return sims

    def pick(
        self,
        sims: np.ndarray | None,
        cues: Cues,
        complaint: bool,
        head_p: np.ndarray | None = None,
    ) -> str | None:
        """The main category; `other` for a complaint that fits none, None for anything else."""
        best_name = self._best(sims, cues, complaint, head_p)
        if best_name is None and complaint:
            return self.fallback
        return best_name

    def _head_scores(self, head_p: np.ndarray | None) -> np.ndarray | None:
        if head_p is None or not self.head_classes:
            return None
        scores = np.zeros(len(self.names), dtype=np.float32)
        for cls, p in zip(self.head_classes, head_p, strict=True):
            if cls in self.names:
                scores[self.names.index(cls)] = p
        return scores

    def _best(
        self, sims: np.ndarray | None, cues: Cues, complaint: bool, head_p: np.ndarray | None
    ) -> str | None:
        """The category the head, keywords and exemplars point to, or None when none stands out."""
        if not self.names:
            return None
        scores = np.zeros(len(self.names), dtype=np.float32)
        if sims is not None:
            scores += sims
        head = self._head_scores(head_p)
        hits_of = {n: h for n, h in cues.category_hits.items() if n in self.names}
        among_named = bool(hits_of) and self.head_weight_named is not None
        if head is not None:
            scores += (self.head_weight_named if among_named else self.head_weight) * head
        if among_named:
            # the customer named the topic: the head may weigh the named ones, not add another
            for c, name in enumerate(self.names):
                if name not in hits_of:
                    scores[c] = -np.inf
        if set(hits_of) - self.secondary:
            # a named main topic outranks a secondary one, whatever the exemplars say
            hits_of = {n: h for n, h in hits_of.items() if n not in self.secondary}
            for name in self.secondary:
                scores[self.names.index(name)] = -np.inf
        for name, hits in hits_of.items():
            scores[self.names.index(name)] += self.w.keyword * min(hits, self.w.keyword_cap)
        firsts = {n: cues.first_hit[n] for n in hits_of if n in cues.first_hit}
        if firsts:
            scores[self.names.index(min(firsts, key=firsts.__getitem__))] += self.w.early_bonus
        best = int(scores.argmax())
        if hits_of:
            return self.names[best]
        if not complaint:
            return None
        stated = cues.failure or cues.negative or cues.harm
        bare = not stated and bool(cues.asks or cues.signals)
        floor = self.w.head_min_bare if bare else self.w.head_min_floor
        if head is not None and float(head.max()) >= max(self.head_min, floor):
            # the head was trained on complaints that name no keyword too: trust a clear lead,
            # also beside an ask or a threat ("the fare refunded as miles, I want cash": the
            # refund is the topic). Our labelled complaints all have a named category, so dev
            # cannot tune when to give none: the floor keeps `other` where the head is unsure
            return self.names[int(head.argmax())]
        if bare:
            # a bare threat or demand says what the customer will do, not what went wrong
            return None
        if head is not None:
            return None
        if sims is None or self._exemplars is None or not stated:
            return None
        # without a keyword, trust the exemplars only when one category clearly stands out
        ordered = np.sort(sims)[::-1]
        if len(ordered) > 1 and ordered[0] - ordered[1] < self.margin:
            return None
        return self.names[best]
