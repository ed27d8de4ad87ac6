"""A post with bidi controls, opened in a real browser (headless Chromium): it reads in order."""

from __future__ import annotations

import json
import re

import pytest

from tests.briefs.browser import dom_after_load, html_brief, needs_browser

pytestmark = pytest.mark.slow

WORDS = "iade istiyorum"
# a right-to-left override before the words: unneutralised, they render as "muroyitsi edai"
POST = f"Kargom gelmedi \u202e{WORDS}\u202c hemen"

# appended to a copy of the page: measures where each letter of WORDS is drawn, left to right
MEASURE = """
<script>
(function () {
  const words = %s;
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  let verdict = "ORDER-NOT-FOUND";
  while (walker.nextNode()) {
    const node = walker.currentNode;
    const at = node.data.indexOf(words);
    if (at < 0) continue;
    const xs = [];
    for (let i = 0; i < words.length; i++) {
      if (words[i] === " ") continue;
      const range = document.createRange();
      range.setStart(node, at + i);
      range.setEnd(node, at + i + 1);
      xs.push(range.getBoundingClientRect().left);
    }
    const rising = xs.every((x, i) => i === 0 || x > xs[i - 1]);
    const falling = xs.every((x, i) => i === 0 || x < xs[i - 1]);
    verdict = rising ? "ORDER-LTR" : falling ? "ORDER-REVERSED" : "ORDER-MIXED";
    break;
  }
  document.title = verdict;
})();
</script>
"""


def verdict(page) -> str:
    """Open `page` with the measuring script appended; the title it sets."""
    measured = page.with_name("measured-" + page.name)
    measured.write_text(
        page.read_text(encoding="utf-8") + MEASURE % json.dumps(WORDS), encoding="utf-8"
    )
    dom = dom_after_load(measured)
    match = re.search(r"<title>(ORDER-[A-Z-]+)</title>", dom)
    return match.group(1) if match else "NO-VERDICT"


@needs_browser
def test_the_harness_sees_an_override_reverse_the_words(tmp_path):
    page = tmp_path / "control.html"
    page.write_text(f"<html><head><title>x</title></head><body><p>{POST}</p></body></html>")
    assert verdict(page) == "ORDER-REVERSED"


@needs_browser
def test_a_bidi_control_post_renders_in_order_in_the_html_brief(tmp_path):
    mention = {
        "id": "p-bidi",
        "channel": "x",
        "author": "mallory",
        "author_name": "Ay\u202ese",
        "text": POST,
        "created_at": "2026-11-20T09:00:00Z",
        "brand": "Kargola",
    }
    page = html_brief(tmp_path, mention)
    assert WORDS in page.read_text(encoding="utf-8")
    assert verdict(page) == "ORDER-LTR"
