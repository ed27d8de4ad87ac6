"""A case's loaded rows -> the plain data a brief template shows: facts -> reasoning -> data.

`storage.dossier` loads everything once (`CaseRows`); the pure modules decide: `matters` (history
by matter), `authority` (limits, approval, whom to call), `objections` (chosen and filled from
the facts), `fallback` (the next channel when phoning fails), `reply` (the public reply draft),
`speech` (address forms and times read aloud). Nothing here queries or formats for display.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from callbrief.briefs import authority, fallback, matters, objections, reply, speech
from callbrief.briefs.links import canonical_url, expansions, href, segments
from callbrief.briefs.playbook import Playbook, avoid_phrases, read_cues
from callbrief.foundation import policy
from callbrief.foundation.policy import add_working_hours, aware, team_zone
from callbrief.foundation.settings import LANGUAGES, Brand, Settings
from callbrief.storage.dossier import CaseRows
from callbrief.storage.models import Analysis, Author, Mention

Labeler = Callable[[str, str, str], str]  # (section, name, language) -> display label

GRIEVANCE_SHOWN = 4
PROFILE_URLS = {"x": "https://x.com/{}", "reddit": "https://www.reddit.com/user/{}"}
HANDLE_FORMS = {"x": "@{}", "reddit": "u/{}"}
RISKS = ("safety", "legal", "churn", "manager")  # the order a red banner lists them in
TRACKING_TYPES = ("tracking_number", "order_id")


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


def brand_zone(settings: Settings, brand: Brand | None) -> ZoneInfo:
    """The brand's own time zone, else the team's."""
    if brand and brand.timezone:
        return ZoneInfo(brand.timezone)
    return team_zone(settings.cases)


class Clock:
    """Times for one brief: read aloud in the brand's zone, and minutes since or until."""

    def __init__(self, zone: ZoneInfo, now: datetime, language: str) -> None:
        self.tz = zone
        self.now = aware(now) or now
        self.language = language

    def at(self, value: datetime | None) -> str | None:
        value = aware(value)
        return value.astimezone(self.tz).strftime("%Y-%m-%d %H:%M") if value else None

    def say(self, value: datetime | None) -> str | None:
        return speech.spoken(aware(value), self.now, self.tz, self.language)

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
    titles_seen: set[str],
) -> dict[str, Any]:
    short = expansions(mention.raw)
    links = [str(u) for u in (mention.links or [])]
    url = canonical_url(mention)
    # a Reddit comment repeats its thread's title (already in the parent it answers), and a
    # submission's text starts with its own title: print each title once per brief
    title = mention.title or None
    if title and (title in titles_seen or title in (mention.parent_text or "")):
        title = None
    if mention.title:
        titles_seen.add(mention.title)
    text_segments = segments(mention.text, links, short)
    if (
        mention.title
        and text_segments
        and text_segments[0].get("text", "").startswith(mention.title)
    ):
        rest = text_segments[0]["text"][len(mention.title) :].lstrip()
        text_segments = ([{**text_segments[0], "text": rest}] if rest else []) + text_segments[1:]
    inline = {p["text"] for p in text_segments if p["kind"] == "link"}
    extra = [u for u in links if u not in inline and u not in (mention.text or "")]
    return {
        "id": mention.id,
        "platform_id": mention.platform_id,
        "channel": mention.channel,
        "handle": handles.get(mention.author_id, ""),
        "posted_at": clock.say(mention.created_at),
        "minutes_ago": clock.minutes_ago(mention.created_at),
        "url": url,
        "href": href(url),
        "title": title,
        "language": (analysis.language if analysis else None) or mention.lang,
        "segments": text_segments,
        "parent": segments(mention.parent_text, (), short),
        "quoted": segments(mention.quoted_text, (), short),
        "links": [{"text": u, "href": href(u)} for u in extra],  # those not shown in the text
        "link_count": len(inline) + len(extra),
        "is_focus": mention.id == focus_id,
        "sentiment": analysis.sentiment_label if analysis else None,
    }


def _unique(items: Iterable[str]) -> list[str]:
    return list(dict.fromkeys(i for i in items if i))


def _money_text(amount: float, currency: str) -> str:
    return (
        f"{amount:,.0f} {currency}" if float(amount).is_integer() else f"{amount:,.2f} {currency}"
    )


