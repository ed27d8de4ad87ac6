"""Turn a case's stored rows into the plain data a brief template shows; no formatting here."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable
from datetime import datetime
from typing import Any

from callbrief.briefs.links import expansions, href, segments
from callbrief.briefs.playbook import Playbook, avoid_phrases, choose_objections
from callbrief.foundation import policy
from callbrief.foundation.policy import add_working_hours, aware, team_zone
from callbrief.foundation.settings import LANGUAGES, Settings
from callbrief.storage.dossier import CaseRows
from callbrief.storage.models import Analysis, Author, Mention, Outcome

Labeler = Callable[[str, str, str], str]  # (section, name, language) -> display label

TALKED = {"reached", "follow_up", "resolved", "escalated"}  # outcomes where the customer spoke
GRIEVANCE_SHOWN = 4
PROFILE_URLS = {"x": "https://x.com/{}", "reddit": "https://www.reddit.com/user/{}"}
HANDLE_FORMS = {"x": "@{}", "reddit": "u/{}"}
# the asks an agent is tempted to offer unasked; listing them keeps the call on what was wanted
OFFERABLE_ASKS = ("refund", "replacement", "repair", "compensation", "apology", "callback")


def plain_labeler(section: str, name: str, language: str) -> str:
    """Label a name when no taxonomy is available: the name itself, readable."""
    return name.replace("_", " ")


def taxonomy_labeler(settings: Settings) -> Labeler:
    """Labels from the NLP taxonomy (with config overrides), or plain names if it is missing."""
    try:
        from callbrief.nlp.taxonomy import load_taxonomy
    except ImportError:  # the briefs still render, with raw names, on a partial install
        return plain_labeler
    return load_taxonomy(settings.taxonomy).label


class Clock:
    """Formats times for one team: local wall time, and minutes since or until."""

    def __init__(self, settings: Settings, now: datetime) -> None:
        self.tz = team_zone(settings.cases)
        self.now = aware(now) or now

    def at(self, value: datetime | None) -> str | None:
        value = aware(value)
        return value.astimezone(self.tz).strftime("%Y-%m-%d %H:%M") if value else None

    def minutes_ago(self, value: datetime | None) -> int | None:
        value = aware(value)
        return max(0, int((self.now - value).total_seconds() // 60)) if value else None


def _level(value: float, high: float, medium: float) -> str:
    return "high" if value >= high else "medium" if value >= medium else "low"


def _handle(author: Author) -> dict[str, Any]:
    form = HANDLE_FORMS.get(author.channel, "{}")
    url = PROFILE_URLS.get(author.channel)
    return {
        "channel": author.channel,
        "handle": form.format(author.handle),
        "name": author.name,
        "href": href(url.format(author.handle)) if url else None,
        "followers": author.followers,
        "karma": author.karma,
        "verified": bool(author.verified),
    }


def _influence(authors: list[Author]) -> dict[str, Any]:
    followers = max((a.followers or 0 for a in authors), default=0)
    karma = max((a.karma or 0 for a in authors), default=0)
    verified = any(a.verified for a in authors)
    level = "high" if verified else _level(max(followers, karma / 5), 10_000, 1_000)
    return {"level": level, "followers": followers, "karma": karma, "verified": verified}


def _post(
    mention: Mention,
    analysis: Analysis | None,
    clock: Clock,
    handles: dict[int, str],
    focus_id: int | None,
) -> dict[str, Any]:
    short = expansions(mention.raw)
    links = [str(u) for u in (mention.links or [])]
    return {
        "id": mention.id,
        "platform_id": mention.platform_id,
        "channel": mention.channel,
        "handle": handles.get(mention.author_id, ""),
        "posted_at": clock.at(mention.created_at),
        "minutes_ago": clock.minutes_ago(mention.created_at),
        "url": mention.url,
        "href": href(mention.url),
        "title": mention.title,
        "language": (analysis.language if analysis else None) or mention.lang,
        "segments": segments(mention.text, links, short),
        "parent": segments(mention.parent_text, (), short),
        "quoted": segments(mention.quoted_text, (), short),
        "links": [{"text": u, "href": href(u)} for u in links],
        "is_focus": mention.id == focus_id,
        "sentiment": analysis.sentiment_label if analysis else None,
    }


def _broken(outcome: Outcome, later: list[Outcome], now: datetime) -> bool:
    # a promise is broken when its follow-up time passed and nobody recorded anything after it
    due = aware(outcome.follow_up_at)
    if not outcome.promise or due is None or due >= now:
        return False
    made = aware(outcome.created_at)
    return not any((aware(o.created_at) or made) > made for o in later if o is not outcome)  # type: ignore[operator]


def _outcome(outcome: Outcome, siblings: list[Outcome], clock: Clock) -> dict[str, Any]:
    return {
        "at": clock.at(outcome.created_at),
        "result": outcome.result,
        "agent": outcome.agent,
        "note": outcome.note,
        "promise": outcome.promise,
        "follow_up_at": clock.at(outcome.follow_up_at),
        "broken": _broken(outcome, siblings, clock.now),
    }


def _unique(items: Iterable[str]) -> list[str]:
    return list(dict.fromkeys(i for i in items if i))


def build_dossier(
    rows: CaseRows,
    settings: Settings,
    *,
    playbook: Playbook,
    labels: Labeler,
    now: datetime,
) -> dict[str, Any]:
    """Everything a brief shows about one case, as plain data for the templates."""
    clock = Clock(settings, now)
    brand = settings.brand(rows.focus.brand)
    agent_language = settings.agent_language or (brand.language if brand else "en")
    analyses = [rows.analyses[m.id] for m in rows.mentions if m.id in rows.analyses]
    focus_analysis = rows.analyses.get(rows.focus.id) if rows.focus.id is not None else None
    latest = analyses[-1] if analyses else None
    call_language = (focus_analysis.language if focus_analysis else None) or rows.focus.lang
    if call_language not in LANGUAGES:
        call_language = agent_language
    handles = _handles(rows)

    counted = Counter(a.category for a in analyses if a.category).most_common(1)
    category = (rows.case.category if rows.case else None) or (counted[0][0] if counted else None)
    asks = _unique(ask for a in analyses for ask in a.asks)
    signals = _unique(sig for a in analyses for sig in a.signals)
    grievance = _unique(s for a in analyses for s in a.grievance)[:GRIEVANCE_SHOWN]
    entities = list(
        {
            (e.get("type"), e.get("text")): e
            for a in analyses
            for e in a.entities
            if isinstance(e, dict)
        }.values()
    )

    case_id = rows.case.id if rows.case else None
    history = _history(rows, clock, labels, agent_language)
    broken = history["broken_promises"]
    times_explained = history["times_explained"]

    history_facts = set()
    if times_explained >= 2:
        history_facts.add("repeat_contact")
    if broken:
        history_facts.add("broken_promise")
    if rows.earlier_cases:
        history_facts.add("earlier_case")
    offer = settings.offer_for(rows.focus.brand, category)
    contact = (brand.escalation_contact if brand else None) or offer.approver
    objections = choose_objections(
        playbook,
        {
            "categories": {category or "other"},
            "asks": set(asks),
            "signals": set(signals),
            "history": history_facts,
        },
        language=call_language,
        agent_language=agent_language,
        values={
            "brand": rows.focus.brand,
            "times": str(times_explained),
            "contact": contact,
            "approver": offer.approver,
        },
    )

    priority = rows.case.priority if rows.case else max((a.priority for a in analyses), default=0.0)
    opened = aware(rows.case.opened_at) if rows.case else aware(rows.mentions[0].created_at)
    # a post without a case yet gets the due time its case would get: working hours, one clock
    due = (
        aware(rows.case.due_at)
        if rows.case and rows.case.due_at
        else add_working_hours(opened, settings.cases.sla_first_callback_hours, settings.cases)
    )
    first_contact = aware(rows.case.first_contact_at) if rows.case else None
    sla_state = policy.sla_state(
        due, first_contact, rows.case.status if rows.case else "open", clock.now
    )
    sla_minutes = int(abs((clock.now - due).total_seconds()) // 60) if due else None

    focus_post = rows.focus
    first = rows.mentions[0]
    name = (
        (rows.customer.display_name if rows.customer else None)
        or rows.author.name
        or handles.get(rows.author.id or -1, rows.author.handle)
    )
    versions = _unique(sorted({a.model_version for a in analyses}))
    return {
        "language": agent_language,
        "call_language": call_language,
        "meta": {
            "analysis": ", ".join(versions) if versions else "none",
            "playbook": playbook.version,
            "generated_at": clock.at(clock.now),
            "timezone": str(clock.tz),
        },
        "customer": {
            "name": name,
            "phone": rows.customer.phone if rows.customer else None,
            "email": rows.customer.email if rows.customer else None,
            "handles": [_handle(a) for a in rows.authors],
            "influence": _influence(rows.authors),
        },
        "brand": {"name": focus_post.brand, "escalation_contact": contact},
        "case": {
            "id": case_id,
            "status": rows.case.status if rows.case else None,
            "agent": rows.case.agent if rows.case else None,
            "priority": round(priority, 2),
            "priority_level": _level(priority, 0.7, 0.4),
            "opened_at": clock.at(opened),
            "sla": {
                "state": sla_state,
                "due_at": clock.at(due),
                "minutes": sla_minutes,
                "hours": settings.cases.sla_first_callback_hours,
            },
        },
        "focus": {
            "channel": focus_post.channel,
            "platform_id": focus_post.platform_id,
            "first_posted_at": clock.at(first.created_at),
            "minutes_ago": clock.minutes_ago(first.created_at),
            "last_minutes_ago": clock.minutes_ago(rows.mentions[-1].created_at),
        },
        "posts": [
            _post(m, rows.analyses.get(m.id or -1), clock, handles, focus_post.id)
            for m in rows.mentions
        ],
        "grievance": {
            "sentences": grievance,
            "category": category,
            "category_label": labels("categories", category, agent_language) if category else None,
            "sentiment": latest.sentiment_label if latest else None,
            "sentiment_score": round(latest.sentiment_score, 2) if latest else None,
            "irony": any(a.irony for a in analyses) or "irony" in signals,
            "complaint": any(a.complaint for a in analyses),
            "entities": entities,
            "analysed": bool(analyses),
        },
        "asks": {
            "asked": [{"name": n, "label": labels("asks", n, agent_language)} for n in asks],
            "not_asked": [
                {"name": n, "label": labels("asks", n, agent_language)}
                for n in OFFERABLE_ASKS
                if n not in asks
            ],
        },
        "signals": [{"name": n, "label": labels("signals", n, agent_language)} for n in signals],
        "history": {
            **history,
            "repeat": "repeat_contact" in history_facts or "repeat_contact" in signals,
        },
        "objections": [vars(o) for o in objections],
        "offer": {
            "configured": bool(settings.offers),
            "max_credit": offer.max_credit,
            "currency": offer.currency,
            "may_offer": [labels("asks", n, agent_language) for n in offer.may_offer],
            "needs_approval": [labels("asks", n, agent_language) for n in offer.needs_approval],
            "approver": offer.approver,
        },
        "avoid": [dict(r) for r in avoid_phrases(playbook, call_language)],
        "escalation": {
            "manager": "manager" in asks or "manager_request" in signals,
            "legal": "legal_threat" in signals,
            "safety": "safety_risk" in signals,
            "churn": "churn_threat" in signals or "cancel" in asks,
            "contact": contact,
            "approver": offer.approver,
        },
    }


def _history(rows: CaseRows, clock: Clock, labels: Labeler, language: str) -> dict[str, Any]:
    """Earlier posts, cases and callbacks of this person, and how often they had to explain."""
    case_id = rows.case.id if rows.case else None
    outcomes_here = rows.outcomes.get(case_id, []) if case_id is not None else []
    cases: list[dict[str, Any]] = []
    outcomes: list[dict[str, Any]] = []
    for case in rows.earlier_cases:
        done = rows.outcomes.get(case.id or -1, [])
        shown = [_outcome(o, done, clock) for o in done]
        outcomes.extend(shown)
        category = labels("categories", case.category, language) if case.category else None
        cases.append(
            {
                "id": case.id,
                "status": case.status,
                "category": category,
                "opened_at": clock.at(case.opened_at),
                "outcomes": shown,
            }
        )
    this_case = [_outcome(o, outcomes_here, clock) for o in outcomes_here]
    outcomes.extend(this_case)
    calls = sum(1 for o in outcomes if o["result"] in TALKED)
    posts = len(rows.mentions) + len(rows.earlier_mentions)
    return {
        "mentions": [
            _post(m, rows.analyses.get(m.id or -1), clock, _handles(rows), None)
            for m in rows.earlier_mentions
        ],
        "cases": cases,
        "this_case_outcomes": this_case,
        "times_explained": posts + calls,
        "posts": posts,
        "calls": calls,
        "channels": _unique(m.channel for m in [*rows.earlier_mentions, *rows.mentions]),
        "broken_promises": [o for o in outcomes if o["broken"]],
    }


def _handles(rows: CaseRows) -> dict[int, str]:
    return {
        a.id: HANDLE_FORMS.get(a.channel, "{}").format(a.handle)
        for a in rows.authors
        if a.id is not None
    }
