"""The embedded demo: recorded platform data through the real pipeline to briefs and a digest."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import yaml
from sqlalchemy import func
from sqlmodel import Session, select

from callbrief.foundation.progress import NullProgress, Progress
from callbrief.foundation.settings import Settings
from callbrief.nlp.types import Analyzer
from callbrief.services.analyze import AnalyzeReport, analyze_and_open_cases
from callbrief.storage.db import open_database, session_scope
from callbrief.storage.models import Mention, Outcome


@dataclass
class DemoReport:
    out_dir: Path
    new_mentions: int = 0
    analysed: AnalyzeReport = field(default_factory=AnalyzeReport)
    cases_opened: int = 0
    briefs: list[Path] = field(default_factory=list)
    digest: list[Path] = field(default_factory=list)
    database: str = ""

    def summary(self) -> str:
        briefs = sorted({p.parent for p in self.briefs})
        lines = [
            f"Demo done: {self.new_mentions} new mention(s) collected, "
            f"{self.analysed.analysed} analysed, {self.cases_opened} case(s) opened.",
            f"  {len([p for p in self.briefs if p.suffix == '.html'])} HTML and "
            f"{len([p for p in self.briefs if p.suffix == '.md'])} Markdown brief(s) in "
            + ", ".join(str(p) for p in briefs),
        ]
        lines += [f"  digest: {p}" for p in self.digest]
        lines.append(f"  database: {self.database}")
        return "\n".join(lines)


DEMO_SETTINGS = Path(__file__).with_name("demo_settings.yaml")


def demo_settings(settings: Settings, out_dir: Path) -> Settings:
    """The user's settings with the demo's brands, offers and its own database in `out_dir`."""
    from callbrief.services.demo.recordings import demo_brands

    extra = yaml.safe_load(DEMO_SETTINGS.read_text(encoding="utf-8"))
    demo = settings.model_copy(deep=True)
    demo.brands = demo_brands()
    if not any(brand.name in demo.offers for brand in demo.brands):
        demo.offers = Settings.model_validate({"offers": extra["offers"]}).offers
    if not demo.nlp.catalogue:
        demo.nlp.catalogue = list(extra["catalogue"])
    demo.home = str(out_dir)
    demo.database = f"sqlite:///{(out_dir / 'demo.db').resolve()}"
    return demo


def replay_agent_log(session: Session, settings: Settings, log: list[dict]) -> int:
    """Apply the demo's recorded agent actions (assign, then the call's outcome) to its cases."""
    from callbrief.storage.cases import assign, record_outcome

    done = 0
    for entry in log:
        case_id = session.exec(
            select(Mention.case_id).where(Mention.platform_id == str(entry["post"]))
        ).first()
        if case_id is None:  # the model did not open a case for this post: nothing to replay
            continue
        at = datetime.fromisoformat(entry["at"])
        if session.exec(
            select(Outcome.id).where(Outcome.case_id == case_id, Outcome.created_at == at)
        ).first():
            continue  # replayed by an earlier demo run into the same folder
        follow_up = entry.get("follow_up")
        assign(session, case_id, entry["agent"])
        record_outcome(
            session,
            case_id,
            entry["result"],
            note=entry.get("note"),
            follow_up=date.fromisoformat(follow_up) if follow_up else None,
            agent=entry["agent"],
            now=at,
            settings=settings,
        )
        done += 1
    return done


def demo_clock(session: Session) -> datetime:
    """'Now' for the demo: two hours after the newest recorded mention, so SLAs read sensibly."""
    newest = session.exec(select(func.max(Mention.created_at))).one()
    if newest is None:
        raise RuntimeError("the demo recordings stored no mentions")
    if newest.tzinfo is None:  # SQLite hands aggregates back without the column's type
        newest = newest.replace(tzinfo=UTC)
    return newest + timedelta(hours=2)


def run_demo(
    settings: Settings,
    out_dir: Path,
    *,
    analyzer: Callable[[], Analyzer],
    progress: Progress | None = None,
) -> DemoReport:
    """Replay the recordings, analyse, open cases, write briefs and the digest into `out_dir`."""
    from callbrief.briefs.brief import write_briefs
    from callbrief.briefs.digest import build_digest, render_digest
    from callbrief.services.demo.recordings import replay_demo

    progress = progress or NullProgress()
    out_dir = out_dir.expanduser()
    out_dir.mkdir(parents=True, exist_ok=True)
    settings = demo_settings(settings, out_dir)
    extra = yaml.safe_load(DEMO_SETTINGS.read_text(encoding="utf-8"))
    engine = open_database(settings.database_url)
    report = DemoReport(out_dir=out_dir, database=str(out_dir / "demo.db"))

    scan = replay_demo(settings, engine, progress=progress)
    report.new_mentions = sum(row.new for row in scan.rows)
    with Session(engine) as session:
        now = demo_clock(session)
    report.analysed, cases = analyze_and_open_cases(
        engine, settings, analyzer(), progress=progress, now=now
    )
    report.cases_opened = cases.opened
    with session_scope(engine) as session:
        replay_agent_log(session, settings, extra.get("agent_log") or [])
    report.briefs = write_briefs(
        engine, settings, out_dir / "briefs", ["md", "html"], progress=progress, now=now
    )
    day = (now - timedelta(days=1)).date() if now.hour < 12 else now.date()
    with session_scope(engine) as session:
        digest = build_digest(session, settings, day, now=now)
    for fmt in ("html", "txt"):
        path = out_dir / f"digest-{day.isoformat()}.{fmt}"
        path.write_text(render_digest(digest, fmt), encoding="utf-8")
        report.digest.append(path)
    engine.dispose()
    return report
