"""`callbrief erase`: one person out of the database and out of a folder of written briefs.

The database part is `storage.erase`. Here: overwrite what the deleted rows left on disk, remove
the person's brief files, rebuild the folder's briefs and index without them, and look through
every file left in the folder for their handle, name or words, so that nothing is missed quietly.
"""

from __future__ import annotations

import html
import os
import re
import stat
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy.engine import Engine
from sqlalchemy.exc import SQLAlchemyError

from callbrief.briefs.brief import brief_name, write_briefs
from callbrief.briefs.output import MANIFEST, OutputFolder
from callbrief.briefs.render import FORMATS
from callbrief.foundation.errors import ConfigError
from callbrief.foundation.settings import Settings
from callbrief.storage.db import session_scope
from callbrief.storage.erase import ErasureReport, compact, erase_person

MAX_SCAN_BYTES = 50 * 1024 * 1024


@dataclass
class EraseResult:
    """What `erase` did in the database and in the briefs folder."""

    report: ErasureReport
    removed_files: list[Path] = field(default_factory=list)
    # files in the folder that still hold the person's data and that callbrief did not write
    left_files: list[Path] = field(default_factory=list)
    compacted: str | None = None  # why the database could not be compacted, if it could not

    def summary(self) -> list[str]:
        """Lines for the CLI: what was removed, table by table, and what a person must check."""
        if not self.report.found:
            lines = ["Nobody by that handle or customer id is stored; nothing to erase."]
        else:
            counts = ", ".join(f"{n} {table}" for table, n in sorted(self.report.counts.items()))
            lines = [f"Erased: {counts}."]
        if self.removed_files:
            lines.append(f"Removed {len(self.removed_files)} brief file(s).")
        if self.compacted:
            lines.append(
                f"The rows are deleted, but the database could not be compacted "
                f"({self.compacted}); deleted text may stay in free pages until you run erase "
                "again with nothing else using the database."
            )
        for path in self.left_files:
            lines.append(
                f"Still holds their data: {path} (callbrief did not write it; remove or edit it)."
            )
        return lines


def _needles(report: ErasureReport) -> list[str]:
    """What to look for in files: handles as briefs show them, names, and their posts' words."""
    found: set[str] = set()
    for value in report.needles:
        value = value.strip()
        if len(value) >= 4:
            found.update({value.casefold(), html.escape(value, quote=True).casefold()})
    return sorted(found, key=len, reverse=True)


def _holds(path: Path, needles: list[str]) -> bool:
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW)
    except OSError:
        return False
    with os.fdopen(fd, "rb") as handle:
        body = handle.read(MAX_SCAN_BYTES).decode("utf-8", errors="ignore").casefold()
    return any(n in body for n in needles)


def _clean_folder(
    engine: Engine, settings: Settings, folder_path: Path, report: ErasureReport
) -> EraseResult:
    result = EraseResult(report)
    folder = OutputFolder.open(folder_path)
    names = {brief_name(case_id, pid, fmt) for case_id, pid in report.briefs for fmt in FORMATS}
    pattern = re.compile(r"^case-(\d+)-.*\.(md|html)$")
    for entry in os.listdir(folder_path):
        match = pattern.match(entry)
        if match and int(match.group(1)) in report.case_ids:
            names.add(entry)
    result.removed_files += folder.remove(names)
    # the index (and any open case that quoted them) is rebuilt without them
    formats = [f for f in FORMATS if any(n.endswith(f".{f}") for n in os.listdir(folder_path))]
    write_briefs(engine, settings, folder_path, formats or list(FORMATS))
    needles = _needles(report)
    if not needles:
        return result
    ours = OutputFolder.open(folder_path).own_files()
    stale: set[str] = set()
    for root, _dirs, files in os.walk(folder_path):  # os.walk does not follow symlinked folders
        for name in files:
            path = Path(root) / name
            try:
                if not stat.S_ISREG(path.lstat().st_mode) or name == MANIFEST:
                    continue
            except OSError:
                continue
            if _holds(path, needles):
                if Path(root) == folder_path and name in ours:
                    stale.add(name)
                else:
                    result.left_files.append(path)
    if stale:
        result.removed_files += OutputFolder.open(folder_path).remove(stale)
    return result


def erase(
    engine: Engine,
    settings: Settings,
    *,
    handle: str | None = None,
    channel: str | None = None,
    customer_id: int | None = None,
    briefs_dir: Path | None = None,
) -> EraseResult:
    """Erase one person (by handle, optionally on one channel, or by customer id) everywhere."""
    if (handle is None) == (customer_id is None):
        raise ConfigError(
            "Say who to erase: --author HANDLE (with --channel x|reddit|... to limit it to one "
            "channel) or --customer ID, e.g. callbrief erase --author ayse_k --channel x."
        )
    if handle is not None and not handle.strip().lstrip("@"):
        raise ConfigError("--author needs a handle, e.g. --author ayse_k.")
    with session_scope(engine) as session:
        report = erase_person(session, handle=handle, channel=channel, customer_id=customer_id)
    try:
        compact(engine)
        problem = None
    except SQLAlchemyError as exc:  # e.g. `run` holds the SQLite file: VACUUM needs it alone
        problem = str(getattr(exc, "orig", exc)).splitlines()[0]
    if briefs_dir is None:
        result = EraseResult(report)
    else:
        result = _clean_folder(engine, settings, Path(briefs_dir).expanduser(), report)
    result.compacted = problem
    return result
