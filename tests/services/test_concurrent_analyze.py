"""Several `analyze` processes over the same mentions: each analysed once, each case opened once."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest
from sqlalchemy import func, select
from sqlmodel import Session

from callbrief.services.importer import import_jsonl
from callbrief.storage.models import Analysis, Case, Mention

ROOT = Path(__file__).resolve().parents[2]
AUTHORS = 100
PER_AUTHOR = 5  # 500 mentions


def seed(engine, tmp_path: Path) -> int:
    """500 mentions by 100 people within a day; complaints only from the even-numbered people.

    Every complaint of one person falls in one merge window and one category, so the right answer
    is one case per complaining person whatever order the processes meet the mentions in.
    """
    rows = []
    for a in range(AUTHORS):
        for k in range(PER_AUTHOR):
            tag = "#c" if a % 2 == 0 else "#n"
            rows.append(
                {
                    "id": f"m{a}-{k}",
                    "channel": "x",
                    "author": f"user{a}",
                    "text": f"m{a}-{k} {tag} kargom gelmedi",
                    "brand": "Kargola",
                    "created_at": f"2026-11-23T{8 + k:02d}:{a % 60:02d}:00Z",
                }
            )
    path = tmp_path / "m.jsonl"
    path.write_text("\n".join(json.dumps(r) for r in rows) + "\n", encoding="utf-8")
    report = import_jsonl(engine, path)
    assert report.saved.new == AUTHORS * PER_AUTHOR
    return AUTHORS // 2


@pytest.mark.parametrize("processes", [2, 4])
def test_concurrent_analyze_processes_analyse_once_and_open_each_case_once(
    any_engine, tmp_path, processes
):
    expected_cases = seed(any_engine, tmp_path)
    url = any_engine.url.render_as_string(hide_password=False)
    log = tmp_path / "analysed.log"
    env = {**os.environ, "PYTHONPATH": str(ROOT.parent)}
    procs = [
        subprocess.Popen(
            [sys.executable, "-m", "tests.services.analyze_runner", url, str(log), "16"],
            cwd=ROOT,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for _ in range(processes)
    ]
    outputs = [p.communicate(timeout=240) for p in procs]
    for proc, (_stdout, stderr) in zip(procs, outputs, strict=True):
        assert proc.returncode == 0, stderr
        assert "Traceback" not in stderr

    analysed = Counter(line.split("\t")[1].split()[0] for line in log.read_text().splitlines())
    assert len(analysed) == AUTHORS * PER_AUTHOR
    assert max(analysed.values()) == 1, [m for m, n in analysed.items() if n > 1][:5]
    workers = {line.split("\t")[0] for line in log.read_text().splitlines()}
    assert len(workers) >= 2  # the processes really shared the work

    with Session(any_engine) as session:
        assert session.execute(select(func.count()).select_from(Analysis)).scalar_one() == 500
        cases = session.execute(select(Case.author_id, func.count()).group_by(Case.author_id))
        per_author = dict(cases.all())
        assert len(per_author) == expected_cases
        assert set(per_author.values()) == {1}
        unassigned = session.execute(
            select(func.count())
            .select_from(Mention)
            .where(Mention.text.contains("#c"), Mention.case_id.is_(None))
        ).scalar_one()
        assert unassigned == 0


@pytest.mark.slow
def test_two_real_cli_analyze_processes_share_the_work(any_engine, tmp_path):
    """The real `callbrief analyze` (real models) twice at once over 30 posts."""
    rows = [
        {
            "id": f"cli{i}",
            "channel": "x",
            "author": f"cust{i % 10}",
            # one parcel per customer: their three posts are one matter, so one case
            "text": f"Kargom {i} gündür gelmedi, takip no KG4821{i % 10:04d}, paramı iade edin",
            "brand": "Kargola",
            "created_at": f"2026-11-23T{8 + i % 10:02d}:{i:02d}:00Z",
        }
        for i in range(30)
    ]
    path = tmp_path / "m.jsonl"
    path.write_text("\n".join(json.dumps(r) for r in rows) + "\n", encoding="utf-8")
    import_jsonl(any_engine, path)
    url = any_engine.url.render_as_string(hide_password=False)
    cli = Path(sys.executable).with_name("callbrief")
    procs = [
        subprocess.Popen(
            [str(cli), "--db", url, "analyze"],
            cwd=tmp_path,
            env={**os.environ, "CALLBRIEF_HOME": str(tmp_path / "home")},
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for _ in range(2)
    ]
    outputs = [p.communicate(timeout=600) for p in procs]
    analysed = 0
    for proc, (stdout, stderr) in zip(procs, outputs, strict=True):
        assert proc.returncode == 0, stderr
        assert "Traceback" not in stderr
        analysed += int(stdout.split(" analysed")[0].split()[-1])
    assert analysed == 30  # between them, each post once
    with Session(any_engine) as session:
        assert session.execute(select(func.count()).select_from(Analysis)).scalar_one() == 30
        per_author = dict(
            session.execute(select(Case.author_id, func.count()).group_by(Case.author_id)).all()
        )
        assert per_author and set(per_author.values()) == {1}
