"""Heads are numpy arrays at inference; files round-trip; damage is a clear error."""

from __future__ import annotations

import numpy as np
import pytest

from callbrief.foundation.errors import ModelError
from callbrief.nlp.heads import Head, load_heads, save_heads


def test_heads_round_trip_and_match_sklearn(tmp_path):
    from sklearn.linear_model import LogisticRegression

    from callbrief.nlp.training.train import to_head

    rng = np.random.default_rng(0)
    x = rng.normal(size=(60, 8)).astype(np.float32)
    y = np.where(x[:, 0] > 0, "yes", "no")
    model = LogisticRegression().fit(x, y)
    path = tmp_path / "heads.npz"
    save_heads(
        path, {"complaint": to_head("complaint", model)}, {"encoder": "e", "date": "2026-01-02"}
    )
    loaded = load_heads(path)
    assert loaded.encoder == "e" and loaded.tag == "heads-2026-01-02"
    head = loaded.get("complaint")
    assert head is not None and head.classes == ["no", "yes"]
    assert np.allclose(head.proba(x), model.predict_proba(x), atol=1e-5)


def test_mlp_head_matches_sklearn():
    from sklearn.neural_network import MLPClassifier

    from callbrief.nlp.training.train import to_head

    rng = np.random.default_rng(1)
    x = rng.normal(size=(90, 6)).astype(np.float32)
    y = np.array(["negative", "neutral", "positive"])[rng.integers(0, 3, 90)]
    model = MLPClassifier(hidden_layer_sizes=(5,), max_iter=50, random_state=0)
    with pytest.warns(Warning):  # ConvergenceWarning on this tiny random problem
        model.fit(x, y)
    assert np.allclose(to_head("s", model).proba(x), model.predict_proba(x), atol=1e-5)


def test_missing_or_damaged_heads_say_how_to_fix(tmp_path):
    with pytest.raises(ModelError, match="python -m callbrief.nlp.training.train"):
        load_heads(tmp_path / "nope.npz")
    bad = tmp_path / "bad.npz"
    bad.write_bytes(b"not a zip")
    with pytest.raises(ModelError, match="damaged"):
        load_heads(bad)


def test_head_softmax_rows_sum_to_one():
    head = Head("h", ["a", "b", "c"], [(np.eye(3, dtype=np.float32), np.zeros(3, np.float32))])
    p = head.proba(np.array([[100.0, 0, 0], [0, 0, 0]], dtype=np.float32))
    assert np.allclose(p.sum(1), 1) and p[0].argmax() == 0


def test_a_keyword_hit_needs_only_the_head_not_against_it():
    from callbrief.nlp.labels import RULE_HEAD_FLOOR, head_keeps

    assert head_keeps(0.9, 0.8, rule=False)  # the head alone, sure enough
    assert not head_keeps(0.7, 0.8, rule=False)
    assert head_keeps(RULE_HEAD_FLOOR, 0.8, rule=True)  # "I want a refund" at p 0.6
    assert not head_keeps(RULE_HEAD_FLOOR - 0.01, 0.8, rule=True)  # the head leans against it
