"""Small classifier heads on top of sentence vectors, stored as numpy arrays and run in numpy."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from callbrief.foundation.errors import ModelError

DEFAULT_PATH = Path(__file__).parent / "weights" / "heads.npz"


@dataclass
class Head:
    """A linear or one-hidden-layer head: softmax(relu(x W1 + b1) W2 + b2) or softmax(x W + b)."""

    name: str
    classes: list[str]
    layers: list[tuple[np.ndarray, np.ndarray]]
    ngram_weights: np.ndarray | None = None  # (nlp.features.N_FEATURES, classes), linear heads
    activation: str = "softmax"  # or "sigmoid": one independent yes/no per class (multi-label)

    def proba(
        self, vectors: np.ndarray, grams: Sequence[tuple[np.ndarray, np.ndarray]] | None = None
    ) -> np.ndarray:
        """Class probabilities per vector (plus its hashed n-grams, if the head reads them)."""
        h: np.ndarray = vectors.astype(np.float32, copy=False)
        for i, (w, b) in enumerate(self.layers):
            h = h @ w + b
            if i < len(self.layers) - 1:
                h = np.maximum(h, 0.0)
        if self.ngram_weights is not None:
            if grams is None:
                raise ValueError(f"head {self.name} needs n-gram features")
            for row, (idx, val) in enumerate(grams):
                if len(idx):
                    h[row] += val @ self.ngram_weights[idx].astype(np.float32)
        if self.activation == "sigmoid":
            return 1 / (1 + np.exp(-np.clip(h, -30, 30)))
        if len(self.classes) == 2 and h.shape[1] == 1:  # sklearn binary: one logit
            h = np.concatenate([-h, h], axis=1) / 2
        h = h - h.max(axis=1, keepdims=True)
        e = np.exp(h)
        return e / e.sum(axis=1, keepdims=True)


@dataclass
class HeadSet:
    """Every head fitted for one encoder, with the metadata written at training time."""

    heads: dict[str, Head]
    meta: dict[str, Any] = field(default_factory=dict)
    # the packaged taxonomy's exemplars, encoded at training time: text -> vector, so that
    # starting up encodes only exemplars a user added
    exemplars: dict[str, np.ndarray] = field(default_factory=dict)

    @property
    def encoder(self) -> str:
        return str(self.meta.get("encoder", "unknown"))

    @property
    def tag(self) -> str:
        """Short version tag, e.g. "heads-2026-11-23"."""
        return f"heads-{self.meta.get('date', 'unknown')}"

    def get(self, name: str) -> Head | None:
        return self.heads.get(name)


EXEMPLARS = "__exemplars__"


def save_heads(
    path: Path,
    heads: dict[str, Head],
    meta: dict[str, Any],
    exemplars: dict[str, np.ndarray] | None = None,
) -> None:
    """Write heads as one .npz of float32 arrays plus a JSON metadata entry."""
    arrays: dict[str, np.ndarray] = {"__meta__": np.array(json.dumps(meta, ensure_ascii=False))}
    if exemplars:
        arrays[f"{EXEMPLARS}/texts"] = np.array(list(exemplars))
        arrays[f"{EXEMPLARS}/vectors"] = np.stack(list(exemplars.values())).astype(np.float16)
    for name, head in heads.items():
        arrays[f"{name}/classes"] = np.array(head.classes)
        if head.activation != "softmax":
            arrays[f"{name}/activation"] = np.array(head.activation)
        for i, (w, b) in enumerate(head.layers):
            arrays[f"{name}/w{i}"] = w.astype(np.float32)
            arrays[f"{name}/b{i}"] = b.astype(np.float32)
        if head.ngram_weights is not None:
            # float16 halves the file; the weights are small and sums stay in float32
            arrays[f"{name}/ngrams"] = head.ngram_weights.astype(np.float16)
    path.parent.mkdir(parents=True, exist_ok=True)
    np.savez_compressed(path, **arrays)  # type: ignore[arg-type]


def load_heads(path: str | Path | None = None) -> HeadSet:
    """Read heads from `path` (default: the ones shipped in nlp/weights/)."""
    path = Path(path).expanduser() if path else DEFAULT_PATH
    if not path.is_file():
        raise ModelError(
            f"No classifier heads at {path}. Train them with "
            "`python -m callbrief.nlp.training.train --data DIR`, or unset nlp.heads_path "
            "to use the shipped ones."
        )
    try:
        with np.load(path, allow_pickle=False) as data:
            meta = json.loads(str(data["__meta__"]))
            names = sorted({k.split("/")[0] for k in data.files if "/" in k} - {EXEMPLARS})
            exemplars: dict[str, np.ndarray] = {}
            if f"{EXEMPLARS}/texts" in data.files:
                vectors = data[f"{EXEMPLARS}/vectors"].astype(np.float32)
                texts = [str(t) for t in data[f"{EXEMPLARS}/texts"]]
                exemplars = dict(zip(texts, vectors, strict=True))
            heads = {}
            for name in names:
                layers = []
                i = 0
                while f"{name}/w{i}" in data.files:
                    layers.append((data[f"{name}/w{i}"], data[f"{name}/b{i}"]))
                    i += 1
                ngrams = data[f"{name}/ngrams"] if f"{name}/ngrams" in data.files else None
                classes = [str(c) for c in data[f"{name}/classes"]]
                activation = "softmax"
                if f"{name}/activation" in data.files:
                    activation = str(data[f"{name}/activation"])
                heads[name] = Head(name, classes, layers, ngrams, activation)
    except (OSError, ValueError, KeyError) as exc:
        raise ModelError(
            f"The heads file {path} is damaged or not a callbrief heads file ({exc}). "
            "Retrain with `python -m callbrief.nlp.training.train --data DIR`."
        ) from None
    return HeadSet(heads, meta, exemplars)
