"""A public reply draft for the social team: warm, about this grievance, in the customer's language.

Built from the case's facts (category, tracking number, amount, safety), kept within the
platform's length, and free of every phrase on the avoid list. It is a draft: callbrief shows it
in the brief and never posts it.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

DEFAULT_PATH = Path(__file__).with_name("reply.yaml")
LIMITS = {"x": 280, "reddit": 10_000}
DEFAULT_LIMIT = 1_000


@lru_cache(maxsize=1)
def _words() -> dict[str, Any]:
    return yaml.safe_load(DEFAULT_PATH.read_text(encoding="utf-8"))


def _pick(table: Mapping[str, str], language: str) -> str:
    return table.get(language) or table["en"]


def _capital(text: str) -> str:
    return text[:1].upper() + text[1:] if text else text


def _clean(sentence: str, avoid: Iterable[str]) -> bool:
    folded = sentence.casefold()
    return not any(a.casefold().rstrip(".!") in folded for a in avoid if a.strip())


def draft(
    *,
    language: str,
    channel: str,
    handle: str | None,
    name: str,
    category: str | None,
    facts: Mapping[str, str | None],
    safety: bool,
    has_phone: bool,
    avoid: Iterable[str],
) -> dict[str, Any]:
    """The reply draft as {text, length, limit, channel}; every sentence passes the avoid list."""
    words = _words()
    avoid = list(avoid)
    lang = language if language in words["greeting"] else "en"
    grievance = words["grievance"].get(category or "other") or words["grievance"]["other"]
    specific = None
    if "with" in grievance:
        template = _pick(grievance["with"], lang)
        slots = [s for s in ("tracking", "amount") if "{" + s + "}" in template]
        if all(facts.get(s) for s in slots):
            specific = template
            for slot in slots:
                specific = specific.replace("{" + slot + "}", str(facts[slot]))
    body = specific or _pick(grievance["plain"], lang)
    greeting = _pick(words["greeting"], lang).replace("{name}", name)
    first = _pick(words["safety"], lang) if safety else body
    action = _pick(words["action"]["phone" if has_phone else "no_phone"], lang)
    sentences = [f"{greeting} {first}"]
    if safety:
        sentences.append(_capital(body))
    sentences.append(action)
    sentences = [s for s in sentences if _clean(s, avoid)]
    prefix = f"@{handle.lstrip('@')} " if channel == "x" and handle else ""
    limit = LIMITS.get(channel, DEFAULT_LIMIT)
    text = prefix + " ".join(sentences)
    while len(text) > limit and len(sentences) > 1:  # the action and the greeting stay
        sentences.pop(-2 if len(sentences) > 2 else 0)
        text = prefix + " ".join(sentences)
    return {"text": text[:limit], "length": len(text[:limit]), "limit": limit, "channel": channel}
