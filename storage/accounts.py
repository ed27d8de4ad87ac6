"""Workspace accounts: users, browser sessions, login attempts, API tokens and the audit trail.

Passwords are argon2id hashes; session ids and API tokens are random and only their SHA-256 is
stored, so a copy of the database lets no one in. Every login and every outcome change leaves an
audit row. Tables are created by migration 0005.
"""

from __future__ import annotations

import contextlib
import hashlib
import secrets
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import JSON, Column, Index, delete, func
from sqlmodel import Field, Session, SQLModel, col, select

from callbrief.foundation.errors import ConfigError, NotFoundError
from callbrief.foundation.policy import aware
from callbrief.storage.models import utcnow

ROLES = ("agent", "manager", "admin")
LOCK_AFTER = 10  # failed logins for one name within LOCK_WINDOW, then the name is locked
LOCK_WINDOW = timedelta(minutes=15)
SESSION_TTL = timedelta(hours=12)
_hasher = PasswordHasher()  # argon2id with the library's current recommended parameters


class User(SQLModel, table=True):
    """Someone who logs in to the workspace; brands empty means every brand."""

    __tablename__ = "web_users"

    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(max_length=128, unique=True)  # stored casefolded
    role: str = Field(max_length=16)
    brands: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    language: str = Field(default="en", max_length=8)
    password_hash: str
    totp_secret: str | None = None
    disabled: bool = False
    created_at: datetime = Field(default_factory=utcnow)

    def sees(self, brand: str) -> bool:
        """Whether this user may see a case or post about `brand`."""
        return not self.brands or brand.casefold() in {b.casefold() for b in self.brands}


class WebSession(SQLModel, table=True):
    """A logged-in browser; the cookie holds the id, the table its SHA-256."""

    __tablename__ = "web_sessions"

    id: int | None = Field(default=None, primary_key=True)
    token_hash: str = Field(max_length=64, unique=True)
    user_id: int = Field(foreign_key="web_users.id", index=True)
    csrf_token: str = Field(max_length=64)
    created_at: datetime = Field(default_factory=utcnow)
    expires_at: datetime


class LoginAttempt(SQLModel, table=True):
    __tablename__ = "web_login_attempts"
    __table_args__ = (Index("ix_web_login_attempts_name_at", "username", "at"),)

    id: int | None = Field(default=None, primary_key=True)
    username: str = Field(max_length=128)
    ok: bool
    at: datetime = Field(default_factory=utcnow)
    address: str | None = Field(default=None, max_length=64)


class ApiToken(SQLModel, table=True):
    """A bearer token for an integration; it acts with its user's permissions."""

    __tablename__ = "web_api_tokens"

    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(foreign_key="web_users.id", index=True)
    label: str = Field(max_length=128)
    token_hash: str = Field(max_length=64, unique=True)
    created_at: datetime = Field(default_factory=utcnow)
    revoked: bool = False


class AuditEvent(SQLModel, table=True):
    """Who did what, when: logins, outcome changes, claims, settings edits."""

    __tablename__ = "web_audit"

    id: int | None = Field(default=None, primary_key=True)
    at: datetime = Field(default_factory=utcnow, index=True)
    actor: str = Field(max_length=128)
    action: str = Field(max_length=32)  # login, login_failed, claim, outcome, config, user...
    case_id: int | None = Field(default=None, index=True)
    details: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))


@dataclass
class LoginResult:
    user: User | None
    locked: bool = False
    needs_totp: bool = False


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _name(name: str) -> str:
    return name.strip().casefold()


def add_user(
    session: Session,
    name: str,
    password: str,
    *,
    role: str = "agent",
    brands: Sequence[str] = (),
    language: str = "en",
    totp_secret: str | None = None,
) -> User:
    """Create a user with an argon2id hash of `password`."""
    key = _name(name)
    if not key or any(c.isspace() for c in key):
        raise ConfigError(f"User name {name!r} must be one word, e.g. ayse.")
    if role not in ROLES:
        raise ConfigError(f"Unknown role {role!r}. Use one of: {', '.join(ROLES)}.")
    if len(password) < 8:
        raise ConfigError("The password must have at least 8 characters.")
    if language not in ("tr", "az", "en"):
        raise ConfigError(f"Unknown language {language!r}. Use tr, az or en.")
    if session.exec(select(User).where(User.name == key)).first() is not None:
        raise ConfigError(f"A user named {key!r} exists already. Pick another name.")
    user = User(
        name=key,
        role=role,
        brands=[b.strip() for b in brands if b.strip()],
        language=language,
        password_hash=_hasher.hash(password),
        totp_secret=totp_secret,
    )
    session.add(user)
    session.flush()
    return user


def get_user(session: Session, name: str) -> User:
    user = session.exec(select(User).where(User.name == _name(name))).first()
    if user is None:
        raise NotFoundError(f"No user named {name!r}. `callbrief user list` shows them.")
    return user


def list_users(session: Session) -> list[User]:
    return list(session.exec(select(User).order_by(col(User.name))).all())


def update_user(session: Session, name: str, **changes: Any) -> User:
    """Change a user's role, brands, language or disabled flag (validated like add_user)."""
    user = get_user(session, name)
    if "role" in changes and changes["role"] not in ROLES:
        raise ConfigError(f"Unknown role {changes['role']!r}. Use one of: {', '.join(ROLES)}.")
    if "language" in changes and changes["language"] not in ("tr", "az", "en"):
        raise ConfigError(f"Unknown language {changes['language']!r}. Use tr, az or en.")
    for key in ("role", "brands", "language", "disabled"):
        if key in changes:
            setattr(user, key, changes[key])
    if changes.get("disabled"):
        session.execute(delete(WebSession).where(col(WebSession.user_id) == user.id))
    session.add(user)
    session.flush()
    return user


