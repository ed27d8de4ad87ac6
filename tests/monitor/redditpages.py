"""Build Reddit API answers in the exact wire format (Listing / t1 / t3 things) that praw reads."""

from __future__ import annotations

from typing import Any

TOKEN = {
    "request": {"method": "POST", "path": "/api/v1/access_token"},
    "response": {
        "body": {
            "access_token": "<ACCESS_TOKEN>",
            "token_type": "bearer",
            "expires_in": 86400,
            "scope": "*",
        }
    },
}


def submission(
    sid: str,
    title: str,
    selftext: str,
    author: str,
    created: float,
    sub: str = "brightwave",
    url: str | None = None,
) -> dict[str, Any]:
    permalink = f"/r/{sub}/comments/{sid}/slug/"
    return {
        "kind": "t3",
        "data": {
            "id": sid,
            "name": f"t3_{sid}",
            "title": title,
            "selftext": selftext,
            "author": author,
            "author_fullname": f"t2_{author[:6]}",
            "created_utc": created,
            "created": created,
            "permalink": permalink,
            "subreddit": sub,
            "subreddit_name_prefixed": f"r/{sub}",
            "subreddit_id": "t5_2qh1i",
            "url": url or f"https://www.reddit.com{permalink}",
            "is_self": url is None,
            "score": 12,
            "num_comments": 3,
            "upvote_ratio": 0.93,
            "over_18": False,
            "domain": f"self.{sub}" if url is None else url.split("/")[2],
        },
    }


def comment(
    cid: str,
    body: str,
    author: str,
    created: float,
    parent: str,
    link: str,
    link_title: str,
    sub: str = "brightwave",
) -> dict[str, Any]:
    return {
        "kind": "t1",
        "data": {
            "id": cid,
            "name": f"t1_{cid}",
            "body": body,
            "author": author,
            "author_fullname": f"t2_{author[:6]}",
            "created_utc": created,
            "created": created,
            "permalink": f"/r/{sub}/comments/{link[3:]}/slug/{cid}/",
            "parent_id": parent,
            "link_id": link,
            "link_title": link_title,
            "subreddit": sub,
            "subreddit_id": "t5_2qh1i",
            "score": 4,
            "replies": "",
        },
    }


def listing(children: list[dict[str, Any]], after: str | None = None) -> dict[str, Any]:
    return {
        "kind": "Listing",
        "data": {
            "after": after,
            "dist": len(children),
            "modhash": "",
            "geo_filter": "",
            "children": children,
            "before": None,
        },
    }


def get(
    path: str, body: Any, *, status: int = 200, headers: dict | None = None, **match: str
) -> dict[str, Any]:
    return {
        "request": {"method": "GET", "path": path, "match": match},
        "response": {"status": status, "headers": headers or {}, "body": body},
    }


def people(*authors: tuple[str, float, int]) -> dict[str, Any]:
    """GET /api/user_data_by_account_ids for (name, created_utc, karma) triples."""
    return get(
        "/api/user_data_by_account_ids",
        {
            f"t2_{name[:6]}": {
                "name": name,
                "created_utc": created,
                "link_karma": karma,
                "comment_karma": 0,
                "profile_img": "",
                "profile_color": "",
                "profile_over_18": False,
            }
            for name, created, karma in authors
        },
    )
