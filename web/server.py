"""Run the workspace with uvicorn, on a configured database or on the demo's data."""

from __future__ import annotations

import secrets
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy.engine import Engine

from callbrief.foundation.errors import ConfigError, NotFoundError
from callbrief.foundation.settings import Settings
from callbrief.storage import accounts
from callbrief.storage.db import open_database, session_scope
from callbrief.web.app import create_app

DEMO_ADMIN = "demo"


@dataclass
class DemoWorkspace:
    settings: Settings
    engine: Engine
    password: str
    digest_day: str | None
    summary: str


def serve(
    settings: Settings,
    engine: Engine,
    *,
    host: str = "127.0.0.1",
    port: int = 8000,
    secret_key: str | None = None,
    trust_proxy: bool = False,
) -> None:
    """Serve until interrupted. Behind a TLS proxy, `trust_proxy` honours X-Forwarded-Proto."""
    import uvicorn

    if not 0 < port < 65536:
        raise ConfigError(f"Port {port} is not a TCP port; use 1-65535, e.g. --port 8000.")
    app = create_app(settings, engine, secret_key=secret_key, trust_proxy=trust_proxy)
    uvicorn.run(
        app,
        host=host,
        port=port,
        proxy_headers=trust_proxy,
        forwarded_allow_ips="*" if trust_proxy else None,
        log_level="info",
        timeout_graceful_shutdown=3,
    )


def prepare_demo(
    settings: Settings, out_dir: Path, *, analyzer: Callable[[], Any], progress: Any = None
) -> DemoWorkspace:
    """Replay the demo (once per folder) and give its admin a fresh password, shown once."""
    from callbrief.services.demo.runner import demo_settings, run_demo

    demo = demo_settings(settings, out_dir)
    summary = ""
    if not (out_dir / "demo.db").exists():
        summary = run_demo(settings, out_dir, analyzer=analyzer, progress=progress).summary()
    engine = open_database(demo.database_url)
    password = secrets.token_urlsafe(12)
    with session_scope(engine) as session:
        try:
            accounts.set_password(session, DEMO_ADMIN, password)
        except NotFoundError:
            accounts.add_user(session, DEMO_ADMIN, password, role="admin", language="en")
    digests = sorted(out_dir.glob("digest-*.html"))
    day = digests[-1].stem.removeprefix("digest-") if digests else None
    return DemoWorkspace(demo, engine, password, day, summary)
