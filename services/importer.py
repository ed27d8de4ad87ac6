"""Import mentions from a JSONL file: one mention per line, bad lines reported, the rest stored."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator
from sqlalchemy.engine import Engine

from callbrief.foundation.errors import ImportFileError
from callbrief.foundation.policy import aware
from callbrief.foundation.progress import NullProgress, Progress
from callbrief.foundation.records import CHANNELS, AuthorRecord, MentionRecord
from callbrief.storage.db import session_scope
from callbrief.storage.mentions import SaveResult, save_mentions
from callbrief.storage.models import utcnow

BATCH = 500


class ImportRow(BaseModel):
    """One line of an import file (documented in the README)."""

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


def _describe(exc: ValidationError) -> str:
    err = exc.errors()[0]
    key = ".".join(str(p) for p in err["loc"]) or "line"
    return f"`{key}`: {err['msg']}"


def read_rows(path: Path, report: ImportReport) -> Iterator[ImportRow]:
    """Yield valid rows; record each bad line with its number and reason."""
    try:
        handle = path.open(encoding="utf-8")
    except OSError as exc:
        raise ImportFileError(f"Cannot read {path}: {exc.strerror}. Check the path.") from None
    with handle:
        for number, line in enumerate(handle, start=1):
            if not line.strip():
                continue
            report.lines += 1
            try:
                data = json.loads(line)
            except json.JSONDecodeError as exc:
                report.bad_lines.append((number, f"not valid JSON ({exc.msg})"))
                continue
            if not isinstance(data, dict):
                report.bad_lines.append((number, "not a JSON object"))
                continue
            try:
                yield ImportRow.model_validate(data)
            except ValidationError as exc:
                report.bad_lines.append((number, _describe(exc)))
            except UnicodeDecodeError:
                report.bad_lines.append((number, "not UTF-8 text"))


def import_jsonl(engine: Engine, path: Path, *, progress: Progress | None = None) -> ImportReport:
    """Store every valid line of `path`; re-importing the same file adds nothing."""
    progress = progress or NullProgress()
    report = ImportReport()
    progress.start("import")
    batch: list[MentionRecord] = []

    def flush() -> None:
        # one transaction per batch: a crash loses at most the batch in flight, never half a row
        with session_scope(engine) as session:
            report.saved += save_mentions(session, batch)
        progress.advance("import", len(batch))
        batch.clear()

    try:
        for row in read_rows(path, report):
            batch.append(row.to_record(source=path.name))
            if len(batch) >= BATCH:
                flush()
    except UnicodeDecodeError:
        raise ImportFileError(
            f"{path} is not UTF-8 text. Convert it first, e.g. iconv -t UTF-8."
        ) from None
    finally:
        if batch:
            flush()
    progress.done("import", f"{report.saved.new} new")
    return report
