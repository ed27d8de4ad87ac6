"""The taxonomy of categories, asks and signals: packaged defaults merged with the user's config."""

from __future__ import annotations

import copy
import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

from callbrief.foundation.errors import ConfigError
from callbrief.nlp.text import fold_any

DEFAULT_PATH = Path(__file__).with_name("taxonomy.yaml")
SECTIONS = ("categories", "asks", "signals")
LANGS = ("tr", "az", "en")


@dataclass
class Entry:
    """One category, ask or signal: display labels, keyword rules and (for categories) exemplars."""

    name: str
    labels: dict[str, str]
    keywords: dict[str, list[str]] = field(default_factory=dict)
    exemplars: dict[str, list[str]] = field(default_factory=dict)
    severity: float = 0.0
    secondary: bool = False  # a category that is the main one only when no other one is named
    pattern: re.Pattern[str] | None = None

    def label(self, language: str) -> str:
        """The display label in `language`, falling back to English, then the name."""
        return self.labels.get(language) or self.labels.get("en") or self.name

    def find(self, folded: str) -> list[tuple[int, int]]:
        """Spans of folded text where one of this entry's keywords matches."""
        if self.pattern is None:
            return []
        return [m.span() for m in self.pattern.finditer(folded)]


@dataclass
class Taxonomy:
    """Categories, asks and signals by name, in the order they were declared."""

    categories: dict[str, Entry]
    asks: dict[str, Entry]
    signals: dict[str, Entry]

    def section(self, name: str) -> dict[str, Entry]:
        """One of "categories", "asks", "signals"."""
        return {"categories": self.categories, "asks": self.asks, "signals": self.signals}[name]

    def label(self, section: str, name: str, language: str) -> str:
        """Display label of an entry, or the raw name when the taxonomy does not know it."""
        entry = self.section(section).get(name)
        return entry.label(language) if entry else name


GAP = "*"  # in a keyword phrase: up to GAP_WORDS other words ("card * blocked")
GAP_WORDS = 3


def _phrase(pieces: list[str]) -> str:
    """The regex of one folded phrase: its words in a row, where a gap allows up to GAP_WORDS
    others and the word before it may go on ("card's", "hesabım")."""
    groups: list[list[str]] = [[]]
    for piece in pieces:
        if piece == GAP:
            groups.append([])
        else:
            groups[-1].append(piece)
    bodies = [r"\s+".join(re.escape(p) for p in group) for group in groups if group]
    return (rf"\S*(?:\s+\S+){{0,{GAP_WORDS}}}?\s+").join(bodies)


def compile_keywords(keywords: dict[str, list[str]]) -> re.Pattern[str] | None:
    """One regex over all languages' keywords: word-prefix match, or whole word with "=".

    Words in a phrase follow each other; a `*` between them allows up to three other words
    ("card * blocked" finds "card's been blocked", "hesabım * bağlı" "hesabım hələ də bağlıdır").
    """
    parts = []
    for words in keywords.values():
        for word in words:
            whole = word.startswith("=")
            folded = fold_any(word.lstrip("=").strip())
            if not folded or folded == GAP:
                continue
            body = _phrase(folded.split())
            parts.append(body + (r"(?!\w)" if whole else ""))
    if not parts:
        return None
    # longest first so that "cancelled flight" wins over "cancel" at the same position
    parts.sort(key=len, reverse=True)
    # one word-start check before the alternatives, not one per alternative: mid-word positions
    # fail at once instead of trying hundreds of keywords (3-5x faster on long lexicons)
    return re.compile(r"(?<!\w)(?:" + "|".join(parts) + ")")


def _merge(base: dict[str, Any], overrides: dict[str, Any]) -> dict[str, Any]:
    merged = copy.deepcopy(base)
    unknown = set(overrides) - set(SECTIONS)
    if unknown:
        raise ConfigError(
            f"taxonomy: unknown section(s) {', '.join(sorted(unknown))}. Use {', '.join(SECTIONS)}."
        )
    for section in SECTIONS:
        entries = overrides.get(section) or {}
        if not isinstance(entries, dict):
            raise ConfigError(f"taxonomy.{section} must be a mapping of names to entries.")
        target = merged.setdefault(section, {})
        for name, spec in entries.items():
            if spec is None or (isinstance(spec, dict) and spec.get("enabled", True) is False):
                target.pop(name, None)
                continue
            if not isinstance(spec, dict):
                raise ConfigError(f"taxonomy.{section}.{name} must be a mapping.")
            current = target.setdefault(name, {})
            for key, value in spec.items():
                if key in ("keywords", "exemplars") and not spec.get("replace"):
                    # lists extend per language, so a user adds words without losing the defaults
                    per_lang = current.setdefault(key, {})
                    for lang, items in (value or {}).items():
                        per_lang[lang] = list(per_lang.get(lang, [])) + list(items or [])
                elif key == "labels":
                    current.setdefault("labels", {}).update(value or {})
                elif key not in ("replace", "enabled"):
                    current[key] = value
    return merged


def _entry(section: str, name: str, spec: dict[str, Any]) -> Entry:
    where = f"taxonomy.{section}.{name}"
    keywords = spec.get("keywords") or {}
    exemplars = spec.get("exemplars") or {}
    for key, value in (("keywords", keywords), ("exemplars", exemplars)):
        if not isinstance(value, dict) or not all(isinstance(v, list) for v in value.values()):
            raise ConfigError(f"{where}.{key} must map a language (tr, az, en) to a list of texts.")
    labels = {str(k): str(v) for k, v in (spec.get("labels") or {}).items()}
    try:
        severity = float(spec.get("severity", 0.0))
    except (TypeError, ValueError):
        raise ConfigError(f"{where}.severity must be a number between 0 and 1.") from None
    return Entry(
        name=name,
        labels=labels or {lang: name for lang in LANGS},
        keywords={k: [str(w) for w in v] for k, v in keywords.items()},
        exemplars={k: [str(t) for t in v] for k, v in exemplars.items()},
        severity=min(max(severity, 0.0), 1.0),
        secondary=bool(spec.get("secondary", False)),
        pattern=compile_keywords(keywords),
    )


@lru_cache(maxsize=1)
def _defaults() -> dict[str, Any]:
    return yaml.safe_load(DEFAULT_PATH.read_text(encoding="utf-8"))


def load_taxonomy(overrides: dict[str, Any] | None = None) -> Taxonomy:
    """The packaged taxonomy, extended or overridden by the `taxonomy:` mapping from config."""
    if overrides is not None and not isinstance(overrides, dict):
        raise ConfigError("taxonomy must be a mapping with categories, asks and/or signals.")
    data = _merge(_defaults(), overrides or {})
    built = {
        section: {name: _entry(section, name, spec or {}) for name, spec in data[section].items()}
        for section in SECTIONS
    }
    return Taxonomy(**built)
