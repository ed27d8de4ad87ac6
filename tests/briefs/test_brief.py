"""What an agent sees in a callback brief: inert post text, history, objections, files on disk."""

from __future__ import annotations

import re
from datetime import timedelta
from html.parser import HTMLParser

import pytest
from sqlmodel import select

from callbrief.briefs.brief import render_brief, write_briefs
from callbrief.foundation.errors import ConfigError, NotFoundError, RenderError
from callbrief.storage.db import session_scope
from callbrief.storage.models import Analysis, Author, Case, Mention
from tests.briefs.brief_fixtures import (
    NOW,
    brief_settings,
    fixed_labels,
    insert_all,
    insert_en_repeat_case,
)

HOSTILE = (
    "<script>alert('x')</script> look <img src=x onerror=alert(1)> {{ 7*7 }} "
    "{% if 1 %}yes{% endif %} "
    "[click me](javascript:alert(2)) *bold* https://ok.example/a?b=1&c=<2> javascript:alert(3)"
)


class _Tags(HTMLParser):
    """Collect every tag and attribute the browser would build from the page."""

    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str | None]]] = []

    def handle_starttag(self, tag, attrs):  # type: ignore[no-untyped-def]
        self.tags.append((tag, dict(attrs)))


def _section(html: str, section_id: str) -> str:
    match = re.search(rf'<section id="{section_id}">(.*?)</section>', html, re.S)
    assert match, f"no section {section_id}"
    return match.group(1)


@pytest.fixture
def brief_settings_(settings, monkeypatch):
    monkeypatch.setattr("callbrief.briefs.brief.taxonomy_labeler", lambda _settings: fixed_labels)
    return brief_settings(settings)


def _insert_hostile(session) -> None:
    author = Author(channel="x", handle="eve", name="<b onmouseover=alert(5)>Eve</b>")
    session.add(author)
    session.flush()
    case = Case(brand="Brightwave", author_id=author.id, category="outage", opened_at=NOW)
    session.add(case)
    session.flush()
    mention = Mention(
        channel="x",
        platform_id="666",
        brand="Brightwave",
        author_id=author.id,
        text=HOSTILE,
        created_at=NOW - timedelta(minutes=5),
        content_hash="h666",
        source="fixture",
        case_id=case.id,
        url="javascript:alert(4)",
        parent_text="<iframe src=//evil.example></iframe>",
        links=["javascript:alert(6)", "https://ok.example/photo.jpg"],
    )
    session.add(mention)
    session.flush()
    session.add(
        Analysis(
            mention_id=mention.id,
            model_version="m",
            language="en",
            sentiment_label="negative",
            sentiment_score=0.9,
            complaint=True,
            irony=False,
            category="outage",
            grievance=["<script>alert('g')</script>"],
            entities=[{"type": "url", "text": "<svg onload=alert(7)>"}],
        )
    )


def test_hostile_post_renders_as_text_in_html(engine, brief_settings_):
    with session_scope(engine) as session:
        _insert_hostile(session)
    with session_scope(engine) as session:
        html = render_brief(session, brief_settings_, "666", "html", now=NOW)
    parser = _Tags()
    parser.feed(html)
    tags = {tag for tag, _ in parser.tags}
    assert not tags & {"script", "img", "iframe", "svg", "b"}
    for tag, attrs in parser.tags:
        assert not any(name.startswith("on") for name in attrs), (tag, attrs)
        if "href" in attrs:
            assert re.match(r"^(https?://|tel:|mailto:)", attrs["href"] or ""), attrs
    assert "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;" in html
    assert "&lt;img src=x onerror=alert(1)&gt;" in html
    assert "{{ 7*7 }}" in html and "49" not in html
    assert "{% if 1 %}yes{% endif %}" in html
    # the safe link is clickable, the javascript: ones are shown but never linked
    assert 'href="https://ok.example/photo.jpg"' in html
    assert "javascript:alert(6)" in html and 'href="javascript' not in html


def test_hostile_post_is_defused_in_markdown(engine, brief_settings_):
    with session_scope(engine) as session:
        _insert_hostile(session)
    with session_scope(engine) as session:
        md = render_brief(session, brief_settings_, "666", "md", now=NOW)
    assert "<script>" not in md and "<img" not in md and "<iframe" not in md
    assert "&lt;script&gt;" in md and "&lt;img src=x onerror=alert(1)&gt;" in md
    assert "{{ 7\\*7 }}" in md and "49" not in md
    assert "\\[click me\\](javascript:alert(2))" in md  # no Markdown link survives
    assert "](<javascript" not in md and "<javascript" not in md


