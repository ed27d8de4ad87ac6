"""The admin's pages: users and API tokens; brands, offer limits and playbook entries edited as
YAML, validated by the settings model and stored in the database as versions."""

from __future__ import annotations

import yaml
from fastapi import APIRouter, Form, Request
from fastapi.responses import RedirectResponse, Response

from callbrief.foundation.errors import ConfigError
from callbrief.storage import accounts, workspace
from callbrief.storage.db import session_scope
from callbrief.web import actions
from callbrief.web.agent import base_context
from callbrief.web.app import context, viewer
from callbrief.web.auth import Viewer, check_csrf
from callbrief.web.rendering import page

router = APIRouter(include_in_schema=False)


def _admin(request: Request) -> Viewer:
    me = viewer(request)
    me.at_least("admin")
    return me


def _admin_page(
    request: Request,
    me: Viewer,
    *,
    message: str | None = None,
    error: str | None = None,
    drafts: dict[str, str] | None = None,
    status: int = 200,
) -> Response:
    ctx = context(request)
    settings = ctx.settings_now()
    with session_scope(ctx.engine) as session:
        users = accounts.list_users(session)
        history = workspace.config_history(session)
    sections = {}
    for section in workspace.CONFIG_SECTIONS:
        current = _dump(settings, section)
        shown = (
            "" if current is None else yaml.safe_dump(current, allow_unicode=True, sort_keys=False)
        )
        sections[section] = (drafts or {}).get(section) or shown
    return page(
        "admin.html",
        {
            **base_context(request, me, "admin"),
            "users": users,
            "sections": sections,
            "history": history,
            "message": message,
            "error": error,
            "roles": accounts.ROLES,
        },
        status_code=status,
    )


def _dump(settings, section: str):  # type: ignore[no-untyped-def]
    return settings.model_dump(mode="json")[section]


@router.get("/admin")
def admin_page(request: Request) -> Response:
    return _admin_page(request, _admin(request))


@router.post("/admin/users")
def add_user(
    request: Request,
    name: str = Form(""),
    password: str = Form(""),
    role: str = Form("agent"),
    brands: str = Form(""),
    language: str = Form("en"),
    csrf_token: str = Form(""),
) -> Response:
    me = _admin(request)
    check_csrf(me.csrf_token, csrf_token)
    try:
        with session_scope(context(request).engine) as session:
            user = accounts.add_user(
                session,
                name,
                password,
                role=role,
                brands=[b.strip() for b in brands.split(",")],
                language=language,
            )
            accounts.audit(session, me.name, "user_add", details={"user": user.name, "role": role})
    except ConfigError as exc:
        return _admin_page(request, me, error=str(exc), status=400)
    return RedirectResponse("/admin", status_code=303)


@router.post("/admin/users/{name}/disable")
def disable_user(request: Request, name: str, csrf_token: str = Form("")) -> Response:
    me = _admin(request)
    check_csrf(me.csrf_token, csrf_token)
    with session_scope(context(request).engine) as session:
        accounts.disable_user(session, name)
        accounts.audit(session, me.name, "user_disable", details={"user": name})
    return RedirectResponse("/admin", status_code=303)


@router.post("/admin/users/{name}/token")
def new_token(
    request: Request, name: str, label: str = Form("integration"), csrf_token: str = Form("")
) -> Response:
    me = _admin(request)
    check_csrf(me.csrf_token, csrf_token)
    with session_scope(context(request).engine) as session:
        user = accounts.get_user(session, name)
        token = accounts.issue_token(session, user, label or "integration")
        accounts.audit(session, me.name, "token", details={"user": user.name, "label": label})
    t = base_context(request, me, "admin")["t"]
    return _admin_page(request, me, message=t["token_once"].format(name=name, token=token))


@router.post("/admin/config/{section}")
def save_section(
    request: Request, section: str, data: str = Form(""), csrf_token: str = Form("")
) -> Response:
    me = _admin(request)
    check_csrf(me.csrf_token, csrf_token)
    ctx = context(request)
    try:
        try:
            parsed = yaml.safe_load(data) if data.strip() else None
        except yaml.YAMLError as exc:
            raise ConfigError(f"{section}: not valid YAML: {exc}") from None
        checked = actions.validate_section(ctx.settings, section, parsed)
        with session_scope(ctx.engine) as session:
            row = workspace.save_config(session, section, checked, me.name)
            accounts.audit(
                session, me.name, "config", details={"section": section, "version": row.version}
            )
    except ConfigError as exc:
        return _admin_page(
            request, me, error=f"{section}: {exc}", drafts={section: data}, status=400
        )
    return RedirectResponse("/admin", status_code=303)
