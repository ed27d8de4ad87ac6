"""The bundled demo recordings, replayed through the real pollers."""

from __future__ import annotations

import json
from datetime import timedelta

from sqlmodel import Session, select

from callbrief.services.demo.recordings import RECORDINGS, demo_brands, replay_demo
from callbrief.storage.customers import customer_of
from callbrief.storage.models import Author, Mention


def test_the_demo_replays_offline_into_a_realistic_week_of_mentions(
    settings, engine, tmp_path, monkeypatch
):
    monkeypatch.chdir(tmp_path)  # recordings are package data, found from any directory
    report = replay_demo(settings, engine)
    assert not report.failed and report.notes == []
    with Session(engine) as session:
        mentions = session.exec(select(Mention)).all()
        handles = {a.id: a.handle for a in session.exec(select(Author))}
        assert 45 <= len(mentions) <= 60
        assert {m.brand for m in mentions} == {b.name for b in demo_brands()}
        assert {m.lang for m in mentions if m.channel == "x"} == {"tr", "az", "en"}
        assert {m.channel for m in mentions} == {"x", "reddit", "rss"}
        days = max(m.created_at for m in mentions) - min(m.created_at for m in mentions)
        assert timedelta(days=7) <= days <= timedelta(days=9)
        own = {"kargola", "kargoladestek", "ulduzmobil", "brightwave", "brightwavehelp"}
        assert not own & {handles[m.author_id] for m in mentions}
        assert not [m for m in mentions if m.text.startswith("RT @")]
        texts = [m.text for m in mentions]
        assert len(texts) == len(set(texts))
        follow_up = next(m for m in mentions if m.text.startswith("@kargoladestek 2 gün önce"))
        assert "Takip numaranızı DM ile iletir misiniz" in follow_up.parent_text
        photo = next(m for m in mentions if "KG48213377" not in m.text and "tablet" in m.text)
        assert photo.links[0].startswith("https://x.com/zeynep_ak/status/")
        emre = customer_of(session, "x", "emre_tan")
        assert emre is not None and emre.id == customer_of(session, "reddit", "emretan_").id
        assert emre.phone == "+905324182773"

    again = replay_demo(settings, engine)
    assert again.new == 0 and not again.failed


def test_recordings_hold_no_secrets():
    for path in RECORDINGS.glob("*.json"):
        text = path.read_text(encoding="utf-8")
        data = json.loads(text)
        assert data["interactions"], path
        assert "Authorization" not in text and "Bearer " not in text, path
