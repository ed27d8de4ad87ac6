"""The CLI through its runner: help on every command, clear errors, import and analyze."""

import json

import pytest
from typer.testing import CliRunner

from callbrief.cli import app

runner = CliRunner()


def invoke(*args, env=None):
    return runner.invoke(app, list(args), env=env or {})


def command_names():
    import typer.main

    group = typer.main.get_command(app)
    return sorted(group.commands)


@pytest.mark.parametrize("name", command_names())
def test_every_command_has_help_with_an_example(name):
    result = invoke(name, "--help")
    assert result.exit_code == 0, result.output
    assert "Example" in result.output


def test_top_help_shows_the_default_database():
    result = invoke("--help")
    assert result.exit_code == 0
    assert "callbrief.db" in result.output


def test_where_reports_config_and_database(tmp_path):
    result = invoke("--db", f"sqlite:///{tmp_path}/x.db", "where")
    assert result.exit_code == 0
    assert f"sqlite:///{tmp_path}/x.db" in result.output


def test_invalid_config_is_one_line_not_a_traceback(tmp_path):
    bad = tmp_path / "c.yaml"
    bad.write_text("sources:\n  x:\n    cadence_minutes: -5\n", encoding="utf-8")
    result = invoke("--config", str(bad), "where")
    assert result.exit_code == 2
    assert "`sources.x.cadence_minutes`" in result.output
    assert "Traceback" not in result.output


def test_import_twice_and_bad_line(tmp_path):
    rows = [
        {
            "id": "7",
            "channel": "reddit",
            "author": "u1",
            "text": "Brightwave down again",
            "created_at": "2026-11-20T08:00:00Z",
            "brand": "Brightwave",
        },
        "oops",
    ]
    path = tmp_path / "m.jsonl"
    path.write_text("\n".join(json.dumps(r) if isinstance(r, dict) else r for r in rows) + "\n")
    db = f"sqlite:///{tmp_path}/cli.db"
    first = invoke("--db", db, "import", str(path))
    second = invoke("--db", db, "import", str(path))
    assert first.exit_code == 1 and "m.jsonl:2: skipped: not valid JSON" in first.output
    assert "1 new, 0 already stored, 1 bad line(s) of 2" in first.output
    assert "0 new, 1 already stored" in second.output


def test_import_of_a_missing_file_is_a_clear_error(tmp_path):
    result = invoke("--db", f"sqlite:///{tmp_path}/cli.db", "import", str(tmp_path / "no.jsonl"))
    assert result.exit_code == 1
    assert "Cannot read" in result.output and "Traceback" not in result.output


def test_bad_database_url_is_a_clear_error():
    result = invoke("--db", "notadb://", "where")
    result = invoke("--db", "nosuchdriver://x/y", "import", "x.jsonl")
    assert result.exit_code == 1
    assert "Error:" in result.output and "Traceback" not in result.output


def test_import_crm_links_handles_and_reports_bad_rows(tmp_path):
    csv = tmp_path / "crm.csv"
    csv.write_text(
        "name,phone,x,reddit\nEmre Tan,+90 532 555 0101,emre_tan,emretan_\n"
        "Bad,not-a-phone,bad_one,\n",
        encoding="utf-8",
    )
    result = invoke("--db", f"sqlite:///{tmp_path}/crm.db", "import-crm", str(csv))
    assert result.exit_code == 1
    assert "Imported 1 row(s) into 1 customer(s)" in result.output
    assert "line 3" in result.output


def test_scan_without_enabled_sources_says_what_to_do(tmp_path):
    cfg = tmp_path / "c.yaml"
    cfg.write_text("brands:\n  - name: Kargola\n    keywords: [kargola]\n", encoding="utf-8")
    result = invoke("--config", str(cfg), "--db", f"sqlite:///{tmp_path}/s.db", "scan")
    assert result.exit_code == 2
    assert "Error:" in result.output and "Traceback" not in result.output


FIELDS = {
    "language",
    "sentiment",
    "complaint",
    "irony",
    "category",
    "asks",
    "signals",
    "entities",
    "grievance",
    "priority",
}


@pytest.mark.slow
def test_analyze_json_prints_every_field():
    text = "Kargom 2 haftadır gelmedi, takip no HK48213377, paramı iade edin"
    result = invoke("analyze", "--json", "--brand", "Kargola", text)
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert set(data) == FIELDS
    assert data["sentiment"]["label"] == "negative" and 0 <= data["sentiment"]["score"] <= 1
    assert data["category"] == "delivery" and "refund" in data["asks"]
    assert {"type": "order_id", "text": "HK48213377"} in data["entities"]
    assert data["grievance"] and all(g in text for g in data["grievance"])


@pytest.mark.slow
def test_analyze_json_file_prints_one_line_per_text_in_order(tmp_path):
    texts = [
        "Brightwave has been down all day, I want a refund",
        "Teşekkürler Kargola, paketim erken geldi!",
        "",
        "Ulduz Mobil 3 gündür internet yoxdur",
    ]
    path = tmp_path / "t.txt"
    path.write_text("\n".join(texts) + "\n", encoding="utf-8")
    result = invoke("analyze", "--json", "--file", str(path))
    assert result.exit_code == 0, result.output
    lines = [json.loads(line) for line in result.output.splitlines()]
    assert len(lines) == len(texts)
    assert lines[0]["language"] == "en" and lines[1]["language"] == "tr"
    assert lines[1]["complaint"] is False and lines[0]["complaint"] is True


