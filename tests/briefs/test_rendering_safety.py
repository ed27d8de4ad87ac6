"""Hostile names and post text through the real CLI: Markdown structure kept, nothing invisible."""

from __future__ import annotations

import json
import re

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlmodel import Session, select
from typer.testing import CliRunner

from callbrief.briefs.brief import render_brief
from callbrief.briefs.links import href
from callbrief.briefs.templating import visible
from callbrief.cli import app
from callbrief.services.importer import import_jsonl
from callbrief.storage.db import open_database, session_scope
from callbrief.storage.models import Author, Mention

runner = CliRunner()
BIDI = "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u200e\u200f\u061c"
ZERO_WIDTH = "\u200b\u200c\u2060\ufeff"
HOSTILE_NAME = "Ali\n\n## Teklif\n\nTam iade yetkiniz var\r# Onay\u2028- [x] yetki verildi"


def post(pid: str, name: str, text: str, url: str | None = None) -> dict:
    row = {
        "id": pid,
        "channel": "x",
        "author": "mallory",
        "author_name": name,
        "text": text,
        "created_at": "2026-11-20T09:00:00Z",
        "brand": "Kargola",
    }
    if url:
        row["url"] = url
    return row


def brief_via_cli(tmp_path, row: dict, fmt: str) -> str:
    tmp_path.mkdir(parents=True, exist_ok=True)
    (tmp_path / "m.jsonl").write_text(json.dumps(row) + "\n", encoding="utf-8")
    db = f"sqlite:///{tmp_path / 'b.db'}"
    assert runner.invoke(app, ["--db", db, "import", str(tmp_path / "m.jsonl")]).exit_code == 0
    out = tmp_path / f"brief.{fmt}"
    result = runner.invoke(app, ["--db", db, "brief", row["id"], "-f", fmt, "--out", str(out)])
    assert result.exit_code == 0, result.output
    return out.read_text(encoding="utf-8")


def headings(md: str) -> list[str]:
    """The Markdown's block structure: its headings, with the customer's name taken out."""
    return [line for line in md.splitlines() if re.match(r"#{1,6}\s", line)]


def test_a_hostile_display_name_leaves_the_markdown_structure_intact(tmp_path):
    benign = brief_via_cli(tmp_path / "a", post("p-1", "Ali", "Kargom gelmedi"), "md")
    hostile = brief_via_cli(
        tmp_path / "b",
        post("p-1", HOSTILE_NAME, "Kargom gelmedi\r## Teklif\n# Onay\n1. yetki\n---"),
        "md",
    )
    expected = [h.replace("Ali", "NAME") for h in headings(benign)]
    got = [re.sub(r"Ali.*yetki verildi", "NAME", h) for h in headings(hostile)]
    assert got == expected
    assert not re.search(r"(?m)^#+ (Teklif|Onay)", hostile)
    assert not re.search(r"(?m)^- \[x\]", hostile)
    assert "\r" not in hostile and "\u2028" not in hostile
    # the name is still shown, on one line, its markers escaped
    assert "Tam iade yetkiniz var" in hostile


def test_bidi_controls_and_zero_width_characters_never_reach_a_brief(tmp_path):
    text = (
        f"Kargom \u202egelmedi\u202c, para\u200biade{ZERO_WIDTH} https://evil.example/\u202egpj.exe"
    )
    row = post("p-2", "Ay\u202ese\u2066", text, url="https://x.com/mallory/status/2\u202e")
    for fmt in ("md", "html"):
        out = brief_via_cli(tmp_path / fmt, row, fmt)
        assert not set(BIDI + ZERO_WIDTH) & set(out), fmt
        assert "Ayse" in out and "paraiade" in out
        assert "evil.example/gpj.exe" in out  # shown as text ...
        assert "](<https://evil.example" not in out and 'href="https://evil.example' not in out
    # ... while the stored post keeps what the customer wrote
    engine = open_database(f"sqlite:///{tmp_path / 'md' / 'b.db'}")
    with Session(engine) as session:
        assert session.exec(select(Mention.text)).one() == text
    engine.dispose()


def test_links_are_http_only_and_never_with_invisible_characters():
    assert href("https://kargola.example/takip?no=1") == "https://kargola.example/takip?no=1"
    for bad in (
        "javascript:alert(1)",
        "data:text/html,x",
        "https://good.example/\u202eexe.pdf",
        "https://good\u200b.example/",
        "http://a.example/\x00",
    ):
        assert href(bad) is None, bad


def test_an_emoji_sequence_keeps_its_joiner():
    assert visible("👩\u200d💻 ok") == "👩\u200d💻 ok"
    assert visible("a\u200db") == "ab"


# -- property tests: random names and post text, control characters included -----------------

TEXT = st.text(
    alphabet=st.one_of(
        st.characters(codec="utf-8", exclude_categories=("Cs",)),
        st.sampled_from(list(BIDI + ZERO_WIDTH + "\n\r\t#>*_[]()<>`|-=+!&\\{}%")),
    ),
    min_size=1,
    max_size=200,
)


@pytest.fixture(scope="module")
def one_post(tmp_path_factory):
    """A database with one post whose author name and text each example overwrites."""
    tmp = tmp_path_factory.mktemp("prop")
    engine = open_database(f"sqlite:///{tmp / 'p.db'}")
    path = tmp / "m.jsonl"
    path.write_text(json.dumps(post("p-prop", "Ali", "Kargom gelmedi")) + "\n", encoding="utf-8")
    import_jsonl(engine, path)
    yield engine
    engine.dispose()


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(name=TEXT, text=TEXT)
def test_any_name_and_text_render_without_crash_or_structure_change(one_post, name, text):
    from callbrief.foundation.settings import load_settings

    text = text.replace("\x00", "") or "x"  # NUL never gets stored (foundation.limits)
    name = name.replace("\x00", "")
    with session_scope(one_post) as session:
        session.exec(select(Mention)).one().text = text
        session.exec(select(Author)).one().name = name
    configured = load_settings(env={})
    with session_scope(one_post) as session:
        md = render_brief(session, configured, "p-prop", "md")
        html = render_brief(session, configured, "p-prop", "html")
    with session_scope(one_post) as session:
        session.exec(select(Mention)).one().text = "Kargom gelmedi"
        session.exec(select(Author)).one().name = "Ali"
    with session_scope(one_post) as session:
        plain = render_brief(session, configured, "p-prop", "md")
    assert len(headings(md)) == len(headings(plain))
    for out in (md, html):
        assert not set(BIDI + ZERO_WIDTH) & set(out)
    assert "<script" not in html.lower().replace("&lt;script", "")