def build_dossier(
    rows: CaseRows,
    settings: Settings,
    *,
    playbook: Playbook,
    labels: Labeler,
    now: datetime,
) -> dict[str, Any]:
    """Everything a brief shows about one case, as plain data for the templates."""
    brand = settings.brand(rows.focus.brand)
    agent_language = settings.agent_language or (brand.language if brand else "en")
    analyses = [rows.analyses[m.id] for m in rows.mentions if m.id in rows.analyses]
    focus_analysis = rows.analyses.get(rows.focus.id) if rows.focus.id is not None else None
    latest = analyses[-1] if analyses else None
    call_language = (focus_analysis.language if focus_analysis else None) or rows.focus.lang
    if call_language not in LANGUAGES:
        call_language = agent_language
    clock = Clock(brand_zone(settings, brand), now, agent_language)
    handles = _handles(rows)

    counted = Counter(a.category for a in analyses if a.category).most_common(1)
    category = (rows.case.category if rows.case else None) or (counted[0][0] if counted else None)
    asks = _unique(ask for a in analyses for ask in a.asks)
    signals = _unique(sig for a in analyses for sig in a.signals)
    grievance = _unique(s for a in analyses for s in a.grievance)[:GRIEVANCE_SHOWN]
    titles: set[str] = set()
    posts = [
        _post(m, rows.analyses.get(m.id or -1), clock, handles, rows.focus.id, titles)
        for m in rows.mentions
    ]
    earlier_posts = [
        _post(m, rows.analyses.get(m.id or -1), clock, handles, None, titles)
        for m in rows.earlier_mentions
        if m.case_id is None  # posts of another case show under that case
    ]
    # a t.co link is named by where it goes, as the post text shows it: the agent reads the
    # address, not the shortener
    short = {
        p["short"]: p["text"]
        for post in posts
        for p in post["segments"]
        if p["kind"] == "link" and p["short"] != p["text"]
    }
    named = (
        {**e, "text": short[e["text"]]} if e.get("type") == "url" and e.get("text") in short else e
        for a in analyses
        for e in a.entities
        if isinstance(e, dict)
    )
    entities = list({(e.get("type"), e.get("text")): e for e in named}.values())
    tracking = next((e["text"] for e in entities if e.get("type") in TRACKING_TYPES), None)

    def category_label(name: str | None) -> str | None:
        return labels("categories", name, agent_language) if name and name != "other" else None

    history = matters.history(rows, clock.say, clock.now, category_label)
    this = history["this_matter"]
    history_facts = set()
    if this["times"] >= 2:
        history_facts.add("repeat_contact")
    if history["broken_promises"]:
        history_facts.add("broken_promise")
    if rows.earlier_cases:
        history_facts.add("earlier_case")

    risk = {
        "safety": "safety_risk" in signals,
        "legal": "legal_threat" in signals,
        "churn": "churn_threat" in signals or "cancel" in asks,
        "manager": "manager" in asks or "manager_request" in signals,
    }
    offer = settings.offer_for(rows.focus.brand, category)
    texts = [e["text"] for e in entities if e.get("type") == "amount"]
    texts += [m.text for m in rows.mentions]
    power = authority.decide(
        offer, brand, texts=texts, asks=asks, category=category, churn=risk["churn"]
    )
    contacts = {
        purpose: authority.contact_for(brand, purpose, fallback=offer.approver)
        for purpose in ("safety", "legal", "manager", "default")
    }
    contacts["approval"] = power.approver

    name = (
        (rows.customer.display_name if rows.customer else None)
        or rows.author.name
        or handles.get(rows.author.id or -1, rows.author.handle)
    )
    brand_said = [m.parent_text or "" for m in rows.mentions]
    greet = speech.address(name, call_language, brand_said)
    limit_text = _money_text(power.limit, power.currency) if power.limit else None
    asked = power.over or power.foreign or power.at_stake
    amount_text = asked[0].text if asked else None
    values = {
        "brand": rows.focus.brand,
        "times": speech.times(this["times"], call_language) if this["times"] >= 2 else None,
        "quote": grievance[0] if grievance else None,
        "tracking": tracking,
        "amount": amount_text,
        "limit": limit_text,
        "approver": power.approver.speaker,
        "manager": contacts["manager"].speaker,
        "safety": contacts["safety"].speaker,
        "contact": contacts["default"].speaker,
    }
    # what the customer's own words show (a delay, a weekend fee), not what their category implies
    cues = read_cues(
        playbook,
        [m.text for m in rows.mentions],
        call_language,
        churn=risk["churn"],
        named=bool(tracking or any(e.get("type") == "amount" for e in entities)),
    )
    chosen = objections.choose(
        playbook,
        {
            "categories": {category or "other"},
            "asks": set(asks),
            "signals": set(signals),
            "history": history_facts,
            "cues": cues,
        },
        language=call_language,
        agent_language=agent_language,
        values=values,
        needs_approval=power.needs_approval,
        churn_needs_approval=power.churn_needs_approval,
    )
    avoid = [dict(r) for r in avoid_phrases(playbook, call_language)]

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
    phone = rows.customer.phone if rows.customer else None
    email = rows.customer.email if rows.customer else None
    people = [_handle(a) for a in rows.authors]
    dm = [h for h in people if h["channel"] in fallback.DM_CHANNELS]
    case_id = rows.case.id if rows.case else None
    agent = rows.case.agent if rows.case else None
    switch = fallback.plan(
        settings.channel_switch,
        unreachable=this["unreachable"],
        phone=phone,
        email=email,
        dm_handles=dm,
        branch=brand.branch if brand else None,
        language=call_language,
        values={
            "name": greet,
            "brand": rows.focus.brand,
            "case": f"#{case_id}" if case_id is not None else focus_post.platform_id,
            "agent": agent or "",
        },
    )
    reply_draft = reply.draft(
        language=call_language,
        channel=focus_post.channel,
        handle=rows.author.handle if focus_post.channel == "x" else None,
        name=greet,
        category=category,
        facts={"tracking": tracking, "amount": amount_text},
        cues=cues,
        safety=risk["safety"],
        has_phone=bool(phone),
        avoid=[str(a["phrase"]) for a in avoid],
    )
    versions = _unique(sorted({a.model_version for a in analyses}))
    ask_rows = [{"name": n, "label": labels("asks", n, agent_language)} for n in asks]
    return {
        "language": agent_language,
        "call_language": call_language,
        "data": {
            "case": str(case_id) if case_id is not None else "",
            "language": agent_language,
            "category": category or "",
            "asks": ",".join(asks),
            "signals": ",".join(signals),
            "needs_approval": "true" if power.needs_approval else "false",
        },
        "meta": {
            "analysis": ", ".join(versions) if versions else "none",
            "playbook": playbook.version,
            "generated_at": clock.at(clock.now),
            "timezone": str(clock.tz),
        },
        "summary": {
            "address": greet,
            "said": grievance[0] if grievance else None,
            "asks": [a["label"] for a in ask_rows],
            "risks": [r for r in RISKS if risk[r]],
            "needs_approval": power.needs_approval,
            "over": [m.text for m in power.over],
            "foreign": [m.text for m in power.foreign],
            "limit": limit_text,
            "approver": power.approver.as_dict(),
            "open_elsewhere": len(history["open_elsewhere"]),
            "switch": switch["switch"],
        },
        "customer": {
            "name": name,
            "address": greet,
            "phone": phone,
            "email": email,
            "handles": people,
            "influence": _influence(rows.authors),
        },
        "brand": {"name": focus_post.brand},
        "case": {
            "id": case_id,
            "status": rows.case.status if rows.case else None,
            "agent": agent,
            "priority": round(priority, 2),
            "priority_level": _level(priority, 0.7, 0.4),
            "opened_at": clock.say(opened),
            "sla": {
                "state": sla_state,
                "due_at": clock.say(due),
                "minutes": sla_minutes,
                "hours": settings.cases.sla_first_callback_hours,
            },
        },
        "focus": {
            "channel": focus_post.channel,
            "platform_id": focus_post.platform_id,
            "first_posted_at": clock.say(first.created_at),
            "minutes_ago": clock.minutes_ago(first.created_at),
            "last_minutes_ago": clock.minutes_ago(rows.mentions[-1].created_at),
        },
        "posts": posts,
        "grievance": {
            "sentences": grievance,
            "category": category,
            "category_label": category_label(category),
            "sentiment": latest.sentiment_label if latest else None,
            "sentiment_score": round(latest.sentiment_score, 2) if latest else None,
            "irony": any(a.irony for a in analyses) or "irony" in signals,
            "complaint": any(a.complaint for a in analyses),
            "entities": entities,
            "analysed": bool(analyses),
        },
        "asks": {"asked": ask_rows},
        "signals": [{"name": n, "label": labels("signals", n, agent_language)} for n in signals],
        "history": {
            **history,
            "earlier_posts": earlier_posts,
            "repeat": "repeat_contact" in history_facts,
            "times_said": speech.times(this["times"], agent_language),
        },
        "objections": [vars(o) for o in chosen],
        "offer": {
            "configured": bool(settings.offers),
            "max_credit": offer.max_credit,
            "currency": offer.currency,
            "limit": limit_text,
            "may_offer": [labels("asks", n, agent_language) for n in offer.may_offer],
            "needs_approval": [labels("asks", n, agent_language) for n in offer.needs_approval],
            "approver": power.approver.as_dict(),
            "over": [m.text for m in power.over],
            "foreign": [m.text for m in power.foreign],
        },
        "avoid": avoid,
        "escalation": {
            **risk,
            "contacts": {k: c.as_dict() for k, c in contacts.items()},
        },
        "fallback": switch,
        "reply": {**reply_draft, "language": call_language},
    }


def _handles(rows: CaseRows) -> dict[int, str]:
    return {
        a.id: HANDLE_FORMS.get(a.channel, "{}").format(a.handle)
        for a in rows.authors
        if a.id is not None
    }
