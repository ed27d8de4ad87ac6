"""Fit the asks, signals and category heads (nlp.labels) and tune them on dev.

Asks and signals: one logistic regression per label on [sentence vector; cue vector], trained on
our own labelled posts. Each label's threshold is tuned on dev, and a label keeps its rule when
the head did not beat the rule there (or dev has too few examples to tell). Category: one
softmax over the categories, on our posts plus weak labels (airline reasons, Şikayetvar product
keywords), with how far to trust it tuned on dev through the real CategoryPicker.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np

from callbrief.nlp.decisions import fixed_with_thanks
from callbrief.nlp.heads import Head
from callbrief.nlp.labels import (
    ASKS,
    CATEGORY,
    EXACT_ASKS,
    EXACT_SIGNALS,
    IRONY_HEAD,
    SIGNALS,
    cue_names,
    head_inputs,
    head_keeps,
)
from callbrief.nlp.rules import IRONY, Cues
from callbrief.nlp.taxonomy import Taxonomy
from callbrief.nlp.training.data import Example

MIN_POSITIVES = 4  # fewer training examples than this: the rule stays, no head is worth it
MIN_DEV_POSITIVES = 3  # fewer dev examples than this cannot show that a head beats the rule
THRESHOLDS = tuple(np.round(np.arange(0.2, 0.85, 0.05), 2))
C_GRID = (0.5, 2.0)
Rows = list[tuple[Example, np.ndarray, Cues]]


def _f1(gold: Sequence[bool], pred: Sequence[bool]) -> float:
    tp = sum(g and p for g, p in zip(gold, pred, strict=True))
    fp = sum(p and not g for g, p in zip(gold, pred, strict=True))
    fn = sum(g and not p for g, p in zip(gold, pred, strict=True))
    return 2 * tp / (2 * tp + fp + fn) if tp else 0.0


def logreg(x: np.ndarray, y: Sequence[object], c: float):  # type: ignore[no-untyped-def]
    """A class-balanced logistic regression, the model behind every trained head."""
    from sklearn.linear_model import LogisticRegression

    return LogisticRegression(C=c, max_iter=3000, class_weight="balanced").fit(x, list(y))


def _multilabel(
    section: str,
    names: Sequence[str],
    gold_of: Callable[[Example], tuple[str, ...] | None],
    rule_of: Callable[[Cues], Sequence[str]],
    exact: frozenset[str],
    train: Rows,
    dev: Rows,
    taxonomy: Taxonomy,
    log: Callable[[str], None],
) -> tuple[Head, dict[str, dict[str, object]]]:
    """One sigmoid head over `names`; per label: threshold and head-or-rule, chosen on dev."""
    # a problem put right, with thanks, never reaches the heads (the pipeline drops its asks and
    # soft signals): fitted or tuned on, its "refund came through" would teach that "refund"
    # asks for nothing
    rows = [r for r in train if gold_of(r[0]) is not None and not fixed_with_thanks(r[2])]
    dev_rows = [r for r in dev if gold_of(r[0]) is not None and not fixed_with_thanks(r[2])]
    x = head_inputs(np.stack([v for _, v, _ in rows]), [c for *_, c in rows], taxonomy)
    xd = head_inputs(np.stack([v for _, v, _ in dev_rows]), [c for *_, c in dev_rows], taxonomy)
    w = np.zeros((x.shape[1], len(names)), dtype=np.float32)
    b = np.full(len(names), -10.0, dtype=np.float32)
    config: dict[str, dict[str, object]] = {}
    for j, name in enumerate(names):
        y = [name in (gold_of(ex) or ()) for ex, _, _ in rows]
        yd = [name in (gold_of(ex) or ()) for ex, _, _ in dev_rows]
        rule_d = [name in rule_of(c) for *_, c in dev_rows]
        rule_f1 = _f1(yd, rule_d)
        if name in exact or sum(y) < MIN_POSITIVES:
            config[name] = {"source": "rules", "dev_f1_rules": round(rule_f1, 3)}
            continue
        best: tuple[float, float, float, np.ndarray, float] | None = None
        for c in C_GRID:
            model = logreg(x, y, c)
            p = model.predict_proba(xd)[:, list(model.classes_).index(True)]
            for t in THRESHOLDS:
                keep = [head_keeps(float(q), float(t), r) for q, r in zip(p, rule_d, strict=True)]
                f = _f1(yd, keep)
                if best is None or f > best[0]:
                    best = (f, float(t), c, model.coef_[0], float(model.intercept_[0]))
        assert best is not None
        f, t, c, coef, icpt = best
        w[:, j], b[j] = coef, icpt
        use_head = sum(yd) >= MIN_DEV_POSITIVES and f > rule_f1
        config[name] = {
            "source": "head" if use_head else "rules",
            "threshold": t,
            "dev_f1_head": round(f, 3),
            "dev_f1_rules": round(rule_f1, 3),
            "dev_positives": int(sum(yd)),
        }
        log(
            f"  {section}.{name:<18} head {f:.3f} (t={t}, C={c}) rules {rule_f1:.3f} "
            f"dev+ {sum(yd):>3} -> {config[name]['source']}"
        )
    return Head(section, list(names), [(w, b)], activation="sigmoid"), config


def fit_categories(train: Rows, taxonomy: Taxonomy, log: Callable[[str], None]) -> Head | None:
    """A softmax over the named categories, on complaints whose category is known."""
    names = [n for n in taxonomy.categories if n != "other"]
    rows = [r for r in train if r[0].category in names]
    if len({r[0].category for r in rows}) < 2:
        return None
    x = head_inputs(np.stack([v for _, v, _ in rows]), [c for *_, c in rows], taxonomy)
    model = logreg(x, [ex.category for ex, _, _ in rows], 1.0)
    classes = [str(c) for c in model.classes_]
    log(f"  category head: {len(rows)} complaints, classes {', '.join(classes)}")
    w, b = model.coef_.T.astype(np.float32), model.intercept_.astype(np.float32)
    return Head(CATEGORY, classes, [(w, b)])


def fit_irony(
    train: Rows, dev: Rows, taxonomy: Taxonomy, log: Callable[[str], None]
) -> Head | None:
    """Sarcastic or not, on [sentence vector; cue vector]: the irony sets and our posts.

    C is chosen on dev macro-F1 at an even threshold; how sure the head must be, and whether a
    problem must be stated beside it, are tuned later through the whole decision (train.tune).
    """
    rows = [r for r in train if r[0].irony is not None]
    dev_rows = [r for r in dev if r[0].irony is not None]
    if len({r[0].irony for r in rows}) < 2 or len({r[0].irony for r in dev_rows}) < 2:
        return None
    x = head_inputs(np.stack([v for _, v, _ in rows]), [c for *_, c in rows], taxonomy)
    xd = head_inputs(np.stack([v for _, v, _ in dev_rows]), [c for *_, c in dev_rows], taxonomy)
    y = ["yes" if ex.irony else "no" for ex, _, _ in rows]
    yd = [bool(ex.irony) for ex, _, _ in dev_rows]
    best: tuple[float, float, object] | None = None
    for c in (0.25, 1.0, 4.0):
        model = logreg(x, y, c)
        p = model.predict_proba(xd)[:, list(model.classes_).index("yes")]
        f = (_f1(yd, list(p >= 0.5)) + _f1([not g for g in yd], list(p < 0.5))) / 2
        log(f"  irony head C={c}: dev macro-F1 {f:.3f} ({len(rows)} train, {len(dev_rows)} dev)")
        if best is None or f > best[0]:
            best = (f, c, model)
    assert best is not None
    from callbrief.nlp.training.train import to_head

    return to_head(IRONY_HEAD, best[2])


def fit_labels(
    train: Rows, dev: Rows, taxonomy: Taxonomy, log: Callable[[str], None]
) -> tuple[dict[str, Head], dict[str, object]]:
    """Every label head and its metadata (thresholds, sources, the cue columns they read)."""
    heads: dict[str, Head] = {}
    meta: dict[str, object] = {"cues": cue_names(taxonomy)}
    asks, ask_cfg = _multilabel(
        ASKS,
        list(taxonomy.asks),
        lambda ex: ex.asks,
        lambda c: c.asks,
        EXACT_ASKS,
        train,
        dev,
        taxonomy,
        log,
    )
    signal_names = [n for n in taxonomy.signals if n != IRONY]
    signals, signal_cfg = _multilabel(
        SIGNALS,
        signal_names,
        lambda ex: ex.signals,
        lambda c: c.signals,
        EXACT_SIGNALS,
        train,
        dev,
        taxonomy,
        log,
    )
    heads[ASKS], heads[SIGNALS] = asks, signals
    meta[ASKS], meta[SIGNALS] = ask_cfg, signal_cfg
    category = fit_categories(train, taxonomy, log)
    if category is not None:
        heads[CATEGORY] = category
    return heads, meta
