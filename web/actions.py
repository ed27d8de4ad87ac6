"""What the pages and the API do, once, for both: the queue, claims, outcomes with credits, the
brief of a case, and the settings in force (the file's, with the admin's edited sections).

Every case lookup goes through `visible_case`, so a brand-restricted user gets the same 404 for
another brand's case as for a case that does not exist.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from pydantic import ValidationError
from sqlalchemy import ColumnElement
from sqlmodel import Session, col

from callbrief.briefs.brief import BriefKit
from callbrief.briefs.render import render_dossier
from callbrief.foundation.errors import ConfigError
from callbrief.foundation.settings import Settings
from callbrief.storage import accounts, workspace
from callbrief.storage.cases import QueueRow, assign, queue, record_outcome
from callbrief.storage.dossier import case_mentions, load_open_case_rows
from callbrief.storage.models import Case, Outcome
from callbrief.web.auth import Hidden, Viewer

QUEUE_PAGE = 50  # the top of the queue; filters and the CSV export reach the rest


@dataclass
class QueueFilters:
    brand: str | None = None
    language: str | None = None
    category: str | None = None
    status: str | None = None
    mine: bool = False


def effective_settings(base: Settings, session: Session) -> Settings:
    """The file's settings with the newest edited version of each section laid over them."""
    overrides = workspace.config_overrides(session)
    if not overrides:
        return base
    merged = base.model_dump(mode="json")
    merged.update(overrides)
    try:
        checked = Settings.model_validate(merged)
    except ValidationError:
        return base  # a stored version no longer valid against this release: the file wins
    return base.model_copy(update={k: getattr(checked, k) for k in overrides})


def validate_section(base: Settings, section: str, data: Any) -> Any:
    """`data` for one section, checked by the settings model; a ConfigError names the problem."""
    if section not in workspace.CONFIG_SECTIONS:
        raise ConfigError(f"Unknown settings section {section!r}.")
    merged = base.model_dump(mode="json")
    merged[section] = data
    try:
        checked = Settings.model_validate(merged)
    except ValidationError as exc:
        first = exc.errors()[0]
        key = ".".join(str(p) for p in first["loc"])
        raise ConfigError(f"`{key}`: {first['msg']}.") from None
    return checked.model_dump(mode="json")[section]


def visible_case(session: Session, viewer: Viewer, case_id: int) -> Case:
    case = session.get(Case, case_id)
    if case is None or not viewer.user.sees(case.brand):
        raise Hidden()
    return case


def work_queue(
    session: Session,
    settings: Settings,
    viewer: Viewer,
    filters: QueueFilters,
    *,
    limit: int = QUEUE_PAGE,
    now: datetime | None = None,
) -> list[QueueRow]:
    """The callback queue this user may see, filtered: the CLI's own `queue`, with the brand
    limit and the filters as extra conditions in its SQL."""
    where: list[ColumnElement[bool]] = []
    if viewer.brands:
        where.append(col(Case.brand).in_(viewer.brands))
    if filters.category:
        unknown = filters.category == "unknown"
        where.append(
            col(Case.category).is_(None) | (col(Case.category) == "unknown")
            if unknown
            else col(Case.category) == filters.category
        )
    if filters.language:
        where.append(workspace.language_filter(filters.language))
    return queue(
        session,
        settings,
        brand=filters.brand,
        status=filters.status or None,
        agent=viewer.name if filters.mine else None,
        now=now,
        limit=limit,
        where=where,
    )


def claim(session: Session, viewer: Viewer, case_id: int) -> Case:
    visible_case(session, viewer, case_id)
    case = assign(session, case_id, viewer.name)
    accounts.audit(session, viewer.name, "claim", case_id=case_id)
    return case


@dataclass
class OutcomeForm:
    result: str
    note: str | None = None
    follow_up: date | None = None
    credit: float | None = None
    currency: str | None = None
    approver: str | None = None


def record(
    session: Session, settings: Settings, viewer: Viewer, case_id: int, form: OutcomeForm
) -> Outcome:
    """Record an outcome; a credit above the brand's limit needs the approver's name."""
    case = visible_case(session, viewer, case_id)
    limit = settings.offer_for(case.brand, case.category)
    credit = form.credit or 0.0
    if credit < 0:
        raise ConfigError("A credit cannot be negative.")
    currency = (form.currency or limit.currency).strip().upper()[:8]
    approver = (form.approver or "").strip() or None
    if credit > limit.max_credit and not approver:
        raise ConfigError(
            f"A credit of {credit:g} {currency} is above the limit of {limit.max_credit:g} "
            f"{limit.currency} for {case.brand}: give the approver's name ({limit.approver})."
        )
    before = case.status
    outcome = record_outcome(
        session,
        case_id,
        form.result,
        note=(form.note or "").strip() or None,
        follow_up=form.follow_up,
        agent=viewer.name,
        settings=settings,
    )
    if credit:
        workspace.record_credit(
            session,
            outcome.id,  # type: ignore[arg-type]
            case_id,
            credit,
            currency,
            limit.max_credit,
            approver,
        )
    accounts.audit(
        session,
        viewer.name,
        "outcome",
        case_id=case_id,
        details={
            "from": before,
            "to": form.result,
            "credit": credit or None,
            "currency": currency if credit else None,
            "approver": approver,
        },
    )
    return outcome


def case_brief(session: Session, kit: BriefKit, case: Case) -> str:
    """The case's brief as `callbrief briefs` writes its HTML file (the briefs package's own
    loading, dossier and rendering: the same focus post, the same words)."""
    found = load_open_case_rows(session, [case])
    if not found:
        raise Hidden()  # a case without posts has no brief
    return render_dossier(kit.build(found[0]), "html", user_dir=kit.templates_dir)


def case_posts(session: Session, case: Case) -> list[Any]:
    return case_mentions(session, case.id)  # type: ignore[arg-type]


def latest_outcomes(session: Session, case_id: int) -> list[Outcome]:
    from sqlmodel import select

    stmt = select(Outcome).where(Outcome.case_id == case_id).order_by(col(Outcome.id).desc())
    return list(session.exec(stmt).all())
