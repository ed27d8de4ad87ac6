"""Pick one category per post from exemplar similarity and keyword hits."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from nlp.encoders import Encoder
from nlp.rules import Cues
from nlp.taxonomy import Taxonomy

KEYWORD_WEIGHT = 0.04  # one keyword hit is worth 0.04 cosine: a named topic beats a vague likeness
EARLY_BONUS = 0.01  # the first topic a customer names is usually the main one


class CategoryPicker:
    """Nearest multilingual exemplars per category, combined with the taxonomy's keywords."""

    def __init__(self, taxonomy: Taxonomy, encoder: Encoder | None, margin: float = 0.02) -> None:
        self.names = list(taxonomy.categories)
        self.margin = margin
        self._exemplars: np.ndarray | None = None
        self._owner: np.ndarray | None = None
        texts, owner = [], []
        for i, entry in enumerate(taxonomy.categories.values()):
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
        """The main category, or None when nothing points anywhere."""
        if not self.names:
            return None
        scores = np.zeros(len(self.names), dtype=np.float32)
        if sims is not None:
            scores += sims
        for name, hits in cues.category_hits.items():
            if name in self.names:
                scores[self.names.index(name)] += KEYWORD_WEIGHT * min(hits, 3)
        if cues.first_hit:
            first = min(cues.first_hit, key=cues.first_hit.__getitem__)
            if first in self.names:
                scores[self.names.index(first)] += EARLY_BONUS
        best = int(scores.argmax())
        if cues.category_hits:
            return self.names[best]
        if sims is None or self._exemplars is None or not complaint:
            return None
        # without a keyword, trust the exemplars only when one category clearly stands out
        ordered = np.sort(sims)[::-1]
        if len(ordered) > 1 and ordered[0] - ordered[1] < self.margin:
            return None
        return self.names[best]

    def pick_many(
        self, sims: np.ndarray, cues: Sequence[Cues], complaints: Sequence[bool]
    ) -> list[str | None]:
        """`pick` for a batch."""
        return [
            self.pick(sims[i] if len(sims) else None, c, k)
            for i, (c, k) in enumerate(zip(cues, complaints, strict=True))
        ]
