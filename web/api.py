"""The JSON API under /api/v1: the pages' actions for integrations, with the same permissions.

Authenticate with `Authorization: Bearer <token>` (an admin issues tokens on /admin or with
`callbrief user token NAME`). The schema is at /openapi.json.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Annotated, Literal

from fastapi import APIRouter, Depends, Path, Query, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from pydantic import BaseModel, Field

from callbrief.briefs.digest import build_digest
from callbrief.storage import workspace
from callbrief.storage.cases import ACTIVE, CLOSED, QueueRow
from callbrief.storage.db import session_scope
from callbrief.storage.models import utcnow
from callbrief.web import actions
from callbrief.web.app import api_viewer, context
from callbrief.web.auth import Viewer

_bearer = HTTPBearer(auto_error=False, description="An API token issued by an admin.")


def _viewer(
    request: Request,
    _credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
) -> Viewer:
    return api_viewer(request)


router = APIRouter(prefix="/api/v1", tags=["workspace"])
Me = Annotated[Viewer, Depends(_viewer)]
CaseId = Annotated[int, Path(ge=1, le=2**62)]
NoNul = r"^[^\x00]*$"  # PostgreSQL text cannot hold NUL
Text = Annotated[str | None, Query(max_length=200, pattern=NoNul)]
Day = Annotated[date | None, Query(ge=date(2000, 1, 1), le=date(2100, 1, 1))]
Status = Literal["active", "closed", "all", *ACTIVE, *CLOSED]  # type: ignore[valid-type]
Result = Literal["reached", "unreachable", "resolved", "escalated", "follow_up"]


class CaseOut(BaseModel):
    case_id: int
    brand: str
    status: str
    sla: str
    priority: float
    agent: str | None
    category: str | None
    channel: str
    customer: str
    mentions: int
    opened_at: datetime
    due_at: datetime | None
    latest_text: str
    url: str

    @classmethod
    def of(cls, row: QueueRow) -> CaseOut:
        return cls(
            case_id=row.case_id,
            brand=row.brand,
            status=row.status,
            sla=row.sla,
            priority=row.priority,
            agent=row.agent,
            category=row.category,
            channel=row.channel,
            customer=row.handle,
            mentions=row.mentions,
            opened_at=row.opened_at,
            due_at=row.due_at,
            latest_text=row.latest_text,
            url=f"/cases/{row.case_id}",
        )


class CaseDetail(BaseModel):
    case_id: int
    brand: str
    status: str
    agent: str | None
    category: str | None
    priority: float
    due_at: datetime | None
    brief_html: str = Field(description="The same HTML as the brief file for this case.")


class OutcomeIn(BaseModel):
    result: Result
    note: str | None = Field(default=None, max_length=4000, pattern=NoNul)
    follow_up: date | None = Field(default=None, le=date(2100, 1, 1))
    credit: float | None = Field(default=None, ge=0, le=1e9)
    currency: str | None = Field(default=None, max_length=8, pattern=r"^[A-Za-z]*$")
    approver: str | None = Field(default=None, max_length=128, pattern=NoNul)


class OutcomeOut(BaseModel):
    case_id: int
    result: str
    status: str


class HitOut(BaseModel):
    mention_id: int
    case_id: int | None
    brand: str
    channel: str
    author: str
    created_at: datetime
    text: str
    url: str | None


class SlaOut(BaseModel):
    agent: str
    brand: str
    due: int
    overdue: int
    breached: int
    met: int


class DigestOut(BaseModel):
    day: date
    total_mentions: int
    by_brand: dict[str, int]
    cases: dict[str, int]
    outcomes: dict[str, int]
    spikes: list[dict[str, object]]


class MeOut(BaseModel):
    name: str
    role: str
    brands: list[str]
    language: str


@router.get("/me", response_model=MeOut)
def me(viewer: Me) -> MeOut:
    u = viewer.user
    return MeOut(name=u.name, role=u.role, brands=list(u.brands), language=u.language)


@router.get("/cases", response_model=list[CaseOut])
def list_cases(
    request: Request,
    viewer: Me,
    brand: Text = None,
    language: Literal["tr", "az", "en", "other"] | None = None,
    category: Text = None,
    status: Status | None = None,
    mine: bool = False,
    limit: Annotated[int, Query(ge=1, le=500)] = 100,
) -> list[CaseOut]:
    """The callback queue: overdue first, then by priority (the brands this user may see)."""
    ctx = context(request)
    filters = actions.QueueFilters(brand, language, category, status, mine)
    with session_scope(ctx.engine) as session:
        rows = actions.work_queue(session, ctx.settings_now(), viewer, filters, limit=limit)
    return [CaseOut.of(r) for r in rows]


@router.get("/cases/{case_id}", response_model=CaseDetail, responses={404: {}})
def get_case(request: Request, viewer: Me, case_id: CaseId) -> CaseDetail:
    ctx = context(request)
    kit = ctx.brief_kit(ctx.settings_now())
    with session_scope(ctx.engine) as session:
        case = actions.visible_case(session, viewer, case_id)
        html = actions.case_brief(session, kit, case)
    return CaseDetail(
        case_id=case_id,
        brand=case.brand,
        status=case.status,
        agent=case.agent,
        category=case.category,
        priority=case.priority,
        due_at=case.due_at,
        brief_html=html,
    )


@router.post("/cases/{case_id}/claim", response_model=OutcomeOut, responses={404: {}})
def claim_case(request: Request, viewer: Me, case_id: CaseId) -> OutcomeOut:
    with session_scope(context(request).engine) as session:
        case = actions.claim(session, viewer, case_id)
    return OutcomeOut(case_id=case_id, result="claimed", status=case.status)


@router.post("/cases/{case_id}/outcome", response_model=OutcomeOut, responses={400: {}, 404: {}})
def record_outcome(request: Request, viewer: Me, case_id: CaseId, body: OutcomeIn) -> OutcomeOut:
    """Record a callback's outcome; a credit above the limit needs `approver`."""
    ctx = context(request)
    form = actions.OutcomeForm(
        body.result, body.note, body.follow_up, body.credit, body.currency, body.approver
    )
    with session_scope(ctx.engine) as session:
        actions.record(session, ctx.settings_now(), viewer, case_id, form)
        status = actions.visible_case(session, viewer, case_id).status
    return OutcomeOut(case_id=case_id, result=body.result, status=status)


