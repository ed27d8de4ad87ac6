"""The JSON API: bearer tokens, the pages' permissions, and a schemathesis fuzz with no 5xx."""

from __future__ import annotations

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error

from callbrief.storage import accounts
from callbrief.storage.db import session_scope
from callbrief.storage.models import Case


@pytest.fixture
def tokens(workspace):
    _, engine, _ = workspace
    with session_scope(engine) as session:
        return {
            name: accounts.issue_token(session, accounts.get_user(session, name), "test")
            for name in ("ayse", "nora", "mira")
        }


def bearer(token):
    return {"Authorization": f"Bearer {token}"}


def test_the_api_needs_a_token(client):
    response = client.get("/api/v1/cases")
    assert response.status_code == 401
    assert client.get("/api/v1/cases", headers=bearer("cbt_forged")).status_code == 401


def test_the_openapi_schema_describes_the_api(client):
    schema = client.get("/openapi.json").json()
    assert {"/api/v1/cases", "/api/v1/cases/{case_id}/outcome", "/api/v1/search"} <= set(
        schema["paths"]
    )
    assert not any(p in schema["paths"] for p in ("/login", "/queue"))  # pages are not the API


def test_the_api_queue_is_the_pages_queue(client, tokens, workspace):
    _, _, ids = workspace
    cases = client.get("/api/v1/cases", headers=bearer(tokens["ayse"])).json()
    assert [c["case_id"] for c in cases][0] == ids["top"]
    assert cases[0]["sla"] == "overdue" and cases[0]["url"] == f"/cases/{ids['top']}"


def test_the_api_hides_other_brands(client, tokens, workspace):
    _, _, ids = workspace
    nora = bearer(tokens["nora"])
    assert [c["case_id"] for c in client.get("/api/v1/cases", headers=nora).json()] == [
        ids["nordbank"]
    ]
    assert client.get(f"/api/v1/cases/{ids['top']}", headers=nora).status_code == 404
    outcome = {"result": "reached"}
    url = f"/api/v1/cases/{ids['top']}/outcome"
    assert client.post(url, json=outcome, headers=nora).status_code == 404
    assert client.get("/api/v1/search?q=kargom", headers=nora).json() == []
    assert client.get("/api/v1/sla", headers=nora).status_code == 403  # an agent


def test_the_api_records_an_outcome_with_the_same_rules(client, tokens, workspace):
    _, engine, ids = workspace
    url = f"/api/v1/cases/{ids['top']}/outcome"
    head = bearer(tokens["ayse"])
    over = {"result": "resolved", "credit": 500, "currency": "TRY"}
    refused = client.post(url, json=over, headers=head)
    assert refused.status_code == 400 and "approver" in refused.json()["detail"]
    done = client.post(url, json={**over, "approver": "Zeynep"}, headers=head)
    assert done.status_code == 200 and done.json()["status"] == "resolved"
    with session_scope(engine) as session:
        assert session.get(Case, ids["top"]).status == "resolved"


def test_the_api_brief_is_the_pages_brief(client, tokens, workspace):
    _, _, ids = workspace
    detail = client.get(f"/api/v1/cases/{ids['top']}", headers=bearer(tokens["ayse"])).json()
    assert '<section id="verbatim">' in detail["brief_html"]
    assert "&lt;script&gt;" in detail["brief_html"]


@pytest.fixture
def api_schema(app, tokens):
    schema = schemathesis.openapi.from_asgi("/openapi.json", app)
    schema.config.headers = bearer(tokens["mira"])  # type: ignore[attr-defined]
    return schema


fuzzed = schemathesis.pytest.from_fixture("api_schema")


@fuzzed.parametrize()
@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=list(HealthCheck),
    database=None,
)
def test_the_api_never_answers_5xx(case, tokens):
    response = case.call(headers=bearer(tokens["mira"]))
    not_a_server_error(None, response, case)  # type: ignore[arg-type]
    assert response.status_code < 500, response.text
