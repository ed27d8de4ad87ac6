"""Hashed n-gram features read by the sentiment heads."""

from __future__ import annotations

import numpy as np

from callbrief.nlp.features import HALF, N_FEATURES, batch, ngrams


def test_features_are_stable_normalised_and_in_range():
    idx, val = ngrams("Kargom gelmedi 😡")
    again, _ = ngrams("Kargom gelmedi 😡")
    assert np.array_equal(idx, again)  # no per-process hash salt
    assert np.isclose(np.linalg.norm(val), 1.0)
    assert idx.min() >= 0 and idx.max() < N_FEATURES
    assert (idx >= HALF).any() and (idx < HALF).any()  # word and character n-grams


def test_casing_and_turkish_letters_fold_to_the_same_features():
    assert np.array_equal(
        np.sort(ngrams("PARAMI İADE EDİN")[0]), np.sort(ngrams("parami iade edin")[0])
    )


def test_emoji_is_a_feature_of_its_own():
    plain = set(ngrams("great service")[0])
    with_emoji = set(ngrams("great service 🙃")[0])
    assert with_emoji > plain


def test_empty_text_has_no_features():
    [(idx, val)] = batch([""])
    assert len(idx) == 0 and len(val) == 0
