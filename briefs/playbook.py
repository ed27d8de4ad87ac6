"""The objection playbook and the phrases to avoid: packaged defaults, extended from config."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

from callbrief.foundation.errors import ConfigError

DEFAULT_PATH = Path(__file__).with_name("playbook.yaml")
CONDITIONS = ("categories", "asks", "signals", "history")
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

    def matches(self, facts: Mapping[str, set[str]]) -> int:
        """How many of this entry's conditions the case meets."""
        return sum(len(wanted & facts.get(key, set())) for key, wanted in self.when.items())


@dataclass(frozen=True)
class Playbook:
    """The entries and avoid-phrases in force, with the version a brief records."""

    version: str
    entries: tuple[Entry, ...]
    avoid: Mapping[str, tuple[Mapping[str, str | None], ...]] = field(default_factory=dict)


def _parse_entry(raw: Any, where: str) -> Entry:
    if not isinstance(raw, Mapping) or not raw.get("id"):
        raise ConfigError(f"{where}: every playbook entry needs an `id` and a `text` mapping.")
    entry_id = str(raw["id"])
    when_raw = raw.get("when") or {}
    unknown = set(when_raw) - set(CONDITIONS)
    if unknown:
        raise ConfigError(
            f"{where}: playbook entry {entry_id!r} has unknown condition(s) "
            f"{', '.join(sorted(unknown))}; use {', '.join(CONDITIONS)}."
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
    )


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
    """The packaged playbook, extended by config (an entry with a packaged id replaces it)."""
    base = _defaults()
    entries: dict[str, Entry] = {}
    for raw in base["entries"]:
        entry = _parse_entry(raw, str(DEFAULT_PATH))
        entries[entry.id] = entry
    for raw in extra_entries or []:
        entry = _parse_entry(raw, "config.yaml `playbook`")
        entries[entry.id] = entry
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
    )


def avoid_phrases(playbook: Playbook, language: str) -> list[Mapping[str, str | None]]:
    """The stock phrases to keep out of a call held in `language`."""
    return list(playbook.avoid.get(language) or playbook.avoid.get("en") or ())
