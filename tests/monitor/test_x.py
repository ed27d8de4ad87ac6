"""The X poller against recorded API v2 pages: paging, resumption, filtering, context."""

from __future__ import annotations

from sqlmodel import Session, select

from callbrief.services.scan import run_scan
from callbrief.storage.models import Author, Cursor, Mention
from tests.monitor.xpages import mentions, page, search, tweet, user_lookup

NOW = "2025-03-10T12:00:00+00:00"


def _now():
    from datetime import datetime

    return datetime.fromisoformat(NOW)


def quiet_timeline(**match: str) -> list[dict]:
    """The brand account's lookup and an empty mentions timeline."""
    return [user_lookup("kargola", "9001"), mentions("9001", page([]), **match)]


def stored(engine) -> list[Mention]:
    with Session(engine) as session:
        return list(session.exec(select(Mention).order_by(Mention.platform_id)))


def test_pages_are_followed_and_a_second_scan_fetches_only_newer_posts(
    replay, x_settings, clients, any_engine
):
    server = replay(
        [
            search(
                page(
                    [tweet("105", "kargola paketim nerede"), tweet("104", "kargola 2")],
                    next_token="t1",
                )
            ),
            search(page([tweet("103", "kargola 3"), tweet("102", "kargola 4")]), next_token="t1"),
            *quiet_timeline(),
            search(page([tweet("107", "kargola yeni şikayet")]), since_id="105"),
            mentions("9001", page([]), since_id="dummy")
            | {"request": {"method": "GET", "path": "/2/users/9001/mentions", "match": {}}},
        ]
    )
    settings = x_settings(server)
    first = run_scan(settings, any_engine, clients=clients, now=_now())
    assert [m.platform_id for m in stored(any_engine)] == ["102", "103", "104", "105"]
    assert first.rows[0].new == 4 and first.rows[0].pages == 3 and not first.failed

    second = run_scan(settings, any_engine, clients=clients, now=_now())
    assert second.rows[0].new == 1 and not second.failed
    assert [m.platform_id for m in stored(any_engine)] == ["102", "103", "104", "105", "107"]
    searches = [r for r in server.received if r["path"].endswith("/search/recent")]
    assert "start_time" in searches[0]["params"] and "since_id" not in searches[0]["params"]
    assert searches[-1]["params"]["since_id"] == "105"
    assert not server.unplayed() and not server.unmatched


def test_retweets_own_posts_and_exact_duplicates_never_become_mentions(
    replay, x_settings, clients, any_engine
):
    server = replay(
        [
            search(
                page(
                    [
                        tweet("205", "RT @mehmet_y: kargola rezalet", refs=[("retweeted", "150")]),
                        tweet("204", "@ayse_k Merhaba, DM'den yazar mısınız?", author="9001"),
                        tweet("203", "kargola kargom kayıp"),
                        tweet("202", "kargola kargom kayıp"),
                    ]
                )
            ),
            *quiet_timeline(),
        ]
    )
    report = run_scan(x_settings(server), any_engine, clients=clients, now=_now())
    row = report.rows[0]
    assert [m.platform_id for m in stored(any_engine)] == ["203"]
    assert (row.new, row.duplicates, row.skipped) == (1, 1, 2)


def test_replies_and_quotes_carry_their_parents_text_and_links_are_expanded(
    replay, x_settings, clients, any_engine
):
    parent = tweet("300", "@ayse_k Siparişinizi kontrol ediyoruz.", author="9001")
    quoted = tweet("301", "Kargola: aynı gün teslimat!", author="9001")
    server = replay(
        [
            search(
                page(
                    [
                        tweet(
                            "310",
                            "@kargola 3 gündür bekliyorum https://t.co/abc",
                            refs=[("replied_to", "300")],
                            urls=[("https://t.co/abc", "https://imgur.example/hasarli-koli.jpg")],
                        ),
                        tweet(
                            "311",
                            "Aynı gün dediniz, 5 gün oldu https://t.co/q1",
                            refs=[("quoted", "301")],
                            urls=[("https://t.co/q1", "https://twitter.com/Kargola/status/301")],
                        ),
                    ],
                    referenced=[parent, quoted],
                )
            ),
            *quiet_timeline(),
        ]
    )
    run_scan(x_settings(server), any_engine, clients=clients, now=_now())
    reply, quote = stored(any_engine)
    assert reply.parent_text == "@ayse_k Siparişinizi kontrol ediyoruz."
    assert reply.in_reply_to == "300"
    assert reply.links == ["https://imgur.example/hasarli-koli.jpg"]
    assert quote.quoted_text == "Kargola: aynı gün teslimat!"
    assert quote.links == []  # the link to the quoted post is context, not a customer link
    assert reply.url == "https://x.com/ayse_k/status/310"
    with Session(any_engine) as session:
        author = session.exec(select(Author).where(Author.handle == "ayse_k")).one()
    assert (author.followers, author.location, author.name) == (412, "İzmir", "Ayşe K.")


def test_mentions_timeline_is_read_for_each_brand_account(replay, x_settings, clients, engine):
    server = replay(
        [
            search(page([])),
            user_lookup("kargola", "9001"),
            mentions("9001", page([tweet("401", "@kargola iade ne zaman?", author="1002")])),
        ]
    )
    report = run_scan(x_settings(server), engine, clients=clients, now=_now())
    assert [m.text for m in stored(engine)] == ["@kargola iade ne zaman?"]
    assert report.rows[0].quota_used == 1
    with Session(engine) as session:
        keys = {c.query for c in session.exec(select(Cursor))}
    assert "mentions @kargola" in keys
