"""The JSON API: bearer tokens, the pages' permissions, and a schemathesis fuzz with no 5xx."""

from __future__ import annotations

import pytest
import schemathesis
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from schemathesis import GenerationMode

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


def test_a_browser_session_reads_the_api_but_cannot_post_to_it(client, as_user, workspace):
    _, _, ids = workspace
    as_user("ayse")
    assert client.get("/api/v1/me").json()["name"] == "ayse"
    post = client.post(f"/api/v1/cases/{ids['top']}/outcome", json={"result": "reached"})
    assert post.status_code == 401


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


def _strategies(operation, case_ids):
    """Valid and invalid data; operations on a case also run on the workspace's real cases."""
    for mode in GenerationMode:
        yield operation.as_strategy(generation_mode=mode)
        if "{case_id}" in operation.path:
            for case_id in case_ids:
                yield operation.as_strategy(
                    generation_mode=mode, path_parameters={"case_id": case_id}
                )


def test_the_api_never_answers_5xx(app, tokens, workspace):
    """Every operation of /openapi.json, fed by schemathesis, as a manager and as a restricted
    agent; bounded examples so the whole fuzz takes well under a minute."""
    _, _, ids = workspace
    schema = schemathesis.openapi.from_asgi("/openapi.json", app)
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) >= 7
    failures: list[str] = []
    seen: set[int] = set()
    for operation in operations:
        for strategy in _strategies(operation, sorted(ids.values())):

            @given(case=strategy, who=st.sampled_from(["mira", "nora"]))
            @settings(
                max_examples=8,
                deadline=None,
                suppress_health_check=list(HealthCheck),
                database=None,
                phases=[Phase.explicit, Phase.generate],
            )
            def fuzz(case, who):
                response = case.call(headers=bearer(tokens[who]))
                seen.add(response.status_code)
                if response.status_code >= 500:
                    failures.append(f"{case.method} {case.formatted_path}: {response.text[:300]}")

            fuzz()
    assert not failures, "\n".join(failures[:5])
    assert {200, 404, 422} <= seen  # the fuzz reached real cases, missing ones and bad input
