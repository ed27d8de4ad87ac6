"""Hashed word and character n-grams: surface cues (slang, suffixes, emoji) the encoder blurs."""

from __future__ import annotations

import re
import zlib
from collections.abc import Sequence

import numpy as np

from callbrief.nlp.text import fold_any

HALF = 2**17  # buckets for character n-grams; as many again for word n-grams
N_FEATURES = 2 * HALF
CHAR_SIZES = (2, 3, 4, 5)
_TOKEN_RE = re.compile(r"\w+|[^\w\s]")


def _bucket(gram: str) -> int:
    # crc32 is stable across runs and platforms, unlike Python's salted hash()
    return zlib.crc32(gram.encode("utf-8")) % HALF


def ngrams(model_text: str) -> tuple[np.ndarray, np.ndarray]:
    """Bucket ids and weights (log counts, L2-normalised) for one text as the heads read it."""
    folded = fold_any(model_text)
    counts: dict[int, int] = {}
    words = folded.split()
    for word in words:
        padded = f" {word} "
        for n in CHAR_SIZES:
            for i in range(len(padded) - n + 1):
                key = _bucket(padded[i : i + n])
                counts[key] = counts.get(key, 0) + 1
    tokens = _TOKEN_RE.findall(folded)
    for i, token in enumerate(tokens):
        for gram in (token, f"{token} {tokens[i + 1]}" if i + 1 < len(tokens) else None):
            if gram:
                key = HALF + _bucket(gram)
                counts[key] = counts.get(key, 0) + 1
    if not counts:
        return np.zeros(0, np.int64), np.zeros(0, np.float32)
    idx = np.fromiter(counts.keys(), dtype=np.int64, count=len(counts))
    val = np.log1p(np.fromiter(counts.values(), dtype=np.float32, count=len(counts)))
    return idx, val / np.linalg.norm(val)


def batch(model_texts: Sequence[str]) -> list[tuple[np.ndarray, np.ndarray]]:
    """`ngrams` for each text."""
    return [ngrams(t) for t in model_texts]


def sparse_matrix(rows: Sequence[tuple[np.ndarray, np.ndarray]]):  # type: ignore[no-untyped-def]
    """A scipy CSR matrix of the features (training only: scipy comes with scikit-learn)."""
    from scipy.sparse import csr_matrix

    indptr = np.cumsum([0] + [len(i) for i, _ in rows])
    indices = np.concatenate([i for i, _ in rows]) if rows else np.zeros(0, np.int64)
    data = np.concatenate([v for _, v in rows]) if rows else np.zeros(0, np.float32)
    return csr_matrix((data, indices, indptr), shape=(len(rows), N_FEATURES), dtype=np.float32)
