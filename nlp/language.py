"""Tell Turkish, Azerbaijani and English apart (and everything else as "other")."""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

from callbrief.foundation.errors import ModelError
from callbrief.nlp.text import HASHTAG_RE, MENTION_RE, URL_RE, fold_any

SUPPORTED = ("tr", "az", "en")
OTHER = "other"
# Languages that only exist to catch "other": without them lingua must pick tr/az/en even for
# French or Russian. Lazily loaded, so they cost memory only when a text needs them.
_SINKS = ("de", "fr", "es", "it", "nl", "pt", "ru", "ar", "fa")
# how sure lingua's low-accuracy mode must be for its answer to stand; below it, the full model
# decides (the fast mode read "Sifarişim 5 gündür gəlmir" as Turkish, 0.88 sure)
FAST_SURE = 0.97
FAST_PLAUSIBLE = 0.01  # languages the fast mode gives less than this are not weighed again
TURKIC = ("TR", "AZ")  # the pair the fast mode confuses: always the full model between them
MIN_LETTERS = 3  # fewer letters than this ("👍", "?!") cannot be told apart: use the hint
# Letters only Turkish/Azerbaijani use. lingua treats one of them as decisive, so a single place
# or brand name ("Kadıköy", "Türk Telekom") would turn an English post Turkish.
_TURKIC_LETTERS = re.compile(r"\w*[ıİşŞğĞəƏçÇöÖüÜ]\w*")
# "ə" is Azerbaijani's alone: no Turkish word has it. lingua still read some Azerbaijani texts
# written with it as Turkish or as another language ("İnternetim Azəronline-dir ... nə olduğunu
# bilirəm"); none of 8,128 Turkish dev texts has one. Two such words, so that one Azerbaijani
# name in a Turkish or English post ("Bakıdaki Əli Bey'e teslim etmişler") changes nothing.
_SCHWA_WORD = re.compile(r"\w*[əƏ]\w*")
# Azerbaijani words that Turkish does not have, as typed on a Turkish keyboard (folded): "çox"
# (tr "çok"), "yox", "deyil" (tr "değil"), "heç", "mənim" (tr "benim"). Two of them outvote a
# Turkish guess too: 20 more of the Azerbaijani dev texts that lingua read as Turkish, and none
# of the 8,128 Turkish ones has two. Not "göre", "sene", "ele", "indi": Turkish words as well.
AZ_EVIDENCE = 2  # words of either kind that outvote lingua
AZ_ONLY_WORDS = frozenset(
    "deyil yox yoxdur cox ucun menim bele hec olub edir nece qeder isleyir islemir yaxsi xahis"  # noqa: SIM905
    " zehmet artiq qaytarin cavab zeng bilmirem mene".split()
)


def _iso(code: str):  # type: ignore[no-untyped-def]
    from lingua import IsoCode639_1

    return IsoCode639_1.from_str(code)


