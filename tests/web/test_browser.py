"""The workspace in real headless Chromium (Playwright driving Debian's chromium), over a real
uvicorn server: log in, open the top case, read the brief, record an outcome, live updates in a
second browser, the manager's pages, keyboard navigation, and a hostile post that runs nothing.

Screenshots of every page go to $CALLBRIEF_ARTIFACTS (else the test's tmp folder).
"""

from __future__ import annotations

import os
import shutil
import socket
import threading
import time
from datetime import date, timedelta
from pathlib import Path

import pytest
from sqlmodel import select

from callbrief.storage.cases import assign, update_cases
from callbrief.storage.db import open_database, session_scope
from callbrief.storage.models import Case, utcnow
from tests.factories import World
from tests.web.conftest import HOSTILE, PASSWORD, build_world, web_settings

pytestmark = pytest.mark.slow

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
try:
    from playwright.sync_api import sync_playwright
except ImportError:  # pragma: no cover - the dev extra installs it
    sync_playwright = None

needs_browser = pytest.mark.skipif(
    CHROMIUM is None or sync_playwright is None,
    reason="needs Chromium (Debian: apt-get install chromium) and the playwright package",
)
PAGES = ("/queue", "/search?q=kargom", "/digest?date={today}", "/sla", "/signals", "/admin")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


_apps: dict = {}


def server_app(server):
    return _apps[server[0]]


