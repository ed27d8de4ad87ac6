"""How a brief speaks: the customer's form of address, times read aloud, counts in each grammar.

Pure functions of plain values, so every language's rule is tested with a string and a clock.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import datetime
from zoneinfo import ZoneInfo

# first names whose gender is not in doubt; "Deniz" and "Ümit" are deliberately absent: for those
# only the brand's own reply ("Merhaba Deniz Hanım") or the customer's words can tell
FEMALE = {
    "tr": {
        "ayşe",
        "fatma",
        "zeynep",
        "elif",
        "selin",
        "merve",
        "büşra",
        "emine",
        "esra",
        "gamze",
        "derya",
        "özlem",
        "sevgi",
        "hülya",
        "aylin",
        "ebru",
        "melike",
        "buse",
    },
    "az": {
        "aysel",
        "leyla",
        "nigar",
        "günel",
        "aynur",
        "səbinə",
        "sevinc",
        "lalə",
        "nərmin",
        "aytən",
        "könül",
        "xədicə",
        "ülviyyə",
        "fidan",
        "aygün",
    },
}
MALE = {
    "tr": {
        "mehmet",
        "ahmet",
        "mustafa",
        "emre",
        "burak",
        "hakan",
        "murat",
        "ali",
        "hüseyin",
        "hasan",
        "ibrahim",
        "ismail",
        "osman",
        "yusuf",
        "kemal",
        "serkan",
        "oğuz",
        "can",
    },
    "az": {
        "rəşad",
        "orxan",
        "tural",
        "kamran",
        "elvin",
        "rauf",
        "elçin",
        "anar",
        "vüqar",
        "fərid",
        "rövşən",
        "nicat",
        "samir",
        "tofiq",
        "cavid",
    },
}
HONORIFIC = {"tr": {"f": "Hanım", "m": "Bey"}, "az": {"f": "xanım", "m": "bəy"}}
# the brand's own reply addressing them: "Merhaba Deniz Hanım", "Hörmətli Aysel xanım"
SAID = re.compile(r"\b([A-ZÇĞİÖŞÜƏ][\wçğıöşüə]+)\s+(Hanım|Bey|xanım|bəy)\b")
INITIAL = re.compile(r"^[A-Z]\.?$")


def _fold(word: str) -> str:
    return word.replace("İ", "i").replace("I", "ı").lower()


def gender(first: str, surname: str | None, language: str) -> str | None:
    """ "f", "m" or None: from a name list, or an Azerbaijani surname's -ova / -ov ending."""
    folded = _fold(first)
    for code, names in (("f", FEMALE), ("m", MALE)):
        if folded in names.get(language, set()):
            return code
    if language == "az" and surname:
        tail = _fold(surname)
        if tail.endswith(("ova", "yeva", "eva", "qızı")):
            return "f"
        if tail.endswith(("ov", "yev", "ev", "oğlu")):
            return "m"
    return None


def address(name: str, language: str, brand_said: Iterable[str] = ()) -> str:
    """How to greet the customer: "Deniz Hanım", "Aysel xanım", "Claire", else the full name.

    `brand_said` is what the brand's own replies said to them; it settles an unclear name.
    """
    parts = name.split()
    if not parts:
        return name
    first = parts[0]
    if language == "en":
        # as they sign: the first name, unless what we have is a bare handle or an initial
        return first if len(parts) > 1 and not INITIAL.match(first) else name
    if language not in HONORIFIC:
        return name
    for said in brand_said:
        for match in SAID.finditer(said or ""):
            if _fold(match.group(1)) == _fold(first):
                said_code = "f" if match.group(2).lower() in ("hanım", "xanım") else "m"
                return f"{first} {HONORIFIC[language][said_code]}"
    code = gender(first, parts[-1] if len(parts) > 1 else None, language)
    if code is None or len(parts) < 2:
        return name
    return f"{first} {HONORIFIC[language][code]}"


WEEKDAYS = {
    "tr": ("pazartesi", "salı", "çarşamba", "perşembe", "cuma", "cumartesi", "pazar"),
    "az": ("bazar ertəsi", "çərşənbə axşamı", "çərşənbə", "cümə axşamı", "cümə", "şənbə", "bazar"),
    "en": ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"),
}
MONTHS = {
    "tr": (
        "Ocak",
        "Şubat",
        "Mart",
        "Nisan",
        "Mayıs",
        "Haziran",
        "Temmuz",
        "Ağustos",
        "Eylül",
        "Ekim",
        "Kasım",
        "Aralık",
    ),
    "az": (
        "yanvar",
        "fevral",
        "mart",
        "aprel",
        "may",
        "iyun",
        "iyul",
        "avqust",
        "sentyabr",
        "oktyabr",
        "noyabr",
        "dekabr",
    ),
    "en": (
        "January",
        "February",
        "March",
        "April",
        "May",
        "June",
        "July",
        "August",
        "September",
        "October",
        "November",
        "December",
    ),
}
DAY_WORDS = {
    "tr": ("bugün", "dün"),
    "az": ("bu gün", "dünən"),
    "en": ("today", "yesterday"),
}


def clock_time(moment: datetime, language: str) -> str:
    """ "16:00" in Turkish and Azerbaijani; "4 pm" or "4:30 pm" in English."""
    if language != "en":
        return moment.strftime("%H:%M")
    hour = moment.hour % 12 or 12
    suffix = "am" if moment.hour < 12 else "pm"
    return f"{hour} {suffix}" if moment.minute == 0 else f"{hour}:{moment.minute:02d} {suffix}"


def spoken(moment: datetime | None, now: datetime, zone: ZoneInfo, language: str) -> str | None:
    """A time as said on the phone, in the brand's zone: "dün 16:00", "yesterday at 4 pm"."""
    if moment is None:
        return None
    local, today = moment.astimezone(zone), now.astimezone(zone).date()
    days = (today - local.date()).days
    at = clock_time(local, language)
    lang = language if language in DAY_WORDS else "en"
    joiner = " at " if lang == "en" else " "
    if days in (0, 1):
        return f"{DAY_WORDS[lang][days]}{joiner}{at}"
    on = "on " if lang == "en" else ""  # "on Saturday at 2 pm", "cumartesi 14:00"
    if 1 < days < 7:
        return f"{on}{WEEKDAYS[lang][local.weekday()]}{joiner}{at}"
    month = MONTHS[lang][local.month - 1]
    date = f"{local.day} {month}"
    if local.year != today.year:
        date += f" {local.year}"
    return f"{on}{date}{joiner}{at}"


COUNT_WORDS = {
    "tr": {1: "bir kez", 2: "iki kez", 3: "üç kez"},
    "az": {1: "bir dəfə", 2: "iki dəfə", 3: "üç dəfə"},
    "en": {1: "once", 2: "twice", 3: "three times"},
}
COUNT_MANY = {"tr": "{n} kez", "az": "{n} dəfə", "en": "{n} times"}


def times(n: int, language: str) -> str:
    """A count of occasions in the language's grammar: "bir kez", "iki dəfə", "once", "5 times"."""
    lang = language if language in COUNT_WORDS else "en"
    return COUNT_WORDS[lang].get(n) or COUNT_MANY[lang].format(n=n)
