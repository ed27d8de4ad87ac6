"""The managers' daily digest: what happened on one day, what is overdue, what we could not see."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta, tzinfo
from functools import lru_cache
from pathlib import Path
from statistics import mean
from typing import Any

import yaml
from jinja2 import TemplateError
from markupsafe import Markup
from sqlmodel import Session

from callbrief.briefs.charts import line_chart, stacked_bars
from callbrief.briefs.links import canonical_url
from callbrief.briefs.templating import TEMPLATES, read_template
from callbrief.foundation.errors import ConfigError, RenderError
from callbrief.foundation.policy import aware, team_zone
from callbrief.foundation.records import Gap
from callbrief.foundation.settings import Settings
from callbrief.storage import stats
from callbrief.storage.cases import QueueRow, queue
from callbrief.storage.deadletters import DeadLetterRow, count_dead_letters, dead_letters
from callbrief.storage.models import utcnow
from callbrief.storage.scans import query_reports

TREND_DAYS = 7
TRAILING_DAYS = 14  # the "usual volume" a spike is measured against
MIN_SPIKE = 5  # fewer posts than this is never a spike, whatever the ratio
DEAD_AFTER = timedelta(hours=24)
SOURCES = ("x", "reddit", "rss")


@dataclass
class Grievance:
    brand: str
    category: str
    count: int  # over the last TREND_DAYS days
    phrases: list[str]
    quote: stats.Quote | None
    trend: list[int] = field(default_factory=list)  # per day, oldest first
    label: str = ""  # the category in the digest's language

    @property
    def today(self) -> int:
        return self.trend[-1] if self.trend else 0

    @property
    def direction(self) -> str:
        """up, down or flat: the last three days against the three before."""
        recent, before = sum(self.trend[-3:]), sum(self.trend[-6:-3])
        return "up" if recent > before else "down" if recent < before else "flat"


@dataclass
class Spike:
    brand: str
    category: str | None  # None: the brand's whole volume
    count: int
    usual: float  # trailing daily mean

    @property
    def ratio(self) -> float:
        return self.count / self.usual if self.usual else float("inf")


@dataclass
class SourceCoverage:
    source: str
    runs: int = 0
    failed: int = 0
    partial: int = 0
    errors: int = 0
    sleeps_s: float = 0.0
    quota_used: int = 0
    gaps: list[str] = field(default_factory=list)
    messages: list[str] = field(default_factory=list)


@dataclass
class Coverage:
    sources: list[SourceCoverage]
    dead: list[str]  # enabled sources with no successful scan in the last 24 hours
    quota: dict[str, tuple[int, int]]  # source -> (used this month, monthly limit)

    @property
    def clean(self) -> bool:
        return not self.dead and not any(
            s.failed or s.partial or s.errors or s.gaps for s in self.sources
        )


@dataclass
class Digest:
    day: date
    timezone: str
    language: str
    generated_at: datetime
    window_start: datetime
    window_end: datetime
    total_mentions: int
    by_brand: list[tuple[str, int]]
    by_brand_channel: list[tuple[str, str, int]]
    trend_labels: list[str]
    volume_trend: dict[str, list[int]]
    sentiment_trend: dict[str, list[int]]
    grievances: list[Grievance]
    cases: dict[str, int]  # new, open, overdue
    overdue: list[QueueRow]
    outcomes: dict[str, int]
    escalations: list[tuple]
    breaches: list[tuple]
    influencers: list[stats.InfluentialAuthor]
    spikes: list[Spike]
    coverage: Coverage
    closed_loop: list[stats.LoopRow]
    charts: dict[str, Markup] = field(default_factory=dict)
    templates_dir: str | None = None  # the user's edited templates, from settings
    dead_letters: list[DeadLetterRow] = field(default_factory=list)  # the queue workers' failures
    dead_letter_count: int = 0
    # "and N more" for every list that is cut short
    grievances_more: int = 0
    overdue_more: int = 0
    influencers_more: int = 0
    praise: list[stats.PraiseRow] = field(default_factory=list)
    praise_more: int = 0
    staff: list[tuple[str, int]] = field(default_factory=list)  # staff named in praise, by count
    labels: dict[str, dict[str, str]] = field(default_factory=dict)  # section -> code -> label

    def label(self, section: str, name: str | None) -> str:
        """A category, result or status in the digest's language; the code only if unknown."""
        if not name:
            return "-"
        return self.labels.get(section, {}).get(name) or name.replace("_", " ")

    def local(self, moment: datetime | None) -> str:
        """A UTC moment as the team's wall-clock time, e.g. "2026-11-24 10:00"."""
        if moment is None:
            return "-"
        from zoneinfo import ZoneInfo

        return moment.astimezone(ZoneInfo(self.timezone)).strftime("%Y-%m-%d %H:%M")