def test_repeat_complainer_history_spans_two_channels(any_engine, settings, monkeypatch):
    monkeypatch.setattr("callbrief.briefs.brief.taxonomy_labeler", lambda _settings: fixed_labels)
    configured = brief_settings(settings)
    with session_scope(any_engine) as session:
        insert_en_repeat_case(session)
    with session_scope(any_engine) as session:
        html = render_brief(session, configured, "t3_1abc9z", "html", now=NOW)
    history = _section(html, "history")
    # this matter counts this case's posts only; the earlier outage case is another matter
    assert "They have told us about this twice" in history
    assert "channels: Reddit, X" in history
    other = history[history.index("Other matters") :]
    assert "Case #" in other and "resolved" in other and "BROKEN: nobody followed up" in other
    assert "STILL OPEN" not in other
    verbatim = _section(html, "verbatim")
    assert "Six days without a working connection." in verbatim  # this case, on Reddit
    assert "I&#39;ve explained this three times now." in verbatim  # and on X
    objections = _section(html, "objections")
    assert "I&#39;ve explained this to you over and over." in objections
    assert "You&#39;ve told us about this twice" in objections  # our count, not theirs
    assert "You promised to call me back and you never did." in objections
    assert 2 <= objections.count('class="objection"') <= 5
    summary = _section(html, "summary")
    assert "@danaw" in summary and "u/dana_w" in summary and "+44 7700 900123" in summary


def test_every_section_is_present_in_order(engine, brief_settings_):
    with session_scope(engine) as session:
        insert_all(session)
    with session_scope(engine) as session:
        html = render_brief(session, brief_settings_, "1861000000000000001", "html", now=NOW)
    ids = re.findall(r'<section id="([\w-]+)"', html)
    assert ids == [
        "summary",
        "verbatim",
        "grievance",
        "asks",
        "history",
        "objections",
        "offer",
        "avoid",
        "escalation",
        "fallback",
        "reply",
        "opening",
    ]
    assert 'id="checklist"' in html
    root = re.search(r"<html ([^>]*)>", html).group(1)
    assert 'data-category="delivery"' in root and 'data-asks="refund"' in root
    assert 'data-signals="irony,legal_threat"' in root and 'data-needs-approval="false"' in root
    assert re.search(r'data-case="\d+"', root) and 'data-language="tr"' in root
    assert '<meta name="callbrief:analysis" content="nlp-test-1">' in html
    assert re.search(r'<meta name="callbrief:playbook" content="\d{4}\.\d+-\d+">', html)
    assert "@page { size: A4" in html and "<link" not in html  # self-contained, prints on A4
    assert "do not take the praise literally" not in html  # Turkish brief: Turkish words
    assert "övgüyü gerçek anlamıyla almayın" in html
    assert "görüşlerinizi dikkate alacağız" in _section(html, "avoid").casefold()
    assert "Elif Şahin" in _section(html, "escalation")
    assert "250 TRY" in _section(html, "offer")


def test_unknown_id_says_what_to_do(engine, settings):
    with session_scope(engine) as session, pytest.raises(NotFoundError) as err:
        render_brief(session, settings, "no-such-post", "md", now=NOW)
    assert "No stored post has the id 'no-such-post'" in str(err.value)
    assert "callbrief cases" in str(err.value)


def test_unknown_format_is_refused(engine, brief_settings_):
    with session_scope(engine) as session:
        insert_all(session)
    with session_scope(engine) as session, pytest.raises(ConfigError, match="md, html"):
        render_brief(session, brief_settings_, "1861000000000000001", "pdf", now=NOW)


def test_shared_id_prefers_the_post_with_a_case(engine, brief_settings_):
    with session_scope(engine) as session:
        insert_all(session)
        other = Author(channel="reddit", handle="someone")
        session.add(other)
        session.flush()
        session.add(
            Mention(
                channel="reddit",
                platform_id="1861000000000000001",
                brand="Kargola",
                author_id=other.id,
                text="unrelated reddit post",
                created_at=NOW,
                content_hash="dup",
                source="fixture",
            )
        )
    with session_scope(engine) as session:
        md = render_brief(session, brief_settings_, "1861000000000000001", "md", now=NOW)
    assert "Mehmet Kaya" in md and "unrelated reddit post" not in md


def test_lone_unanalysed_post_still_gets_a_brief(engine, brief_settings_):
    with session_scope(engine) as session:
        author = Author(channel="x", handle="ann", name="Ann")
        session.add(author)
        session.flush()
        session.add(
            Mention(
                channel="x",
                platform_id="42",
                brand="Brightwave",
                author_id=author.id,
                text="Still no internet.",
                created_at=NOW - timedelta(hours=1),
                content_hash="h42",
                source="fixture",
            )
        )
    with session_scope(engine) as session:
        md = render_brief(session, brief_settings_, "42", "md", now=NOW)
    assert "Case no case yet" in md
    assert "Not analysed yet" in md
    assert md.count("They may say") >= 2  # the minimum of two objections holds without analysis


