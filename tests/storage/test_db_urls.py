"""A malformed or unusable --db URL is one line and a non-zero exit, never a traceback."""

from __future__ import annotations

import pytest
from typer.testing import CliRunner

from callbrief.cli import app

runner = CliRunner()


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("postgresql://u@h:notaport/db", "is not valid"),
        ("postgresql://u@[::1/db", "is not valid"),
        ("://x", "is not valid"),
        ("sqlite:////proc/callbrief-test/x.db", "Cannot create the folder"),
        ("mysql://u@h/db", "callbrief[postgres]"),  # square brackets survive the console
        ("FILE_NOT_A_DB", "file is not a database"),
    ],
)
def test_a_bad_database_url_is_one_line(tmp_path, url, expected):
    if url == "FILE_NOT_A_DB":
        junk = tmp_path / "junk.db"
        junk.write_bytes(b"this is not an SQLite database, just bytes " * 200)
        url = f"sqlite:///{junk}"
    result = runner.invoke(app, ["--db", url, "cases"], env={})
    assert result.exit_code == 1, result.output
    assert isinstance(result.exception, SystemExit), result.exception
    assert expected in result.output
    assert len(result.output.strip().splitlines()) == 1, result.output


def test_advisory_lock_keys_are_per_purpose_and_database_not_per_password():
    from sqlalchemy.engine import make_url

    from callbrief.storage.db import advisory_key

    url = "postgresql://cb:{}@127.0.0.1:5432/callbrief?options=-csearch_path%3D{}"
    key = advisory_key(make_url(url.format("one", "a")), "run")
    assert key == advisory_key(make_url(url.format("two", "a")), "run")  # the same database
    assert key != advisory_key(make_url(url.format("one", "b")), "run")  # another schema
    assert key != advisory_key(make_url(url.format("one", "a")), "migrate")
    assert 0 < key < 2**63  # a bigint, as pg_advisory_lock takes it
