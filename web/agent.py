"""The agent's pages: the live queue, the brief of a case, claiming it, recording the outcome."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from urllib.parse import quote, urlencode

from fastapi import APIRouter, Form, Request
from fastapi.responses import RedirectResponse, Response

from callbrief.briefs.dossier import Labeler
from callbrief.foundation.errors import CallbriefError, ConfigError
from callbrief.storage import accounts
from callbrief.storage.cases import ACTIVE, CLOSED, RESULTS
from callbrief.storage.db import session_scope
from callbrief.web import actions
from callbrief.web.app import context, viewer
from callbrief.web.auth import Viewer, check_csrf
from callbrief.web.rendering import embed_document, labels, page

router = APIRouter(include_in_schema=False)


def base_context(request: Request, me: Viewer, active: str) -> dict:
    """What every page needs: the user, their words, the team's time zone for times shown."""
    zone = context(request).settings.cases.timezone
    return {"t": labels(me.user.language), "me": me, "active": active, "zone": zone}


def _filters(request: Request) -> actions.QueueFilters:
    q = request.query_params
    return actions.QueueFilters(
        brand=q.get("brand") or None,
        language=q.get("language") or None,
        category=q.get("category") or None,
        status=q.get("status") or None,
        mine=q.get("mine") in ("1", "on", "true"),
    )


def _queue_context(request: Request, me: Viewer) -> dict:
    ctx = context(request)
    settings = ctx.settings_now()
    filters = _filters(request)
    with session_scope(ctx.engine) as session:
        rows = actions.work_queue(session, settings, me, filters)
    brands = me.brands or [b.name for b in settings.brands]
    return {
        **base_context(request, me, "queue"),
        "rows": rows,
        "filters": filters,
        "brands": brands,
        "statuses": ("active", *ACTIVE, *CLOSED, "all"),
        "categories": sorted({r.category for r in rows if r.category} | set(_categories(settings))),
        "query": urlencode({k: v for k, v in request.query_params.items() if v}),
        "category_label": _category_label(ctx.brief_kit(settings).labels, me.user.language),
    }


def _category_label(labeler: Labeler, language: str) -> Callable[[str], str]:
    """The category's name in the agent's language."""
    return lambda name: labeler("categories", name, language)


def _categories(settings) -> list[str]:  # type: ignore[no-untyped-def]
    return sorted({c for per_brand in settings.offers.values() for c in per_brand} - {"default"})


@router.get("/queue")
def queue_page(request: Request) -> Response:
    me = viewer(request)
    return page("queue.html", _queue_context(request, me))


@router.get("/queue/rows")
def queue_rows(request: Request) -> Response:
    """The queue's rows alone: what the live feed swaps in."""
    me = viewer(request)
    return page("_queue_rows.html", _queue_context(request, me))


@router.get("/cases/{case_id}")
def case_page(request: Request, case_id: int) -> Response:
    me = viewer(request)
    return _case_response(request, me, case_id)


def _case_response(
    request: Request,
    me: Viewer,
    case_id: int,
    *,
    error: str | None = None,
    status: int = 200,
    form: dict | None = None,
) -> Response:
    ctx = context(request)
    settings = ctx.settings_now()
    with session_scope(ctx.engine) as session:
        case = actions.visible_case(session, me, case_id)
        html = actions.case_brief(session, ctx.brief_kit(settings), case)
        posts = actions.case_posts(session, case)
        history = accounts.audit_trail(session, case_id=case_id, limit=20)
    brief, hashes = embed_document(html)
    limit = settings.offer_for(case.brand, case.category)
    focus = posts[0]
    return page(
        "case.html",
        {
            **base_context(request, me, "queue"),
            "case": case,
            "brief": brief,
            "limit": limit,
            "results": RESULTS,
            "error": error,
            "form": form or {},
            "channels": _channel_actions(focus),
            "history": history,
            "today": date.today().isoformat(),
        },
        status_code=status,
        style_hashes=hashes,
    )


def _channel_actions(focus) -> list[tuple[str, str]]:  # type: ignore[no-untyped-def]
    """Where the agent can answer: the post itself, and a reply to it on its channel (the
    brief's reply draft, copied with its button, goes in there)."""
    found = []
    if focus.url and focus.url.startswith(("https://", "http://")):
        found.append(("open_post", focus.url))
    if focus.channel == "x":
        found.append(
            (
                "reply_on",
                "https://x.com/intent/post?in_reply_to=" + quote(focus.platform_id),
            )
        )
    return found


@router.post("/cases/{case_id}/claim")
def claim(
    request: Request,
    case_id: int,
    csrf_token: str = Form(""),
    next_page: str = Form("", alias="next"),
) -> Response:
    me = viewer(request)
    check_csrf(me.csrf_token, csrf_token)
    with session_scope(context(request).engine) as session:
        actions.claim(session, me, case_id)
    # back where the claim was made (the queue), never to another site
    local = next_page.startswith("/") and not next_page.startswith("//")
    return RedirectResponse(next_page if local else f"/cases/{case_id}", 303)


def _amount(text: str) -> float | None:
    text = text.strip().replace(",", ".")
    if not text:
        return None
    try:
        return float(text)
    except ValueError:
        raise ConfigError(f"Credit {text!r} is not a number; write e.g. 150 or 49.90.") from None


def _day(text: str) -> date | None:
    if not text.strip():
        return None
    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        raise ConfigError(f"Cannot read {text!r} as a date; use e.g. 2026-11-25.") from None


@router.post("/cases/{case_id}/outcome")
def outcome(
    request: Request,
    case_id: int,
    result: str = Form(""),
    note: str = Form(""),
    follow_up: str = Form(""),
    credit: str = Form(""),
    currency: str = Form(""),
    approver: str = Form(""),
    csrf_token: str = Form(""),
) -> Response:
    me = viewer(request)
    check_csrf(me.csrf_token, csrf_token)
    ctx = context(request)
    settings = ctx.settings_now()
    entered = {
        "result": result,
        "note": note,
        "follow_up": follow_up,
        "credit": credit,
        "currency": currency,
        "approver": approver,
    }
    try:
        form = actions.OutcomeForm(
            result=result,
            note=note,
            follow_up=_day(follow_up),
            credit=_amount(credit),
            currency=currency or None,
            approver=approver or None,
        )
        with session_scope(ctx.engine) as session:
            actions.record(session, settings, me, case_id, form)
    except ConfigError as exc:
        return _case_response(request, me, case_id, error=str(exc), status=400, form=entered)
    except CallbriefError:
        raise
    return RedirectResponse("/queue", status_code=303)


@router.post("/preferences")
def preferences(request: Request, language: str = Form(""), csrf_token: str = Form("")) -> Response:
    me = viewer(request)
    check_csrf(me.csrf_token, csrf_token)
    with session_scope(context(request).engine) as session:
        accounts.update_user(session, me.name, language=language)
    back = request.headers.get("referer") or "/queue"
    path = "/" + back.split("://", 1)[-1].split("/", 1)[-1] if "://" in back else "/queue"
    return RedirectResponse(path, status_code=303)