def test_agent_language_overrides_brand_language(engine, brief_settings_):
    brief_settings_.agent_language = "en"
    with session_scope(engine) as session:
        insert_all(session)
    with session_scope(engine) as session:
        md = render_brief(session, brief_settings_, "1861000000000000001", "md", now=NOW)
    assert "# Callback brief: Mehmet Kaya" in md
    # the post stays in Turkish, the answer is in the customer's language, glossed in English
    assert "Paramı iade edin" in md
    assert "Ben paramı istiyorum, kupon değil." in md and "In English:" in md
    assert "Görüşlerinizi dikkate alacağız." in md  # the call is in Turkish: Turkish stock phrases


def test_write_briefs_writes_open_cases_and_an_index(engine, brief_settings_, tmp_path):
    with session_scope(engine) as session:
        cases = insert_all(session)
        case_ids = {lang: case.id for lang, case in cases.items()}
    out = tmp_path / "briefs"
    paths = write_briefs(engine, brief_settings_, out, ["md", "html"], now=NOW)
    names = sorted(p.name for p in paths)
    assert names == sorted(
        [
            f"case-{case_ids['tr']}-1861000000000000001.md",
            f"case-{case_ids['tr']}-1861000000000000001.html",
            f"case-{case_ids['az']}-1861000000000000002.md",
            f"case-{case_ids['az']}-1861000000000000002.html",
            f"case-{case_ids['en']}-t3_1abc9z.md",
            f"case-{case_ids['en']}-t3_1abc9z.html",
            "index.html",
        ]
    )  # the resolved earlier case of the repeat complainer gets no brief
    index = (out / "index.html").read_text(encoding="utf-8")
    for name in names:
        if name.endswith(".html") and name != "index.html":
            assert f'href="{name}"' in index
    # most urgent first
    assert index.index("Dana Whitfield") < index.index("Mehmet Kaya") < index.index("Leyla")
    # the batched loader of write_briefs shows exactly what `callbrief brief ID` shows
    with session_scope(engine) as session:
        for lang, post in (("tr", "1861000000000000001"), ("en", "t3_1abc9z")):
            single = render_brief(session, brief_settings_, post, "md", now=NOW)
            assert (out / f"case-{case_ids[lang]}-{post}.md").read_text(encoding="utf-8") == single


def test_write_briefs_with_no_open_cases_writes_an_empty_index(engine, settings, tmp_path):
    paths = write_briefs(engine, settings, tmp_path / "out", ["html"], now=NOW)
    assert [p.name for p in paths] == ["index.html"]
    assert "No open cases" in paths[0].read_text(encoding="utf-8")


def test_a_broken_user_template_gives_a_clear_render_error(engine, brief_settings_, tmp_path):
    from callbrief.briefs.brief import BriefKit
    from callbrief.briefs.render import render_dossier
    from callbrief.storage.dossier import mentions_by_platform_id

    with session_scope(engine) as session:
        insert_all(session)
    with session_scope(engine) as session:
        kit = BriefKit.load(brief_settings_, NOW)
        dossier = kit.dossier(session, mentions_by_platform_id(session, "t3_1abc9z")[0])
    user_dir = tmp_path / "templates"
    (user_dir / "brief" / "en").mkdir(parents=True)
    edited = user_dir / "brief" / "en" / "brief.md"
    edited.write_text("Hi {{ b.customer.name }}\n{{ b.customer.nickname }}\n", encoding="utf-8")
    with pytest.raises(RenderError) as err:
        render_dossier(dossier, "md", user_dir=str(user_dir))
    assert "brief/en/brief.md failed" in str(err.value) and "nickname" in str(err.value)
    assert "remove your copy" in str(err.value)
    # the sandbox: an edited template cannot reach Python internals
    edited.write_text("{{ b.__class__.__mro__ }}{{ ''.__class__.__subclasses__() }}", "utf-8")
    with pytest.raises(RenderError):
        render_dossier(dossier, "md", user_dir=str(user_dir))
    edited.write_text("{{ b.customer.name }}", encoding="utf-8")
    assert render_dossier(dossier, "md", user_dir=str(user_dir)) == "Dana Whitfield"


def test_templates_dir_setting_reaches_render_brief(engine, brief_settings_, tmp_path):
    with session_scope(engine) as session:
        insert_all(session)
    (tmp_path / "brief" / "en").mkdir(parents=True)
    (tmp_path / "brief" / "en" / "brief.md").write_text("Call {{ b.customer.name }}\n", "utf-8")
    brief_settings_.templates_dir = str(tmp_path)
    with session_scope(engine) as session:
        assert render_brief(session, brief_settings_, "t3_1abc9z", "md", now=NOW) == (
            "Call Dana Whitfield\n"
        )


