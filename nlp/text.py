"""Normalise post text for models and rules, with Turkish/Azerbaijani-aware casing."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

URL_RE = re.compile(r"(?:https?://|www\.)[^\s<>\"']+", re.IGNORECASE)
MENTION_RE = re.compile(r"(?<![\w@])@[A-Za-z0-9_]{1,30}")
HASHTAG_RE = re.compile(r"(?<![\w#])#(\w+)")
SPACE_RE = re.compile(r"[ \t\u00a0\u200b]+")
REPEAT_RE = re.compile(r"(.)\1{3,}")  # "çoooook" -> "çoook": keeps the emphasis, caps the length
WORD_RE = re.compile(r"[^\W_]+(?:['’][^\W_]+)*", re.UNICODE)

# Turkish and Azerbaijani have dotted and dotless i as separate letters: Python's str.lower()
# turns "I" into "i" and "İ" into "i̇" (i + combining dot), which breaks every keyword match.
_TURKIC_LOWER = str.maketrans({"I": "ı", "İ": "i"})
_TURKIC_UPPER = str.maketrans({"i": "İ", "ı": "I"})
TURKIC = frozenset({"tr", "az"})


def casefold(text: str, language: str | None = None) -> str:
    """Lower-case `text` for matching; dotted/dotless I follow Turkish rules for tr and az."""
    if language in TURKIC:
        return text.translate(_TURKIC_LOWER).lower()
    # Outside tr/az, "İ" still appears in names and copied text: fold it to a plain "i".
    return text.replace("İ", "I").casefold()


def upper(text: str, language: str | None = None) -> str:
    """Upper-case `text`; "i" becomes "İ" for tr and az."""
    if language in TURKIC:
        return text.translate(_TURKIC_UPPER).upper()
    return text.upper()


def fold_any(text: str) -> str:
    """Fold casing and the letters tr/az/en writers swap (ı/i, ə/e, ş/s ...) for keyword lookup.

    Customers often type without Turkish letters ("kargom gelmedi, iade edin" vs "ıade"), and
    Azerbaijani is often typed on a Turkish keyboard ("ə" as "e"), so rules compare folded forms.
    """
    folded = casefold(text, "tr")
    return folded.translate(_ASCII_FOLD)


_ASCII_FOLD = str.maketrans(
    {
        "ı": "i",
        "ş": "s",
        "ğ": "g",
        "ç": "c",
        "ö": "o",
        "ü": "u",
        "ə": "e",
        "â": "a",
        "î": "i",
        "û": "u",
        "’": "'",
    }
)


@dataclass
class Normalised:
    """One text prepared for the steps: `model` feeds encoders, `folded` feeds keyword rules."""

    original: str
    clean: str  # NFC, whitespace tidied; what sentences and entities are cut from
    model: str  # URLs and @handles replaced by placeholders, as tweet models were trained
    folded: str  # casing and letter variants folded, for rules
    mentions: list[str]
    hashtags: list[str]
    urls: list[str]


def clean_text(text: str) -> str:
    """Apply NFC, drop control characters and tidy spaces; keeps emoji and line breaks."""
    text = unicodedata.normalize("NFC", text)
    text = "".join(ch for ch in text if ch in "\n\t" or unicodedata.category(ch) != "Cc")
    lines = [SPACE_RE.sub(" ", line).strip() for line in text.splitlines()]
    return "\n".join(line for line in lines if line)


def model_text(text: str) -> str:
    """Prepare text the way the heads were trained: placeholders for URLs and @handles."""
    text = URL_RE.sub("http", clean_text(text))
    text = MENTION_RE.sub("@user", text)
    text = REPEAT_RE.sub(r"\1\1\1", text)
    return SPACE_RE.sub(" ", text.replace("\n", " ")).strip()


def normalise(text: str) -> Normalised:
    """Prepare one post for the pipeline steps."""
    clean = clean_text(text)
    return Normalised(
        original=text,
        clean=clean,
        model=model_text(clean) or clean,
        folded=fold_any(REPEAT_RE.sub(r"\1\1", clean)),
        mentions=MENTION_RE.findall(clean),
        hashtags=HASHTAG_RE.findall(clean),
        urls=URL_RE.findall(clean),
    )


def words(folded: str) -> list[str]:
    """The word tokens of folded text."""
    return WORD_RE.findall(folded)
