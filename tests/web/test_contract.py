"""The workspace's contract through its real ASGI app: URLs, form fields, status codes, headers."""

from __future__ import annotations

import re

import pyotp
import pytest
from sqlmodel import select

from callbrief.storage import accounts
from callbrief.storage.accounts import AuditEvent, User
from callbrief.storage.db import session_scope
from callbrief.storage.models import Case, Outcome
from callbrief.storage.workspace import OutcomeCredit
from tests.web.conftest import PASSWORD, csrf_of, login


@pytest.mark.parametrize("path", ["/", "/queue", "/cases/1", "/digest", "/sla", "/admin"])
def test_every_page_sends_an_anonymous_visitor_to_login(client, path):
    response = client.get(path)
    assert response.status_code == 303
    assert response.headers["location"] == "/login"


def test_the_login_form_has_the_contracts_fields(client):
    html = client.get("/login").text
    for field in ('name="username"', 'name="password"'):
        assert field in html
    assert re.search(r'<input type="hidden" name="csrf_token" value="[^"]{20,}"', html)


def test_login_sets_a_signed_httponly_samesite_cookie_and_opens_the_queue(client):
    response = login(client, "ayse")
    assert response.status_code == 303 and response.headers["location"] == "/queue"
    cookie = response.headers["set-cookie"]
    assert cookie.startswith("callbrief_session=")
    assert "HttpOnly" in cookie and "SameSite=lax" in cookie and "Secure" not in cookie
    assert client.get("/queue").status_code == 200


def test_the_cookie_is_secure_behind_a_trusted_tls_proxy_only(workspace):
    from fastapi.testclient import TestClient

    from callbrief.web.app import create_app

    settings, engine, _ = workspace
    for trust, expected in ((True, True), (False, False)):
        app = create_app(settings, engine, secret_key="s", trust_proxy=trust)
        with TestClient(app, follow_redirects=False) as c:
            form = c.get("/login", headers={"X-Forwarded-Proto": "https"})
            assert ("Secure" in form.headers["set-cookie"]) is expected
            # a client's jar keeps Secure cookies for https: hand the login cookie over as such
            pre = form.headers["set-cookie"].split(";")[0]
            c.cookies.clear()
            response = c.post(
                "/login",
                data={"username": "ayse", "password": PASSWORD, "csrf_token": csrf_of(form.text)},
                headers={"X-Forwarded-Proto": "https", "Cookie": pre},
            )
            assert ("Secure" in response.headers["set-cookie"]) is expected


def test_a_forged_cookie_is_no_session(client):
    client.cookies.set("callbrief_session", "not-signed-by-us")
    assert client.get("/queue").status_code == 303


def test_a_wrong_password_is_refused_and_audited(client, workspace):
    _, engine, _ = workspace
    response = login(client, "ayse", "wrong password")
    assert response.status_code == 401
    assert "callbrief_session" not in response.headers.get("set-cookie", "")
    with session_scope(engine) as session:
        actions = [e.action for e in session.exec(select(AuditEvent))]
    assert "login_failed" in actions


def test_after_ten_failed_logins_the_next_gets_429_even_with_the_right_password(client):
    for _ in range(10):
        assert login(client, "ayse", "wrong password").status_code == 401
    assert login(client, "ayse", PASSWORD).status_code == 429
    # another name is not locked by ayse's failures
    assert login(client, "mira").status_code == 303


def test_a_post_without_a_valid_csrf_token_gets_403(client, as_user, workspace):
    _, engine, ids = workspace
    as_user("ayse")
    url = f"/cases/{ids['top']}/outcome"
    assert client.post(url, data={"result": "reached", "note": "x"}).status_code == 403
    bad = {"result": "reached", "note": "x", "csrf_token": "guess"}
    assert client.post(url, data=bad).status_code == 403
    with session_scope(engine) as session:
        assert session.exec(select(Outcome)).all() == []


def test_login_itself_needs_the_forms_csrf_token(client):
    response = client.post("/login", data={"username": "ayse", "password": PASSWORD})
    assert response.status_code == 403


