"""A public reply draft for the social team: warm, about this grievance, in the customer's language.

Built from the case's facts (category, the cues in the customer's own words, tracking number,
amount, safety): it speaks of a delay only when the posts do, and of leaving when that is all
they say. Kept within the platform's length, and free of every phrase on the avoid list. It is
a draft: callbrief shows it in the brief and never posts it.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

from callbrief.briefs.playbook import CHURN_ONLY

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


def _grievance(
    words: Mapping[str, Any],
    lang: str,
    category: str | None,
    facts: Mapping[str, str | None],
    cues: Collection[str],
) -> str:
    """The sentence about what went wrong, as far as the customer's words show it."""
    if CHURN_ONLY in cues:  # the category is a guess: all they said is that they are leaving
        return _pick(words["leaving"], lang)
    other = words["grievance"]["other"]
    grievance = words["grievance"].get(category or "other") or other
    if grievance.get("cues") and not set(grievance["cues"]) & set(cues):
        if "otherwise" not in grievance:
            return _pick(other["plain"], lang)
        return _pick(grievance["otherwise"], lang)
    if "with" in grievance:
        template = _pick(grievance["with"], lang)
        slots = [s for s in ("tracking", "amount") if "{" + s + "}" in template]
        if all(facts.get(s) for s in slots):
            for slot in slots:
                template = template.replace("{" + slot + "}", str(facts[slot]))
            return template
    return _pick(grievance["plain"], lang)


def draft(
    *,
    language: str,
    channel: str,
    handle: str | None,
    name: str,
    category: str | None,
    facts: Mapping[str, str | None],
    cues: Collection[str],
    safety: bool,
    has_phone: bool,
    avoid: Iterable[str],
) -> dict[str, Any]:
    """The reply draft as {text, length, limit, channel}; every sentence passes the avoid list."""
    words = _words()
    avoid = list(avoid)
    lang = language if language in words["greeting"] else "en"
    body = _grievance(words, lang, category, facts, cues)
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
