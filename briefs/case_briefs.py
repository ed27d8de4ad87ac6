"""Briefs for named cases, written so that a crash or a second writer never leaves half a file.

The queue workers render the cases a batch touched (`write_briefs` renders every open case). Each
file is written beside its target and renamed over it, so a reader sees the old brief or the new
one; rendering the same case twice writes the same file twice, which is what makes a redelivered
render task harmless. An older file of the same case under another name (its first post changed)
is removed.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Sequence
from datetime import datetime
from pathlib import Path

from sqlalchemy.engine import Engine
from sqlmodel import col, select

from callbrief.briefs.brief import BriefKit, _check_formats, brief_name
from callbrief.briefs.render import render_dossier
from callbrief.foundation.errors import StorageError
from callbrief.foundation.settings import Settings
from callbrief.storage.db import session_scope
from callbrief.storage.dossier import load_open_case_rows
from callbrief.storage.models import Case


def write_case_briefs(
    engine: Engine,
    settings: Settings,
    out_dir: Path,
    case_ids: Sequence[int],
    fmts: Sequence[str] = ("md", "html"),
    *,
    now: datetime | None = None,
) -> list[Path]:
    """Write the brief of each of these cases in each format; return the paths written."""
    _check_formats(fmts)
    out_dir = Path(out_dir)
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise StorageError(
            f"Cannot create the briefs folder {out_dir}: {exc.strerror}. "
            "Set workers.briefs_dir to a folder the workers may write."
        ) from None
    if not case_ids:
        return []
    kit = BriefKit.load(settings, now)
    written: list[Path] = []
    with session_scope(engine) as session:
        # the cases' rows locked until the files are written: two workers rendering one case
        # take turns, and the later one reads (and writes) the newer state
        cases = list(
            session.exec(
                select(Case)
                .where(col(Case.id).in_(list(case_ids)))
                .order_by(col(Case.id))
                .with_for_update()
            ).all()
        )
        for rows in load_open_case_rows(session, cases):
            dossier = kit.build(rows)
            case_id = rows.case.id if rows.case else None
            for fmt in fmts:
                path = out_dir / brief_name(case_id, rows.focus.platform_id, fmt)
                _replace(path, render_dossier(dossier, fmt, user_dir=kit.templates_dir))
                written.append(path)
                for older in out_dir.glob(f"case-{case_id}-*.{fmt}"):
                    if older != path:
                        older.unlink(missing_ok=True)
    return written


def _replace(path: Path, text: str) -> None:
    """Write `text` to `path` whole: a temporary file beside it, renamed over it."""
    temporary = path.with_name(f".{path.name}.{os.getpid()}-{threading.get_ident()}.tmp")
    temporary.write_text(text, encoding="utf-8")
    os.replace(temporary, path)