def test_the_queue_links_each_case_top_case_first(client, as_user, workspace):
    _, _, ids = workspace
    as_user("ayse")
    html = client.get("/queue").text
    links = re.findall(r'<a href="/cases/(\d+)"', html)
    assert links[0] == str(ids["top"])  # overdue first
    assert set(links) == {str(i) for i in ids.values()}


def test_the_brief_page_shows_the_html_briefs_sections(client, as_user, workspace):
    settings, engine, ids = workspace
    from callbrief.briefs.brief import BriefKit
    from callbrief.web.actions import case_brief

    as_user("ayse")
    html = client.get(f"/cases/{ids['top']}").text
    with session_scope(engine) as session:
        brief = case_brief(session, BriefKit.load(settings), session.get(Case, ids["top"]))
    sections = re.findall(r'<section id="([\w-]+)"', brief)
    assert {"verbatim", "grievance", "offer", "escalation"} <= set(sections)
    for section in sections:
        assert f'<section id="{section}"' in html


def test_recording_an_outcome_moves_the_case_and_audits_it(client, as_user, workspace):
    _, engine, ids = workspace
    csrf = as_user("ayse")
    response = client.post(
        f"/cases/{ids['top']}/outcome",
        data={"result": "resolved", "note": "refund issued", "csrf_token": csrf},
    )
    assert response.status_code == 303
    with session_scope(engine) as session:
        case = session.get(Case, ids["top"])
        assert case.status == "resolved" and case.closed_at is not None
        outcome = session.exec(select(Outcome)).one()
        assert (outcome.note, outcome.agent) == ("refund issued", "ayse")
        audit = session.exec(select(AuditEvent).where(AuditEvent.action == "outcome")).one()
        assert audit.case_id == ids["top"] and audit.details["to"] == "resolved"
    assert f'href="/cases/{ids["top"]}"' not in client.get("/queue").text


def test_a_credit_above_the_limit_needs_the_approvers_name(client, as_user, workspace):
    _, engine, ids = workspace
    csrf = as_user("ayse")
    url = f"/cases/{ids['top']}/outcome"
    form = {"result": "resolved", "credit": "150", "currency": "TRY", "csrf_token": csrf}
    refused = client.post(url, data=form)
    assert refused.status_code == 400
    assert "approver" in refused.text and "100" in refused.text
    assert client.post(url, data={**form, "approver": "Zeynep"}).status_code == 303
    with session_scope(engine) as session:
        credit = session.exec(select(OutcomeCredit)).one()
    assert (credit.amount, credit.currency, credit.limit, credit.approver) == (
        150,
        "TRY",
        100,
        "Zeynep",
    )


def test_a_credit_within_the_limit_needs_no_approver(client, as_user, workspace):
    _, _, ids = workspace
    csrf = as_user("ayse")
    form = {"result": "reached", "credit": "80", "currency": "TRY", "csrf_token": csrf}
    assert client.post(f"/cases/{ids['top']}/outcome", data=form).status_code == 303


def test_claim_gives_the_case_to_the_user(client, as_user, workspace):
    _, engine, ids = workspace
    csrf = as_user("ayse")
    response = client.post(f"/cases/{ids['second']}/claim", data={"csrf_token": csrf})
    assert response.status_code == 303
    with session_scope(engine) as session:
        case = session.get(Case, ids["second"])
        assert (case.agent, case.status) == ("ayse", "assigned")
    mine = client.get("/queue?mine=1").text
    assert re.findall(r'<a href="/cases/(\d+)"', mine) == [str(ids["second"])]


def test_a_brand_restricted_user_gets_404_for_another_brands_case(client, as_user, workspace):
    _, _, ids = workspace
    csrf = as_user("nora")
    assert client.get(f"/cases/{ids['top']}").status_code == 404
    assert client.get(f"/cases/{ids['nordbank']}").status_code == 200
    assert client.get("/cases/999999").status_code == 404
    post = {"result": "reached", "csrf_token": csrf}
    assert client.post(f"/cases/{ids['top']}/outcome", data=post).status_code == 404
    assert client.post(f"/cases/{ids['top']}/claim", data={"csrf_token": csrf}).status_code == 404
    queue = client.get("/queue").text
    assert re.findall(r'<a href="/cases/(\d+)"', queue) == [str(ids["nordbank"])]
    assert client.get("/queue?brand=Kargola").text.count('href="/cases/') == 0
    assert "kargom" not in client.get("/search?q=kargom").text.lower().split("<table")[-1]


