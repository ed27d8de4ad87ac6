"""The interfaces of the pipeline's steps: the pipeline is handed one object per step."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Protocol

import numpy as np

from callbrief.nlp.rules import Cues
from callbrief.nlp.types import Entity


class LanguageStep(Protocol):
    """One language code per text: a configured one, or "other"."""

    @property
    def languages(self) -> Sequence[str]: ...  # the configured ones, the fallback first

    def identify(
        self, texts: Sequence[str], hints: Sequence[str | None] | None = None
    ) -> list[str]: ...


class SentenceStep(Protocol):
    """Sentences of each text, verbatim; an empty text has none."""

    def split(self, texts: Sequence[str], languages: Sequence[str]) -> list[list[str]]: ...


class CueStep(Protocol):
    """What the lexicons and the taxonomy's keywords find in a text."""

    def find(self, folded: str, raw: str, brand: str | None = None) -> Cues: ...

    def sentence_weight(self, folded: str) -> int: ...


class CategoryStep(Protocol):
    """The main category of a complaint from exemplar likeness, keywords and a trained head."""

    def similarities(self, vectors: np.ndarray) -> np.ndarray: ...

    def pick(
        self,
        sims: np.ndarray | None,
        cues: Cues,
        complaint: bool,
        head_p: np.ndarray | None = None,
    ) -> str | None: ...


class EntityStep(Protocol):
    """Spans worth showing an agent."""

    def extract(self, text: str) -> list[Entity]: ...


class LabelHeads(Protocol):
    """Trained multi-label decisions: asks, signals, category and irony probabilities per text."""

    def proba(self, vectors: np.ndarray, cues: Sequence[Cues]) -> dict[str, np.ndarray]: ...

    def irony(self, proba: Mapping[str, np.ndarray]) -> np.ndarray | None: ...

    def asks(self, proba: Mapping[str, np.ndarray], cues: Cues, complaint: bool) -> list[str]: ...

    def signals(self, proba: Mapping[str, np.ndarray], cues: Cues) -> list[str]: ...
