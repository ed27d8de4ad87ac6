"""Run the NLP pipeline over stored mentions that have no analysis yet, in batches."""

from __future__ import annotations

import importlib
import logging
import re
import time
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, or_
from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from callbrief.foundation.errors import ConfigError
from callbrief.foundation.progress import NullProgress, Progress
from callbrief.foundation.settings import Settings
from callbrief.nlp.types import Analysis, Analyzer, TextContext
from callbrief.storage.cases import CaseUpdate, update_cases
from callbrief.storage.claims import (
    claim_mentions,
    lock_case_updates,
    release_claims,
    worker_name,
)
from callbrief.storage.db import session_scope
from callbrief.storage.models import Analysis as AnalysisRow
from callbrief.storage.models import Author, Mention, utcnow

# The models read at most this much of a post (about 250 words): a 5 MB paste would otherwise
# hold a batch for minutes, and a batch is padded to its longest text. The whole post is still
# stored, quoted in the brief and searched by the digest.
ANALYSIS_WINDOW = 1500
# A batch whose texts fail together is retried one text at a time; past this many seconds the
# retry stops and leaves the rest for the next batch, so one bad batch cannot stall the queue.
BATCH_TIME_BUDGET_S = 60.0
SENTENCE_END = re.compile(r"[.!?…\n][\"')\]»”]*\s")
log = logging.getLogger("callbrief.analyze")


def load_analyzer(settings: Settings) -> Analyzer:
    """The analyzer of `workers.analyzer_factory` when set, else the real pipeline (the CLI's
    and the workers' one loader)."""
    began = time.monotonic()
    dotted = settings.workers.analyzer_factory
    if dotted:
        module, _, name = dotted.partition(":")
        try:
            factory = getattr(importlib.import_module(module), name)
        except (ImportError, AttributeError, ValueError):
            raise ConfigError(
                f"workers.analyzer_factory {dotted!r} does not name a function; use "
                "package.module:function."
            ) from None
        analyzer: Analyzer = factory(settings)
    else:
        from callbrief.nlp.pipeline import build_analyzer

        analyzer = build_analyzer(
            settings.nlp, languages=list(settings.languages), taxonomy=settings.taxonomy
        )
    seconds = time.monotonic() - began
    log.info("models loaded in %.1f s (%s)", seconds, dotted or f"encoder {settings.nlp.encoder}")
    return analyzer


@dataclass
class AnalyzeReport:
    analysed: int = 0
    failed: int = 0
    deferred: int = 0  # left for the next batch by the time budget

    def __iadd__(self, other: AnalyzeReport) -> AnalyzeReport:
        self.analysed += other.analysed
        self.failed += other.failed
        self.deferred += other.deferred
        return self


def analysis_window(text: str, limit: int = ANALYSIS_WINDOW) -> str:
    """The start of `text` the models read: up to `limit` characters, cut at a sentence end."""
    if len(text) <= limit:
        return text
    head = text[:limit]
    ends = [m.end() for m in SENTENCE_END.finditer(head)]
    # a sentence end in the last half keeps whole sentences; else cut at a space, else anywhere
    cut = ends[-1] if ends and ends[-1] > limit // 2 else head.rfind(" ") + 1 or limit
    return head[: cut if cut > limit // 2 else limit].rstrip()


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
    analyzer: Analyzer,
    texts: Sequence[str],
    contexts: Sequence[TextContext],
    *,
    time_budget_s: float | None = None,
) -> list[Analysis]:
    """Analyse a batch; if the batch fails, retry one by one so one bad text fails alone.

    With a time budget, the one-by-one retry stops once the budget is spent (after at least one
    text): the result is then shorter than `texts`, and the caller leaves the rest for later.
    """
    started = time.monotonic()
    try:
        return analyzer.analyze(texts, contexts)
    except Exception:  # noqa: BLE001 - any model failure is isolated below, never fatal
        results: list[Analysis] = []
        for text, context in zip(texts, contexts, strict=True):
            spent = time.monotonic() - started
            if results and time_budget_s is not None and spent > time_budget_s:
                break
            try:
                results.extend(analyzer.analyze([text], [context]))
            except Exception as exc:  # noqa: BLE001
                results.append(Analysis.failed(f"{type(exc).__name__}: {exc}", analyzer.version))
        return results


