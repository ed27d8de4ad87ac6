"""Import files for the worker tests and benchmark: authors posting a few times, half complain."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

START = datetime(2026, 11, 30, 6, 0, tzinfo=UTC)


def write_mentions(path: Path, count: int, *, per_author: int = 5, first: int = 0) -> Path:
    """`count` posts about Kargola, `per_author` per author a few minutes apart; an author either
    complains in every post (one case each) or praises."""
    authors = max(1, count // per_author)
    with path.open("w", encoding="utf-8") as handle:
        for i in range(first, first + count):
            author = i % authors
            if author % 2 == 0:
                text = f"[p{i}] Kargola kargom 2 haftadır gelmedi, paramı iade edin"
            else:
                text = f"[p{i}] Kargola kurye çok nazikti, teşekkürler"
            row = {
                "id": f"p{i}",
                "channel": "x",
                "author": f"musteri{author}",
                "text": text,
                "created_at": (START + timedelta(seconds=30 * i)).isoformat(),
                "brand": "Kargola",
            }
            handle.write(json.dumps(row, ensure_ascii=False) + "\n")
    return path