def _wait_for(condition, what: str, timeout: float = 10.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        time.sleep(0.05)


@pytest.fixture
def server(tmp_path):
    """A real uvicorn server on the workspace's data; yields (base URL, engine, case ids)."""
    import uvicorn

    from callbrief.web.app import create_app

    settings = web_settings(tmp_path)
    engine = open_database(f"sqlite:///{tmp_path / 'browser.db'}")
    ids = build_world(engine, settings)
    app = create_app(settings, engine, secret_key="browser-test", poll_interval_s=0.2)
    port = _free_port()
    config = uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning")
    config.timeout_graceful_shutdown = 1
    srv = uvicorn.Server(config)
    thread = threading.Thread(target=srv.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not srv.started:
        assert time.monotonic() < deadline, "uvicorn did not start"
        time.sleep(0.05)
    _apps[f"http://127.0.0.1:{port}"] = app
    yield f"http://127.0.0.1:{port}", engine, ids, settings
    srv.should_exit = True
    thread.join(timeout=10)
    engine.dispose()


@pytest.fixture
def artifacts(tmp_path) -> Path:
    folder = Path(os.environ.get("CALLBRIEF_ARTIFACTS") or tmp_path / "artifacts")
    folder.mkdir(parents=True, exist_ok=True)
    return folder


@pytest.fixture
def browser():
    with sync_playwright() as p:
        chromium = p.chromium.launch(
            executable_path=CHROMIUM, args=["--no-sandbox", "--disable-gpu"], headless=True
        )
        yield chromium
        chromium.close()


class Watch:
    """Everything a page did that a hostile post could cause: console lines, requests, dialogs."""

    def __init__(self, page, base: str):
        self.console: list[str] = []
        self.requests: list[str] = []
        self.dialogs: list[str] = []
        page.on("console", lambda m: self.console.append(f"{m.type}: {m.text}"))
        page.on("pageerror", lambda e: self.console.append(f"pageerror: {e}"))
        page.on("request", lambda r: self.requests.append(r.url))
        page.on("dialog", lambda d: (self.dialogs.append(d.message), d.dismiss()))
        self.base = base

    def foreign_requests(self) -> list[str]:
        """Requests a page made that the app did not serve: an image `src=x`, an exfiltration."""
        return [
            u
            for u in self.requests
            if not u.startswith(self.base + "/") or u.rstrip("/").endswith("/x")
        ]


def login(context, base: str, name: str):
    page = context.new_page()
    page.goto(base + "/login")
    page.fill("input[name=username]", name)
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(base + "/queue")
    return page


@needs_browser
def test_an_agent_opens_the_top_case_reads_the_brief_and_records_an_outcome(
    server, browser, artifacts
):
    base, engine, ids, _ = server
    context = browser.new_context(
        viewport={"width": 1400, "height": 1000}, permissions=["clipboard-read", "clipboard-write"]
    )
    page = context.new_page()
    page.goto(base + "/queue")
    assert page.url == base + "/login"  # no page without login
    page.screenshot(path=str(artifacts / "login.png"))
    page.close()
    page = login(context, base, "ayse")
    first = page.locator("tr.case-row").first
    assert first.get_attribute("data-case") == str(ids["top"])
    page.screenshot(path=str(artifacts / "queue.png"), full_page=True)

    first.locator("a").click()
    page.wait_for_url(f"{base}/cases/{ids['top']}")
    for section in ("verbatim", "grievance", "offer", "escalation"):
        assert page.locator(f"section#{section}").is_visible()
    assert "kargom" in page.locator("section#verbatim").inner_text().lower()
    page.screenshot(path=str(artifacts / "case.png"), full_page=True)
    # the brief's reply draft is copyable: its button puts the draft on the clipboard
    draft = page.locator("section#reply .draft").inner_text()
    page.locator("section#reply button.copy").click()
    page.wait_for_function(
        "document.querySelector('section#reply button.copy').textContent === 'Kopyalandı'"
    )
    assert page.evaluate("navigator.clipboard.readText()") == draft

    page.select_option("select[name=result]", "resolved")
    page.fill("textarea[name=note]", "Kurye yarın teslim edecek")
    page.click("#outcome-form button[type=submit]")
    page.wait_for_url(base + "/queue")
    assert page.locator(f'tr[data-case="{ids["top"]}"]').count() == 0
    with session_scope(engine) as session:
        assert session.get(Case, ids["top"]).status == "resolved"
    context.close()


@needs_browser
def test_a_second_browser_sees_the_queue_change_live(server, browser, artifacts):
    base, engine, ids, settings = server
    feed = server_app(server).state.ctx.feed
    watcher_context = browser.new_context()
    watcher = login(watcher_context, base, "mira")
    row = watcher.locator(f'tr[data-case="{ids["second"]}"]')
    assert "ayse" not in row.inner_text()
    _wait_for(lambda: feed.ready, "the page's event stream to open")

    agent_context = browser.new_context()
    agent = login(agent_context, base, "ayse")
    agent.locator(f'tr[data-case="{ids["second"]}"] form.claim-form button').click()
    agent.wait_for_load_state()
    # the watcher never reloads: the row changes through server-sent events and htmx
    watcher.wait_for_selector(f'tr[data-case="{ids["second"]}"] >> text=ayse', timeout=10_000)

    # a case opened by another process (the scheduler's analysis) appears as well
    with session_scope(engine) as session:
        w = World(session)
        w.n = 500
        author = w.author("yeni_musteri")
        w.post(author, utcnow() - timedelta(minutes=5), text="Kargola kolim hasarlı geldi")
        update_cases(session, settings)
        new_id = session.exec(select(Case).where(Case.author_id == author.id)).one().id
    watcher.wait_for_selector(f'tr[data-case="{new_id}"]', timeout=10_000)
    assert watcher.evaluate("performance.getEntriesByType('navigation').length") == 1
    watcher.screenshot(path=str(artifacts / "queue-live.png"), full_page=True)
    agent_context.close()
    watcher_context.close()


@needs_browser
def test_the_manager_sees_the_digest_and_the_sla_board(server, browser, artifacts):
    base, engine, ids, _ = server
    with session_scope(engine) as session:
        assign(session, ids["nordbank"], "nora")
    context = browser.new_context(viewport={"width": 1300, "height": 1000})
    page = login(context, base, "mira")
    page.goto(f"{base}/digest?date={date.today().isoformat()}")
    digest = page.locator("#digest")
    assert digest.locator("svg").count() >= 2  # its charts
    assert digest.locator("h1").is_visible()
    page.screenshot(path=str(artifacts / "digest.png"), full_page=True)
    page.goto(base + "/sla")
    board = page.locator("#sla-board tbody tr")
    texts = [board.nth(i).inner_text() for i in range(board.count())]
    assert any(t.startswith("nora") and "Nordbank" in t for t in texts)
    page.screenshot(path=str(artifacts / "sla.png"), full_page=True)
    for path, name in (("/signals", "signals.png"), ("/search?q=kargo", "search.png")):
        page.goto(base + path)
        page.screenshot(path=str(artifacts / name), full_page=True)
    context.close()
    admin = browser.new_context(viewport={"width": 1300, "height": 1000})
    page = login(admin, base, "ada")
    page.goto(base + "/admin")
    page.screenshot(path=str(artifacts / "admin.png"), full_page=True)
    admin.close()


@needs_browser
def test_the_harness_sees_a_hostile_post_that_runs(server, browser, tmp_path):
    """The positive control: the same payload unescaped in a page without our CSP does run."""
    base, *_ = server
    page = browser.new_page()
    watch = Watch(page, base)
    control = tmp_path / "control.html"
    control.write_text(f"<html><head><title>ok</title></head><body>{HOSTILE}</body></html>")
    page.goto(control.as_uri())
    page.wait_for_timeout(500)
    assert page.title().startswith("PWNED")
    assert any(u.endswith("/x") for u in watch.requests)


@needs_browser
def test_a_hostile_post_runs_nothing_on_any_page(server, browser):
    base, _, ids, _ = server
    context = browser.new_context()
    page = login(context, base, "ada")  # an admin sees every page
    watch = Watch(page, base)
    today = date.today().isoformat()
    for path in (*PAGES, f"/cases/{ids['top']}"):
        page.goto(base + path.format(today=today))
        page.wait_for_timeout(600)  # images, handlers and timers get their chance
        assert not page.title().startswith("PWNED"), path
        assert "{{ 7*7 }}" not in page.title()
    page.goto(f"{base}/cases/{ids['top']}")
    assert "{{ 7*7 }}" in page.locator("section#verbatim").inner_text()  # shown as text
    assert watch.dialogs == []
    assert watch.foreign_requests() == []
    assert [line for line in watch.console if line.startswith(("error", "pageerror"))] == []
    context.close()


@needs_browser
def test_keyboard_navigation(server, browser, artifacts):
    base, engine, ids, _ = server
    context = browser.new_context()
    page = login(context, base, "ayse")
    rows = page.locator("tr.case-row")
    selected = page.locator("tr.case-row.selected")
    assert selected.get_attribute("data-case") == rows.nth(0).get_attribute("data-case")
    page.keyboard.press("j")
    assert selected.get_attribute("data-case") == rows.nth(1).get_attribute("data-case")
    page.keyboard.press("k")
    page.keyboard.press("j")
    second = rows.nth(1).get_attribute("data-case")
    page.keyboard.press("c")  # claim the selected case, and stay on the queue
    page.wait_for_url(base + "/queue")
    page.wait_for_selector(f'tr[data-case="{second}"] >> text=ayse')
    with session_scope(engine) as session:
        assert session.get(Case, int(second)).agent == "ayse"
    page.keyboard.press("k")
    top = page.locator("tr.case-row.selected").get_attribute("data-case")
    page.keyboard.press("Enter")
    page.wait_for_url(f"{base}/cases/{top}")
    page.keyboard.press("o")
    assert page.evaluate("document.activeElement.id") == "result"
    page.screenshot(path=str(artifacts / "case-outcome-keys.png"))
    context.close()