class LanguageIdentifier:
    """lingua restricted to the configured languages plus a few sinks for "other"."""

    def __init__(self, languages: Sequence[str]) -> None:
        try:
            from lingua import Language, LanguageDetectorBuilder
        except ImportError:
            raise ModelError(
                "Language identification needs lingua: `pip install lingua-language-detector`."
            ) from None
        unknown = [code for code in languages if code not in SUPPORTED]
        if unknown or not languages:
            raise ModelError(
                f"Cannot identify languages {unknown or '(none)'}: callbrief understands "
                f"{', '.join(SUPPORTED)}. Fix `languages:` in config.yaml."
            )
        self.languages = list(languages)
        self._builder = LanguageDetectorBuilder
        self._wanted = {Language.from_iso_code_639_1(_iso(c)) for c in self.languages}
        self._sinks = {Language.from_iso_code_639_1(_iso(c)) for c in _SINKS}
        self._fast_built: Any = None
        self._full_built: dict[frozenset[Any], Any] = {}
        self._turkic = {lang for lang in self._wanted if lang.iso_code_639_1.name in TURKIC}

    @property
    def _detector(self) -> Any:
        """The full model over the configured languages and the sinks (all of lingua's models
        would cost ~1.3 GB); each language's models load on first use."""
        return self._full(frozenset(self._wanted | self._sinks))

    @property
    def _fast(self) -> Any:
        """lingua in low-accuracy mode (trigrams only): its models load in a tenth of the time
        (0.1 s against 2 s for one English post, measured), which a one-post CLI run pays."""
        if self._fast_built is None:
            builder = self._builder.from_languages(*(self._wanted | self._sinks))
            self._fast_built = builder.with_low_accuracy_mode().build()
        return self._fast_built

    def _full(self, languages: frozenset[Any]) -> Any:
        """The full model over `languages`, built once per set (each loads only its models)."""
        if languages not in self._full_built:
            self._full_built[languages] = self._builder.from_languages(*languages).build()
        return self._full_built[languages]

    def _detect(self, texts: Sequence[str]) -> list[Any]:
        """lingua's answer per text: the fast mode where it is sure and the answer is not
        Turkish or Azerbaijani (the pair it confuses); otherwise the full model, over only the
        languages the fast mode gave any chance (loading every full model costs ~2.5 s)."""
        found: list[Any] = [None] * len(texts)
        groups: dict[frozenset[Any], list[int]] = {}
        fast = self._fast.compute_language_confidence_values_in_parallel(list(texts))
        for i, values in enumerate(fast):
            if not values:
                continue
            top = values[0]
            if top.value >= FAST_SURE and top.language.iso_code_639_1.name not in TURKIC:
                found[i] = top.language
                continue
            # no chance anywhere (digits, a name): every language is weighed again
            plausible = {v.language for v in values if v.value >= FAST_PLAUSIBLE}
            plausible = plausible or self._wanted | self._sinks
            if plausible & self._turkic:
                plausible |= self._turkic  # Turkish against Azerbaijani: always both
            groups.setdefault(frozenset(plausible), []).append(i)
        for languages, idx in groups.items():
            if len(languages) == 1:
                answers = [next(iter(languages))] * len(idx)
            else:
                answers = self._full(languages).detect_languages_in_parallel_of(
                    [texts[i] for i in idx]
                )
            for i, language in zip(idx, answers, strict=True):
                found[i] = language
        return found

    def identify(
        self, texts: Sequence[str], hints: Sequence[str | None] | None = None
    ) -> list[str]:
        """One code per text: a configured language, or "other"."""
        hints = hints or [None] * len(texts)
        stripped = [self._letters_only(t) for t in texts]
        results = self._detect(stripped)
        out = []
        for text, found, hint in zip(stripped, results, hints, strict=True):
            code = found.iso_code_639_1.name.lower() if found is not None else None
            if sum(ch.isalpha() for ch in text) < MIN_LETTERS or code is None:
                out.append(hint if hint in self.languages else self.languages[0])
            elif code in ("tr", "az") and self._english_with_names(text):
                out.append("en")
            elif code not in ("az", "en") and self._written_as_azerbaijani(text):
                out.append("az")  # Turkish or "other" by lingua, but written as Azerbaijani
            elif code in self.languages:
                out.append(code)
            elif hint in self.languages and code in SUPPORTED:
                out.append(hint)
            else:
                out.append(OTHER)
        return out

    def _english_with_names(self, text: str) -> bool:
        """True when the post reads as English once the few words with tr/az letters are gone."""
        if "en" not in self.languages:
            return False
        words = text.split()
        names = _TURKIC_LETTERS.findall(text)
        if not names or len(names) * 4 > len(words):  # a quarter or more: really tr/az
            return False
        rest = _TURKIC_LETTERS.sub(" ", text)
        from lingua import Language

        return self._detector.compute_language_confidence(rest, Language.ENGLISH) > 0.8

    def _written_as_azerbaijani(self, text: str) -> bool:
        """Written as Azerbaijani: two words with "ə", or two words Turkish does not have."""
        if "az" not in self.languages:
            return False
        if len(_SCHWA_WORD.findall(text)) >= AZ_EVIDENCE:
            return True
        words = re.findall(r"\w+", fold_any(text))
        return sum(w in AZ_ONLY_WORDS for w in words) >= AZ_EVIDENCE

    @staticmethod
    def _letters_only(text: str) -> str:
        """Drop URLs, @handles and '#' so brand names do not vote for English."""
        text = URL_RE.sub(" ", text)
        text = MENTION_RE.sub(" ", text)
        return HASHTAG_RE.sub(r"\1", text)
