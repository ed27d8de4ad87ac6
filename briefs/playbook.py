"""The objection playbook, the cues it reads in posts and the phrases to avoid.

Packaged defaults (playbook.yaml); config adds entries and avoid-phrases.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

from callbrief.foundation.errors import ConfigError

DEFAULT_PATH = Path(__file__).with_name("playbook.yaml")
CONDITIONS = ("categories", "asks", "signals", "history", "cues")
# a cue worked out from the others, not read from words: the customer only says they are leaving
CHURN_ONLY = "churn_only"
PLACEHOLDERS = (
    "brand",
    "times",
    "contact",
    "approver",
    "quote",
    "tracking",
    "amount",
    "limit",
    "manager",
    "safety",
)
OPTIONAL_TEXTS = ("answer_over", "lookup")  # see playbook.yaml's header


@dataclass(frozen=True)
class Entry:
    """One anticipated objection with a prepared answer per language."""

    id: str
    weight: float
    when: Mapping[str, frozenset[str]]
    text: Mapping[str, Mapping[str, str]]  # language -> {"objection", "answer", ...optional}
    always: bool = False
    languages: frozenset[str] | None = None
    requires: Mapping[str, frozenset[str]] = field(default_factory=dict)
    # the brands it is written for (case-folded); None: any brand. A brand's own entry with the
    # id of a general one takes its place for that brand only ("cancel my contract" is a
    # telecom's churn, not a parcel firm's)
    brands: frozenset[str] | None = None

    def matches(self, facts: Mapping[str, set[str]]) -> int:
        """How many of this entry's conditions the case meets."""
        return sum(len(wanted & facts.get(key, set())) for key, wanted in self.when.items())

    def allowed(self, facts: Mapping[str, set[str]]) -> bool:
        """Whether the case shows everything this entry `requires`."""
        return all(wanted <= facts.get(key, set()) for key, wanted in self.requires.items())

    def for_brand(self, brand: str | None) -> bool:
        """Whether this entry may be used on a case about `brand`."""
        return self.brands is None or (brand or "").casefold() in self.brands


@dataclass(frozen=True)
class Cue:
    """Words that show one thing in a customer's own text, per language."""

    name: str
    patterns: Mapping[str, re.Pattern[str]]  # language -> any of its terms, at a word's start
    problem: bool = True  # something went wrong (a delay, a charge), not just a detail


@dataclass(frozen=True)
class Playbook:
    """The entries and avoid-phrases in force, with the version a brief records."""

    version: str
    entries: tuple[Entry, ...]
    avoid: Mapping[str, tuple[Mapping[str, str | None], ...]] = field(default_factory=dict)
    cues: Mapping[str, Cue] = field(default_factory=dict)


def _parse_entry(raw: Any, where: str, cue_names: Iterable[str]) -> Entry:
    if not isinstance(raw, Mapping) or not raw.get("id"):
        raise ConfigError(f"{where}: every playbook entry needs an `id` and a `text` mapping.")
    entry_id = str(raw["id"])
    when_raw = raw.get("when") or {}
    requires_raw = raw.get("requires") or {}
    unknown = (set(when_raw) | set(requires_raw)) - set(CONDITIONS)
    if unknown:
        raise ConfigError(
            f"{where}: playbook entry {entry_id!r} has unknown condition(s) "
            f"{', '.join(sorted(unknown))}; use {', '.join(CONDITIONS)}."
        )
    named = set(when_raw.get("cues") or []) | set(requires_raw.get("cues") or [])
    if named - set(cue_names):
        raise ConfigError(
            f"{where}: playbook entry {entry_id!r} names unknown cue(s) "
            f"{', '.join(sorted(named - set(cue_names)))}; use {', '.join(sorted(cue_names))}."
        )
    text = raw.get("text") or {}
    for lang, pair in text.items():
        if not isinstance(pair, Mapping) or not pair.get("objection") or not pair.get("answer"):
            raise ConfigError(
                f"{where}: playbook entry {entry_id!r} needs `objection` and `answer` "
                f"under text.{lang}."
            )
    if not text:
        raise ConfigError(f"{where}: playbook entry {entry_id!r} has no `text` in any language.")
    languages = raw.get("languages")
    brands = raw.get("brands")
    if brands is not None and (
        isinstance(brands, str) or not all(isinstance(b, str) and b.strip() for b in brands)
    ):
        raise ConfigError(
            f"{where}: playbook entry {entry_id!r} has `brands` {brands!r}; list brand names "
            "as in `brands:`, e.g. brands: [Kargola]."
        )
    return Entry(
        id=entry_id,
        weight=float(raw.get("weight", 5)),
        when={k: frozenset(map(str, v or [])) for k, v in when_raw.items()},
        text={
            str(k): {
                "objection": str(v["objection"]),
                "answer": str(v["answer"]),
                **{o: str(v[o]) for o in OPTIONAL_TEXTS if v.get(o)},
            }
            for k, v in text.items()
        },
        always=bool(raw.get("always", False)),
        languages=frozenset(languages) if languages else None,
        requires={k: frozenset(map(str, v or [])) for k, v in requires_raw.items()},
        brands=frozenset(b.strip().casefold() for b in brands) if brands else None,
    )


