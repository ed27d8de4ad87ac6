"""A small workspace: two brands, cases opened by the real case logic, four users, a client."""

from __future__ import annotations

import re
import shutil
from datetime import timedelta

import pytest
from fastapi.testclient import TestClient

from callbrief.foundation.settings import Settings
from callbrief.storage import accounts
from callbrief.storage.cases import update_cases
from callbrief.storage.db import open_database, session_scope
from callbrief.storage.models import utcnow
from callbrief.web.app import create_app
from tests.factories import World

PASSWORD = "correct horse battery"
HOSTILE = (
    "<script>document.title='PWNED-script'</script> "
    "<img src=x onerror=\"document.title='PWNED-onerror'\"> {{ 7*7 }} "
    "<svg onload=\"document.title='PWNED-svg'\"></svg> kargom hâlâ gelmedi, iade istiyorum"
)


def web_settings(tmp_path) -> Settings:
    return Settings.model_validate(
        {
            "home": str(tmp_path / "home"),
            "brands": [
                {"name": "Kargola", "language": "tr", "keywords": ["kargola"]},
                {"name": "Nordbank", "language": "en", "keywords": ["nordbank"]},
            ],
            "offers": {
                "Kargola": {
                    "default": {"max_credit": 100, "currency": "TRY", "approver": "vardiya amiri"}
                },
                "Nordbank": {"default": {"max_credit": 20, "currency": "EUR"}},
            },
            "cases": {"working_days": [0, 1, 2, 3, 4, 5, 6], "working_hours": [0, 24]},
        }
    )


def build_world(engine, settings: Settings, *, hostile: bool = True) -> dict[str, int]:
    """Cases by the real case logic: the overdue Kargola case is the top of the queue."""
    now = utcnow()
    with session_scope(engine) as session:
        w = World(session)
        ayse = w.author("ayse_k", followers=120)
        mert = w.author("mert", followers=40)
        anna = w.author("anna_b", channel="reddit")
        w.post(
            ayse,
            now - timedelta(hours=30),
            text=HOSTILE if hostile else "Kargom hâlâ gelmedi, iade istiyorum",
            priority=0.9,
            url="https://x.com/ayse_k/status/1",
        )
        w.post(mert, now - timedelta(hours=1), text="Kargola paketim kayboldu", priority=0.4)
        w.post(
            anna,
            now - timedelta(hours=2),
            text="Nordbank blocked my card twice this week",
            brand="Nordbank",
            category="account",
            priority=0.7,
        )
        update_cases(session, settings, now=now)
        session.flush()
        from sqlmodel import select

        from callbrief.storage.models import Case

        cases = {c.brand + ":" + str(c.author_id): c.id for c in session.exec(select(Case))}
        ids = {
            "top": cases[f"Kargola:{ayse.id}"],
            "second": cases[f"Kargola:{mert.id}"],
            "nordbank": cases[f"Nordbank:{anna.id}"],
        }
        accounts.add_user(session, "ayse", PASSWORD, role="agent", language="tr")
        accounts.add_user(session, "nora", PASSWORD, role="agent", brands=["Nordbank"])
        accounts.add_user(session, "mira", PASSWORD, role="manager", language="en")
        accounts.add_user(session, "ada", PASSWORD, role="admin", language="az")
    return ids


@pytest.fixture(scope="session")
def _world_file(tmp_path_factory):
    """The workspace built once (migrations and argon2 hashes take time), copied per test."""
    folder = tmp_path_factory.mktemp("web-world")
    engine = open_database(f"sqlite:///{folder / 'web.db'}")
    ids = build_world(engine, web_settings(folder))
    with engine.begin() as conn:
        conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    engine.dispose()
    return folder / "web.db", ids


@pytest.fixture
def workspace(tmp_path, _world_file):
    """(settings, engine, case ids) on a migrated SQLite file of the test's own."""
    source, ids = _world_file
    shutil.copyfile(source, tmp_path / "web.db")
    settings = web_settings(tmp_path)
    engine = open_database(f"sqlite:///{tmp_path / 'web.db'}")
    yield settings, engine, dict(ids)
    engine.dispose()


@pytest.fixture
def app(workspace):
    settings, engine, _ = workspace
    return create_app(settings, engine, secret_key="test-secret", poll_interval_s=0.2)


@pytest.fixture
def client(app):
    with TestClient(app, base_url="http://testserver", follow_redirects=False) as c:
        yield c


def csrf_of(html: str) -> str:
    found = re.search(r'name="csrf_token" value="([^"]+)"', html)
    assert found, "no csrf_token field on the page"
    return found.group(1)


def login(client: TestClient, name: str, password: str = PASSWORD):
    form = client.get("/login")
    return client.post(
        "/login",
        data={"username": name, "password": password, "csrf_token": csrf_of(form.text)},
    )


@pytest.fixture
def as_user(client):
    """Log the client in as a named user; returns the session's CSRF token."""

    def _login(name: str) -> str:
        response = login(client, name)
        assert response.status_code == 303, response.text
        return csrf_of(client.get("/queue").text)

    return _login
