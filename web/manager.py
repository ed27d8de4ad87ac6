"""The manager's pages: the digest, the SLA board, search over mentions, spikes and gaps, CSV."""

from __future__ import annotations

import csv
import io
from datetime import date, timedelta

from fastapi import APIRouter, Request
from fastapi.responses import Response

from callbrief.briefs.digest import build_digest, render_digest
from callbrief.foundation.errors import ConfigError
from callbrief.storage import workspace
from callbrief.storage.db import session_scope
from callbrief.storage.models import utcnow
from callbrief.web import actions
from callbrief.web.agent import base_context
from callbrief.web.app import context, viewer
from callbrief.web.rendering import embed_document, page

router = APIRouter(include_in_schema=False)
BOARD_DAYS = 7
SEARCH_FIELDS = ("q", "author", "brand", "since", "until")


def parse_day(text: str | None, default: date | None = None) -> date | None:
    if not text:
        return default
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise ConfigError(f"Cannot read {text!r} as a date; use e.g. 2026-11-25.") from None


def _yesterday() -> date:
    return date.today() - timedelta(days=1)


@router.get("/digest")
def digest_page(request: Request) -> Response:
    me = viewer(request)
    me.at_least("manager")
    ctx = context(request)
    settings = ctx.settings_now()
    day = parse_day(request.query_params.get("date"), _yesterday())
    assert day is not None
    with session_scope(ctx.engine) as session:
        report = build_digest(session, settings, day)
    body, hashes = embed_document(render_digest(report, "html"))
    return page(
        "digest.html",
        {**base_context(request, me, "digest"), "digest": body, "day": day.isoformat()},
        style_hashes=hashes,
    )


@router.get("/sla")
def sla_page(request: Request) -> Response:
    me = viewer(request)
    me.at_least("manager")
    now = utcnow()
    with session_scope(context(request).engine) as session:
        cells = workspace.sla_board(session, now, now - timedelta(days=BOARD_DAYS), me.brands)
    totals = {k: sum(getattr(c, k) for c in cells) for k in ("due", "overdue", "breached", "met")}
    return page("sla.html", {**base_context(request, me, "sla"), "cells": cells, "totals": totals})


def _search(request: Request):  # type: ignore[no-untyped-def]
    me = viewer(request)
    q = request.query_params
    with session_scope(context(request).engine) as session:
        hits = workspace.search_mentions(
            session,
            q.get("q", ""),
            author=q.get("author") or None,
            brand=q.get("brand") or None,
            since=parse_day(q.get("since")),
            until=parse_day(q.get("until")),
            brands=me.brands or None,
        )
    return me, hits


@router.get("/search")
def search_page(request: Request) -> Response:
    me, hits = _search(request)
    return page(
        "search.html",
        {
            **base_context(request, me, "search"),
            "hits": hits,
            "q": {k: request.query_params.get(k, "") for k in SEARCH_FIELDS},
            "query": str(request.query_params),
        },
    )


def _cell(value: object) -> str:
    text = "" if value is None else str(value)
    # a spreadsheet runs a cell that starts like a formula: post text is never a formula
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


def csv_response(header: list[str], rows: list[list[object]], name: str) -> Response:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(header)
    writer.writerows([[_cell(v) for v in row] for row in rows])
    return Response(
        buffer.getvalue(),
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )


@router.get("/search.csv")
def search_csv(request: Request) -> Response:
    _me, hits = _search(request)
    return csv_response(
        ["mention_id", "case_id", "brand", "channel", "author", "created_at", "url", "text"],
        [
            [h.mention_id, h.case_id, h.brand, h.channel, h.handle, h.created_at, h.url, h.text]
            for h in hits
        ],
        "mentions.csv",
    )


@router.get("/queue.csv")
def queue_csv(request: Request) -> Response:
    me = viewer(request)
    ctx = context(request)
    settings = ctx.settings_now()
    q = request.query_params
    filters = actions.QueueFilters(
        brand=q.get("brand") or None,
        language=q.get("language") or None,
        category=q.get("category") or None,
        status=q.get("status") or None,
        mine=q.get("mine") in ("1", "on", "true"),
    )
    with session_scope(ctx.engine) as session:
        rows = actions.work_queue(session, settings, me, filters, limit=10_000)
    return csv_response(
        [
            "case_id",
            "brand",
            "status",
            "sla",
            "priority",
            "agent",
            "category",
            "channel",
            "customer",
            "due_at",
            "latest_text",
        ],
        [
            [
                r.case_id,
                r.brand,
                r.status,
                r.sla,
                f"{r.priority:.2f}",
                r.agent,
                r.category,
                r.channel,
                r.handle,
                r.due_at,
                r.latest_text,
            ]
            for r in rows
        ],
        "queue.csv",
    )


@router.get("/sla.csv")
def sla_csv(request: Request) -> Response:
    me = viewer(request)
    me.at_least("manager")
    now = utcnow()
    with session_scope(context(request).engine) as session:
        cells = workspace.sla_board(session, now, now - timedelta(days=BOARD_DAYS), me.brands)
    return csv_response(
        ["agent", "brand", "due", "overdue", "breached", "met"],
        [[c.agent, c.brand, c.due, c.overdue, c.breached, c.met] for c in cells],
        "sla.csv",
    )


@router.get("/signals")
def signals_page(request: Request) -> Response:
    """Spikes against the usual volume and what the scans could not cover, for one day."""
    me = viewer(request)
    me.at_least("manager")
    ctx = context(request)
    settings = ctx.settings_now()
    day = parse_day(request.query_params.get("date"), date.today())
    assert day is not None
    with session_scope(ctx.engine) as session:
        report = build_digest(session, settings, day)
    spikes = [s for s in report.spikes if not me.brands or s.brand in me.brands]
    return page(
        "signals.html",
        {
            **base_context(request, me, "signals"),
            "day": day.isoformat(),
            "spikes": spikes,
            "coverage": report.coverage,
        },
    )
