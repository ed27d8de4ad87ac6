"""`callbrief user ...` and `callbrief serve` through the real CLI runner."""

from __future__ import annotations

import socket
import subprocess
import sys
import time
import urllib.request

from typer.testing import CliRunner

from callbrief.cli import app
from callbrief.storage.accounts import check_login
from callbrief.storage.db import open_database, session_scope

runner = CliRunner()


def invoke(db, *args, input=None):
    return runner.invoke(app, ["--db", db, *args], input=input, env={})


def test_user_add_list_disable(tmp_path):
    db = f"sqlite:///{tmp_path / 'cli.db'}"
    added = invoke(
        db, "user", "add", "Ayşe", "--role", "manager", "--brand", "Kargola",
        "--password-stdin", input="uzun bir parola\n",
    )  # fmt: skip
    assert added.exit_code == 0, added.output
    assert "ayşe" in added.output and "Kargola" in added.output
    listed = invoke(db, "user", "list")
    assert "ayşe" in listed.output and "manager" in listed.output and "active" in listed.output
    engine = open_database(db)
    with session_scope(engine) as session:
        assert check_login(session, "AYŞE", "uzun bir parola").user is not None
    assert invoke(db, "user", "disable", "ayşe").exit_code == 0
    assert "disabled" in invoke(db, "user", "list").output
    with session_scope(engine) as session:
        assert check_login(session, "ayşe", "uzun bir parola").user is None
    engine.dispose()


def test_user_mistakes_are_one_line_and_exit_non_zero(tmp_path):
    db = f"sqlite:///{tmp_path / 'cli.db'}"
    bad_role = invoke(db, "user", "add", "x", "--role", "boss", "--password-stdin", input="p" * 9)
    assert bad_role.exit_code != 0 and "Unknown role 'boss'" in bad_role.output
    short = invoke(db, "user", "add", "x", "--password-stdin", input="short\n")
    assert short.exit_code != 0 and "at least 8" in short.output
    missing = invoke(db, "user", "disable", "nobody")
    assert missing.exit_code != 0 and "No user named 'nobody'" in missing.output
    assert "Traceback" not in bad_role.output + short.output + missing.output


def test_user_token_prints_a_token_once(tmp_path):
    db = f"sqlite:///{tmp_path / 'cli.db'}"
    invoke(db, "user", "add", "bot", "--password-stdin", input="uzun bir parola\n")
    token = invoke(db, "user", "token", "bot").output.strip()
    assert token.startswith("cbt_") and len(token) > 30


def test_serve_answers_on_the_given_port(tmp_path):
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    db = f"sqlite:///{tmp_path / 'serve.db'}"
    process = subprocess.Popen(
        [sys.executable, "-m", "callbrief.cli", "--db", db, "serve", "--host", "127.0.0.1",
         "--port", str(port)],
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, cwd=tmp_path,
    )  # fmt: skip
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/login", timeout=2) as r:
                    assert r.status == 200
                    assert 'name="csrf_token"' in r.read().decode()
                    assert "frame-ancestors 'none'" in r.headers["Content-Security-Policy"]
                break
            except OSError:
                assert process.poll() is None, process.stdout.read().decode()
                assert time.monotonic() < deadline, "serve did not answer within 60 s"
                time.sleep(0.3)
    finally:
        process.terminate()
        process.communicate(timeout=20)


def test_serve_refuses_a_bad_port(tmp_path):
    result = invoke(f"sqlite:///{tmp_path / 'p.db'}", "serve", "--port", "70000")
    assert result.exit_code != 0 and "not a TCP port" in result.output
