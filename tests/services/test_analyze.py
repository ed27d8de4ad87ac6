"""Analysing stored mentions: batched, one bad text never blocks the rest, nothing twice."""

import json

from sqlmodel import Session, select

from callbrief.nlp.types import Analysis, Sentiment
from callbrief.services.analyze import analyze_pending
from callbrief.services.importer import import_jsonl
from callbrief.storage.models import Analysis as AnalysisRow
from callbrief.storage.models import Mention


class PickyAnalyzer:
    """Fails any batch that holds the word 'poison', like a model choking on one input."""

    version = "picky-1"

    def __init__(self):
        self.batches = []

    def analyze(self, texts, contexts=None):
        self.batches.append(list(texts))
        if any("poison" in t for t in texts):
            raise RuntimeError("model crashed")
        return [
            Analysis(
                language="tr",
                sentiment=Sentiment("negative", 0.8),
                complaint=True,
                irony=False,
                category="delivery",
                grievance=[t],
                priority=min(1.0, 0.1 * (c.prior_contacts + 1)),
                model_version=self.version,
            )
            for t, c in zip(texts, contexts, strict=True)
        ]


def seed(engine, tmp_path, texts):
    rows = [
        {
            "id": str(i),
            "channel": "x",
            "author": "ayse",
            "text": text,
            "brand": "Kargola",
            "created_at": f"2026-11-2{i}T09:00:00Z",
        }
        for i, text in enumerate(texts)
    ]
    path = tmp_path / "m.jsonl"
    path.write_text("\n".join(json.dumps(r) for r in rows) + "\n", encoding="utf-8")
    import_jsonl(engine, path)


def test_one_failing_text_is_recorded_and_the_rest_analysed(any_engine, tmp_path):
    seed(any_engine, tmp_path, ["Kargom gelmedi", "poison pill", "Hâlâ gelmedi"])
    analyzer = PickyAnalyzer()
    report = analyze_pending(any_engine, analyzer, batch_size=10)
    assert (report.analysed, report.failed) == (2, 1)
    with Session(any_engine) as s:
        rows = {
            m.text: a
            for a, m in s.exec(
                select(AnalysisRow, Mention).join(Mention, Mention.id == AnalysisRow.mention_id)
            )
        }
    assert rows["poison pill"].error == "RuntimeError: model crashed"
    assert rows["Kargom gelmedi"].error is None and rows["Hâlâ gelmedi"].complaint is True
    # the whole batch went to the model once, then only the retry went text by text
    assert analyzer.batches[0] == ["Kargom gelmedi", "poison pill", "Hâlâ gelmedi"]


def test_analysed_mentions_are_not_analysed_again_and_history_is_counted(engine, tmp_path):
    seed(engine, tmp_path, ["Kargom gelmedi", "Hâlâ gelmedi", "Üçüncü kez yazıyorum"])
    first = analyze_pending(engine, PickyAnalyzer())
    again = analyze_pending(engine, PickyAnalyzer())
    assert (first.analysed, again.analysed) == (3, 0)
    with Session(engine) as s:
        priorities = [a.priority for a in s.exec(select(AnalysisRow).order_by(AnalysisRow.id))]
    assert [round(p, 3) for p in priorities] == [
        0.1,
        0.2,
        0.3,
    ]  # prior contacts of the same author: 0, 1, 2


def test_earlier_posts_on_another_channel_count_once_handles_are_linked(any_engine, tmp_path):
    from callbrief.storage.customers import link_handles
    from callbrief.storage.db import session_scope

    rows = [
        {
            "id": "a1",
            "channel": "x",
            "author": "emre_tan",
            "text": "İade kargom gelmedi",
            "brand": "Kargola",
            "created_at": "2026-11-13T09:00:00Z",
        },
        {
            "id": "a2",
            "channel": "reddit",
            "author": "emretan_",
            "text": "Hâlâ depoda",
            "brand": "Kargola",
            "created_at": "2026-11-16T09:00:00Z",
        },
        {
            "id": "a3",
            "channel": "x",
            "author": "someone",
            "text": "Benim de gelmedi",
            "brand": "Kargola",
            "created_at": "2026-11-16T10:00:00Z",
        },
    ]
    path = tmp_path / "m.jsonl"
    path.write_text("\n".join(json.dumps(r) for r in rows) + "\n", encoding="utf-8")
    import_jsonl(any_engine, path)
    with session_scope(any_engine) as s:
        link_handles(s, [("x", "emre_tan"), ("reddit", "emretan_")], name="Emre Tan")
    analyze_pending(any_engine, PickyAnalyzer())
    with Session(any_engine) as s:
        found = s.exec(
            select(Mention.platform_id, AnalysisRow.priority)
            .join(AnalysisRow, AnalysisRow.mention_id == Mention.id)
            .order_by(Mention.platform_id)
        )
        priorities = {pid: round(p, 3) for pid, p in found}
    assert priorities == {"a1": 0.1, "a2": 0.2, "a3": 0.1}


def test_a_batch_is_stored_with_one_read_of_its_earlier_analyses(engine, tmp_path):
    from types import SimpleNamespace

    from sqlalchemy import event

    from callbrief.services.analyze import store_analyses

    texts = ["Kargom gelmedi", "Hâlâ gelmedi", "Üçüncü kez yazıyorum"]
    seed(engine, tmp_path, texts)
    contexts = [SimpleNamespace(prior_contacts=n) for n in range(3)]
    earlier = PickyAnalyzer().analyze(["eski"], contexts[:1])
    results = PickyAnalyzer().analyze(texts, contexts)
    with Session(engine) as s:
        ids = list(s.exec(select(Mention.id).order_by(Mention.id)))
        store_analyses(s, [(ids[0], earlier[0])])
        s.commit()
    reads = []

    def count(_conn, _cursor, statement, *_):  # type: ignore[no-untyped-def]
        if "FROM analyses" in statement:
            reads.append(statement)

    event.listen(engine, "before_cursor_execute", count)
    try:
        with Session(engine) as s:
            store_analyses(s, list(zip(ids, results, strict=True)))
            s.commit()
    finally:
        event.remove(engine, "before_cursor_execute", count)
    assert len(reads) == 1
    with Session(engine) as s:
        stored = {a.mention_id: a for a in s.exec(select(AnalysisRow))}
    assert len(stored) == 3  # the earlier analysis was replaced, not doubled
    assert [stored[i].grievance for i in ids] == [[t] for t in texts]
