"""Pick the objections a customer is likely to raise and fill the answers with the case's facts.

An entry is chosen only when one of its conditions holds for this case and everything it
`requires` does. The cues read in the customer's own words count as much as the category: a post
that only says the customer is leaving (`churn_only`) gets no entry matched by its category
alone, and one that never mentions a weekend gets no weekend-fee objection. An entry written for
some `brands` is used only on their cases, in place of the general entry with its id: a parcel
firm's customer is not told about cancelling a subscription. Its answer is filled
from the case (the quoted sentence, the tracking number, the amount, the limit, who approves);
when a slot has no fact behind it the answer is not shown and its `lookup` is: what to find out
before dialling. When the case needs approval, `answer_over` replaces the answer, so no prepared
answer promises more than the agent may give. For the churn entry that is only when the brand's
offer lists a contract release (`authority.decide`): no brief offers a release it does not list.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass

from callbrief.briefs.playbook import CHURN_ONLY, PLACEHOLDERS, Entry, Playbook

MIN_OBJECTIONS = 2
MAX_OBJECTIONS = 5
SLOT = re.compile(r"\{(" + "|".join(PLACEHOLDERS) + r")\}")
# entries whose answer changes when the case needs approval; the rest never promise money
APPROVAL_ENTRIES = {"churn": "churn"}


@dataclass(frozen=True)
class Objection:
    """A chosen entry, in the customer's language, with the agent's language alongside."""

    id: str
    objection: str
    answer: str | None  # None: a slot had no fact; `lookup` says what to find first
    language: str
    lookup: str | None = None
    gloss_objection: str | None = None  # the agent's language, when it differs
    gloss_answer: str | None = None


def fill(text: str, values: Mapping[str, str | None]) -> str | None:
    """`text` with its slots filled, or None when one of them has no value.

    Plain replacement, not str.format: playbook text comes from users and must not reach
    attributes, and values (brand names, quotes) are never re-read as slots.
    """
    missing = False

    def one(match: re.Match[str]) -> str:
        nonlocal missing
        value = values.get(match.group(1))
        if not value:
            missing = True
            return ""
        return value

    filled = SLOT.sub(one, text)
    return None if missing else filled


def _in_language(entry: Entry, language: str, fallback: str) -> tuple[str, Mapping[str, str]]:
    for lang in (language, fallback, "en"):
        if lang in entry.text:
            return lang, entry.text[lang]
    lang = next(iter(entry.text))
    return lang, entry.text[lang]


def _texts(
    pair: Mapping[str, str], values: Mapping[str, str | None], over: bool
) -> tuple[str, str | None, str | None]:
    answer_text = (pair.get("answer_over") if over else None) or pair["answer"]
    answer = fill(answer_text, values)
    lookup = None
    if answer is None:
        lookup = fill(pair.get("lookup") or "", values) or None
    return fill(pair["objection"], values) or pair["objection"], answer, lookup


def choose(
    playbook: Playbook,
    facts: Mapping[str, set[str]],
    *,
    language: str,
    agent_language: str,
    values: Mapping[str, str | None],
    needs_approval: bool,
    churn_needs_approval: bool,
) -> list[Objection]:
    """2-5 objections for a case; `facts` maps each condition name to what the case shows.

    The case's brand is its `{brand}` value.
    """
    brand = values.get("brand")
    spoken = [
        e
        for e in playbook.entries
        if e.for_brand(brand) and (e.languages is None or language in e.languages)
    ]
    own = {e.id for e in spoken if e.brands is not None}  # the brand's wording replaces these
    usable = [e for e in spoken if (e.brands is not None or e.id not in own) and e.allowed(facts)]
    candidates = usable
    if CHURN_ONLY in facts.get("cues", set()):
        # the category is the classifier's guess from the brand ("a parcel firm: delivery"); the
        # customer named no problem, so an entry needs more than the category to speak of one
        besides = {k: v for k, v in facts.items() if k != "categories"}
        candidates = [e for e in usable if e.always or e.matches(besides)]
    # "you didn't even read my post" is the failure callbrief exists to prevent: `always` entries
    # compete on weight with the matched ones instead of only filling gaps
    ranked = [(e.matches(facts), e) for e in candidates]
    ranked = [(n, e) for n, e in ranked if n > 0 or e.always]
    # weight first (safety before courtesy), then conditions met, then id for stable output
    ranked.sort(key=lambda pair: (-pair[1].weight, -pair[0], pair[1].id))
    chosen = [e for _, e in ranked[:MAX_OBJECTIONS]]
    if len(chosen) < MIN_OBJECTIONS:  # a category the playbook does not cover: use `other`'s
        spare = [e for e in usable if "other" in e.when.get("categories", ()) and e not in chosen]
        chosen.extend(
            sorted(spare, key=lambda e: (-e.weight, e.id))[: MIN_OBJECTIONS - len(chosen)]
        )
    result = []
    for entry in chosen:
        over = churn_needs_approval if entry.id in APPROVAL_ENTRIES else needs_approval
        lang, pair = _in_language(entry, language, agent_language)
        objection, answer, lookup = _texts(pair, values, over)
        if lookup and agent_language in entry.text:  # an instruction: in the agent's language
            lookup = _texts(entry.text[agent_language], values, over)[2] or lookup
        gloss_objection = gloss_answer = None
        if agent_language != lang and agent_language in entry.text:
            gloss_objection, gloss_answer, gloss_lookup = _texts(
                entry.text[agent_language], values, over
            )
            gloss_answer = gloss_answer or gloss_lookup
        result.append(
            Objection(
                id=entry.id,
                objection=objection,
                answer=answer,
                language=lang,
                lookup=lookup,
                gloss_objection=gloss_objection,
                gloss_answer=gloss_answer,
            )
        )
    return result
