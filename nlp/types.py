"""What the NLP pipeline returns, and what it may be told about a text's context."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from typing import Any, Protocol


@dataclass
class Entity:
    """A span worth showing an agent: order number, amount, phone, e-mail, date, URL, product."""

    type: str
    text: str


@dataclass
class Sentiment:
    label: str  # negative | neutral | positive
    score: float  # confidence of the label, 0..1


@dataclass
class TextContext:
    """Facts about a text that the text itself does not carry (all optional)."""

    brand: str | None = None
    followers: int | None = None
    prior_contacts: int = 0  # earlier mentions/cases of this person about the brand
    age_hours: float | None = None  # how long ago it was posted
    lang_hint: str | None = None  # the platform's own language tag


@dataclass
class Analysis:
    """The understanding of one text; `error` is set when a step failed for it."""

    language: str
    sentiment: Sentiment
    complaint: bool
    irony: bool
    category: str | None
    asks: list[str] = field(default_factory=list)
    signals: list[str] = field(default_factory=list)
    entities: list[Entity] = field(default_factory=list)
    grievance: list[str] = field(default_factory=list)
    priority: float = 0.0
    model_version: str = "unknown"
    error: str | None = None

    @classmethod
    def failed(cls, error: str, version: str) -> Analysis:
        """The defaults recorded for a text whose analysis failed."""
        return cls(
            language="unknown",
            sentiment=Sentiment("unknown", 0.0),
            complaint=False,
            irony=False,
            category=None,
            model_version=version,
            error=error,
        )

    def to_json(self) -> dict[str, Any]:
        """The public shape printed by `callbrief analyze --json`."""
        data = asdict(self)
        data.pop("model_version")
        data.pop("error")
        data["priority"] = round(self.priority, 3)
        data["sentiment"]["score"] = round(self.sentiment.score, 3)
        return data


class Analyzer(Protocol):
    """Understands texts in batches; never raises for one bad text."""

    version: str

    def analyze(
        self, texts: Sequence[str], contexts: Sequence[TextContext] | None = None
    ) -> list[Analysis]: ...
