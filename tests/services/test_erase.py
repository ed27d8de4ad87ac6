"""`callbrief erase`: after it, the person's handle, name and words are nowhere on disk."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest
from sqlalchemy import text
from sqlmodel import Session, select
from typer.testing import CliRunner

from callbrief.cli import app
from callbrief.foundation.records import AuthorRecord, MentionRecord
from callbrief.services.analyze import analyze_and_open_cases
from callbrief.storage.cases import record_outcome
from callbrief.storage.db import open_database, session_scope
from callbrief.storage.erase import Erasure
from callbrief.storage.mentions import save_mentions
from callbrief.storage.models import Case, Mention
from tests.services.analyze_runner import LoggingAnalyzer

runner = CliRunner()
HANDLE = "zqvxmallory"
NAME = "Qzelda Vrumwick"
TEXTS = ["Xylophrax paketim 9 gundur gelmedi #c", "Brontequil iade istiyorum hemen #c"]
PHONE = "+905551239876"
OTHER = "Ordinaryperson paketim geldi #n"  # someone else's post: must survive


def seed(engine, settings, tmp_path):
    rows = [
        {
            "id": f"z{i}",
            "channel": "x",
            "author": HANDLE,
            "author_name": NAME,
            "text": t,
            "created_at": f"2026-11-2{i}T09:00:00Z",
            "brand": "Kargola",
        }
        for i, t in enumerate(TEXTS)
    ]
    rows.append(dict(rows[0], id="z9", channel="reddit", text="Quorvath bana donen yok #c"))
    rows.append(
        {
            "id": "o1",
            "channel": "x",
            "author": "plainuser",
            "text": OTHER,
            "created_at": "2026-11-21T10:00:00Z",
            "brand": "Kargola",
        }
    )
    path = tmp_path / "m.jsonl"
    path.write_text("\n".join(json.dumps(r) for r in rows) + "\n", encoding="utf-8")
    url = engine.url.render_as_string(hide_password=False)
    assert runner.invoke(app, ["--db", url, "import", str(path)], env={}).exit_code == 0
    crm = tmp_path / "crm.csv"
    crm.write_text(
        f"x,reddit,name,phone,email\n{HANDLE},{HANDLE},{NAME},{PHONE},qz@example.com\n",
        encoding="utf-8",
    )
    result = runner.invoke(app, ["--db", url, "import-crm", str(crm)], env={})
    assert result.exit_code == 0, result.output
    # one person behind both handles: erasing the X handle erases the Reddit one with them
    # someone else replies to them: the poller stores the parent's text and the payload names them
    reply = MentionRecord(
        channel="x",
        platform_id="o2",
        brand="Kargola",
        text="Ayni sorun bende de var",
        created_at=datetime(2026, 11, 22, 11, tzinfo=UTC),
        author=AuthorRecord(channel="x", handle="plainuser"),
        parent_text=TEXTS[0],
        raw={"includes": {"users": [{"username": HANDLE, "name": NAME}]}},
        source="x",
    )
    with session_scope(engine) as session:
        save_mentions(session, [reply])
    analyze_and_open_cases(engine, settings, LoggingAnalyzer(str(tmp_path / "log")))
    with session_scope(engine) as session:
        case_id = session.exec(select(Mention.case_id).where(Mention.platform_id == "z0")).one()
        outcome = record_outcome(
            session, case_id, "follow_up", note=f"{NAME} wants Brontequil refund"
        )
        # a row another feature hangs off the outcome (the web's goodwill credits): erase must
        # follow the foreign key even though this process never imported that table's module
        session.execute(
            text(
                "INSERT INTO web_outcome_credits (outcome_id, case_id, amount, currency, "
                "\"limit\", created_at) VALUES (:o, :c, 50, 'TRY', 100, :t)"
            ),
            {"o": outcome.id, "c": case_id, "t": datetime(2026, 11, 22, tzinfo=UTC)},
        )
    return url


NEEDLES = [HANDLE, NAME, PHONE, "Xylophrax", "Brontequil", "Quorvath", "qz@example.com"]


def grep(paths, needles) -> list[tuple[str, str]]:
    found = []
    for path in paths:
        if path.exists() and path.is_file():
            body = path.read_bytes()
            for needle in needles:
                if needle.encode().lower() in body.lower():
                    found.append((path.name, needle))
    return found


def test_after_erase_nothing_of_the_person_is_on_disk(tmp_path, settings):
    db_path = tmp_path / "e.db"
    engine = open_database(f"sqlite:///{db_path}")
    url = seed(engine, settings, tmp_path)
    briefs = tmp_path / "briefs"
    result = runner.invoke(app, ["--db", url, "briefs", "--out", str(briefs)], env={})
    assert result.exit_code == 0, result.output
    files = lambda: [db_path, db_path.with_name("e.db-wal"), *briefs.rglob("*")]  # noqa: E731
    assert grep(files(), NEEDLES)  # the data is there, and this grep sees it

    engine.dispose()
    args = ["--db", url, "erase", "--author", HANDLE, "--channel", "x", "--briefs-dir", str(briefs)]
    result = runner.invoke(app, args, env={})
    assert result.exit_code == 0, result.output
    assert "Traceback" not in result.output
    assert "Erased:" in result.output and "mentions" in result.output
    assert "Removed" in result.output and "brief file(s)" in result.output

    assert grep(files(), NEEDLES) == []
    assert grep([db_path], ["Ordinaryperson", "Ayni sorun bende de var"]) != []
    engine = open_database(url)
    with Session(engine) as session:
        audit = session.exec(select(Erasure)).one()
        assert audit.scope == "author" and audit.counts["mentions"] == 3
        assert audit.counts["web_outcome_credits"] == 1 and audit.counts["outcomes"] == 1
        remaining = session.exec(select(Mention.platform_id).order_by(Mention.platform_id)).all()
        assert remaining == ["o1", "o2"]
        assert session.exec(select(Case)).all() == []  # plainuser's posts are no complaints

    again = runner.invoke(app, args, env={})
    assert again.exit_code == 0, again.output
    assert "nothing to erase" in again.output
    with Session(engine) as session:
        assert len(session.exec(select(Erasure)).all()) == 2
    engine.dispose()


def test_erase_by_customer_id_and_mistakes_are_one_line(tmp_path, settings):
    engine = open_database(f"sqlite:///{tmp_path / 'c.db'}")
    url = seed(engine, settings, tmp_path)
    with Session(engine) as session:
        customer_id = session.exec(text("SELECT id FROM customers")).scalar_one()
    engine.dispose()
    assert runner.invoke(app, ["--db", url, "erase"], env={}).exit_code == 2
    both = runner.invoke(app, ["--db", url, "erase", "--author", "x", "--customer", "1"], env={})
    assert both.exit_code == 2 and "Say who to erase" in both.output
    result = runner.invoke(app, ["--db", url, "erase", "--customer", str(customer_id)], env={})
    assert result.exit_code == 0, result.output
    assert grep([tmp_path / "c.db", tmp_path / "c.db-wal"], NEEDLES) == []


@pytest.mark.postgres
def test_erase_on_postgresql_leaves_no_row_naming_them(pg_url, tmp_path, settings):
    engine = open_database(pg_url)
    url = seed(engine, settings, tmp_path)
    result = runner.invoke(app, ["--db", url, "erase", "--author", HANDLE], env={})
    assert result.exit_code == 0, result.output
    with engine.connect() as conn:
        tables = conn.execute(
            text("SELECT tablename FROM pg_tables WHERE schemaname = current_schema()")
        ).scalars()
        for table in list(tables):
            rows = conn.execute(text(f'SELECT row_to_json(t)::text FROM "{table}" t')).scalars()
            for row in rows:
                for needle in NEEDLES:
                    assert needle.lower() not in row.lower(), (table, needle)
    engine.dispose()