def day_edges(day: date, days: int, settings: Settings) -> list[datetime]:
    """UTC starts of `days` local days ending with `day`, plus the end of `day` (days+1 edges)."""
    zone = team_zone(settings.cases)
    first = day - timedelta(days=days - 1)
    return [
        datetime.combine(first + timedelta(days=i), time(0), zone).astimezone(UTC)
        for i in range(days + 1)
    ]


def build_digest(
    session: Session, settings: Settings, day: date, *, now: datetime | None = None
) -> Digest:
    """Gather everything a manager should read about `day` (a local date in the team's zone)."""
    now = now or utcnow()
    edges = day_edges(day, TRAILING_DAYS + 1, settings)
    start, end = edges[-2], edges[-1]
    about = about_brands(settings)
    volume = stats.daily_volume(session, edges, about=about)
    trend_edges = edges[-TREND_DAYS - 1 :]
    months = labels_for(settings.digest.language)["months"]
    trend_days = [day - timedelta(days=TREND_DAYS - 1 - i) for i in range(TREND_DAYS)]
    labels = [f"{d.day:02d} {months[d.month - 1]}" for d in trend_days]
    sentiment = stats.daily_sentiment(session, trend_edges, about=about)
    sentiment_trend = {
        k: sentiment.get(k, [0] * TREND_DAYS) for k in ("negative", "neutral", "positive")
    }
    sentiment_trend.update({k: v for k, v in sentiment.items() if k not in sentiment_trend})
    by_brand = sorted(((b, v[-1]) for b, v in volume.items() if v[-1]), key=lambda p: -p[1])
    complaints = stats.daily_complaints(session, edges)
    week_start = trend_edges[0]  # top grievances over the trend's days, with their daily counts
    grievances = [
        Grievance(
            c.brand,
            c.category,
            c.count,
            c.phrases,
            stats.representative_quote(session, week_start, end, c.brand, c.category),
            trend=complaints.get((c.brand, c.category), [0] * len(edges))[-TREND_DAYS:],
        )
        for c in stats.top_categories(session, week_start, end)
    ]
    digest = Digest(
        day=day,
        timezone=settings.cases.timezone,
        language=settings.digest.language,
        templates_dir=settings.templates_dir,
        generated_at=now,
        window_start=start,
        window_end=end,
        total_mentions=sum(n for _, n in by_brand),
        by_brand=by_brand,
        by_brand_channel=stats.volume_by_brand_channel(session, start, end, about=about),
        trend_labels=labels,
        volume_trend={b: v[-TREND_DAYS:] for b, v in sorted(volume.items())},
        sentiment_trend=sentiment_trend,
        grievances=grievances,
        cases=stats.case_counts(session, start, end, now),
        overdue=queue(session, settings, overdue=True, now=now, limit=10),
        outcomes=stats.outcome_counts(session, start, end),
        escalations=stats.escalations(session, start, end),
        breaches=stats.sla_breaches(session, start, end, now),
        influencers=stats.influential_authors(session, start, end, complained=True),
        spikes=_spikes(volume, complaints, settings.digest.spike_factor),
        coverage=_coverage(session, settings, start, end, now),
        closed_loop=stats.closed_loop(session, trend_edges[0], end),
    )
    digest.grievances_more = max(
        0, stats.count_categories(session, week_start, end) - len(grievances)
    )
    digest.overdue_more = max(0, digest.cases["overdue"] - len(digest.overdue))
    digest.influencers_more = max(
        0, stats.count_influential(session, start, end) - len(digest.influencers)
    )
    digest.praise, total_praise = stats.praise(session, week_start, end, about=about)
    digest.praise_more = max(0, total_praise - len(digest.praise))
    digest.staff = named_staff(p.text for p in digest.praise)
    digest.labels = _labels(settings, digest)
    for g in grievances:
        g.label = digest.label("categories", g.category)
        if g.quote:  # the post's own address, whichever host (a replay, a proxy) fetched it
            g.quote.url = canonical_url(g.quote)
    for p in digest.praise:
        p.url = canonical_url(p)
    digest.dead_letters = dead_letters(session, start, end, limit=10)
    digest.dead_letter_count = count_dead_letters(session, start, end)
    t = labels_for(settings.digest.language)
    digest.charts = {
        "volume": line_chart(
            labels, digest.volume_trend or {"-": [0] * TREND_DAYS}, title=t["chart_volume"]
        ),
        "sentiment": stacked_bars(labels, sentiment_trend, title=t["chart_sentiment"]),
    }
    return digest


def about_brands(settings: Settings) -> stats.About | None:
    """What makes a post about each configured brand; None without brands (count everything)."""
    if not settings.brands:
        return None
    return stats.About(
        names={b.name: (b.name,) for b in settings.brands},
        handles={
            b.name: tuple(h for hs in b.handles.values() for h in hs) for b in settings.brands
        },
        subreddits={b.name: tuple(b.subreddits) for b in settings.brands},
    )


