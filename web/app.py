"""The workspace application: security headers, login, the live queue feed, and the page routers.

`create_app` takes the settings and engine the CLI built; nothing here reads the environment.
Pages answer an anonymous visitor with a redirect to /login, the API with 401; a brand-restricted
user gets 404 for another brand's case everywhere.
"""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import secrets
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from typing import Any

import anyio
from fastapi import FastAPI, Form, Request
from fastapi.responses import JSONResponse, RedirectResponse, Response, StreamingResponse
from fastapi.staticfiles import StaticFiles
from sqlalchemy.engine import Engine

from callbrief.briefs.brief import BriefKit
from callbrief.foundation.errors import CallbriefError
from callbrief.foundation.settings import Settings
from callbrief.storage import accounts, workspace
from callbrief.storage.db import session_scope
from callbrief.storage.models import utcnow
from callbrief.web.auth import (
    LOGIN_COOKIE,
    SESSION_COOKIE,
    CsrfFailed,
    Forbidden,
    Hidden,
    LoginRequired,
    Signer,
    Viewer,
    bearer_viewer,
    check_csrf,
    is_https,
    new_login_token,
    session_viewer,
)
from callbrief.web.rendering import STATIC, csp, labels, page

HEARTBEAT_S = 15.0


class QueueFeed:
    """One poller per process for every live queue: it reads the cases' change signature (so a
    case opened by the scheduler or claimed in another process shows too) and wakes the clients.
    """

    def __init__(self, engine: Engine, interval_s: float) -> None:
        self.engine = engine
        self.interval_s = interval_s
        self.version = 0
        self._signature: tuple[str, int] | None = None
        # replaced by a fresh event on every change; waiters hold the one they started with
        self._changed = asyncio.Event()
        self._task: asyncio.Task[None] | None = None

    @property
    def ready(self) -> bool:
        """Whether the poller has read the first signature (changes from now on are seen)."""
        return self._signature is not None

    def _read(self) -> tuple[str, int]:
        with session_scope(self.engine) as session:
            return workspace.queue_signature(session)

    async def _poll(self) -> None:
        while True:
            signature = await anyio.to_thread.run_sync(self._read)
            if signature != self._signature:
                first = self._signature is None
                self._signature = signature
                if not first:
                    self.version += 1
                    changed, self._changed = self._changed, asyncio.Event()
                    changed.set()
            await asyncio.sleep(self.interval_s)

    def start(self) -> None:
        if self._task is None or self._task.done():
            self._task = asyncio.get_running_loop().create_task(self._poll())

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await self._task

    async def wait(self, seen: int, timeout: float) -> int:
        """The version after `seen`, or `seen` again when nothing changed within `timeout`."""
        if self.version != seen:
            return self.version
        # an Event, not a Condition: a client that disconnects mid-wait cancels cleanly
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self._changed.wait(), timeout)
        return self.version


@dataclass
class Context:
    """What every request handler shares."""

    settings: Settings
    engine: Engine
    signer: Signer
    trust_proxy: bool = False
    feed: QueueFeed | None = None
    extra: dict[str, Any] = field(default_factory=dict)
    # the kit of the settings last asked for, with their JSON as the key: an admin's edit
    # changes the JSON, so the next request builds a fresh kit
    _kit: tuple[str, BriefKit] | None = field(default=None, init=False, repr=False)

    def settings_now(self) -> Settings:
        """The file's settings with the admin's edited sections (read per request)."""
        from callbrief.web.actions import effective_settings

        with session_scope(self.engine) as session:
            return effective_settings(self.settings, session)

    def brief_kit(self, settings: Settings) -> BriefKit:
        """The playbook and taxonomy for these settings, loaded once per config, on this
        request's clock."""
        key = settings.model_dump_json()
        cached = self._kit
        if cached is None or cached[0] != key:
            cached = self._kit = (key, BriefKit.load(settings))
        return dataclasses.replace(cached[1], settings=settings, now=utcnow())


def context(request: Request) -> Context:
    return request.app.state.ctx  # type: ignore[no-any-return]


def viewer(request: Request) -> Viewer:
    """The logged-in user of a page request (a session cookie)."""
    ctx = context(request)
    found = session_viewer(request, ctx.engine, ctx.signer)
    if found is None:
        raise LoginRequired()
    return found


