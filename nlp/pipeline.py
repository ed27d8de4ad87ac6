"""Compose the understanding steps into one batched analyzer; one factory builds the defaults.

The pipeline is handed its steps (each a small Protocol, nlp.steps) and only orchestrates:
normalise -> language -> vectors -> heads -> cues -> decisions (nlp.decisions) -> category,
grievance sentences, entities -> priority. `build_analyzer` is the one place that loads models,
and every default step loads its own lazily, once, on first use: a Turkish post never loads
spaCy's English model, and nothing imports torch unless the transformers encoder is configured.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence

import numpy as np

from callbrief.foundation.errors import CallbriefError, ModelError
from callbrief.foundation.settings import NlpSettings
from callbrief.nlp import decisions, features
from callbrief.nlp.category import CategoryPicker
from callbrief.nlp.decisions import LABELS, Decision, Tuning
from callbrief.nlp.encoders import Encoder, build_encoder
from callbrief.nlp.entities import EntityExtractor
from callbrief.nlp.heads import DEFAULT_PATH, HeadSet, load_heads
from callbrief.nlp.labels import TrainedLabels
from callbrief.nlp.language import LanguageIdentifier
from callbrief.nlp.rules import IRONY, REPEAT_CONTACT, CueFinder, Cues
from callbrief.nlp.sentences import SentenceSplitter
from callbrief.nlp.steps import (
    CategoryStep,
    CueStep,
    EntityStep,
    LabelHeads,
    LanguageStep,
    SentenceStep,
)
from callbrief.nlp.taxonomy import Taxonomy, load_taxonomy
from callbrief.nlp.text import Normalised, fold_any, normalise
from callbrief.nlp.types import Analysis, Sentiment, TextContext

NLP_VERSION = "0.2"
log = logging.getLogger(__name__)


class Pipeline:
    """Run every understanding step over batches of texts (implements nlp.types.Analyzer)."""

    def __init__(
        self,
        *,
        taxonomy: Taxonomy,
        encoder: Encoder | None,
        heads: HeadSet | None,
        language: LanguageStep,
        sentences: SentenceStep,
        cues: CueStep,
        categories: CategoryStep,
        entities: EntityStep,
        labels: LabelHeads | None = None,
    ) -> None:
        self.taxonomy = taxonomy
        self.encoder = encoder
        self.heads = heads
        self.tuning = Tuning.from_meta(heads.meta.get("tuning") if heads else None)
        self.language_id = language
        self.splitter = sentences
        self.cues = cues
        self.categories = categories
        self.entities = entities
        self.labels = labels
        self.severities = dict(getattr(cues, "priority_severities", {}))
        self.severities.update({name: e.severity for name, e in taxonomy.signals.items()})
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
            fallback = self.language_id.languages[0]
            log.warning(
                "language identification failed (%s): %d text(s) without a language hint are "
                "read as %r, the first of `languages:` in config.yaml",
                exc,
                sum(1 for h in hints if not h),
                fallback,
            )
            languages = [h or fallback for h in hints]
        cues = [self._cues(item, c.brand) for item, c in zip(items, contexts, strict=True)]
        complaints: list[bool] = []
        decided: list[Decision | None] = []
        sentiment_p = self.sentiment_proba(vectors, languages, [n.model for n in items])
        complaint_p = self.complaint_proba(vectors, languages)
        label_p = self.labels.proba(vectors, cues) if self.labels and vectors is not None else None
        irony_p = self.labels.irony(label_p) if self.labels and label_p else None
        for k, item in enumerate(items):
            try:
                d = self._decide(item, cues[k], sentiment_p, complaint_p, irony_p, k)
            except Exception as exc:  # noqa: BLE001 - reported below for this text only
                log.warning("decision failed for one text: %s", exc)
                d = None
            decided.append(d)
            complaints.append(bool(d and d.complaint))
        try:
            sentences = self.splitter.split(
                [n.clean if c else "" for n, c in zip(items, complaints, strict=True)], languages
            )
        except Exception as exc:  # noqa: BLE001
            log.warning("sentence splitting failed: %s", exc)
            sentences = [[n.clean] for n in items]
        sims = self.categories.similarities(vectors) if vectors is not None else None
        out = []
        for k, item in enumerate(items):
            d = decided[k]
            if d is None:
                out.append(Analysis.failed("analyse: decision failed", self.version))
                continue
            try:
                out.append(
                    self._one(
                        item,
                        languages[k],
                        sentences[k],
                        contexts[k],
                        d,
                        cues[k],
                        sims[k] if sims is not None else None,
                        {n: p[k] for n, p in label_p.items()} if label_p else None,
                    )
                )
            except Exception as exc:  # noqa: BLE001 - a rule that trips on one text
                log.warning("analysis failed for one text: %s", exc)
                out.append(Analysis.failed(f"analyse: {exc}", self.version))
        return out

    def _cues(self, item: Normalised, brand: str | None) -> Cues:
        try:
            return self.cues.find(item.folded, item.clean, brand)
        except Exception as exc:  # noqa: BLE001 - no cues is a valid reading
            log.warning("cue finding failed for one text: %s", exc)
            return Cues()

    def _decide(
        self,
        item: Normalised,
        cues: Cues,
        sentiment_p: np.ndarray | None,
        complaint_p: np.ndarray | None,
        irony_p: np.ndarray | None,
        k: int,
    ) -> Decision:
        return decisions.decide(
            item.clean,
            cues,
            sentiment_p[k] if sentiment_p is not None else None,
            float(complaint_p[k]) if complaint_p is not None else None,
            self.tuning,
            float(irony_p[k]) if irony_p is not None else None,
        )

    def sentiment_proba(
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

    def complaint_proba(
        self, vectors: np.ndarray | None, languages: Sequence[str]
    ) -> np.ndarray | None:
        """P(complaint) per text from its language's head (`complaint_tr`...) or the shared one."""
        if vectors is None or self.heads is None or self.heads.get("complaint") is None:
            return None
        out = np.zeros(len(vectors), dtype=np.float32)
        for lang in set(languages):
            head = self.heads.get(f"complaint_{lang}") or self.heads.get("complaint")
            assert head is not None
            rows = [i for i, la in enumerate(languages) if la == lang]
            out[rows] = head.proba(vectors[rows])[:, head.classes.index("yes")]
        return out

    def decide(
        self,
        item: Normalised,
        sentiment_p: np.ndarray | None,
        complaint_head: float | None,
        cues: Cues | None = None,
        brand: str | None = None,
        irony_head: float | None = None,
    ) -> tuple[Sentiment, bool, bool, Cues]:
        """Sentiment, complaint and irony of one text (train.py tunes the mix through this)."""
        cues = cues or self.cues.find(item.folded, item.clean, brand)
        d = decisions.decide(item.clean, cues, sentiment_p, complaint_head, self.tuning, irony_head)
        return d.sentiment, d.complaint, d.irony, cues

    def _one(
        self,
        item: Normalised,
        language: str,
        sentences: list[str],
        context: TextContext,
        d: Decision,
        cues: Cues,
        sims: np.ndarray | None,
        label_p: dict[str, np.ndarray] | None,
    ) -> Analysis:
        """Every per-text output after the batched model calls."""
        asks, found = list(cues.asks), set(cues.signals)
        if label_p is not None and self.labels is not None:
            asks = self.labels.asks(label_p, cues, d.complaint)
            found = set(self.labels.signals(label_p, cues))
        if decisions.fixed_with_thanks(cues):
            # thanks for a fix asks for nothing more, and repeats nothing
            asks, found = [], found & decisions.DECISIVE_SIGNALS
        if not d.complaint:
            # no grievance, nothing repeated: "3 aydır kullanıyorum, hiç sorun yaşamadım"
            found.discard(REPEAT_CONTACT)
        # a category names what a grievance is about: praise and questions get none
        category = None
        if d.complaint:
            head_p = label_p.get("category") if label_p else None
            category = self.categories.pick(sims, cues, d.complaint, head_p)
        grievance = self._grievance(sentences) if d.complaint else []
        if d.irony:
            found.add(IRONY)
        signals = [name for name in self.taxonomy.signals if name in found]
        negativity = d.sentiment.score if d.sentiment.label == "negative" else 0.0
        return Analysis(
            language=language,
            sentiment=d.sentiment,
            complaint=d.complaint,
            irony=d.irony,
            category=category,
            asks=[n for n in self.taxonomy.asks if n in asks],
            signals=signals,
            entities=self.entities.extract(item.clean),
            grievance=grievance,
            priority=decisions.priority(
                complaint=d.complaint,
                negativity=negativity,
                signals=signals + cues.priority_cues,
                severities=self.severities,
                context=context,
            ),
            model_version=self.version,
        )

    def _grievance(self, sentences: list[str]) -> list[str]:
        """The sentences that carry the complaint, verbatim and in order."""
        weights = [self.cues.sentence_weight(fold_any(s)) for s in sentences]
        chosen = [s for s, w in zip(sentences, weights, strict=True) if w > 0]
        if chosen or not sentences:
            return chosen
        return [max(sentences, key=len)]  # nothing matched: the longest sentence says the most


