"""Callback briefs: one for a post asked for by id, or one per open case written to a folder.

`render_brief` finds a post by its platform id. Two channels may use the same id (an X status and
an imported post, say): the post that belongs to a case wins, since that is the one being called
about, and the brief names the channel it came from.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from sqlalchemy.engine import Engine
from sqlmodel import Session

from callbrief.briefs.dossier import Labeler, build_dossier, taxonomy_labeler
from callbrief.briefs.output import OutputFolder
from callbrief.briefs.playbook import Playbook, load_playbook
from callbrief.briefs.render import FORMATS, render_dossier
from callbrief.briefs.templating import read_template
from callbrief.foundation.errors import ConfigError, NotFoundError
from callbrief.foundation.policy import aware
from callbrief.foundation.progress import NullProgress, Progress
from callbrief.foundation.settings import LANGUAGES, Settings
from callbrief.storage.db import session_scope
from callbrief.storage.dossier import (
    CaseRows,
    brief_target,
    case_mentions,
    load_case_rows,
    load_open_case_rows,
    open_cases,
)
from callbrief.storage.models import Mention, utcnow

BATCH = 200  # cases loaded together by write_briefs


@dataclass
class BriefKit:
    """What every brief in one run shares: settings, playbook, labels and the frozen clock."""

    settings: Settings
    playbook: Playbook
    labels: Labeler
    now: datetime

    @classmethod
    def load(cls, settings: Settings, now: datetime | None = None) -> BriefKit:
        """Load the playbook and taxonomy once for a run of briefs."""
        return cls(
            settings=settings,
            playbook=load_playbook(settings.playbook, settings.avoid_phrases),
            labels=taxonomy_labeler(settings),
            now=aware(now) or utcnow(),
        )

    @property
    def templates_dir(self) -> str | None:
        """The user's folder of edited templates, if configured."""
        return self.settings.templates_dir

    def dossier(
        self, session: Session, focus: Mention, mentions: list[Mention] | None = None
    ) -> dict[str, Any]:
        """The dossier of the case (or lone post) that `focus` belongs to."""
        return self.build(load_case_rows(session, focus, mentions=mentions))

    def build(self, rows: CaseRows) -> dict[str, Any]:
        """The dossier for rows already loaded."""
        return build_dossier(
            rows, self.settings, playbook=self.playbook, labels=self.labels, now=self.now
        )


def _check_formats(fmts: Sequence[str]) -> None:
    unknown = [f for f in fmts if f not in FORMATS]
    if unknown or not fmts:
        raise ConfigError(
            f"Unknown brief format(s): {', '.join(unknown) or 'none given'}. "
            f"Use --format with one or more of: {', '.join(FORMATS)}."
        )


def render_brief(
    session: Session,
    settings: Settings,
    platform_id: str,
    fmt: str = "md",
    *,
    now: datetime | None = None,
) -> str:
    """The brief for the post with this platform id (its whole case when it has one)."""
    _check_formats([fmt])
    found = brief_target(session, platform_id)
    if not found:
        raise NotFoundError(
            f"No stored post has the id {platform_id!r} and no case has that number. Give a "
            "case number from the first column of `callbrief cases`, or a post's platform id "
            "(e.g. the number at the end of an X status URL)."
        )
    kit = BriefKit.load(settings, now)
    return render_dossier(kit.dossier(session, found[0]), fmt, user_dir=kit.templates_dir)


def case_brief_html(
    session: Session, settings: Settings, case_id: int, *, now: datetime | None = None
) -> str:
    """One case's brief as a whole HTML document: the stable entry point for other faces (web).

    The root element carries data-case, data-language, data-category, data-asks, data-signals
    and data-needs-approval; sections carry fixed ids (summary first, ... opening).
    """
    posts = case_mentions(session, case_id)
    if not posts:
        raise NotFoundError(f"No case #{case_id}. Run `callbrief cases` to see the open cases.")
    kit = BriefKit.load(settings, now)
    return render_dossier(kit.dossier(session, posts[0], posts), "html", user_dir=kit.templates_dir)


def brief_name(case_id: int | None, platform_id: str, fmt: str) -> str:
    """A file name for a brief that is safe on every file system."""
    safe = "".join(c if c.isalnum() or c in "-_" else "_" for c in platform_id)[:80]
    return f"case-{case_id}-{safe}.{fmt}"


def write_briefs(
    engine: Engine,
    settings: Settings,
    out_dir: Path,
    fmts: list[str] = ["md", "html"],  # noqa: B006 - the documented signature; never mutated
    *,
    progress: Progress | None = None,
    now: datetime | None = None,
    refused: list[tuple[Path, str]] | None = None,
) -> list[Path]:
    """Write a brief per open case, in each format, and an index.html linking them; return paths.

    Files are written atomically and only over files callbrief wrote (`briefs.output`); briefs
    of earlier runs that are no longer open are removed. Files left alone are added to `refused`
    as (path, why).
    """
    _check_formats(fmts)
    progress = progress or NullProgress()
    out_dir = Path(out_dir)
    folder = OutputFolder.open(out_dir)
    kit = BriefKit.load(settings, now)
    written: list[Path] = []
    entries: list[dict[str, Any]] = []
    with session_scope(engine) as session:
        cases = open_cases(session)
        progress.start("briefs", total=len(cases))
        # a batch at a time: a fixed number of queries per batch instead of several per case
        for start in range(0, len(cases), BATCH):
            batch = load_open_case_rows(session, cases[start : start + BATCH])
            progress.advance("briefs", len(cases[start : start + BATCH]) - len(batch))  # no posts
            for rows in batch:
                dossier = kit.build(rows)
                files = {}
                for fmt in fmts:
                    name = brief_name(
                        rows.case.id if rows.case else None, rows.focus.platform_id, fmt
                    )
                    path = folder.write(
                        name, render_dossier(dossier, fmt, user_dir=kit.templates_dir)
                    )
                    if path is not None:
                        written.append(path)
                        files[fmt] = path.name
                entries.append(_index_entry(dossier, files))
                progress.advance("briefs")
    index = folder.write("index.html", _render_index(entries, settings, kit.now))
    if index is not None:
        written.append(index)
    folder.finish()
    if refused is not None:
        refused.extend(folder.refused)
    progress.done("briefs", f"{len(entries)} brief(s) in {out_dir}")
    return written


def _index_entry(dossier: dict[str, Any], files: dict[str, str]) -> dict[str, Any]:
    case = dossier["case"]
    return {
        "case_id": case["id"],
        "customer": dossier["customer"]["name"],
        "brand": dossier["brand"]["name"],
        "channel": dossier["focus"]["channel"],
        "category": dossier["grievance"]["category_label"],
        "priority": case["priority"],
        "sla": case["sla"],
        "posted_at": dossier["focus"]["first_posted_at"],
        "files": files,
        "risks": dossier["summary"]["risks"],
        "needs_approval": dossier["summary"]["needs_approval"],
        "next": dossier["fallback"]["options"][0]["channel"]
        if dossier["summary"]["switch"]
        else None,
    }


def _render_index(entries: list[dict[str, Any]], settings: Settings, now: datetime) -> str:
    # one index for every brand: the agents' language, the brands' if they share one, else the
    # managers' (the digest's)
    spoken = {b.language for b in settings.brands}
    language = settings.agent_language or (
        spoken.pop() if len(spoken) == 1 else settings.digest.language
    )
    template = read_template("brief/index.html")
    return template.render(
        briefs=entries,
        language=language if language in LANGUAGES else "en",
        generated_at=now.strftime("%Y-%m-%d %H:%M UTC"),
    )