def api_viewer(request: Request) -> Viewer:
    """The user behind an API request: a bearer token, or a browser session for reads only
    (a POST on a cookie alone would be a cross-site request forgery waiting to happen)."""
    ctx = context(request)
    found = bearer_viewer(request, ctx.engine)
    if found is None and request.method in ("GET", "HEAD"):
        found = session_viewer(request, ctx.engine, ctx.signer)
    if found is None:
        raise LoginRequired()
    return found


class SecurityHeaders:
    """Adds the security headers to every response, streamed ones included (pure ASGI)."""

    HEADERS = {
        "x-content-type-options": "nosniff",
        "referrer-policy": "same-origin",
        "x-frame-options": "DENY",
        "cross-origin-opener-policy": "same-origin",
        "permissions-policy": "camera=(), microphone=(), geolocation=()",
    }

    def __init__(self, app: Any, trust_proxy: bool) -> None:
        self.app = app
        self.trust_proxy = trust_proxy

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        https = scope.get("scheme") == "https"
        if self.trust_proxy and not https:
            for key, value in scope.get("headers", []):
                if key == b"x-forwarded-proto":
                    https = value.decode("latin-1").split(",")[0].strip() == "https"

        async def send_with_headers(message: Any) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                present = {k.lower() for k, _ in headers}
                if b"content-security-policy" not in present:
                    headers.append((b"content-security-policy", csp().encode()))
                for key, value in self.HEADERS.items():
                    if key.encode() not in present:
                        headers.append((key.encode(), value.encode()))
                if https:
                    headers.append((b"strict-transport-security", b"max-age=31536000"))
                message["headers"] = headers
            await send(message)

        await self.app(scope, receive, send_with_headers)


def create_app(
    settings: Settings,
    engine: Engine,
    *,
    secret_key: str | None = None,
    trust_proxy: bool = False,
    poll_interval_s: float = 1.0,
) -> FastAPI:
    """The workspace as an ASGI app over an open (migrated) database."""
    feed = QueueFeed(engine, poll_interval_s)

    @contextlib.asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        yield
        await feed.stop()

    app = FastAPI(
        title="callbrief",
        summary="Callback queue, briefs and outcomes for customer-care teams.",
        version="1",
        docs_url=None,
        redoc_url=None,
        lifespan=lifespan,
    )
    app.state.ctx = Context(
        settings=settings,
        engine=engine,
        # without a configured secret, sessions last as long as the process
        signer=Signer(secret_key or secrets.token_urlsafe(32)),
        trust_proxy=trust_proxy,
        feed=feed,
    )
    app.mount("/static", StaticFiles(directory=str(STATIC)), name="static")
    _add_error_handlers(app)
    _add_login_routes(app)

    from callbrief.web import admin, agent, api, manager

    app.include_router(agent.router)
    app.include_router(manager.router)
    app.include_router(admin.router)
    app.include_router(api.router)
    app.add_middleware(SecurityHeaders, trust_proxy=trust_proxy)
    return app


def _wants_json(request: Request) -> bool:
    return request.url.path.startswith("/api/")


def _error_page(request: Request, status: int, message: str) -> Response:
    if _wants_json(request):
        return JSONResponse({"detail": message}, status_code=status)
    language = "en"
    with contextlib.suppress(Exception):
        found = session_viewer(request, context(request).engine, context(request).signer)
        language = found.user.language if found else "en"
    return page(
        "error.html",
        {"t": labels(language), "me": None, "status": status, "message": message},
        status_code=status,
    )


def _add_error_handlers(app: FastAPI) -> None:
    @app.exception_handler(LoginRequired)
    async def login_required(request: Request, _exc: LoginRequired) -> Response:
        if _wants_json(request):
            return JSONResponse(
                {"detail": "Send a bearer token: Authorization: Bearer <token>."},
                status_code=401,
                headers={"WWW-Authenticate": "Bearer"},
            )
        return RedirectResponse("/login", status_code=303)

    @app.exception_handler(Forbidden)
    async def forbidden(request: Request, exc: Forbidden) -> Response:
        return _error_page(request, 403, f"This needs the {exc.args[0]} role.")

    @app.exception_handler(CsrfFailed)
    async def csrf_failed(request: Request, _exc: CsrfFailed) -> Response:
        return _error_page(
            request, 403, "The form's security token is missing or stale. Reload and try again."
        )

    @app.exception_handler(Hidden)
    async def hidden(request: Request, _exc: Hidden) -> Response:
        return _error_page(request, 404, "Not found.")

    @app.exception_handler(CallbriefError)
    async def our_error(request: Request, exc: CallbriefError) -> Response:
        return _error_page(request, 400, str(exc))


