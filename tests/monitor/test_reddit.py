"""The Reddit poller against recorded Reddit API answers, through real praw."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlmodel import Session, select

from callbrief.foundation.settings import Brand
from callbrief.services.scan import run_scan
from callbrief.storage.models import Author, Mention
from tests.monitor.redditpages import TOKEN, comment, get, listing, people, submission

NOW = datetime(2025, 3, 10, 12, 0, tzinfo=UTC)
T = NOW.timestamp()
SECRET_ID, SECRET = "reddit-client-id-77", "reddit-client-secret-99"
SEARCH = "/r/brightwave+HomeNetworking/search"


@pytest.fixture
def reddit_settings(settings):
    def make(server):
        s = settings.model_copy(deep=True)
        s.brands = [
            Brand(
                name="Brightwave",
                language="en",
                keywords=["brightwave"],
                handles={"reddit": ["brightwave_support"]},
                subreddits=["brightwave", "HomeNetworking"],
            )
        ]
        r = s.sources.reddit
        r.enabled, r.oauth_url, r.reddit_url = True, server.url, server.url
        r.client_id, r.client_secret = SECRET_ID, SECRET
        r.comment_subreddits = ["HomeNetworking"]
        r.timeout_s = 0.5
        return s

    return make


def stored(engine):
    with Session(engine) as session:
        return list(session.exec(select(Mention).order_by(Mention.created_at)))


def test_search_and_comments_become_mentions_with_context_and_influence(
    replay, reddit_settings, clients, any_engine
):
    post = submission(
        "abc1",
        "Brightwave down again",
        "No internet since 7am.",
        "sam_h",
        T - 3600,
        sub="HomeNetworking",
    )
    own = submission(
        "abc0", "Brightwave status update", "We are on it.", "brightwave_support", T - 3000
    )
    server = replay(
        [
            TOKEN,
            get(SEARCH, listing([own, post]), sort="new"),
            people(("sam_h", 1.4e9, 5230)),
            get(
                "/r/HomeNetworking/comments",
                listing(
                    [
                        comment(
                            "c2",
                            "Brightwave billed me twice, £42 each",
                            "lee_r",
                            T - 600,
                            "t1_c1",
                            "t3_abc1",
                            "Brightwave down again",
                            sub="HomeNetworking",
                        ),
                        comment(
                            "c9",
                            "Use a mesh system instead",
                            "kim_o",
                            T - 500,
                            "t3_zz",
                            "t3_zz",
                            "Wifi help",
                            sub="HomeNetworking",
                        ),
                    ]
                ),
            ),
            get(
                "/api/info",
                listing(
                    [
                        comment(
                            "c1",
                            "Same here in Leeds",
                            "jo_p",
                            T - 900,
                            "t3_abc1",
                            "t3_abc1",
                            "Brightwave down again",
                            sub="HomeNetworking",
                        ),
                    ]
                ),
            ),
            people(("lee_r", 1.6e9, 12), ("kim_o", 1.5e9, 1)),
        ]
    )
    report = run_scan(reddit_settings(server), any_engine, clients=clients, now=NOW)
    assert not report.failed, report.rows[0].message
    post_m, comment_m = stored(any_engine)
    assert post_m.text == "Brightwave down again\n\nNo internet since 7am."
    assert post_m.url.endswith("/r/HomeNetworking/comments/abc1/slug/")
    assert comment_m.parent_text == "Same here in Leeds"
    assert comment_m.title == "Brightwave down again"
    assert report.rows[0].skipped == 1  # the brand's own post
    with Session(any_engine) as session:
        sam = session.exec(select(Author).where(Author.handle == "sam_h")).one()
    assert sam.karma == 5230 and sam.account_created_at.year == 2014
    assert not server.unmatched and not server.unplayed()


def test_second_scan_reads_only_newer_items_and_stops_at_the_cursor(
    replay, reddit_settings, clients, engine
):
    older = submission("s1", "brightwave slow", "", "amy_b", T - 7200)
    newer = submission("s2", "brightwave refund refused", "", "bob_c", T - 60)
    server = replay(
        [
            TOKEN,
            get(SEARCH, listing([older])),
            people(("amy_b", 1.5e9, 3)),
            get("/r/HomeNetworking/comments", listing([])),
            TOKEN,  # each scan starts a new client
            get(SEARCH, listing([newer, older])),
            people(("bob_c", 1.5e9, 3)),
            get("/r/HomeNetworking/comments", listing([])),
        ]
    )
    settings = reddit_settings(server)
    run_scan(settings, engine, clients=clients, now=NOW)
    second = run_scan(settings, engine, clients=clients, now=NOW)
    assert second.rows[0].new == 1 and second.rows[0].duplicates == 0
    assert [m.platform_id for m in stored(engine)] == ["t3_s1", "t3_s2"]


def test_a_private_subreddit_is_reported_and_the_rest_of_the_scan_goes_on(
    replay, reddit_settings, clients, engine
):
    server = replay(
        [
            TOKEN,
            get(SEARCH, listing([submission("s5", "brightwave", "", "amy_b", T - 60)])),
            people(("amy_b", 1.5e9, 3)),
            get(
                "/r/HomeNetworking/comments",
                {"reason": "private", "message": "Forbidden", "error": 403},
                status=403,
            ),
        ]
    )
    report = run_scan(reddit_settings(server), engine, clients=clients, now=NOW)
    row = report.rows[0]
    assert report.failed and row.status == "partial" and row.new == 1
    assert "private, banned or does not exist" in row.message
    assert SECRET not in row.message and SECRET_ID not in row.message


def test_a_short_page_mid_listing_does_not_drop_the_rest(replay, reddit_settings, clients, engine):
    # Reddit chose 100 items for page one, then dropped removed and filtered ones: 3 remain,
    # and its `after` token says more follow
    first = [
        submission(f"a{i}", "brightwave down", "", f"user{i}", T - 60 * (i + 1)) for i in range(3)
    ]
    second = [
        submission(f"b{i}", "brightwave refund", "", f"late{i}", T - 3600 - 60 * i)
        for i in range(2)
    ]
    server = replay(
        [
            TOKEN,
            get(SEARCH, listing(first, after="t3_a2"), sort="new"),
            people(*((f"user{i}", 1.5e9, 3) for i in range(3))),
            get(SEARCH, listing(second, after=None), after="t3_a2"),
            people(*((f"late{i}", 1.5e9, 3) for i in range(2))),
            get("/r/HomeNetworking/comments", listing([])),
        ]
    )
    report = run_scan(reddit_settings(server), engine, clients=clients, now=NOW)
    assert report.rows[0].new == 5, report.rows[0]
    with Session(engine) as session:
        ids = sorted(session.exec(select(Mention.platform_id)).all())
    assert ids == sorted([f"t3_a{i}" for i in range(3)] + [f"t3_b{i}" for i in range(2)])
    assert not server.unmatched and not server.unplayed()


def test_a_post_the_database_cannot_hold_is_skipped_and_the_page_kept(
    replay, reddit_settings, clients, any_engine
):
    # PostgreSQL refuses a NUL byte in text by failing the whole transaction: the page with it
    # would be lost, and the cursor with it
    bad = submission("n1", "brightwave \u0000 outage", "NUL \u0000 inside", "nul_user", T - 120)
    good = submission("g1", "brightwave down", "since 7am", "sam_h", T - 60)
    server = replay(
        [
            TOKEN,
            get(SEARCH, listing([good, bad]), sort="new"),
            people(("sam_h", 1.5e9, 3), ("nul_user", 1.5e9, 3)),
            get("/r/HomeNetworking/comments", listing([])),
        ]
    )
    report = run_scan(reddit_settings(server), any_engine, clients=clients, now=NOW)
    row = report.rows[0]
    assert (row.new, row.skipped) == (1, 1), row
    assert [m.platform_id for m in stored(any_engine)] == ["t3_g1"]
