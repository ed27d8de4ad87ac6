"""Run the NLP pipeline over stored mentions that have no analysis yet, in batches."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import cast

from sqlalchemy import or_
from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from callbrief.foundation.progress import NullProgress, Progress
from callbrief.foundation.settings import Settings
from callbrief.nlp.types import Analysis, Analyzer, TextContext
from callbrief.storage.cases import CaseUpdate, update_cases
from callbrief.storage.db import session_scope
from callbrief.storage.models import Analysis as AnalysisRow
from callbrief.storage.models import Author, Mention, utcnow


@dataclass
class AnalyzeReport:
    analysed: int = 0
    failed: int = 0


def _pending_ids(session: Session) -> list[int]:
    stmt = (
        select(col(Mention.id))
        .outerjoin(AnalysisRow, col(AnalysisRow.mention_id) == Mention.id)
        .where(col(AnalysisRow.id).is_(None))
        .order_by(col(Mention.created_at), col(Mention.id))
    )
    # the ids of stored rows, never None (`id` is Optional only before the first flush)
    return cast(list[int], list(session.exec(stmt).all()))


def _person(author: Author) -> tuple[str, int | None]:
    """One person: the linked customer when there is one, else the handle."""
    return ("customer", author.customer_id) if author.customer_id else ("author", author.id)


def _contexts(
    session: Session, rows: Sequence[tuple[Mention, Author]], now: datetime
) -> list[TextContext]:
    """What the text cannot tell: influence, how often this person wrote before, age."""
    author_ids = {author.id for _, author in rows}
    customer_ids = {author.customer_id for _, author in rows if author.customer_id}
    latest = max((mention.created_at for mention, _ in rows), default=now)
    # one query for the whole batch: every earlier post of these people, counted below
    history = session.exec(
        select(Mention.brand, Mention.created_at, Author.id, Author.customer_id)
        .join(Author, col(Author.id) == Mention.author_id)
        .where(
            col(Mention.created_at) < latest,
            or_(col(Author.id).in_(author_ids), col(Author.customer_id).in_(customer_ids)),
        )
    ).all()
    earlier: dict[tuple[str, int | None, str], list[datetime]] = defaultdict(list)
    for brand, created_at, author_id, customer_id in history:
        key = ("customer", customer_id) if customer_id else ("author", author_id)
        earlier[(*key, brand)].append(created_at)
    contexts = []
    for mention, author in rows:
        moments = earlier[(*_person(author), mention.brand)]
        contexts.append(
            TextContext(
                brand=mention.brand,
                followers=author.followers if author.followers is not None else author.karma,
                prior_contacts=sum(1 for t in moments if t < mention.created_at),
                age_hours=max(0.0, (now - mention.created_at).total_seconds() / 3600),
                lang_hint=mention.lang,
            )
        )
    return contexts


def analyze_safely(
    analyzer: Analyzer, texts: Sequence[str], contexts: Sequence[TextContext]
) -> list[Analysis]:
    """Analyse a batch; if the batch fails, retry one by one so one bad text fails alone."""
    try:
        return analyzer.analyze(texts, contexts)
    except Exception:  # noqa: BLE001 - any model failure is isolated below, never fatal
        results = []
        for text, context in zip(texts, contexts, strict=True):
            try:
                results.extend(analyzer.analyze([text], [context]))
            except Exception as exc:  # noqa: BLE001
                results.append(Analysis.failed(f"{type(exc).__name__}: {exc}", analyzer.version))
        return results


def store_analysis(session: Session, mention_id: int, result: Analysis) -> None:
    """Insert or replace the analysis of one mention."""
    row = session.exec(select(AnalysisRow).where(AnalysisRow.mention_id == mention_id)).first()
    row = row or AnalysisRow(
        mention_id=mention_id,
        model_version=result.model_version,
        language="",
        sentiment_label="",
        sentiment_score=0.0,
        complaint=False,
        irony=False,
    )
    row.model_version = result.model_version
    row.language = result.language
    row.sentiment_label = result.sentiment.label
    row.sentiment_score = float(result.sentiment.score)
    row.complaint = bool(result.complaint)
    row.irony = bool(result.irony)
    row.category = result.category
    row.asks = list(result.asks)
    row.signals = list(result.signals)
    row.entities = [{"type": e.type, "text": e.text} for e in result.entities]
    row.grievance = list(result.grievance)
    row.priority = float(result.priority)
    row.error = result.error
    row.created_at = utcnow()
    session.add(row)


def analyze_pending(
    engine: Engine,
    analyzer: Analyzer,
    *,
    progress: Progress | None = None,
    batch_size: int = 64,
    now: datetime | None = None,
) -> AnalyzeReport:
    """Analyse every stored mention without an analysis; each batch commits on its own."""
    progress = progress or NullProgress()
    now = now or utcnow()
    report = AnalyzeReport()
    with Session(engine) as session:
        ids = _pending_ids(session)
    progress.start("analyze", total=len(ids))
    for start in range(0, len(ids), batch_size):
        chunk = ids[start : start + batch_size]
        with session_scope(engine) as session:
            rows = session.exec(
                select(Mention, Author)
                .join(Author, col(Author.id) == Mention.author_id)
                .where(col(Mention.id).in_(chunk))
                .order_by(col(Mention.created_at), col(Mention.id))
            ).all()
            texts = [_text_for(mention) for mention, _ in rows]
            results = analyze_safely(analyzer, texts, _contexts(session, rows, now))
            for (mention, _), result in zip(rows, results, strict=True):
                store_analysis(session, mention.id, result)  # type: ignore[arg-type]
                report.failed += result.error is not None
                report.analysed += result.error is None
        progress.advance("analyze", len(chunk))
    progress.done("analyze", f"{report.analysed} analysed, {report.failed} failed")
    return report


def _text_for(mention: Mention) -> str:
    """The customer's own words; a Reddit title is part of what they wrote."""
    if mention.title and mention.channel == "reddit" and mention.title not in mention.text:
        return f"{mention.title}\n{mention.text}"
    return mention.text


def analyze_and_open_cases(
    engine: Engine,
    settings: Settings,
    analyzer: Analyzer,
    *,
    progress: Progress | None = None,
    now: datetime | None = None,
) -> tuple[AnalyzeReport, CaseUpdate]:
    """Analyse what is new, then let complaints join or open callback cases."""
    report = analyze_pending(
        engine, analyzer, progress=progress, batch_size=settings.nlp.batch_size, now=now
    )
    with session_scope(engine) as session:
        cases = update_cases(session, settings, now=now)
    return report, cases