# staff praised by name: "kuryesi Mehmet Bey", "Aysel xanım", "engineer Tom", "Tom the engineer"
STAFF = re.compile(
    r"\b([A-ZÇĞİÖŞÜƏ][\wçğıöşüə]+)\s+(?:Bey|Hanım|bəy|xanım)\b"
    r"|\b(?:engineer|courier|driver|agent|advisor)\s+([A-Z][a-z]+)\b"
)


def named_staff(texts: Iterable[str]) -> list[tuple[str, int]]:
    """The people praised by name in these posts, most often named first."""
    names: Counter[str] = Counter()
    for text in texts:
        for match in STAFF.finditer(text or ""):
            names[match.group(0) if match.group(1) else match.group(2)] += 1
    return names.most_common()


def _labels(settings: Settings, digest: Digest) -> dict[str, dict[str, str]]:
    from callbrief.briefs.dossier import taxonomy_labeler

    language = settings.digest.language
    labeler = taxonomy_labeler(settings)
    names = {g.category for g in digest.grievances} | {r.category for r in digest.overdue}
    names |= {spike.category for spike in digest.spikes}
    names |= {e[2] for e in digest.escalations} | {b[2] for b in digest.breaches}
    t = labels_for(language)
    return {
        "categories": {
            n: t["unknown_category"] if n == "unknown" else labeler("categories", n, language)
            for n in names
            if n
        },
        "results": dict(t.get("results", {})),
    }


def _spikes(
    volume: dict[str, list[int]], complaints: dict[tuple[str, str], list[int]], factor: float
) -> list[Spike]:
    spikes = []
    groups = [((b, None), v) for b, v in volume.items()] + list(complaints.items())
    for (brand, category), series in groups:
        today, usual = series[-1], mean(series[:-1])
        if today >= MIN_SPIKE and today > factor * usual:
            spikes.append(Spike(brand, category, today, usual))
    return sorted(spikes, key=lambda s: (-s.ratio, -s.count, s.brand, s.category or ""))


def _local(stamp: str | None, zone: tzinfo) -> str | None:
    if not stamp:
        return None
    try:
        moment = datetime.fromisoformat(stamp)
    except ValueError:
        return stamp
    return aware(moment).astimezone(zone).strftime("%Y-%m-%d %H:%M")


def _gap_line(query: str, gap: Gap, zone: tzinfo) -> str:
    """One uncovered range, in the team's time: "search kargola: 09:10 to 12:00 (why)"."""
    start, end = _local(gap.start, zone), _local(gap.end, zone)
    span = " to ".join(part or "?" for part in (start, end))
    return f"{query}: {span} ({gap.why})"


def _coverage(
    session: Session, settings: Settings, start: datetime, end: datetime, now: datetime
) -> Coverage:
    per_source: dict[str, SourceCoverage] = {}
    zone = team_zone(settings.cases)
    for run in stats.scan_runs(session, start, end):
        cov = per_source.setdefault(run.source, SourceCoverage(run.source))
        cov.runs += 1
        cov.failed += run.status == "failed"
        cov.partial += run.status == "partial"
        cov.errors += run.errors
        cov.sleeps_s += run.sleeps_s
        cov.quota_used += run.quota_used
        if run.error and run.error not in cov.messages:
            cov.messages.append(run.error)
        for report in query_reports(run):
            cov.gaps += [_gap_line(report.query, gap, zone) for gap in report.gaps]
    last = stats.last_success(session)
    dead = []
    for name in SOURCES:
        if not getattr(settings.sources, name).enabled:
            continue
        seen = [
            t
            for src, t in last.items()
            if src == name or src.startswith(f"{name}-") or src.startswith(f"{name}:")
        ]
        if not seen or max(seen) < now - DEAD_AFTER:
            dead.append(name)
    month_start = datetime.combine(
        start.astimezone(team_zone(settings.cases)).date().replace(day=1),
        time(0),
        team_zone(settings.cases),
    ).astimezone(UTC)
    quota = {}
    if settings.sources.x.enabled:
        quota["x"] = (
            stats.quota_used(session, "x", month_start),
            settings.sources.x.monthly_read_quota,
        )
    return Coverage(sorted(per_source.values(), key=lambda c: c.source), dead, quota)


@lru_cache(maxsize=4)
def labels_for(language: str) -> dict[str, Any]:
    """The digest's headings in `language`, English filling any gap."""
    data = yaml.safe_load(Path(TEMPLATES, "digest", "labels.yaml").read_text(encoding="utf-8"))
    return {**data["en"], **data.get(language, {})}


def render_digest(digest: Digest, fmt: str) -> str:
    """The digest as a self-contained HTML page ("html") or plain text ("txt")."""
    if fmt not in ("html", "txt"):
        raise ConfigError(f"Unknown digest format {fmt!r}. Use html or txt.")
    template = read_template(f"digest/digest.{fmt}", digest.templates_dir)
    try:
        return template.render(d=digest, t=labels_for(digest.language))
    except TemplateError as exc:
        raise RenderError(
            f"The digest template digest/digest.{fmt} failed: {exc}. "
            "If you edited it, compare it with the packaged one."
        ) from None
