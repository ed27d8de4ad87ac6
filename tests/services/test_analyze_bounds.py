"""Bounded analysis: a post dated 9999 blocks nothing, a 5 MB post is stored whole and quoted,
while the models read a window of it; a batch that fails one by one stops at its time budget."""

from __future__ import annotations

import json
from datetime import UTC, datetime

from sqlmodel import Session, select

from callbrief.briefs.brief import render_brief
from callbrief.foundation.records import AuthorRecord
from callbrief.nlp.types import Analysis, Sentiment
from callbrief.services.analyze import (
    ANALYSIS_WINDOW,
    analysis_window,
    analyze_and_open_cases,
    analyze_safely,
)
from callbrief.services.importer import import_jsonl
from callbrief.storage.db import session_scope
from callbrief.storage.mentions import upsert_author
from callbrief.storage.models import Analysis as AnalysisRow
from callbrief.storage.models import Case, Mention


class MeasuringAnalyzer:
    """Every text is a delivery complaint; remembers how long each text it was given was."""

    version = "measure-1"

    def __init__(self):
        self.lengths: list[int] = []

    def analyze(self, texts, contexts=None):
        self.lengths += [len(t) for t in texts]
        return [
            Analysis(
                language="tr",
                sentiment=Sentiment("negative", 0.9),
                complaint=True,
                irony=False,
                category="delivery",
                grievance=[t[:80]],
                priority=0.5,
                model_version=self.version,
            )
            for t in texts
        ]


def write(tmp_path, rows):
    path = tmp_path / "m.jsonl"
    path.write_text("\n".join(json.dumps(r) for r in rows) + "\n", encoding="utf-8")
    return path


def row(pid, text, when="2026-11-20T09:00:00Z", author="ayse"):
    return {
        "id": pid,
        "channel": "x",
        "author": author,
        "text": text,
        "created_at": when,
        "brand": "Kargola",
    }


def test_a_post_dated_9999_neither_crashes_nor_blocks_later_cases(any_engine, settings, tmp_path):
    # stored before the importer refused such dates (or by any other writer)
    with session_scope(any_engine) as session:
        author = upsert_author(session, AuthorRecord(channel="x", handle="timetraveller"))
        session.add(
            Mention(
                channel="x",
                platform_id="far",
                brand="Kargola",
                author_id=author.id,
                text="Gelecekten yaziyorum, kargom gelmedi",
                created_at=datetime(9999, 12, 31, 23, 59, tzinfo=UTC),
                content_hash="far",
                source="import",
            )
        )
    import_jsonl(any_engine, write(tmp_path, [row("later", "Kargom gelmedi", author="ali")]))
    report, cases = analyze_and_open_cases(any_engine, settings, MeasuringAnalyzer())
    assert (report.analysed, report.failed) == (2, 0)
    with Session(any_engine) as session:
        later = session.exec(select(Mention).where(Mention.platform_id == "later")).one()
        assert later.case_id is not None
        assert len(session.exec(select(Case)).all()) == 2
    # and the next run still works
    import_jsonl(any_engine, write(tmp_path, [row("later2", "Hala yok", author="veli")]))
    report, cases = analyze_and_open_cases(any_engine, settings, MeasuringAnalyzer())
    assert report.analysed == 1 and cases.opened == 1


def test_a_5_mb_post_is_stored_and_quoted_whole_and_read_through_a_window(
    any_engine, settings, tmp_path
):
    sentence = "Kargom gelmedi ve kimse aramadi. "
    text = "Basta bunu yazdim. " + sentence * (5_000_000 // len(sentence)) + "SONKELIME burada."
    assert len(text) > 5_000_000
    report = import_jsonl(any_engine, write(tmp_path, [row("big", text)]))
    assert report.bad_lines == []
    analyzer = MeasuringAnalyzer()
    analyze_and_open_cases(any_engine, settings, analyzer)
    assert analyzer.lengths and max(analyzer.lengths) <= ANALYSIS_WINDOW
    with session_scope(any_engine) as session:
        stored = session.exec(select(Mention.text)).one()
        assert stored == text
        assert session.exec(select(AnalysisRow.error)).one() is None
        md = render_brief(session, settings, "big", "md")
    assert "Basta bunu yazdim." in md and "SONKELIME burada." in md  # quoted whole


def test_the_window_cuts_at_a_sentence_end():
    text = "Birinci cumle burada. " * 400
    window = analysis_window(text, 1000)
    assert len(window) <= 1000 and window.endswith("burada.")
    assert analysis_window("kisa", 1000) == "kisa"
    unbroken = "x" * 5000
    assert analysis_window(unbroken, 1000) == "x" * 1000


class SlowFailingAnalyzer:
    """A batch always fails; one text alone takes `seconds` of (fake) time."""

    version = "slow-1"

    def __init__(self, clock):
        self.clock = clock
        self.singles = 0

    def analyze(self, texts, contexts=None):
        if len(texts) > 1:
            raise RuntimeError("batch too big for the model")
        self.singles += 1
        self.clock[0] += 10.0
        return MeasuringAnalyzer().analyze(texts, contexts)


def test_the_one_by_one_retry_stops_at_the_time_budget(monkeypatch):
    clock = [0.0]
    monkeypatch.setattr("callbrief.services.analyze.time.monotonic", lambda: clock[0])
    analyzer = SlowFailingAnalyzer(clock)
    texts = [f"metin {i}" for i in range(10)]
    from callbrief.nlp.types import TextContext

    results = analyze_safely(analyzer, texts, [TextContext() for _ in texts], time_budget_s=25)
    assert len(results) == 3  # 0 s, 10 s, 20 s started; the rest waits for the next batch
    assert analyzer.singles == 3