def load_matching_heads(settings: NlpSettings, encoder: Encoder | None) -> HeadSet | None:
    """The configured (or shipped) heads, if they were trained on this encoder."""
    if not (settings.heads_path or DEFAULT_PATH.is_file()):
        return None
    heads = load_heads(settings.heads_path)
    name = encoder.name if encoder else None
    if heads.encoder != name:
        if settings.heads_path:
            raise ModelError(
                f"The heads in {settings.heads_path} were trained on {heads.encoder}, but the "
                f"configured encoder is {name}. Retrain them with "
                "`python -m callbrief.nlp.training.train --data DIR --encoder ... --out PATH`."
            )
        # The shipped heads fit one encoder only: another one runs on rules and exemplars.
        log.warning("shipped heads fit %s, not %s: using rules", heads.encoder, name)
        return None
    return heads


def build_pipeline(
    *,
    languages: Sequence[str],
    taxonomy: Taxonomy,
    encoder: Encoder | None,
    heads: HeadSet | None,
    catalogue: Sequence[str] = (),
) -> Pipeline:
    """The default steps around an encoder and heads (each loads its model lazily, once)."""
    tuning = Tuning.from_meta(heads.meta.get("tuning") if heads else None)
    labels = TrainedLabels.from_heads(heads, taxonomy) if heads else None
    categories = CategoryPicker(
        taxonomy,
        encoder,
        margin=tuning.category_margin,
        cached=heads.exemplars if heads else None,
        head_classes=labels.category_classes if labels else None,
    )
    if labels:
        categories.head_min = labels.category_min
        categories.head_weight = float(labels.config.get("category_head_weight", 0.0))
        named = labels.config.get("category_head_weight_named")
        categories.head_weight_named = None if named is None else float(named)
    return Pipeline(
        taxonomy=taxonomy,
        encoder=encoder,
        heads=heads,
        language=LanguageIdentifier(languages),
        sentences=SentenceSplitter(languages),
        cues=CueFinder(taxonomy),
        categories=categories,
        entities=EntityExtractor(catalogue),
        labels=labels,
    )


def build_analyzer(
    settings: NlpSettings, *, languages: list[str], taxonomy: dict | None = None
) -> Pipeline:
    """Build the encoder, heads and steps that settings name (nlp.types.Analyzer)."""
    tax = load_taxonomy(taxonomy)
    encoder = build_encoder(
        settings.encoder, settings.model, device=settings.device, batch_size=settings.batch_size
    )
    heads = load_matching_heads(settings, encoder)
    try:
        return build_pipeline(
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
