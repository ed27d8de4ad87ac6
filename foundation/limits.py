"""What a stored value may be: the bounds of the storage types, checked before anything is written.

PostgreSQL refuses a NUL byte in text and an integer past int32 by failing the whole transaction;
SQLite overflows past int64; a lone surrogate cannot be encoded at all. One bad value must cost
its own line or post only, so importer and pollers check every record against these bounds first.
"""

from __future__ import annotations

from dataclasses import fields
from datetime import UTC, datetime, timedelta
from typing import Any

from callbrief.foundation.policy import aware
from callbrief.foundation.records import AuthorRecord, MentionRecord

INT_MAX = 2**31 - 1  # Integer columns are int4 on PostgreSQL
MAX_TEXT_CHARS = 10_000_000  # a post is stored whole; the models read a window of it
MAX_FIELD_CHARS = 4096  # urls, names, titles of parents...
MAX_JSON_DEPTH = 32  # raw payloads of the platforms nest 5-6 deep
EARLIEST = datetime(2000, 1, 1, tzinfo=UTC)
FUTURE_SLACK = timedelta(days=1)  # clock skew between a platform and us
# the String(n) columns: channel 32, platform id 255, handle 255, brand 128, lang 16, source 64
LENGTHS = {
    "channel": 32,
    "platform_id": 255,
    "handle": 255,
    "brand": 128,
    "lang": 16,
    "source": 64,
}
LONG_TEXT = {"text", "parent_text", "quoted_text", "title", "query"}


def text_problem(value: str, limit: int) -> str | None:
    """Why `value` cannot be stored as text, or None."""
    if "\x00" in value:
        return "contains a NUL byte (\\u0000)"
    if len(value) > limit:
        return f"is {len(value):,} characters long; at most {limit:,} are stored"
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        return "contains a lone surrogate (\\ud800-\\udfff), which is not text"
    return None


def int_problem(value: int) -> str | None:
    """Why `value` does not fit an Integer column, or None."""
    if not -INT_MAX - 1 <= value <= INT_MAX:
        return f"{value} is out of range (at most {INT_MAX:,})"
    return None


def date_problem(value: datetime, now: datetime) -> str | None:
    """Why a post's date is not believable, or None: not before 2000, not past tomorrow."""
    moment = aware(value)
    if moment > now + FUTURE_SLACK:
        return f"{moment.isoformat()} is in the future; a post cannot be dated after today"
    if moment < EARLIEST:
        return f"{moment.isoformat()} is before {EARLIEST.year}"
    return None


def json_problem(value: Any, depth: int = 0) -> str | None:
    """Why a payload cannot be stored as JSON, or None: nesting, NUL bytes, huge integers."""
    if depth > MAX_JSON_DEPTH:
        return f"is nested more than {MAX_JSON_DEPTH} levels deep"
    if isinstance(value, dict):
        items = list(value.items())
        for key, item in items:
            problem = text_problem(str(key), MAX_FIELD_CHARS) or json_problem(item, depth + 1)
            if problem:
                return problem
    elif isinstance(value, list):
        for item in value:
            if problem := json_problem(item, depth + 1):
                return problem
    elif isinstance(value, str):
        return text_problem(value, MAX_TEXT_CHARS)
    elif isinstance(value, int) and not isinstance(value, bool) and abs(value) >= 2**63:
        return f"holds the integer {value}, past 64 bits"
    return None


def _field_problems(record: Any, prefix: str) -> str | None:
    for f in fields(record):
        value = getattr(record, f.name)
        name = f"{prefix}{f.name}"
        problem: str | None = None
        if isinstance(value, bool) or value is None:
            continue
        if isinstance(value, str):
            limit = LENGTHS.get(f.name, MAX_TEXT_CHARS if f.name in LONG_TEXT else MAX_FIELD_CHARS)
            problem = text_problem(value, limit)
        elif isinstance(value, int):
            problem = int_problem(value)
        elif isinstance(value, dict | list):
            problem = json_problem(value)
        if problem:
            return f"`{name}` {problem}"
    return None


def record_problem(record: MentionRecord, now: datetime | None = None) -> str | None:
    """Why this mention cannot be stored as it is, or None; the reason names the field."""
    if not record.text.strip():
        return "`text` is empty"
    if not record.author.handle.strip().lstrip("@"):
        return "`author` is empty"
    problem = _field_problems(record, "")
    if problem is None and isinstance(record.author, AuthorRecord):
        problem = _field_problems(record.author, "author.")
    if problem is None:
        date = date_problem(record.created_at, now or datetime.now(UTC))
        problem = f"`created_at` {date}" if date else None
    return problem