def _login_page(
    request: Request, *, error: str | None = None, status: int = 200, totp: bool = False
) -> Response:
    ctx = context(request)
    token = new_login_token()
    response = page(
        "login.html",
        {
            "t": labels(browser_language(request)),
            "me": None,
            "csrf_token": token,
            "error": error,
            "totp": totp,
        },
        status_code=status,
    )
    response.set_cookie(
        LOGIN_COOKIE,
        ctx.signer.dumps(token),
        max_age=3600,
        httponly=True,
        samesite="strict",
        secure=is_https(request, ctx.trust_proxy),
    )
    return response


def browser_language(request: Request) -> str:
    """tr, az or en from the browser's Accept-Language, for pages shown before login."""
    for part in request.headers.get("accept-language", "").split(","):
        code = part.split(";")[0].strip().lower()[:2]
        if code in ("tr", "az", "en"):
            return code
    return "en"


def _add_login_routes(app: FastAPI) -> None:
    @app.get("/login", include_in_schema=False)
    def login_form(request: Request) -> Response:
        return _login_page(request)

    @app.post("/login", include_in_schema=False)
    def login(
        request: Request,
        username: str = Form(""),
        password: str = Form(""),
        totp: str = Form(""),
        csrf_token: str = Form(""),
    ) -> Response:
        ctx = context(request)
        expected = ctx.signer.loads(request.cookies.get(LOGIN_COOKIE), 3600)
        check_csrf(expected or "", csrf_token)
        t = labels(browser_language(request))
        address = request.client.host if request.client else None
        with session_scope(ctx.engine) as session:
            result = accounts.check_login(
                session, username, password, totp=totp or None, address=address
            )
            token = accounts.start_session(session, result.user)[0] if result.user else None
        if result.locked:
            return _login_page(request, error=t["login_locked"], status=429)
        if token is None:
            return _login_page(request, error=t["login_failed"], status=401, totp=result.needs_totp)
        response = RedirectResponse("/queue", status_code=303)
        response.set_cookie(
            SESSION_COOKIE,
            ctx.signer.dumps(token),
            max_age=int(accounts.SESSION_TTL.total_seconds()),
            httponly=True,
            samesite="lax",
            secure=is_https(request, ctx.trust_proxy),
        )
        response.delete_cookie(LOGIN_COOKIE)
        return response

    @app.post("/logout", include_in_schema=False)
    def logout(request: Request, csrf_token: str = Form("")) -> Response:
        me = viewer(request)
        check_csrf(me.csrf_token, csrf_token)
        ctx = context(request)
        token = ctx.signer.loads(request.cookies.get(SESSION_COOKIE), 10**9)
        if token:
            with session_scope(ctx.engine) as session:
                accounts.end_session(session, token)
        response = RedirectResponse("/login", status_code=303)
        response.delete_cookie(SESSION_COOKIE)
        return response

    @app.get("/", include_in_schema=False)
    def home(request: Request) -> Response:
        viewer(request)
        return RedirectResponse("/queue", status_code=303)

    @app.get("/events", include_in_schema=False)
    async def events(request: Request) -> Response:
        """Server-sent events: `queue` whenever any case changes, a comment as heartbeat."""
        await anyio.to_thread.run_sync(viewer, request)
        feed = context(request).feed
        assert feed is not None
        feed.start()

        async def stream() -> AsyncIterator[str]:
            seen = feed.version
            yield "retry: 2000\n\n"
            while not await request.is_disconnected():
                now = await feed.wait(seen, HEARTBEAT_S)
                if now != seen:
                    seen = now
                    yield f"event: queue\ndata: {now}\n\n"
                else:
                    yield ": still here\n\n"

        return StreamingResponse(
            stream(),
            media_type="text/event-stream",
            headers={"Cache-Control": "no-store", "X-Accel-Buffering": "no"},
        )