@router.get("/search", response_model=list[HitOut])
def search(
    request: Request,
    viewer: Me,
    q: Text = "",
    author: Text = None,
    brand: Text = None,
    since: Day = None,
    until: Day = None,
) -> list[HitOut]:
    """Mentions with every word of `q`, newest first (the brands this user may see)."""
    with session_scope(context(request).engine) as session:
        hits = workspace.search_mentions(
            session,
            q or "",
            author=author,
            brand=brand,
            since=since,
            until=until,
            brands=viewer.brands or None,
        )
    return [
        HitOut(
            mention_id=h.mention_id,
            case_id=h.case_id,
            brand=h.brand,
            channel=h.channel,
            author=h.handle,
            created_at=h.created_at,
            text=h.text,
            url=h.url,
        )
        for h in hits
    ]


@router.get("/sla", response_model=list[SlaOut], responses={403: {}})
def sla(request: Request, viewer: Me) -> list[SlaOut]:
    viewer.at_least("manager")
    now = utcnow()
    with session_scope(context(request).engine) as session:
        cells = workspace.sla_board(session, now, now - timedelta(days=7), viewer.brands)
    return [SlaOut(**c.__dict__) for c in cells]


@router.get("/digest", response_model=DigestOut, responses={403: {}})
def digest(
    request: Request,
    viewer: Me,
    day: Annotated[
        date | None, Query(alias="date", ge=date(2000, 1, 1), le=date(2100, 1, 1))
    ] = None,
) -> DigestOut:
    """The digest's numbers for one day (default: yesterday)."""
    viewer.at_least("manager")
    ctx = context(request)
    target = day or date.today() - timedelta(days=1)
    with session_scope(ctx.engine) as session:
        report = build_digest(session, ctx.settings_now(), target)
    return DigestOut(
        day=report.day,
        total_mentions=report.total_mentions,
        by_brand=dict(report.by_brand),
        cases=report.cases,
        outcomes=report.outcomes,
        spikes=[
            {"brand": s.brand, "category": s.category, "count": s.count, "usual": s.usual}
            for s in report.spikes
        ],
    )
