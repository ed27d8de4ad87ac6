"""`callbrief beat` runs once per database: a second one is refused with the holder named."""

from __future__ import annotations

import subprocess

import pytest

from tests.workers.conftest import CALLBRIEF, ROOT, wait_for, write_config

pytestmark = [pytest.mark.slow, pytest.mark.postgres]


def test_a_second_beat_on_the_same_database_is_refused(redis_url, pg_url, tmp_path):
    config = write_config(tmp_path)
    env = {"PATH": "/usr/bin:/bin", "CALLBRIEF_BROKER": redis_url, "PYTHONPATH": str(ROOT)}
    command = [str(CALLBRIEF), "--config", str(config), "--db", pg_url, "beat"]
    log = tmp_path / "beat.log"
    with log.open("wb") as out:
        first = subprocess.Popen(command, cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT)
        try:
            wait_for(lambda: "beat: Starting" in log.read_text(), 120, "the first beat")
            second = subprocess.run(
                command, cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
            )
            assert second.returncode == 1
            assert "already works on postgresql://" in second.stderr + second.stdout
            assert "Traceback" not in second.stderr
            assert first.poll() is None
        finally:
            first.terminate()
            first.wait(timeout=30)