def test_queue_filters_by_brand_language_and_category(client, as_user, workspace):
    _, _, ids = workspace
    as_user("mira")

    def cases(query):
        return re.findall(r'<a href="/cases/(\d+)"', client.get(f"/queue?{query}").text)

    assert cases("brand=Nordbank") == [str(ids["nordbank"])]
    assert cases("category=account") == [str(ids["nordbank"])]
    assert set(cases("language=tr")) == {str(i) for i in ids.values()}  # the factory's analyses
    assert cases("language=az") == []


def test_the_digest_page_embeds_the_digest_files_numbers(client, as_user, workspace):
    settings, engine, _ = workspace
    from datetime import date

    from callbrief.briefs.digest import build_digest, render_digest

    as_user("mira")
    day = date.today().isoformat()
    html = client.get(f"/digest?date={day}").text
    with session_scope(engine) as session:
        file_html = render_digest(build_digest(session, settings, date.today()), "html")
    body = re.search(r"<body>(.*)</body>", file_html, re.S).group(1)
    numbers = re.findall(r'<td class="n">(\d+)</td>', body)
    assert numbers and re.findall(r'<td class="n">(\d+)</td>', html) == numbers
    assert "<svg" in html  # its charts


def test_agents_may_not_open_manager_pages(client, as_user):
    as_user("ayse")
    assert client.get("/digest").status_code == 403
    assert client.get("/sla").status_code == 403
    assert client.get("/admin").status_code == 403


def test_the_sla_board_counts_by_agent_and_brand(client, as_user, workspace):
    _, _, ids = workspace
    csrf = as_user("mira")
    client.post(f"/cases/{ids['second']}/claim", data={"csrf_token": csrf})
    html = client.get("/sla").text
    rows = re.findall(r"<tr><td>([^<]*)</td><td>([^<]*)</td>((?:<td[^>]*>\d+</td>\s*)+)", html)
    board = {(a, b): [int(n) for n in re.findall(r">(\d+)<", cells)] for a, b, cells in rows}
    # the top case is 30 hours old with a 4-hour SLA: overdue, not yet claimed
    assert board[("unclaimed", "Kargola")][1] == 1
    assert board[("mira", "Kargola")][0] == 1


def test_search_finds_words_authors_and_dates(client, as_user):
    as_user("mira")

    def hits(query):
        return len(re.findall(r'<td class="text">', client.get(f"/search?{query}").text))

    assert hits("q=kayboldu") == 1
    assert hits("q=KAYBOLD") == 1  # prefix, any case
    assert hits("q=paketim+kayboldu") == 1
    assert hits("q=card&brand=Nordbank") == 1
    assert hits("author=@anna_b") == 1
    assert hits("q=kayboldu&until=2001-01-01") == 0
    assert hits('q="+OR+*') == 0  # FTS syntax in the query is only text


def test_csv_export_defuses_formulas(client, as_user, workspace):
    settings, engine, _ = workspace
    from datetime import timedelta

    from callbrief.storage.models import utcnow
    from tests.factories import World

    with session_scope(engine) as session:
        w = World(session)
        w.n = 1000  # platform ids after the workspace's own
        w.post(w.author("evil"), utcnow() - timedelta(hours=1), text='=HYPERLINK("x") kargola')
    as_user("mira")
    response = client.get("/search.csv?q=hyperlink")
    assert response.headers["content-type"].startswith("text/csv")
    assert "'=HYPERLINK" in response.text


def test_security_headers_on_every_response(client, as_user, workspace):
    _, _, ids = workspace
    responses = [client.get("/login"), client.get("/static/app.js")]
    as_user("mira")
    responses += [client.get("/queue"), client.get(f"/cases/{ids['top']}"), client.get("/digest")]
    responses += [client.get("/cases/999999"), client.get("/openapi.json")]
    for response in responses:
        policy = response.headers["content-security-policy"]
        assert "script-src 'self';" in policy and "frame-ancestors 'none'" in policy
        assert "unsafe-inline" not in policy
        assert response.headers["x-content-type-options"] == "nosniff"
        assert response.headers["referrer-policy"]


