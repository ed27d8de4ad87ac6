"""The training/evaluation embedding cache: vectors kept across runs, and a broken file survived."""

from __future__ import annotations

import multiprocessing

import numpy as np

from callbrief.nlp.training import embed


class CountingEncoder:
    """Deterministic vectors from the text, counting what it was asked to encode."""

    name = "counting-test-encoder"
    dim = 4

    def __init__(self) -> None:
        self.encoded: list[str] = []

    def encode(self, texts):  # type: ignore[no-untyped-def]
        self.encoded.extend(texts)
        return [np.array([len(t), t.count("a"), 1.0, 0.0], np.float32) for t in texts]


def test_vectors_are_encoded_once_and_read_back(tmp_path):
    first = CountingEncoder()
    vectors = embed.embed_cached(first, ["kargo gelmedi", "paket"], tmp_path)
    again = CountingEncoder()
    assert np.array_equal(
        embed.embed_cached(again, ["paket", "kargo gelmedi"], tmp_path), vectors[::-1]
    )
    assert first.encoded and not again.encoded
    assert embed.cached_mask(again, ["paket", "yeni"], tmp_path) == [True, False]


def test_an_unreadable_cache_is_encoded_again_not_a_crash(tmp_path, capsys):
    enc = CountingEncoder()
    embed.embed_cached(enc, ["kargo gelmedi"], tmp_path)
    (cache,) = tmp_path.glob("*.npz")
    cache.write_bytes(cache.read_bytes()[:200])  # a copy cut short
    enc2 = CountingEncoder()
    out = embed.embed_cached(enc2, ["kargo gelmedi"], tmp_path)
    assert enc2.encoded == ["kargo gelmedi"] and out.shape == (1, 4)
    assert "unreadable" in capsys.readouterr().err
    assert embed.embed_cached(CountingEncoder(), ["kargo gelmedi"], tmp_path).shape == (1, 4)


def _warm(args):  # type: ignore[no-untyped-def]
    folder, start = args
    enc = CountingEncoder()
    for i in range(start, start + 30):
        embed.embed_cached(enc, [f"post {i} " + "a" * i], folder)
    return len(enc.encoded)


def test_two_processes_warming_one_cache_keep_each_others_vectors(tmp_path):
    # a background `train` and an `evaluate` write the same cache: neither may corrupt it, and
    # neither may drop what the other encoded (before 2026-12-07 the last writer's file won)
    with multiprocessing.get_context("spawn").Pool(2) as pool:
        assert pool.map(_warm, [(tmp_path, 0), (tmp_path, 1000)]) == [30, 30]
    (cache,) = tmp_path.glob("*.npz")
    with np.load(cache) as data:
        assert len(data["keys"]) == len(data["vectors"]) == 60
    assert not list(tmp_path.glob("*.tmp.npz"))
