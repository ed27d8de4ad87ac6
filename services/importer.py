"""Import mentions from a JSONL file: one mention per line, bad lines reported, the rest stored."""

from __future__ import annotations

import codecs
import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import BinaryIO

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator
from sqlalchemy.engine import Engine
from sqlalchemy.exc import SQLAlchemyError

from callbrief.foundation.errors import ImportFileError
from callbrief.foundation.limits import MAX_JSON_DEPTH
from callbrief.foundation.policy import aware
from callbrief.foundation.progress import NullProgress, Progress
from callbrief.foundation.records import CHANNELS, AuthorRecord, MentionRecord
from callbrief.storage.db import session_scope
from callbrief.storage.mentions import SaveResult, save_mentions
from callbrief.storage.models import utcnow

BATCH = 500
MAX_LINE_BYTES = 16 * 1024 * 1024  # a 10 M-character post in JSON, with room to spare
# the record's fields that the import file names otherwise (the raw payload is the line)
IMPORT_KEYS = {
    "platform_id": "id",
    "author.handle": "author",
    "author.followers": "author_followers",
    "author.name": "author_name",
    "raw": "line",
}


class ImportRow(BaseModel):
    """One line of an import file (documented in the README): its shape and types. Whether the
    values fit the database is `save_mentions`'s check (foundation.limits), shared with the
    pollers."""

    model_config = ConfigDict(extra="ignore", str_strip_whitespace=True)

    id: str = Field(min_length=1)
    channel: str
    author: str = Field(min_length=1)
    author_followers: int | None = Field(default=None, ge=0)
    text: str = Field(min_length=1)
    created_at: datetime
    url: str | None = None
    brand: str = Field(min_length=1)
    in_reply_to: str | None = None
    author_name: str | None = None
    lang: str | None = None

    @field_validator("id", "in_reply_to", mode="before")
    @classmethod
    def _ids_as_text(cls, value: object) -> object:
        return str(value) if isinstance(value, int) else value

    @field_validator("channel")
    @classmethod
    def _known_channel(cls, value: str) -> str:
        value = value.lower()
        if value == "twitter":
            value = "x"
        if value not in CHANNELS:
            raise ValueError(f"must be one of {', '.join(CHANNELS)}")
        return value

    @field_validator("created_at")
    @classmethod
    def _aware(cls, value: datetime) -> datetime:
        return aware(value)

    def to_record(self, source: str) -> MentionRecord:
        return MentionRecord(
            channel=self.channel,
            platform_id=self.id,
            brand=self.brand,
            text=self.text,
            created_at=self.created_at,
            author=AuthorRecord(
                channel=self.channel,
                handle=self.author,
                name=self.author_name,
                followers=self.author_followers,
            ),
            url=self.url,
            lang=self.lang,
            in_reply_to=self.in_reply_to,
            links=[self.url] if self.url else [],
            source="import",
            query=source,
            fetched_at=utcnow(),
            raw=self.model_dump(mode="json"),
        )


@dataclass
class ImportReport:
    lines: int = 0
    saved: SaveResult = field(default_factory=SaveResult)
    bad_lines: list[tuple[int, str]] = field(default_factory=list)  # (line number, reason)


def _in_file_terms(reason: str) -> str:
    """A storage check's reason with the field named as the import file names it."""
    name, sep, rest = reason.removeprefix("`").partition("`")
    if not reason.startswith("`") or not sep:
        return reason
    return f"`{IMPORT_KEYS.get(name, name)}`{rest}"


def _describe(exc: ValidationError) -> str:
    err = exc.errors()[0]
    key = ".".join(str(p) for p in err["loc"]) or "line"
    return f"`{key}`: {err['msg']}"


def _lines(handle: BinaryIO) -> Iterator[tuple[int, bytes | None]]:
    """(number, bytes) per line; None for a line longer than MAX_LINE_BYTES (skipped unread)."""
    number = 0
    while True:
        chunk = handle.readline(MAX_LINE_BYTES + 1)
        if not chunk:
            return
        number += 1
        if len(chunk) > MAX_LINE_BYTES and not chunk.endswith(b"\n"):
            while chunk and not chunk.endswith(b"\n"):  # skip the rest of the line
                chunk = handle.readline(MAX_LINE_BYTES)
            yield number, None
            continue
        yield number, chunk


