"""Pick one category per post from exemplar similarity and keyword hits."""

from __future__ import annotations

import numpy as np

from callbrief.nlp.encoders import Encoder
from callbrief.nlp.rules import Cues
from callbrief.nlp.taxonomy import Taxonomy

KEYWORD_WEIGHT = 0.04  # one keyword hit is worth 0.04 cosine: a named topic beats a vague likeness
EARLY_BONUS = 0.01  # the first topic a customer names is usually the main one
FALLBACK = "other"  # the category of a complaint that fits no other one
# Exemplar cosines of e5 sit in a narrow band (0.85-0.95), so a lead under 0.03 is noise: a bare
# "Tüketici hakem heyetine başvuracağım" leads with "unreachable" by 0.024. The shipped heads'
# meta still carries the untuned 0.02, hence a floor rather than a new default.
MIN_EXEMPLAR_MARGIN = 0.03


class CategoryPicker:
    """Nearest multilingual exemplars per category, combined with the taxonomy's keywords."""

    def __init__(self, taxonomy: Taxonomy, encoder: Encoder | None, margin: float = 0.02) -> None:
        # an entry with neither keywords nor exemplars (the fallback) can only be chosen as such
        entries = [e for e in taxonomy.categories.values() if e.pattern or e.exemplars]
        self.names = [e.name for e in entries]
        self.secondary = {e.name for e in entries if e.secondary}
        self.fallback = FALLBACK if FALLBACK in taxonomy.categories else None
        self.margin = max(margin, MIN_EXEMPLAR_MARGIN)
        self._exemplars: np.ndarray | None = None
        self._owner: np.ndarray | None = None
        texts, owner = [], []
        for i, entry in enumerate(entries):
            for items in entry.exemplars.values():
                texts.extend(items)
                owner.extend([i] * len(items))
        if encoder is not None and texts:
            self._exemplars = encoder.encode(texts)
            self._owner = np.array(owner)

    def similarities(self, vectors: np.ndarray) -> np.ndarray:
        """Best cosine to any exemplar of each category: shape (texts, categories)."""
        sims = np.zeros((len(vectors), len(self.names)), dtype=np.float32)
        if self._exemplars is None or self._owner is None or len(vectors) == 0:
            return sims
        all_sims = vectors @ self._exemplars.T
        for c in range(len(self.names)):
            cols = self._owner == c
            if cols.any():
                sims[:, c] = all_sims[:, cols].max(axis=1)
        return sims

    def pick(self, sims: np.ndarray | None, cues: Cues, complaint: bool) -> str | None:
        """The main category; `other` for a complaint that fits none, None for anything else."""
        best_name = self._best(sims, cues, complaint)
        if best_name is None and complaint:
            return self.fallback
        return best_name

    def _best(self, sims: np.ndarray | None, cues: Cues, complaint: bool) -> str | None:
        """The category the keywords and exemplars point to, or None when nothing stands out."""
        if not self.names:
            return None
        scores = np.zeros(len(self.names), dtype=np.float32)
        if sims is not None:
            scores += sims
        hits_of = {n: h for n, h in cues.category_hits.items() if n in self.names}
        if set(hits_of) - self.secondary:
            # a named main topic outranks a secondary one, whatever the exemplars say
            hits_of = {n: h for n, h in hits_of.items() if n not in self.secondary}
            for name in self.secondary:
                scores[self.names.index(name)] = -np.inf
        for name, hits in hits_of.items():
            scores[self.names.index(name)] += KEYWORD_WEIGHT * min(hits, 3)
        firsts = {n: cues.first_hit[n] for n in hits_of if n in cues.first_hit}
        if firsts:
            scores[self.names.index(min(firsts, key=firsts.__getitem__))] += EARLY_BONUS
        best = int(scores.argmax())
        if hits_of:
            return self.names[best]
        if sims is None or self._exemplars is None or not complaint:
            return None
        if not (cues.failure or cues.negative or cues.harm):
            # a bare threat or demand says what the customer will do, not what went wrong
            return None
        # without a keyword, trust the exemplars only when one category clearly stands out
        ordered = np.sort(sims)[::-1]
        if len(ordered) > 1 and ordered[0] - ordered[1] < self.margin:
            return None
        return self.names[best]
