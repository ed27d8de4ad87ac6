"""Property tests of the importer: random text, control characters and hostile lines mixed in;
never a crash, never a good line lost, every bad line reported by its number."""

from __future__ import annotations

import itertools
import json

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlmodel import Session, select

from callbrief.services.importer import import_jsonl
from callbrief.storage.db import open_database
from callbrief.storage.models import Mention

RUN = itertools.count()
# any character a platform may hand us except NUL and lone surrogates, which no database stores
CHAR = st.characters(codec="utf-8", exclude_categories=("Cs",), exclude_characters="\x00")
TEXT = st.text(CHAR, min_size=1, max_size=120).filter(lambda t: t.strip())
BAD_KINDS = st.sampled_from(
    ["nul", "followers", "future", "bad-byte", "deep", "garbage", "not-object", "no-text"]
)


def good_line(run: int, i: int, text: str, name: str) -> bytes:
    row = {
        "id": f"r{run}-{i}",
        "channel": "x",
        "author": f"user{i}",
        "author_name": name,
        # the id in the text keeps two random texts from being one post's exact repeat
        "text": f"{text} #{run}-{i}",
        "created_at": "2026-11-20T09:15:00+03:00",
        "brand": "Kargola",
    }
    return json.dumps(row, ensure_ascii=bool(i % 2)).encode("utf-8")


def bad_line(kind: str, text: str) -> bytes:
    base = {"id": "bad", "channel": "x", "author": "b", "text": text, "brand": "Kargola"}
    base["created_at"] = "2026-11-20T09:15:00Z"
    if kind == "nul":
        return json.dumps(dict(base, text=text + "\x00")).encode()
    if kind == "followers":
        return json.dumps(dict(base, author_followers=10**30)).encode()
    if kind == "future":
        return json.dumps(dict(base, created_at="9999-12-31T00:00:00Z")).encode()
    if kind == "bad-byte":
        return json.dumps(base).encode().replace(b'"b"', b'"b\xff"')
    if kind == "deep":
        return b'{"id": "d", "x": ' + b"[" * 5000 + b"]" * 5000 + b"}"
    if kind == "garbage":
        return ("{" + text.replace("\n", " ")).encode("utf-8")
    if kind == "not-object":
        return json.dumps([text]).encode()
    return json.dumps({k: v for k, v in base.items() if k != "text"}).encode()


@pytest.fixture(scope="module")
def engine(tmp_path_factory):
    eng = open_database(f"sqlite:///{tmp_path_factory.mktemp('props') / 'p.db'}")
    yield eng
    eng.dispose()


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    lines=st.lists(
        st.one_of(
            st.tuples(st.just("good"), TEXT, st.text(CHAR, max_size=40)),
            st.tuples(BAD_KINDS, TEXT, st.just("")),
        ),
        min_size=1,
        max_size=25,
    ),
    bom=st.booleans(),
)
def test_random_files_store_every_good_line_and_report_every_bad_one(
    engine, tmp_path_factory, lines, bom
):
    run = next(RUN)
    raw, good_ids, bad_numbers = [], set(), []
    for number, (kind, text, name) in enumerate(lines, start=1):
        if kind == "good":
            raw.append(good_line(run, number, text, name))
            good_ids.add(f"r{run}-{number}")
        else:
            raw.append(bad_line(kind, text))
            bad_numbers.append(number)
    if bom:
        raw[0] = b"\xef\xbb\xbf" + raw[0]
    path = tmp_path_factory.mktemp("f") / "m.jsonl"
    path.write_bytes(b"\n".join(raw) + b"\n")

    report = import_jsonl(engine, path)

    assert [n for n, _ in report.bad_lines] == bad_numbers
    assert all("\n" not in reason for _, reason in report.bad_lines)
    with Session(engine) as session:
        stored = set(
            session.exec(
                select(Mention.platform_id).where(Mention.platform_id.startswith(f"r{run}-"))
            )
        )
    assert stored == good_ids
    assert report.saved.new == len(good_ids)
