"""Find what an agent needs on the call: order numbers, amounts, phones, e-mails, dates, URLs."""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence

from callbrief.nlp.text import URL_RE, fold_any
from callbrief.nlp.types import Entity

EMAIL_RE = re.compile(r"(?<![\w.+-])[\w.+-]+@[\w-]+(?:\.[\w-]+)*\.[A-Za-z]{2,}")
# Currency before or after the number; tr/az decimal commas ("1.250,50 TL") or en ("$1,250.50").
_NUMBER = r"\d{1,3}(?:[.,\s]\d{3})+(?:[.,]\d{1,2})?|\d+(?:[.,]\d{1,2})?"
_CURRENCY_AFTER = r"(?:TL|TRY|₺|lira|manat|AZN|₼|USD|EUR|GBP|dollars?|euros?|pounds?|\$|€|£)"
_CURRENCY_BEFORE = r"(?:₺|\$|€|₼|£|TL|USD|EUR|AZN|GBP)"
# Azerbaijani and Turkish put case endings straight onto the word: "25 manatdan", "120 manatımı",
# "50 liraya" (the ending is left out of the amount)
_SUFFIXED = r"(?:manat|lira)(?=[a-zçğıöşüə]+(?!\w))"
AMOUNT_RE = re.compile(
    rf"(?:(?<![\w]){_CURRENCY_BEFORE}\s?(?:{_NUMBER})(?!\d))"
    rf"|(?:(?<![\d.,])(?:{_NUMBER})\s?(?:{_CURRENCY_AFTER}(?!\w)|{_SUFFIXED}))",
    re.IGNORECASE,
)
# A web address written without http or www ("sepetim.com.tr/sifremi-unuttum", "bazarliq.az/x")
BARE_URL_RE = re.compile(
    r"(?<![\w@./-])(?:[a-z0-9][a-z0-9-]*\.)+(?:com|net|org|az|tr|uk|io|co|info|app|shop|me)"
    r"(?:\.[a-z]{2})?(?:/[^\s<>\"']*)?(?![\w@])",
    re.IGNORECASE,
)
# Phones: +90 5xx, 0 5xx (tr), +994 / 0 50,51,55,70,77,99 (az), US style; at least 10 digits.
PHONE_RE = re.compile(
    r"(?<![\w+])(?:\+\d{1,3}[\s.-]?)?(?:\(?0?\d{2,3}\)?[\s.-]?)\d{3}[\s.-]?\d{2}[\s.-]?\d{2}(?!\d)"
)
# Any other phone written in digit groups ("07700 900217", "+49 151 2370 8841"): kept only with
# 10 to 15 digits, and only where no amount, date or id already took the span
GROUPED_PHONE_RE = re.compile(
    r"(?<![\w+])(?:\+\d{1,3}[\s.-]?)?\d{2,5}(?:[\s.-]\d{2,6}){1,4}(?![\w])"
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
# "return code RTN-5521", "iade kodu IADE-5521", "bron kodu QX7M2K": a code word, then an id
# in capitals and digits (case-sensitive, so "code is ready" is not an id)
CODE_CUE_RE = re.compile(
    r"(?i:\b(?:code|kod|kodu|kodum|booking|bron|pnr|rezervasyon)\w*)\s*[:#]?\s*"
    r"((?=[A-Z0-9-]*\d)[A-Z][A-Z0-9-]{3,}|\d[A-Z0-9-]{3,})(?![\w])"
)
# A product named by the customer: capitalised words and a model token ("Orbit X2", "TurboCook
# 5L", "Sonik Air 3", "Dalga Fiber 100"). A single word needs a token mixing letters and digits;
# a plain number needs two capitalised words before it, so "Paketim 3 gündür" is no product.
# Shouting (all capitals) is not a name, and travel words make flight, gate and seat numbers.
_UP, _LOW = "A-ZÇĞİÖŞÜƏ", "a-zçğıöşüə"
_CAP = rf"[{_UP}][{_LOW}]+(?:[{_UP}][{_LOW}]+)*"
PRODUCT_RE = re.compile(
    rf"(?<![\w@#]){_CAP}(?:\s{_CAP}){{0,2}}\s(?:\d+[A-Z]+|[A-Z]+\d+)[A-Z0-9]*(?![\w])"
    rf"|(?<![\w@#]){_CAP}(?:\s{_CAP}){{1,2}}\s\d{{1,3}}(?![\w.,:/%])"
)
_TRAVEL_AND_TIME = (
    "flight flights flightled gate terminal seat row from on is at in to for cancelled late "
    "delayed day days week year room platform level floor page step part number no plane bus "
    "train route reys uçuş sefer kapı koltuk peron gün hafta yıl saat oda "
    # determiners and pronouns that start a sentence: "My Brightwave Hub 4" names "Brightwave Hub 4"
    "my our your the a an this that his her their benim bizim sizin bu şu mənim"
)
NOT_PRODUCT_WORDS = frozenset(_TRAVEL_AND_TIME.split())
# "Ulduz Mobil 10 manatlıq paket": the number is a quantity of money, time or data, not a model
# ("saat" stays out: it is "hour" and "watch", as in "Sonik Watch 2 saat")
QUANTITY_AFTER_RE = re.compile(
    r"\s*(?:manat|lira|tl|azn|usd|eur|gbp|dollar|pound|euro|gb|mb|gün|gun|dakika|dəqiqə|"
    r"day|hour|minute|week|month|ay\b|yıl|il\b|year|kg|km)",
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
        for m in BARE_URL_RE.finditer(text):
            add("url", *m.span())
        for m in CODE_RE.finditer(text):
            if sum(ch.isdigit() for ch in m.group()) >= 5:  # "COVID19" is not an order
                add("order_id", *m.span())
        for m in CUE_ID_RE.finditer(text):
            if any(ch.isdigit() for ch in m.group(1)):
                add("order_id", *m.span(1))
        for m in CODE_CUE_RE.finditer(text):
            add("order_id", *m.span(1))
        for m in AMOUNT_RE.finditer(text):
            add("amount", *m.span())
        for m in DATE_RE.finditer(text):
            add("date", *m.span())
        for m in PHONE_RE.finditer(text):
            if sum(ch.isdigit() for ch in m.group()) >= 10:
                add("phone", *m.span())
        for m in GROUPED_PHONE_RE.finditer(text):
            if 10 <= sum(ch.isdigit() for ch in m.group()) <= 15:
                add("phone", *m.span())
        if self._catalogue is not None:
            # fold_any keeps string length for these scripts, so spans map back onto `text`
            folded = fold_any(text)
            if len(folded) == len(text):
                for m in self._catalogue.finditer(folded):
                    add("product", *m.span())
        for m in PRODUCT_RE.finditer(text):
            self._add_product(text, m, add)
        found.sort()
        return [Entity(type=kind, text=value) for _, _, kind, value in found]

    @staticmethod
    def _add_product(text: str, m: re.Match[str], add: Callable[[str, int, int], None]) -> None:
        """A product match without its leading travel or time words ("On Brightwave Fiber
        300"); none may remain inside it ("Cancelled Flight 4" is no product)."""
        start, words = m.start(), m.group().split(" ")
        while len(words) > 2 and fold_any(words[0]) in NOT_PRODUCT_WORDS:
            start += len(words.pop(0)) + 1
        if NOT_PRODUCT_WORDS.intersection(fold_any(w) for w in words[:-1]):
            return
        if words[-1].isdigit() and (len(words) < 3 or QUANTITY_AFTER_RE.match(text, m.end())):
            return  # a plain number needs two capitalised words before it, and no unit after
        add("product", start, m.end())