def set_password(session: Session, name: str, password: str) -> User:
    """Give a user a new password; their open sessions end."""
    if len(password) < 8:
        raise ConfigError("The password must have at least 8 characters.")
    user = get_user(session, name)
    user.password_hash = _hasher.hash(password)
    session.execute(delete(WebSession).where(col(WebSession.user_id) == user.id))
    session.add(user)
    session.flush()
    return user


def disable_user(session: Session, name: str) -> User:
    """Disable a user and end their sessions; their audit rows stay."""
    return update_user(session, name, disabled=True)


def recent_failures(session: Session, name: str, now: datetime | None = None) -> int:
    """Failed logins for `name` since its last success, within the lock window."""
    now = now or utcnow()
    key = _name(name)
    last_ok = session.exec(
        select(func.max(LoginAttempt.at)).where(
            LoginAttempt.username == key, col(LoginAttempt.ok).is_(True)
        )
    ).one()
    since = now - LOCK_WINDOW
    if last_ok is not None and aware(last_ok) > since:
        since = aware(last_ok)
    stmt = select(func.count()).where(
        LoginAttempt.username == key, col(LoginAttempt.ok).is_(False), LoginAttempt.at > since
    )
    return int(session.exec(stmt).one())


def check_login(
    session: Session,
    name: str,
    password: str,
    *,
    totp: str | None = None,
    address: str | None = None,
    now: datetime | None = None,
) -> LoginResult:
    """Verify a login; record the attempt and audit it. A locked name is refused unchecked."""
    import pyotp

    now = now or utcnow()
    key = _name(name)[:128]
    if recent_failures(session, key, now) >= LOCK_AFTER:
        audit(session, key, "login_locked", details={"address": address}, now=now)
        return LoginResult(None, locked=True)
    user = session.exec(select(User).where(User.name == key)).first()
    ok = False
    if user is not None and not user.disabled:
        try:
            ok = _hasher.verify(user.password_hash, password)
        except (VerificationError, InvalidHashError):
            ok = False
    else:
        # the same work for unknown names, so timing does not tell which names exist
        with contextlib.suppress(VerificationError, InvalidHashError):
            _hasher.verify(_DUMMY_HASH, password)
    needs_totp = False
    second_factor = user.totp_secret if ok and user is not None else None
    if second_factor and not (
        totp and pyotp.TOTP(second_factor).verify(totp.strip(), valid_window=1)
    ):
        ok, needs_totp = False, True
    session.add(LoginAttempt(username=key, ok=ok, at=now, address=address))
    audit(session, key, "login" if ok else "login_failed", details={"address": address}, now=now)
    session.flush()
    return LoginResult(user if ok else None, needs_totp=needs_totp)


_DUMMY_HASH = _hasher.hash("not a password anyone has")


def start_session(session: Session, user: User, now: datetime | None = None) -> tuple[str, str]:
    """A new browser session: (session token for the cookie, CSRF token for the forms)."""
    now = now or utcnow()
    token, csrf = secrets.token_urlsafe(32), secrets.token_urlsafe(32)
    session.add(
        WebSession(
            token_hash=_digest(token),
            user_id=user.id,  # type: ignore[arg-type]
            csrf_token=csrf,
            created_at=now,
            expires_at=now + SESSION_TTL,
        )
    )
    session.flush()
    return token, csrf


def session_user(
    session: Session, token: str, now: datetime | None = None
) -> tuple[User, str] | None:
    """The user and CSRF token of a live session, or None (expired, ended, disabled user)."""
    now = now or utcnow()
    row = session.exec(
        select(WebSession, User)
        .join(User, col(User.id) == WebSession.user_id)
        .where(WebSession.token_hash == _digest(token))
    ).first()
    if row is None:
        return None
    web_session, user = row
    if user.disabled or aware(web_session.expires_at) <= now:
        return None
    return user, web_session.csrf_token


def end_session(session: Session, token: str) -> None:
    session.execute(delete(WebSession).where(col(WebSession.token_hash) == _digest(token)))


def issue_token(session: Session, user: User, label: str) -> str:
    """A new API token for `user`; shown once, only its hash is kept."""
    token = "cbt_" + secrets.token_urlsafe(32)
    session.add(
        ApiToken(user_id=user.id, label=label[:128], token_hash=_digest(token))  # type: ignore[arg-type]
    )
    session.flush()
    return token


def token_user(session: Session, token: str) -> User | None:
    row = session.exec(
        select(User)
        .join(ApiToken, col(ApiToken.user_id) == User.id)
        .where(ApiToken.token_hash == _digest(token), col(ApiToken.revoked).is_(False))
    ).first()
    return None if row is None or row.disabled else row


def audit(
    session: Session,
    actor: str,
    action: str,
    *,
    case_id: int | None = None,
    details: dict[str, Any] | None = None,
    now: datetime | None = None,
) -> AuditEvent:
    event = AuditEvent(
        at=now or utcnow(), actor=actor, action=action, case_id=case_id, details=details or {}
    )
    session.add(event)
    return event


def audit_trail(session: Session, *, case_id: int | None = None, limit: int = 100) -> list:
    stmt = select(AuditEvent).order_by(col(AuditEvent.id).desc()).limit(limit)
    if case_id is not None:
        stmt = stmt.where(AuditEvent.case_id == case_id)
    return list(session.exec(stmt).all())