def store_analyses(session: Session, results: Sequence[tuple[int, Analysis]]) -> None:
    """Insert or replace the analyses of a batch of mentions: (mention id, analysis) pairs."""
    ids = [mention_id for mention_id, _ in results]
    stored = {
        row.mention_id: row
        for row in session.exec(select(AnalysisRow).where(col(AnalysisRow.mention_id).in_(ids)))
    }
    for mention_id, result in results:
        row = stored.get(mention_id) or AnalysisRow(
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
        # a savepoint each: if a worker whose lease went stale stored this mention meanwhile,
        # its row stays and the rest of the batch is still stored
        try:
            with session.begin_nested():
                session.add(row)
        except IntegrityError:
            pass


def analyze_mentions(
    engine: Engine,
    analyzer: Analyzer,
    mention_ids: Sequence[int],
    *,
    now: datetime | None = None,
    time_budget_s: float = BATCH_TIME_BUDGET_S,
) -> AnalyzeReport:
    """Analyse exactly these mentions (a worker's claimed batch) in one transaction.

    The whole post is stored and quoted; the models see a bounded window of it (`analysis_window`).
    The leases of the analysed mentions are released in the same commit. Mentions the batch's time
    budget left over are counted as `deferred` and stay unanalysed for the next claim.
    """
    report = AnalyzeReport()
    if not mention_ids:
        return report
    now = now or utcnow()
    with session_scope(engine) as session:
        rows = session.exec(
            select(Mention, Author)
            .join(Author, col(Author.id) == Mention.author_id)
            .where(col(Mention.id).in_(list(mention_ids)))
            .order_by(col(Mention.created_at), col(Mention.id))
        ).all()
        texts = [analysis_window(_text_for(mention)) for mention, _ in rows]
        results = analyze_safely(
            analyzer, texts, _contexts(session, rows, now), time_budget_s=time_budget_s
        )
        done = [(mention.id, result) for (mention, _), result in zip(rows, results, strict=False)]
        store_analyses(session, done)  # type: ignore[arg-type]
        report.failed += sum(result.error is not None for result in results)
        report.analysed += sum(result.error is None for result in results)
        report.deferred += len(rows) - len(results)
        # deferred ones too: their lease goes back to the pool, first in line for the next claim
        release_claims(session, mention_ids)
    return report


def analyze_pending(
    engine: Engine,
    analyzer: Analyzer,
    *,
    progress: Progress | None = None,
    batch_size: int = 64,
    now: datetime | None = None,
    worker: str | None = None,
) -> AnalyzeReport:
    """Analyse every stored mention without an analysis, claiming a batch at a time.

    Any number of processes may run this at once: each batch is leased to one of them
    (`storage.claims`), so every mention is analysed once.
    """
    progress = progress or NullProgress()
    now = now or utcnow()
    worker = worker or worker_name()
    report = AnalyzeReport()
    with Session(engine) as session:
        pending = session.exec(
            select(func.count(col(Mention.id)))
            .outerjoin(AnalysisRow, col(AnalysisRow.mention_id) == Mention.id)
            .where(col(AnalysisRow.id).is_(None))
        ).one()
    progress.start("analyze", total=pending)
    # every batch analyses at least one of its mentions, so this loop always ends
    while ids := claim_mentions(engine, worker, batch_size):
        batch = analyze_mentions(engine, analyzer, ids, now=now)
        report += batch
        progress.advance("analyze", batch.analysed + batch.failed)
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
        # first in the transaction: a second process waits here, then sees this one's cases
        lock_case_updates(session)
        cases = update_cases(session, settings, now=now)
    return report, cases
