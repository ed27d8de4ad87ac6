"""A hostile post opened in a real browser: nothing in it runs (headless Chromium)."""

from __future__ import annotations

import pytest

from tests.briefs.browser import dom_after_load, html_brief, needs_browser

pytestmark = pytest.mark.slow

PAYLOAD = (
    "<script>document.title='PWNED-script'</script> "
    "<img src=x onerror=\"document.title='PWNED-onerror'\"> {{ 7*7 }} "
    "<svg onload=\"document.title='PWNED-svg'\"></svg> kargom gelmedi"
)


@needs_browser
def test_the_harness_sees_a_script_that_runs(tmp_path):
    page = tmp_path / "control.html"
    page.write_text(f"<html><head><title>ok</title></head><body>{PAYLOAD}</body></html>")
    assert "<title>PWNED" in dom_after_load(page)


@needs_browser
def test_hostile_post_stays_text_in_the_html_brief(tmp_path):
    mention = {
        "id": "666",
        "channel": "x",
        "author": "mallory",
        "text": PAYLOAD,
        "created_at": "2026-11-20T09:00:00Z",
        "brand": "Kargola",
        "url": "https://x.com/mallory/status/666",
    }
    dom = dom_after_load(html_brief(tmp_path, mention))
    assert "PWNED" not in dom.split("</title>")[0]  # no script changed the title
    assert "{{ 7*7 }}" in dom  # template syntax shown as typed, never evaluated
    assert "&lt;script&gt;document.title" in dom  # the markup is visible text
