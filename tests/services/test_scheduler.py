"""The scheduler on a fake clock: scans at their cadence, the digest at its time, one per DB."""

import logging
import threading
from datetime import UTC, date, datetime, timedelta

import pytest

from callbrief.foundation.errors import LockedError, SourceError
from callbrief.services.scheduler import SchedulerJobs, run_forever, scheduler_lock

UTC = UTC
START = datetime(2026, 11, 24, 4, 0, tzinfo=UTC)  # Tuesday 07:00 in Istanbul


class FakeClock:
    """Time that moves only when the scheduler sleeps or a job takes time; stops at `until`."""

    def __init__(self, start, until):
        self.t, self.until = start, until

    def now(self):
        return self.t

    def sleep(self, seconds, stop):
        self.t += timedelta(seconds=max(seconds, 0))
        if self.t >= self.until:
            stop.set()


class Recorder:
    def __init__(self, clock, scan_takes=timedelta(0), fail_on=None):
        self.clock, self.scan_takes, self.fail_on = clock, scan_takes, fail_on
        self.events = []

    def jobs(self):
        return SchedulerJobs(scan=self.scan, process=self.process, digest=self.digest)

    def scan(self, source):
        self.events.append(("scan", source, self.clock.now()))
        self.clock.t += self.scan_takes
        if source == self.fail_on:
            raise SourceError(f"{source} is down")
        return f"{source}: 3 new"

    def process(self):
        self.events.append(("process", None, self.clock.now()))

    def digest(self, day):
        self.events.append(("digest", day, self.clock.now()))


@pytest.fixture
def enabled(settings):
    settings.sources.x.enabled = True
    settings.sources.x.cadence_minutes = 15
    settings.sources.reddit.enabled = True
    settings.sources.reddit.cadence_minutes = 60
    settings.digest.send_at = "08:00"
    return settings


def run(settings, engine, recorder, clock):
    run_forever(settings, engine, recorder.jobs(), clock=clock, stop_event=threading.Event())
    return recorder.events


def test_scans_fire_at_their_cadence_and_the_digest_at_its_time(enabled, engine):
    clock = FakeClock(START, until=START + timedelta(hours=2))
    events = run(enabled, engine, Recorder(clock), clock)
    x = [t for kind, src, t in events if kind == "scan" and src == "x"]
    reddit = [t for kind, src, t in events if kind == "scan" and src == "reddit"]
    assert x == [START + timedelta(minutes=15 * i) for i in range(8)]
    assert reddit == [START, START + timedelta(hours=1)]
    # 08:00 Istanbul is 05:00 UTC; the digest covers the day before
    assert [(d, t) for kind, d, t in events if kind == "digest"] == [
        (date(2026, 11, 23), datetime(2026, 11, 24, 5, 0, tzinfo=UTC))
    ]
    # scans due together are followed by one round of analysis, not one per scan
    processes = [t for kind, _, t in events if kind == "process"]
    assert processes[0] == START and len(processes) == len(x)


def test_a_slow_scan_skips_missed_slots_instead_of_replaying_them(enabled, engine):
    enabled.sources.reddit.enabled = False
    clock = FakeClock(START, until=START + timedelta(hours=1))
    events = run(enabled, engine, Recorder(clock, scan_takes=timedelta(minutes=40)), clock)
    x = [t for kind, src, t in events if kind == "scan"]
    assert x == [START, START + timedelta(minutes=45)]


def test_a_failing_source_is_logged_and_the_schedule_goes_on(enabled, engine, caplog):
    clock = FakeClock(START, until=START + timedelta(minutes=31))
    with caplog.at_level(logging.INFO, logger="callbrief.scheduler"):
        events = run(enabled, engine, Recorder(clock, fail_on="reddit"), clock)
    assert [t for kind, src, t in events if src == "x"] == [
        START,
        START + timedelta(minutes=15),
        START + timedelta(minutes=30),
    ]
    assert "scan reddit: failed: reddit is down" in caplog.text
    assert "scan x: x: 3 new" in caplog.text
    assert "Traceback" not in caplog.text


def test_stop_lets_the_running_scan_finish(enabled, engine):
    stop = threading.Event()
    clock = FakeClock(START, until=START + timedelta(days=1))
    recorder = Recorder(clock)
    finished = []

    def scan(source):
        stop.set()  # SIGTERM arrives in the middle of the first scan
        finished.append(source)

    jobs = SchedulerJobs(scan=scan, process=recorder.process, digest=recorder.digest)
    run_forever(enabled, engine, jobs, clock=clock, stop_event=stop)
    assert len(finished) == 1  # that scan completed; no other scan started after it
    assert recorder.events == []


def test_one_scheduler_per_database(any_engine):
    with (
        scheduler_lock(any_engine),
        pytest.raises(LockedError, match="Another `callbrief run`.*Stop it first"),
        scheduler_lock(any_engine),
    ):
        pass
    with scheduler_lock(any_engine):  # released when the first one ended
        pass


class ComplaintAnalyzer:
    """A stand-in model: every text is a negative delivery complaint."""

    version = "fake-1"

    def analyze(self, texts, contexts=None):
        from callbrief.nlp.types import Analysis, Sentiment

        return [
            Analysis(
                language="tr",
                sentiment=Sentiment("negative", 0.9),
                complaint=True,
                irony=False,
                category="delivery",
                grievance=[t],
                priority=0.7,
                model_version=self.version,
            )
            for t in texts
        ]


def test_real_jobs_analyse_open_cases_write_briefs_and_the_digest(engine, settings, tmp_path):
    import json

    from callbrief.services.importer import import_jsonl
    from callbrief.services.scheduler import make_jobs

    row = {
        "id": "42",
        "channel": "x",
        "author": "ayse",
        "text": "Kargom gelmedi",
        "created_at": "2026-11-23T09:00:00Z",
        "brand": "Kargola",
    }
    (tmp_path / "m.jsonl").write_text(json.dumps(row) + "\n", encoding="utf-8")
    import_jsonl(engine, tmp_path / "m.jsonl")
    jobs = make_jobs(
        settings, engine, analyzer=ComplaintAnalyzer(), out_dir=tmp_path / "briefs", email=False
    )
    summary = jobs.process()
    assert "1 analysed, 0 failed; cases opened 1" in summary
    assert list((tmp_path / "briefs").glob("case-1-42.html"))
    assert "written to" in jobs.digest(date(2026, 11, 23))
    assert list((settings.home_path / "digests").glob("digest-2026-11-23.html"))