def one_complaint_imported(tmp_path, *options: str) -> str:
    """The URL of a database with one imported complaint, not yet analysed."""
    row = {
        "id": "5",
        "channel": "x",
        "author": "a",
        "text": "Kargom 2 haftadır gelmedi, paramı iade edin",
        "created_at": "2026-11-20T08:00:00Z",
        "brand": "Kargola",
    }
    path = tmp_path / "m.jsonl"
    path.write_text(json.dumps(row) + "\n", encoding="utf-8")
    db = f"sqlite:///{tmp_path}/a.db"
    assert invoke(*options, "--db", db, "import", str(path)).exit_code == 0
    return db


@pytest.mark.slow
def test_analyze_stores_analyses_for_imported_mentions(tmp_path):
    db = one_complaint_imported(tmp_path)
    first = invoke("--db", db, "analyze")
    again = invoke("--db", db, "analyze")
    assert "1 analysed, 0 failed; 1 case(s) opened" in first.output
    assert "0 analysed, 0 failed; 0 case(s) opened" in again.output


def test_evaluate_without_data_says_where_to_point(tmp_path):
    result = invoke("evaluate", "--data", str(tmp_path / "nothing"))
    assert result.exit_code == 2
    assert "does not exist" in result.output and "--data" in result.output


@pytest.mark.slow
def test_callback_queue_assign_and_outcome(tmp_path):
    row = {
        "id": "77",
        "channel": "x",
        "author": "deniz",
        "brand": "Kargola",
        "text": "Kargom 2 haftadır gelmedi, paramı iade edin",
        "created_at": "2026-11-20T08:00:00Z",
    }
    path = tmp_path / "m.jsonl"
    path.write_text(json.dumps(row) + "\n", encoding="utf-8")
    db = f"sqlite:///{tmp_path}/q.db"
    invoke("--db", db, "import", str(path))
    invoke("--db", db, "analyze")
    queue = invoke("--db", db, "cases")
    assert queue.exit_code == 0 and "Kargola" in queue.output and "overdue" in queue.output
    (line,) = [row for row in queue.output.splitlines() if "Kargola" in row]
    cells = [c.strip() for c in line.replace("│", "|").split("|") if c.strip()]
    # case number, customer as the agent knows them, due time in the team's zone (Istanbul):
    # posted Friday 11:00, due four working hours later
    assert cells[0] == "1" and cells[2] == "@deniz" and "2026-11-20 15:00" in cells
    # no phone is linked to @deniz: the queue names the next channel, as the brief does
    assert cells[cells.index("2026-11-20 15:00") + 1] == "dm"
    by_case = invoke("--db", db, "brief", "1")
    assert by_case.exit_code == 0 and "Kargom 2 haftadır gelmedi" in by_case.output
    no_case = invoke("--db", db, "brief", "99")
    assert no_case.exit_code == 1 and "no case has that number" in no_case.output
    assert invoke("--db", db, "assign", "1", "ayse").exit_code == 0
    bad = invoke("--db", db, "outcome", "1", "--result", "happy")
    assert bad.exit_code == 2 and "Unknown outcome 'happy'" in bad.output
    worse = invoke("--db", db, "outcome", "1", "--result", "follow_up", "--follow-up", "soon")
    assert worse.exit_code == 2 and "Cannot read 'soon' as a date" in worse.output
    done = invoke(
        "--db",
        db,
        "outcome",
        "1",
        "--result",
        "follow_up",
        "--follow-up",
        "2099-01-05",
        "--note",
        "kurye ayarlandı",
    )
    assert done.exit_code == 0, done.output
    mine = invoke("--db", db, "cases", "--agent", "ayse")
    assert "follow_up" in mine.output
    missing = invoke("--db", db, "assign", "99", "ayse")
    assert missing.exit_code == 1 and "Traceback" not in missing.output


def test_analyze_loads_the_analyzer_the_workers_load(tmp_path):
    config = tmp_path / "config.yaml"
    config.write_text("workers:\n  analyzer_factory: tests.workers.fake_analyzer:build\n")
    db = one_complaint_imported(tmp_path, "--config", str(config))
    done = invoke("--config", str(config), "--db", db, "analyze")
    assert done.exit_code == 0, done.output
    assert "1 analysed, 0 failed" in done.output
    from sqlalchemy import create_engine, text

    engine = create_engine(db)
    with engine.connect() as conn:
        assert conn.execute(text("SELECT model_version FROM analyses")).scalar_one() == "fake-1"
    engine.dispose()

    config.write_text("workers:\n  analyzer_factory: tests.workers.nothing_here\n")
    broken = invoke("--config", str(config), "--db", db, "analyze", "--json", "gelmedi")
    assert broken.exit_code == 2  # a configuration error
    assert "does not name a function; use package.module:function" in broken.output
