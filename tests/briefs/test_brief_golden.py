"""Golden briefs: the exact Markdown and HTML for the tr, az and en fixture cases.

Regenerate after an intended change with:
    CALLBRIEF_REGEN_GOLDENS=1 python -m pytest tests/briefs/test_brief_golden.py
and review the diff of tests/briefs/golden/ before committing it.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from callbrief.briefs.brief import render_brief
from callbrief.storage.db import session_scope
from tests.briefs.brief_fixtures import (
    NOW,
    brief_settings,
    fixed_labels,
    insert_all,
    insert_situations,
)

GOLDEN = Path(__file__).parent / "golden"
REGENERATE = os.environ.get("CALLBRIEF_REGEN_GOLDENS") == "1"
POSTS = {
    "tr": "1861000000000000001",
    "az": "1861000000000000002",
    "en": "t3_1abc9z",
    # the situations the brief must get right (issue 11): above the limit, safety, no answer
    "tr-over-limit": "1861000000000000011",
    "az-safety": "1861000000000000021",
    "en-channel-switch": "1861000000000000031",
}


@pytest.fixture
def fixture_db(engine, settings, monkeypatch):
    monkeypatch.setattr("callbrief.briefs.brief.taxonomy_labeler", lambda _settings: fixed_labels)
    with session_scope(engine) as session:
        insert_all(session)
        insert_situations(session)
    return engine, brief_settings(settings)


@pytest.mark.parametrize("fmt", ["md", "html"])
@pytest.mark.parametrize("language", list(POSTS))
def test_brief_matches_golden(fixture_db, language, fmt):
    engine, settings = fixture_db
    with session_scope(engine) as session:
        rendered = render_brief(session, settings, POSTS[language], fmt, now=NOW)
    golden = GOLDEN / f"brief-{language}.{fmt}"
    if REGENERATE:
        golden.write_text(rendered, encoding="utf-8")
        pytest.skip(f"regenerated {golden.name}")
    assert golden.exists(), f"{golden} is missing: run with CALLBRIEF_REGEN_GOLDENS=1 to create it"
    assert rendered == golden.read_text(encoding="utf-8")
