"""The digest shows the collection gaps of a real scan: the scan writes, the digest reads."""

from __future__ import annotations

import time
from datetime import datetime

from sqlmodel import Session

from callbrief.briefs.digest import build_digest, render_digest
from callbrief.services.scan import run_scan
from tests.monitor.xpages import mentions, page, search, tweet, user_lookup

NOW = datetime.fromisoformat("2025-03-10T12:00:00+00:00")


def test_a_rate_limited_scan_reaches_the_managers_digest(replay, x_settings, clients, any_engine):
    far = str(int(time.time()) + 8148)  # the reset is past the scan's deadline: a gap stays
    server = replay(
        [
            search(
                page([tweet("505", "kargola a"), tweet("504", "kargola b")], next_token="p2"),
                headers={"x-rate-limit-remaining": "0", "x-rate-limit-reset": far},
            ),
            user_lookup("kargola", "9001"),
            mentions("9001", page([])),
        ]
    )
    settings = x_settings(server)
    settings.digest.language = "en"
    report = run_scan(settings, any_engine, clients=clients, now=NOW)
    assert report.rows[0].status == "partial"

    with Session(any_engine) as session:
        digest = build_digest(session, settings, NOW.date(), now=NOW)
    coverage = {c.source: c for c in digest.coverage.sources}
    assert coverage["x"].partial == 1
    (line,) = coverage["x"].gaps
    # the range ends where the stored posts begin (09:00 UTC is 12:00 in Istanbul)
    assert line.startswith("search") and "to 2025-03-10 12:00 (not finished in this scan)" in line
    for fmt in ("html", "txt"):
        assert "2025-03-10 12:00 (not finished in this scan)" in render_digest(digest, fmt)
