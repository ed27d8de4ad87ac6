"""Who is asking: signed session cookies, CSRF tokens, bearer tokens, roles and brand limits.

The cookie carries a random session token signed with the server's secret (itsdangerous); the
database keeps only the token's SHA-256 and the session's CSRF token. Every POST from a browser
must carry that CSRF token (the login form carries one bound to a pre-login cookie).
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass

from fastapi import Request
from itsdangerous import BadSignature, URLSafeTimedSerializer
from sqlalchemy.engine import Engine

from callbrief.storage import accounts
from callbrief.storage.accounts import User
from callbrief.storage.db import session_scope

SESSION_COOKIE = "callbrief_session"
LOGIN_COOKIE = "callbrief_login"
ROLE_RANK = {"agent": 0, "manager": 1, "admin": 2}


class LoginRequired(Exception):
    """No valid session: pages redirect to /login, the API answers 401."""


class Forbidden(Exception):
    """Logged in, but this role may not do that."""


class CsrfFailed(Exception):
    """A POST without the session's CSRF token."""


class Hidden(Exception):
    """Not there, or not this user's brand: both answer 404 so brands cannot be probed."""


@dataclass
class Viewer:
    """The logged-in user of one request, with the CSRF token their forms must carry."""

    user: User
    csrf_token: str = ""

    @property
    def name(self) -> str:
        return self.user.name

    @property
    def brands(self) -> list[str]:
        return list(self.user.brands)

    def at_least(self, role: str) -> None:
        if ROLE_RANK.get(self.user.role, -1) < ROLE_RANK[role]:
            raise Forbidden(role)

    def check_brand(self, brand: str | None) -> None:
        if brand is None or not self.user.sees(brand):
            raise Hidden()


class Signer:
    """Signs cookie values so a client cannot forge or alter one."""

    def __init__(self, secret: str) -> None:
        self._s = URLSafeTimedSerializer(secret, salt="callbrief-web")

    def dumps(self, value: str) -> str:
        return self._s.dumps(value)

    def loads(self, signed: str | None, max_age: int) -> str | None:
        if not signed:
            return None
        try:
            value = self._s.loads(signed, max_age=max_age)
        except BadSignature:
            return None
        return value if isinstance(value, str) else None


def is_https(request: Request, trust_proxy: bool) -> bool:
    """Whether the browser talks TLS: the socket's scheme, or the proxy's header when trusted."""
    if request.url.scheme == "https":
        return True
    if trust_proxy:
        return request.headers.get("x-forwarded-proto", "").split(",")[0].strip() == "https"
    return False


def session_viewer(request: Request, engine: Engine, signer: Signer) -> Viewer | None:
    token = signer.loads(
        request.cookies.get(SESSION_COOKIE), int(accounts.SESSION_TTL.total_seconds())
    )
    if token is None:
        return None
    with session_scope(engine) as session:
        found = accounts.session_user(session, token)
    return Viewer(found[0], found[1]) if found else None


def bearer_viewer(request: Request, engine: Engine) -> Viewer | None:
    header = request.headers.get("authorization", "")
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        return None
    with session_scope(engine) as session:
        user = accounts.token_user(session, token.strip())
    return Viewer(user) if user else None


def check_csrf(viewer_token: str, sent: str | None) -> None:
    if not sent or not viewer_token or not secrets.compare_digest(viewer_token, sent):
        raise CsrfFailed()


def new_login_token() -> str:
    return secrets.token_urlsafe(24)