def test_case_brief_html_is_the_stable_html_entry_point(engine, brief_settings_):
    from callbrief.briefs.brief import case_brief_html

    with session_scope(engine) as session:
        cases = insert_all(session)
    with session_scope(engine) as session:
        html = case_brief_html(session, brief_settings_, cases["en"].id, now=NOW)
        assert html == render_brief(session, brief_settings_, "t3_1abc9z", "html", now=NOW)
        with pytest.raises(NotFoundError, match="No case #999"):
            case_brief_html(session, brief_settings_, 999, now=NOW)
    assert f'data-case="{cases["en"].id}"' in html and 'data-needs-approval="false"' in html


def test_a_brief_never_contradicts_itself_or_reads_raw_codes(engine, brief_settings_):
    from tests.briefs.brief_fixtures import insert_situations

    with session_scope(engine) as session:
        insert_all(session)
        insert_situations(session)
    with session_scope(engine) as session:
        for post in ("1861000000000000001", "1861000000000000021", "1861000000000000031"):
            html = render_brief(session, brief_settings_, post, "html", now=NOW)
            text = re.sub(r"<[^>]+>", " ", html)
            # "they did not ask for ... apology, call back" beside an answer that apologises
            assert "did not ask for" not in text and "İstemedikleri" not in text
            assert "order_id:" not in text and "amount:" not in text
            assert not re.search(r"\b1 (times|kez|dəfə)\b", text)


def test_an_escalated_case_still_gets_a_brief(engine, brief_settings_, tmp_path):
    from tests.briefs.brief_fixtures import insert_az_safety_case

    with session_scope(engine) as session:
        case = insert_az_safety_case(session)
        case.status = "escalated"
        case.closed_at = NOW
        session.add(case)
    paths = write_briefs(engine, brief_settings_, tmp_path, ["html"], now=NOW)
    assert any(p.name.startswith(f"case-{case.id}-") for p in paths)


def test_post_links_are_canonical_and_reddit_titles_print_once(engine, brief_settings_):
    from tests.briefs.brief_fixtures import insert_en_unreachable_case

    with session_scope(engine) as session:
        insert_en_unreachable_case(session)
        repeat = insert_en_repeat_case(session)
        author = session.get(Author, repeat.author_id)
        session.add(
            Mention(
                channel="reddit",
                platform_id="t1_c0mm3nt",
                brand="Brightwave",
                author_id=author.id,
                text="Brightwave outage, day 6\n\nStill down this evening.",
                title="Brightwave outage, day 6",
                created_at=NOW - timedelta(hours=1),
                content_hash="hc",
                source="fixture",
                case_id=repeat.id,
                url="http://127.0.0.1:9999/r/brightwave/comments/1abc9z/_/c0mm3nt/",
            )
        )
    with session_scope(engine) as session:
        html = render_brief(session, brief_settings_, "1861000000000000031", "html", now=NOW)
        assert 'href="https://x.com/mike_o/status/1861000000000000031"' in html
        assert "127.0.0.1" not in html
        reddit = render_brief(session, brief_settings_, "t3_1abc9z", "html", now=NOW)
    assert 'href="https://www.reddit.com/r/brightwave/comments/1abc9z/_/c0mm3nt/"' in reddit
    assert reddit.count("<h3>Brightwave outage, day 6</h3>") == 1
    assert "127.0.0.1" not in reddit


def test_the_index_speaks_one_language_for_brands_of_several(engine, brief_settings_, tmp_path):
    with session_scope(engine) as session:
        insert_all(session)
    brief_settings_.digest.language = "az"  # tr, az and en brands: the managers' language
    write_briefs(engine, brief_settings_, tmp_path, ["html"], now=NOW)
    index = (tmp_path / "index.html").read_text(encoding="utf-8")
    assert '<html lang="az">' in index and "Geri zəng qeydləri" in index
    brief_settings_.brands = brief_settings_.brands[:1]  # one Turkish brand: Turkish
    write_briefs(engine, brief_settings_, tmp_path, ["html"], now=NOW)
    assert '<html lang="tr">' in (tmp_path / "index.html").read_text(encoding="utf-8")


def test_a_short_link_the_customer_posted_is_listed_by_where_it_goes(engine, brief_settings_):
    from tests.briefs.brief_fixtures import insert_tr_case

    with session_scope(engine) as session:
        insert_tr_case(session)
        analysis = session.exec(select(Analysis)).one()
        analysis.entities = [*analysis.entities, {"type": "url", "text": "https://t.co/Kg1"}]
        session.add(analysis)
    with session_scope(engine) as session:
        md = render_brief(session, brief_settings_, "1861000000000000001", "md", now=NOW)
    (details,) = [line for line in md.splitlines() if line.startswith("Elinizin altında olsun")]
    assert "https://kargola.example/takip?no=KG48213377" in details
    assert "t.co" not in details
