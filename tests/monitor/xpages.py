"""Build X API v2 pages in the exact wire format (data, includes, meta), as recorded with tweepy."""

from __future__ import annotations

from typing import Any

USERS = {
    "1001": {
        "id": "1001",
        "username": "ayse_k",
        "name": "Ayşe K.",
        "location": "İzmir",
        "verified": False,
        "created_at": "2015-03-02T10:00:00.000Z",
        "public_metrics": {
            "followers_count": 412,
            "following_count": 300,
            "tweet_count": 5120,
            "listed_count": 2,
        },
    },
    "1002": {
        "id": "1002",
        "username": "mehmet_y",
        "name": "Mehmet Y.",
        "location": "Ankara",
        "verified": False,
        "created_at": "2019-07-11T08:00:00.000Z",
        "public_metrics": {
            "followers_count": 88,
            "following_count": 120,
            "tweet_count": 900,
            "listed_count": 0,
        },
    },
    "9001": {
        "id": "9001",
        "username": "Kargola",
        "name": "Kargola",
        "location": "İstanbul",
        "verified": True,
        "created_at": "2012-01-01T00:00:00.000Z",
        "public_metrics": {
            "followers_count": 150000,
            "following_count": 10,
            "tweet_count": 40000,
            "listed_count": 300,
        },
    },
}


def tweet(
    tid: str,
    text: str,
    author: str = "1001",
    *,
    created_at: str = "2025-03-10T09:00:00.000Z",
    refs: list[tuple[str, str]] | None = None,
    urls: list[tuple[str, str]] | None = None,
    lang: str = "tr",
) -> dict[str, Any]:
    """One post object with the fields callbrief asks for."""
    data: dict[str, Any] = {
        "id": tid,
        "text": text,
        "author_id": author,
        "created_at": created_at,
        "lang": lang,
        "conversation_id": tid,
        "edit_history_tweet_ids": [tid],
        "public_metrics": {
            "retweet_count": 0,
            "reply_count": 0,
            "like_count": 1,
            "quote_count": 0,
            "bookmark_count": 0,
            "impression_count": 40,
        },
    }
    if refs:
        data["referenced_tweets"] = [{"type": kind, "id": rid} for kind, rid in refs]
    if urls:
        data["entities"] = {
            "urls": [
                {
                    "start": 0,
                    "end": 23,
                    "url": short,
                    "expanded_url": long,
                    "display_url": long.split("//")[-1][:24],
                }
                for short, long in urls
            ]
        }
    return data


def page(
    tweets: list[dict[str, Any]],
    *,
    next_token: str | None = None,
    referenced: list[dict[str, Any]] | None = None,
) -> dict[str, Any]:
    """A page with includes.users (and includes.tweets) and meta, newest first."""
    if not tweets:
        return {"meta": {"result_count": 0}}
    authors = {t["author_id"] for t in tweets + (referenced or [])}
    body: dict[str, Any] = {
        "data": tweets,
        "includes": {"users": [USERS[a] for a in sorted(authors)]},
        "meta": {
            "newest_id": tweets[0]["id"],
            "oldest_id": tweets[-1]["id"],
            "result_count": len(tweets),
        },
    }
    if referenced:
        body["includes"]["tweets"] = referenced
    if next_token:
        body["meta"]["next_token"] = next_token
    return body


def search(
    body: Any, *, status: int = 200, headers: dict | None = None, delay_s: float = 0, **match: str
) -> dict[str, Any]:
    """A recorded GET /2/tweets/search/recent."""
    return {
        "request": {"method": "GET", "path": "/2/tweets/search/recent", "match": match},
        "response": {"status": status, "headers": headers or {}, "body": body, "delay_s": delay_s},
    }


def mentions(user_id: str, body: Any, **match: str) -> dict[str, Any]:
    """A recorded GET /2/users/:id/mentions."""
    return {
        "request": {"method": "GET", "path": f"/2/users/{user_id}/mentions", "match": match},
        "response": {"status": 200, "body": body},
    }


def user_lookup(username: str, user_id: str) -> dict[str, Any]:
    """A recorded GET /2/users/by/username/:username."""
    return {
        "request": {"method": "GET", "path": f"/2/users/by/username/{username}"},
        "response": {
            "status": 200,
            "body": {"data": {"id": user_id, "name": username, "username": username}},
        },
    }
