"""Find what an agent needs on the call: order numbers, amounts, phones, e-mails, dates, URLs."""

from __future__ import annotations

import re
from collections.abc import Sequence

from callbrief.nlp.text import URL_RE, fold_any
from callbrief.nlp.types import Entity

EMAIL_RE = re.compile(r"(?<![\w.+-])[\w.+-]+@[\w-]+(?:\.[\w-]+)*\.[A-Za-z]{2,}")
# Currency before or after the number; tr/az decimal commas ("1.250,50 TL") or en ("$1,250.50").
_NUMBER = r"\d{1,3}(?:[.,\s]\d{3})+(?:[.,]\d{1,2})?|\d+(?:[.,]\d{1,2})?"
_CURRENCY_AFTER = r"(?:TL|TRY|₺|lira|manat|AZN|₼|USD|EUR|dollars?|euros?|\$|€)"
_CURRENCY_BEFORE = r"(?:₺|\$|€|₼|TL|USD|EUR|AZN)"
AMOUNT_RE = re.compile(
    rf"(?:(?<![\w]){_CURRENCY_BEFORE}\s?(?:{_NUMBER})(?!\d))"
    rf"|(?:(?<![\d.,])(?:{_NUMBER})\s?{_CURRENCY_AFTER}(?!\w))",
    re.IGNORECASE,
)
# Phones: +90 5xx, 0 5xx (tr), +994 / 0 50,51,55,70,77,99 (az), US style; at least 10 digits.
PHONE_RE = re.compile(
    r"(?<![\w+])(?:\+\d{1,3}[\s.-]?)?(?:\(?0?\d{2,3}\)?[\s.-]?)\d{3}[\s.-]?\d{2}[\s.-]?\d{2}(?!\d)"
)
# Order/tracking/ticket ids: letters and digits mixed (HK48213377, TR-123456789) or long digit runs
# introduced by a cue word ("sipariş no 123456789", "order #4512").
CODE_RE = re.compile(
    r"(?<![\w])(?:[A-Z]{1,4}-?\d{5,}[A-Z0-9]*|\d[A-Z0-9]*[A-Z][A-Z0-9]{6,})(?![\w])"
)
CUE_ID_RE = re.compile(
    r"(?:sipariş|siparis|takip|kargo|order|tracking|ticket|case|reference|ref|sifariş|izləmə|başvuru|"
    r"şikayet|talep)\w*\s*(?:no|numaras[ıi]|number|nömrəsi|id)?\s*[:.#(]?\s*#?([A-Z0-9-]{4,})",
    re.IGNORECASE,
)
_MONTHS = (
    r"ocak|şubat|mart|nisan|mayıs|haziran|temmuz|ağustos|eylül|ekim|kasım|aralık|"
    r"yanvar|fevral|aprel|may|iyun|iyul|avqust|sentyabr|oktyabr|noyabr|dekabr|"
    r"jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|jun(?:e)?|jul(?:y)?|aug(?:ust)?|"
    r"sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?"
)
DATE_RE = re.compile(
    r"(?<!\d)(?:\d{1,2}[./-]\d{1,2}[./-](?:\d{4}|\d{2})|\d{4}-\d{2}-\d{2})(?!\d)"
    rf"|(?<!\w)\d{{1,2}}\s+(?:{_MONTHS})\w*(?:\s+\d{{4}})?"
    rf"|(?<!\w)(?:{_MONTHS})\s+\d{{1,2}}(?:st|nd|rd|th)?(?:,?\s+\d{{4}})?(?!\w)",
    re.IGNORECASE,
)
ORDER = ("order_id", "amount", "phone", "email", "date", "url", "product")


def _catalogue_pattern(catalogue: Sequence[str]) -> re.Pattern[str] | None:
    names = sorted({fold_any(n).strip() for n in catalogue if n.strip()}, key=len, reverse=True)
    if not names:
        return None
    body = "|".join(r"\s+".join(re.escape(p) for p in n.split()) for n in names)
    return re.compile(rf"(?<!\w)(?:{body})(?!\w)")


class EntityExtractor:
    """Regex extraction plus products from a configurable catalogue."""

    def __init__(self, catalogue: Sequence[str] = ()) -> None:
        self._catalogue = _catalogue_pattern(catalogue)

    def extract(self, text: str) -> list[Entity]:
        """Entities in order of type, then position; each span is reported once."""
        found: list[tuple[int, int, str, str]] = []
        taken: list[tuple[int, int]] = []

        def add(kind: str, start: int, end: int) -> None:
            value = text[start:end].strip().rstrip(".,;:")
            if value and not any(s < end and start < e for s, e in taken):
                taken.append((start, end))
                found.append((ORDER.index(kind), start, kind, value))

        for m in URL_RE.finditer(text):
            add("url", *m.span())
        for m in EMAIL_RE.finditer(text):
            add("email", *m.span())
        for m in CODE_RE.finditer(text):
            if sum(ch.isdigit() for ch in m.group()) >= 5:  # "COVID19" is not an order
                add("order_id", *m.span())
        for m in CUE_ID_RE.finditer(text):
            if any(ch.isdigit() for ch in m.group(1)):
                add("order_id", *m.span(1))
        for m in AMOUNT_RE.finditer(text):
            add("amount", *m.span())
        for m in DATE_RE.finditer(text):
            add("date", *m.span())
        for m in PHONE_RE.finditer(text):
            if sum(ch.isdigit() for ch in m.group()) >= 10:
                add("phone", *m.span())
        if self._catalogue is not None:
            # fold_any keeps string length for these scripts, so spans map back onto `text`
            folded = fold_any(text)
            if len(folded) == len(text):
                for m in self._catalogue.finditer(folded):
                    add("product", *m.span())
        found.sort()
        return [Entity(type=kind, text=value) for _, _, kind, value in found]
