"""The scan as a whole: source choice, one failing source, and the scan-run record."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlmodel import Session, select

from callbrief.foundation.errors import ConfigError
from callbrief.foundation.settings import Brand
from callbrief.services.scan import run_scan
from callbrief.storage.models import ScanRun

NOW = datetime(2025, 3, 10, 12, 0, tzinfo=UTC)
ATOM = (
    '<?xml version="1.0" encoding="utf-8"?><feed xmlns="http://www.w3.org/2005/Atom">'
    "<title>News</title><id>tag:n</id><updated>2025-03-10T10:00:00Z</updated>"
    "<entry><id>tag:n:1</id><title>Kargola gecikmeleri</title>"
    '<link href="https://news.example/1"/><updated>2025-03-10T09:00:00Z</updated>'
    "<summary>Teslimatlar gecikiyor.</summary></entry></feed>"
)


def test_unknown_or_disabled_sources_are_refused_with_the_fix(settings):
    settings.brands = [Brand(name="Kargola", keywords=["kargola"])]
    with pytest.raises(ConfigError, match="Choose from: x, reddit, rss"):
        run_scan(settings, None, sources=["tiktok"])
    with pytest.raises(ConfigError, match="sources.reddit.enabled: true"):
        run_scan(settings, None, sources=["reddit"])
    with pytest.raises(ConfigError, match="No source is enabled"):
        run_scan(settings, None)


def test_one_failing_source_does_not_stop_the_others(settings, engine, replay, clients):
    server = replay(
        [
            {
                "request": {"method": "GET", "path": "/feed.atom"},
                "repeat": True,
                "response": {"headers": {"Content-Type": "application/atom+xml"}, "body": ATOM},
            }
        ]
    )
    settings.brands = [
        Brand(name="Kargola", keywords=["kargola"], feeds=[f"{server.url}/feed.atom"])
    ]
    settings.sources.x.enabled = True  # but no bearer token in the environment
    settings.sources.rss.enabled = True
    report = run_scan(settings, engine, clients=clients, now=NOW)
    x, rss = report.rows
    assert report.failed and x.status == "failed" and rss.status == "ok"
    assert "CALLBRIEF_X_BEARER_TOKEN" in x.message and rss.new == 1
    with Session(engine) as session:
        runs = {r.source: r for r in session.exec(select(ScanRun))}
    assert runs["x"].status == "failed" and runs["rss"].status == "ok"
    feed = runs["rss"].queries[0]
    assert feed["query"] == f"feed {server.url}/feed.atom" and feed["pages"] == 1
    assert feed["window_end"] == NOW.isoformat() and feed["error"] is None

    again = run_scan(settings, engine, clients=clients, sources=["rss"], now=NOW)
    assert again.rows[0].new == 0 and not again.failed