def test_no_page_has_an_inline_script(client, as_user, workspace):
    _, _, ids = workspace
    as_user("ada")
    for path in ("/queue", f"/cases/{ids['top']}", "/digest", "/sla", "/search", "/admin"):
        html = client.get(path).text
        assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", html), path
        assert not re.search(r"<[^>]*\son\w+=", html), path  # no handler attribute in a tag


def test_the_hostile_post_is_escaped_text(client, as_user, workspace):
    _, _, ids = workspace
    as_user("mira")
    for path in ("/queue", f"/cases/{ids['top']}", "/search?q=kargom"):
        html = client.get(path).text
        assert "<script>document.title" not in html and "<img src=x" not in html, path
        assert "&lt;script&gt;" in html or "&lt;img" in html, path
        if path != "/queue":  # the queue shows the post's first 90 characters only
            assert "{{ 7*7 }}" in html, path


def test_interface_language_follows_the_users_preference(client, as_user):
    csrf = as_user("ayse")  # Turkish
    queue = client.get("/queue").text
    assert "Kuyruk" in queue
    # categories read in the agent's language, never as taxonomy codes
    assert "<td>Teslimat</td>" in queue and "<td>delivery</td>" not in queue
    client.post("/preferences", data={"language": "az", "csrf_token": csrf})
    assert "Növbə" in client.get("/queue").text


def test_totp_is_needed_when_enabled(client, workspace):
    _, engine, _ = workspace
    secret = pyotp.random_base32()
    with session_scope(engine) as session:
        accounts.add_user(session, "tara", PASSWORD, role="agent", totp_secret=secret)
    assert login(client, "tara").status_code == 401
    form = client.get("/login")
    response = client.post(
        "/login",
        data={
            "username": "tara",
            "password": PASSWORD,
            "totp": pyotp.TOTP(secret).now(),
            "csrf_token": csrf_of(form.text),
        },
    )
    assert response.status_code == 303


def test_a_disabled_users_session_ends(client, as_user, workspace):
    _, engine, _ = workspace
    as_user("ayse")
    with session_scope(engine) as session:
        accounts.disable_user(session, "ayse")
    assert client.get("/queue").status_code == 303
    assert login(client, "ayse").status_code == 401


def test_passwords_are_argon2id_hashes(workspace):
    _, engine, _ = workspace
    with session_scope(engine) as session:
        user = session.exec(select(User).where(User.name == "ayse")).one()
    assert user.password_hash.startswith("$argon2id$") and PASSWORD not in user.password_hash


def test_no_secret_on_any_page(client, as_user, workspace, monkeypatch):
    settings, _, ids = workspace
    settings.digest.smtp.password = "smtp-SECRET-value"
    settings.sources.x.bearer_token = "x-SECRET-token"
    as_user("ada")
    for path in ("/queue", f"/cases/{ids['top']}", "/digest", "/sla", "/admin", "/signals"):
        html = client.get(path).text
        assert "SECRET" not in html, path
        assert "$argon2" not in html, path


def test_times_are_shown_in_the_teams_time_zone(client, as_user, workspace):
    from datetime import UTC
    from zoneinfo import ZoneInfo

    _, engine, ids = workspace
    as_user("mira")
    with session_scope(engine) as session:
        due = session.get(Case, ids["second"]).due_at.replace(tzinfo=UTC)
    local = due.astimezone(ZoneInfo("Europe/Istanbul")).strftime("%Y-%m-%d %H:%M")
    assert due.strftime("%H:%M") != local[-5:]
    assert local in client.get("/queue").text


def test_the_login_page_speaks_the_browsers_language(client):
    assert "Giriş yap" in client.get("/login", headers={"Accept-Language": "tr-TR,tr;q=0.9"}).text
    assert "Daxil ol" in client.get("/login", headers={"Accept-Language": "az"}).text
    assert "Log in" in client.get("/login", headers={"Accept-Language": "de"}).text
