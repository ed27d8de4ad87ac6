"""The workspace on PostgreSQL: migration 0005, full-text search, queue, brief, outcome, SLA."""

from __future__ import annotations

import re

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import text

from callbrief.storage.db import open_database, session_scope
from callbrief.storage.models import Case
from callbrief.web.app import create_app
from tests.web.conftest import build_world, csrf_of, login, web_settings

pytestmark = [pytest.mark.postgres, pytest.mark.slow]


@pytest.fixture
def pg_client(pg_url, tmp_path):
    settings = web_settings(tmp_path)
    engine = open_database(pg_url)
    ids = build_world(engine, settings)
    app = create_app(settings, engine, secret_key="pg")
    with TestClient(app, follow_redirects=False) as client:
        yield client, engine, ids
    engine.dispose()


def test_the_workspace_works_on_postgresql(pg_client):
    client, engine, ids = pg_client
    assert login(client, "mira").status_code == 303
    queue = client.get("/queue").text
    assert re.findall(r'<a href="/cases/(\d+)"', queue)[0] == str(ids["top"])
    case_page = client.get(f"/cases/{ids['top']}")
    assert case_page.status_code == 200 and '<section id="verbatim">' in case_page.text
    csrf = csrf_of(case_page.text)
    done = client.post(
        f"/cases/{ids['top']}/outcome",
        data={"result": "reached", "note": "aradım", "csrf_token": csrf},
    )
    assert done.status_code == 303
    with session_scope(engine) as session:
        assert session.get(Case, ids["top"]).status == "reached"
    board = client.get("/sla").text
    assert "Kargola" in board and "Nordbank" in board


def test_search_uses_postgresql_full_text(pg_client):
    client, engine, _ = pg_client
    login(client, "mira")

    def hits(query):
        return len(re.findall(r'<td class="text">', client.get(f"/search?{query}").text))

    assert hits("q=kayboldu") == 1
    assert hits("q=KAYBOL") == 1  # prefix
    assert hits("q=card+blocked") == 1
    assert hits("q=card+kayboldu") == 0  # every word must match
    with session_scope(engine) as session:
        index = session.execute(
            text("SELECT indexdef FROM pg_indexes WHERE indexname = 'ix_mentions_text_fts'")
        ).scalar()
    assert "to_tsvector" in index
