"""The embedded demo end to end through the CLI: recordings in, briefs and a digest out."""

import re

import pytest
from typer.testing import CliRunner

from callbrief.cli import app

pytestmark = pytest.mark.slow  # loads the real language models


@pytest.fixture(scope="module")
def demo_run(tmp_path_factory):
    out = tmp_path_factory.mktemp("demo")
    runner = CliRunner()
    first = runner.invoke(app, ["demo", "--out", str(out)], env={})
    again = runner.invoke(app, ["demo", "--out", str(out)], env={})
    return out, first, again


def test_demo_writes_briefs_and_a_digest(demo_run):
    out, first, _ = demo_run
    assert first.exit_code == 0, first.output
    html = [p for p in (out / "briefs").glob("case-*.html")]
    md = [p for p in (out / "briefs").glob("case-*.md")]
    assert len(html) >= 3 and len(md) == len(html)
    assert (out / "briefs" / "index.html").is_file()
    digests = sorted(out.glob("digest-*"))
    assert {p.suffix for p in digests} == {".html", ".txt"}
    text = digests[-1].read_text(encoding="utf-8")
    assert "Silence is not satisfaction" in text
    # the recorded agent log shows up as outcomes, an escalation and the closed loop
    assert "Outcomes recorded: escalated 1" in text
    assert "posted again" in text and "stayed silent" in text
    match = re.search(r"(\d+) new mention\(s\) collected", first.output)
    assert match and int(match.group(1)) >= 40


def test_demo_again_collects_nothing_new(demo_run):
    _, _, again = demo_run
    assert again.exit_code == 0, again.output
    assert "0 new mention(s) collected" in again.output


def test_every_demo_brief_states_the_agents_offer_limit(demo_run):
    out, _, _ = demo_run
    for path in (out / "briefs").glob("case-*.html"):
        html = path.read_text(encoding="utf-8")
        offer = html[html.index('id="offer"') : html.index('id="avoid"')]
        assert re.search(r"\d+ (TRY|AZN|GBP)", offer), path.name
