"""retention_days: `run`'s processing job clears old post text and raw payloads, counts stay."""

from __future__ import annotations

import json
from datetime import timedelta

from sqlalchemy import func
from sqlmodel import Session, select

from callbrief.services.importer import import_jsonl
from callbrief.services.scheduler import make_jobs
from callbrief.storage.models import Analysis, Mention, utcnow
from tests.services.analyze_runner import LoggingAnalyzer


def test_the_processing_job_clears_posts_past_retention_and_keeps_counts(
    any_engine, settings, tmp_path
):
    now = utcnow()
    rows = [
        {
            "id": pid,
            "channel": "x",
            "author": "ayse",
            "text": words,
            "created_at": (now - timedelta(days=age)).isoformat(),
            "brand": "Kargola",
            "url": f"https://x.com/ayse/status/{pid}",
        }
        for pid, words, age in [("old", "Eskipost kargom gelmedi #c", 40), ("new", "Yeni #c", 2)]
    ]
    path = tmp_path / "m.jsonl"
    path.write_text("\n".join(json.dumps(r) for r in rows) + "\n", encoding="utf-8")
    import_jsonl(any_engine, path)
    settings.retention_days = 30
    jobs = make_jobs(
        settings,
        any_engine,
        analyzer=LoggingAnalyzer(str(tmp_path / "log")),
        out_dir=tmp_path / "briefs",
        email=False,
    )
    summary = jobs.process()
    assert "1 post(s) past 30 days cleared" in summary
    with Session(any_engine) as session:
        old, new = (
            session.exec(select(Mention).where(Mention.platform_id == pid)).one()
            for pid in ("old", "new")
        )
        assert old.text == "" and old.raw == {"retention": "cleared"} and old.links == []
        assert new.text == "Yeni #c" and new.raw["id"] == "new"
        analyses = {a.mention_id: a for a in session.exec(select(Analysis)).all()}
        assert analyses[old.id].grievance == [] and analyses[old.id].complaint is True
        assert analyses[new.id].grievance == ["Yeni #c"]
        # what the digest counts is kept: the post, its date, brand, sentiment and category
        assert session.exec(select(func.count()).select_from(Mention)).one() == 2
        assert analyses[old.id].sentiment_label == "negative"
    assert "cleared" not in jobs.process()  # nothing new to clear the second time