def _fold(text: str, language: str) -> str:
    if language in ("tr", "az"):  # dotted and dotless i: "KIRIK" is "kırık", "İADE" is "iade"
        text = text.replace("I", "ı").replace("İ", "i")
    return text.casefold()


def _parse_cues(raw: Mapping[str, Any]) -> dict[str, Cue]:
    cues = {}
    for name, body in raw.items():
        patterns = {}
        for lang, terms in (body.get("terms") or {}).items():
            # a term is a word's start ("gecik" for gecikti, gecikme); a symbol (₺, £) anywhere
            alternatives = [
                ("(?<!\\w)" if term[:1].isalnum() else "")
                + re.escape(_fold(term, lang)).replace("\\ ", "\\s+")
                for term in map(str, terms)
            ]
            patterns[str(lang)] = re.compile("|".join(alternatives))
        cues[str(name)] = Cue(str(name), patterns, bool(body.get("problem", True)))
    return cues


def _parse_avoid(raw: Mapping[str, Iterable[Any]]) -> dict[str, list[dict[str, str | None]]]:
    parsed: dict[str, list[dict[str, str | None]]] = {}
    for lang, items in raw.items():
        for item in items or []:
            if isinstance(item, Mapping):
                row = {"phrase": str(item["phrase"]), "instead": item.get("instead")}
            else:  # config lists plain phrases
                row = {"phrase": str(item), "instead": None}
            parsed.setdefault(str(lang), []).append(row)
    return parsed


@lru_cache(maxsize=1)
def _defaults() -> dict[str, Any]:
    return yaml.safe_load(DEFAULT_PATH.read_text(encoding="utf-8"))


def load_playbook(
    extra_entries: Sequence[Mapping[str, Any]] | None = None,
    extra_avoid: Mapping[str, Sequence[str]] | None = None,
) -> Playbook:
    """The packaged playbook, extended by config.

    A config entry with a packaged id replaces it; one that names `brands` replaces it for those
    brands only, so both are kept and `objections.choose` picks by the case's brand.
    """
    base = _defaults()
    cues = _parse_cues(base.get("cues") or {})
    names = [*cues, CHURN_ONLY]
    entries: dict[tuple[str, frozenset[str] | None], Entry] = {}
    for raw in base["entries"]:
        entry = _parse_entry(raw, str(DEFAULT_PATH), names)
        entries[entry.id, entry.brands] = entry
    for raw in extra_entries or []:
        entry = _parse_entry(raw, "config.yaml `playbook`", names)
        entries[entry.id, entry.brands] = entry
    avoid = _parse_avoid(base.get("avoid") or {})
    for lang, rows in _parse_avoid(extra_avoid or {}).items():
        known = {r["phrase"].casefold() for r in avoid.get(lang, [])}  # type: ignore[union-attr]
        avoid.setdefault(lang, []).extend(
            r
            for r in rows
            if r["phrase"].casefold() not in known  # type: ignore[union-attr]
        )
    version = str(base["version"])
    if extra_entries or extra_avoid:
        # a brief must say which playbook it used: config additions get their own fingerprint
        blob = json.dumps([extra_entries, extra_avoid], sort_keys=True, ensure_ascii=False)
        version += "+config." + hashlib.sha256(blob.encode("utf-8")).hexdigest()[:8]
    return Playbook(
        version=version,
        entries=tuple(entries.values()),
        avoid={lang: tuple(rows) for lang, rows in avoid.items()},
        cues=cues,
    )


def read_cues(
    playbook: Playbook, texts: Iterable[str], language: str, *, churn: bool, named: bool
) -> set[str]:
    """The cues the customer's own words show, in `language` (every language when it has none).

    `churn_only` is added when the customer says they are leaving (`churn`) and nothing else: no
    problem cue in their words and no tracking number or amount in the case (`named`). Such a
    post is about leaving, whatever category the classifier gave it.
    """
    texts = [t for t in texts if t]
    found = set()
    for cue in playbook.cues.values():
        langs = [language] if language in cue.patterns else list(cue.patterns)
        if any(cue.patterns[lang].search(_fold(t, lang)) for t in texts for lang in langs):
            found.add(cue.name)
    if churn and not named and not any(playbook.cues[c].problem for c in found):
        found.add(CHURN_ONLY)
    return found


def avoid_phrases(playbook: Playbook, language: str) -> list[Mapping[str, str | None]]:
    """The stock phrases to keep out of a call held in `language`."""
    return list(playbook.avoid.get(language) or playbook.avoid.get("en") or ())