def _depth_problem(line: str) -> str | None:
    """Refuse deep nesting before json.loads recurses into it (200,000 levels crash it)."""
    if line.count("[") + line.count("{") <= MAX_JSON_DEPTH:
        return None
    depth = deepest = 0
    in_string = escaped = False
    for char in line:
        if in_string:
            if escaped:
                escaped = False
            elif char == "\\":
                escaped = True
            elif char == '"':
                in_string = False
        elif char == '"':
            in_string = True
        elif char in "[{":
            depth += 1
            deepest = max(deepest, depth)
            if deepest > MAX_JSON_DEPTH:
                return f"nested more than {MAX_JSON_DEPTH} levels deep"
        elif char in "]}":
            depth -= 1
    return None


def _parse(number: int, chunk: bytes | None) -> tuple[dict | None, str | None]:
    """The JSON object on one line, or why that line is bad."""
    if chunk is None:
        return None, f"longer than {MAX_LINE_BYTES // (1024 * 1024)} MB"
    if number == 1 and chunk.startswith(codecs.BOM_UTF8):
        chunk = chunk[len(codecs.BOM_UTF8) :]  # a BOM, as some editors on Windows write
    try:
        line = chunk.decode("utf-8")
    except UnicodeDecodeError as exc:
        return None, f"not UTF-8 text (byte 0x{chunk[exc.start]:02x} at column {exc.start + 1})"
    if not line.strip():
        return None, None
    if problem := _depth_problem(line):
        return None, problem
    try:
        data = json.loads(line)
    except json.JSONDecodeError as exc:
        return None, f"not valid JSON ({exc.msg} at column {exc.colno})"
    except (RecursionError, ValueError) as exc:  # ValueError: an integer of 5,000 digits
        return None, f"not valid JSON ({str(exc).splitlines()[0][:80]})"
    if not isinstance(data, dict):
        return None, "not a JSON object"
    return data, None


def read_rows(path: Path, report: ImportReport) -> Iterator[tuple[int, ImportRow]]:
    """Yield (line number, row) for valid lines; record each bad line with its number and reason.

    Each line is decoded on its own, so a bad byte costs its line only.
    """
    try:
        handle = path.open("rb")
    except OSError as exc:
        raise ImportFileError(f"Cannot read {path}: {exc.strerror}. Check the path.") from None
    with handle:
        try:
            for number, chunk in _lines(handle):
                data, problem = _parse(number, chunk)
                if data is None and problem is None:
                    continue  # a blank line
                report.lines += 1
                if problem is not None or data is None:
                    report.bad_lines.append((number, problem or "not a JSON object"))
                    continue
                try:
                    yield number, ImportRow.model_validate(data)
                except ValidationError as exc:
                    report.bad_lines.append((number, _describe(exc)))
        except OSError as exc:  # a directory, a disk error mid-file
            raise ImportFileError(f"Cannot read {path}: {exc.strerror}. Check the path.") from None


def _save(engine: Engine, batch: list[tuple[int, MentionRecord]], report: ImportReport) -> None:
    """Store a batch in one transaction; if the database refuses it, line by line."""
    try:
        with session_scope(engine) as session:
            saved = save_mentions(session, [record for _, record in batch])
    except SQLAlchemyError:
        saved = None
    if saved is not None:
        for position, _, reason in saved.rejected:
            report.bad_lines.append((batch[position][0], _in_file_terms(reason)))
        saved.rejected.clear()
        report.saved += saved
        return
    # one line the checks missed failed the batch: store the others, one transaction each
    for number, record in batch:
        try:
            with session_scope(engine) as session:
                one = save_mentions(session, [record])
        except SQLAlchemyError as exc:
            reason = str(getattr(exc, "orig", exc)).splitlines()[0][:160]
            report.bad_lines.append((number, f"the database refused it: {reason}"))
            continue
        for _, _, reason in one.rejected:
            report.bad_lines.append((number, _in_file_terms(reason)))
        one.rejected.clear()
        report.saved += one


def import_jsonl(engine: Engine, path: Path, *, progress: Progress | None = None) -> ImportReport:
    """Store every valid line of `path`; re-importing the same file adds nothing."""
    progress = progress or NullProgress()
    report = ImportReport()
    progress.start("import")
    batch: list[tuple[int, MentionRecord]] = []

    def flush() -> None:
        # one transaction per batch: a crash loses at most the batch in flight, never half a row
        _save(engine, batch, report)
        progress.advance("import", len(batch))
        batch.clear()

    try:
        for number, row in read_rows(path, report):
            batch.append((number, row.to_record(source=path.name)))
            if len(batch) >= BATCH:
                flush()
    finally:
        if batch:
            flush()
    report.bad_lines.sort()
    progress.done("import", f"{report.saved.new} new")
    return report
