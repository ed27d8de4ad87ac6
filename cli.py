"""The `callbrief` command: thin commands that load settings, build objects and call the library."""

from __future__ import annotations

import functools
import json
import sys
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any, TypeVar

import typer
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from callbrief.console import tables
from callbrief.foundation.errors import CallbriefError, ConfigError
from callbrief.foundation.settings import Settings, default_home, load_settings

F = TypeVar("F", bound=Callable[..., Any])

err = Console(stderr=True, highlight=False, soft_wrap=True)
# piped output (files, cron mail, tests) gets room for the queue's columns instead of 80
out = Console(highlight=False, width=None if sys.stdout.isatty() else 200)

app = typer.Typer(
    name="callbrief",
    help=(
        "Callback briefs for customer-care teams: collect brand mentions, understand the "
        "grievance, brief the caller, digest the day.\n\n"
        f"Default database: {default_home() / 'callbrief.db'} (override with --db or "
        "CALLBRIEF_DB).\n\nExample: callbrief demo --out ./callbrief-demo"
    ),
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)


class AppState:
    """Settings read once, and the engine and analyzer built on first use."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self._engine = None
        self._analyzer = None

    def close(self) -> None:
        """Return the database connections when the command ends (tests run many in one process)."""
        if self._engine is not None:
            self._engine.dispose()

    @property
    def engine(self):  # type: ignore[no-untyped-def]
        if self._engine is None:
            from callbrief.storage.db import open_database

            self._engine = open_database(self.settings.database_url)
        return self._engine

    @property
    def analyzer(self):  # type: ignore[no-untyped-def]
        if self._analyzer is None:
            from callbrief.services.analyze import load_analyzer

            with err.status("Loading language models..."):
                self._analyzer = load_analyzer(self.settings)
        return self._analyzer


def handled(fn: F) -> F:
    """Turn our own errors into one clear line and a non-zero exit, never a traceback."""

    @functools.wraps(fn)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return fn(*args, **kwargs)
        except CallbriefError as exc:
            err.print(f"[bold red]Error:[/] {escape(str(exc))}")
            raise typer.Exit(exc.exit_code) from None
        except KeyboardInterrupt:
            err.print("Interrupted; everything committed so far is kept.")
            raise typer.Exit(130) from None

    return wrapper  # type: ignore[return-value]


def state(ctx: typer.Context) -> AppState:
    return ctx.ensure_object(AppState)  # type: ignore[no-any-return]


@app.callback()
def main_options(
    ctx: typer.Context,
    config: Path | None = typer.Option(
        None, "--config", "-c", help="config.yaml to use (default: ./config.yaml, else built-in)."
    ),
    db: str | None = typer.Option(
        None, "--db", help="SQLAlchemy database URL, e.g. postgresql://user@host/callbrief."
    ),
) -> None:
    """Global options; run `callbrief COMMAND --help` for each command."""
    try:
        settings = load_settings(config, database=db)
    except ConfigError as exc:
        err.print(f"[bold red]Error:[/] {escape(str(exc))}")
        raise typer.Exit(exc.exit_code) from None
    ctx.obj = AppState(settings)
    ctx.call_on_close(ctx.obj.close)


def progress_bar():  # type: ignore[no-untyped-def]
    from callbrief.console.progress import RichProgress

    return RichProgress(err)


# ---------------------------------------------------------------------------------------------
@app.command()
@handled
def where(ctx: typer.Context) -> None:
    """Show where callbrief keeps its data and which config it read.

    Example: callbrief where
    """
    s = state(ctx).settings
    from sqlalchemy.engine import make_url

    out.print(f"config:   {s.source}")
    out.print(f"database: {make_url(s.database_url).render_as_string(hide_password=True)}")
    out.print(f"home:     {s.home_path}")
    out.print(f"brands:   {', '.join(b.name for b in s.brands) or '(none configured)'}")


@app.command()
@handled
def demo(
    ctx: typer.Context,
    out_dir: Path = typer.Option(Path("callbrief-demo"), "--out", help="Folder for the results."),
) -> None:
    """Replay bundled recorded X, Reddit and RSS data offline: briefs and a digest out.

    Example: callbrief demo --out ./callbrief-demo
    """
    from callbrief.services.demo.runner import run_demo

    st = state(ctx)
    with progress_bar() as bar:
        report = run_demo(st.settings, out_dir, progress=bar, analyzer=lambda: st.analyzer)
    out.print(report.summary())


@app.command()
@handled
def scan(
    ctx: typer.Context,
    source: list[str] | None = typer.Option(
        None, "--source", "-s", help="x, reddit or rss; repeat for several (default: all enabled)."
    ),
) -> None:
    """Collect new brand mentions from the configured sources, once.

    Example: callbrief scan --source x --source reddit
    """
    from callbrief.services.scan import run_scan

    st = state(ctx)
    with progress_bar() as bar:
        report = run_scan(st.settings, st.engine, sources=source or None, progress=bar)
    out.print(tables.scan_table(report.rows))
    for row in report.rows:
        if row.message:
            err.print(f"{row.source}: {row.message}")
    for note in report.notes:
        err.print(note)
    if report.failed:
        err.print("[bold red]Some sources failed[/]; see the table above. Others were kept.")
        raise typer.Exit(1)


@app.command("import")
@handled
def import_(
    ctx: typer.Context,
    file: Path = typer.Argument(..., help="JSONL file, one mention per line (see README)."),
    enqueue: bool = typer.Option(
        False, "--enqueue", help="Then hand the new mentions to the workers' nlp queue."
    ),
) -> None:
    """Import mentions from a JSONL file; re-importing the same file adds nothing.

    Examples: callbrief import mentions.jsonl | callbrief import mentions.jsonl --enqueue
    """
    from callbrief.services.importer import import_jsonl

    st = state(ctx)
    batches = None
    with progress_bar() as bar:
        if enqueue:
            from callbrief.workers.control import enqueue_import

            report, batches = enqueue_import(st.settings, file, progress=bar)
        else:
            report = import_jsonl(st.engine, file, progress=bar)
    for number, reason in report.bad_lines:
        err.print(f"{file}:{number}: skipped: {reason}")
    out.print(
        f"{report.saved.new} new, {report.saved.duplicates} already stored, "
        f"{len(report.bad_lines)} bad line(s) of {report.lines}."
    )
    if batches is not None:
        out.print(f"{batches} analyse batch(es) queued for the workers.")
    if report.bad_lines:
        raise typer.Exit(1)


@app.command("import-crm")
@handled
def import_crm(
    ctx: typer.Context,
    file: Path = typer.Argument(..., help="CSV with channel,handle,name,phone,email columns."),
) -> None:
    """Link handles to one customer and attach phone numbers from a CRM export.

    Example: callbrief import-crm customers.csv
    """
    from callbrief.storage.customers import import_crm_csv
    from callbrief.storage.db import session_scope

    with session_scope(state(ctx).engine) as session:
        report = import_crm_csv(session, file)
    out.print(report.summary())
    if report.errors:
        raise typer.Exit(1)


@app.command()
@handled
def analyze(
    ctx: typer.Context,
    text: str | None = typer.Argument(None, help="One text to analyse (with --json)."),
    as_json: bool = typer.Option(False, "--json", help="Print JSON instead of storing."),
    brand: str | None = typer.Option(None, "--brand", help="Brand the text is about."),
    file: Path | None = typer.Option(None, "--file", help="One text per line; JSON per line."),
    enqueue: bool = typer.Option(
        False, "--enqueue", help="Hand the stored, unanalysed mentions to the workers instead."
    ),
) -> None:
    """Analyse stored mentions that have no analysis yet, or texts given here (--json).

    Examples: callbrief analyze | callbrief analyze --enqueue |
    callbrief analyze --json "Kargom gelmedi, paramı iade edin"
    """
    from callbrief.nlp.types import TextContext
    from callbrief.services.analyze import analyze_and_open_cases, analyze_safely

    st = state(ctx)
    if enqueue:
        if text is not None or file is not None or as_json:
            raise ConfigError("analyze --enqueue takes no texts: it queues stored mentions.")
        from callbrief.workers.control import enqueue_analysis

        left, batches = enqueue_analysis(st.settings)
        out.print(
            f"{left.pending} mention(s) not analysed, {left.leased} being analysed; "
            f"{batches} analyse batch(es) queued for the workers."
        )
        return
    if text is None and file is None:
        if as_json:
            raise ConfigError("analyze --json needs a TEXT argument or --file F.")
        with progress_bar() as bar:
            report, cases = analyze_and_open_cases(
                st.engine, st.settings, st.analyzer, progress=bar
            )
        out.print(
            f"{report.analysed} analysed, {report.failed} failed; "
            f"{cases.opened} case(s) opened, {cases.merged} joined an open case."
        )
        return
    if not as_json:
        raise ConfigError("Texts given on the command line are printed, not stored: add --json.")
    if file is not None:
        try:
            texts = file.read_text(encoding="utf-8").splitlines()
        except OSError as exc:
            raise ConfigError(f"Cannot read {file}: {exc.strerror}.") from None
    else:
        texts = [text or ""]
    batch = st.settings.nlp.batch_size
    for start in range(0, len(texts), batch):
        chunk = texts[start : start + batch]
        contexts = [TextContext(brand=brand or st.settings.brand_named_in(t)) for t in chunk]
        results = analyze_safely(st.analyzer, chunk, contexts)
        for result in results:
            sys.stdout.write(json.dumps(result.to_json(), ensure_ascii=False) + "\n")


@app.command()
@handled
def brief(
    ctx: typer.Context,
    mention_id: str = typer.Argument(
        ..., metavar="ID", help="A case number (first column of `cases`) or a post's platform id."
    ),
    fmt: str = typer.Option("md", "--format", "-f", help="md or html."),
    out_file: Path | None = typer.Option(None, "--out", "-o", help="Write here, not stdout."),
) -> None:
    """Write the callback brief for one case (by case number) or one post (by platform id).

    Example: callbrief brief 32 --format html --out brief.html
    """
    from callbrief.briefs.brief import render_brief
    from callbrief.storage.db import session_scope

    _check_format(fmt, ("md", "html"))
    st = state(ctx)
    with session_scope(st.engine) as session:
        document = render_brief(session, st.settings, mention_id, fmt)
    _emit(document, out_file)


@app.command()
@handled
def briefs(
    ctx: typer.Context,
    out_dir: Path = typer.Option(..., "--out", "-o", help="Folder to write the briefs into."),
    fmt: list[str] | None = typer.Option(None, "--format", "-f", help="md and/or html."),
) -> None:
    """Write briefs for every open case.

    Example: callbrief briefs --out ./briefs --format html
    """
    from callbrief.briefs.brief import write_briefs

    formats = fmt or ["md", "html"]
    for f in formats:
        _check_format(f, ("md", "html"))
    st = state(ctx)
    with progress_bar() as bar:
        refused: list[tuple[Path, str]] = []
        paths = write_briefs(
            st.engine, st.settings, out_dir, formats, progress=bar, refused=refused
        )
    out.print(f"{len(paths)} brief file(s) in {out_dir}")
    for path, why in refused:
        err.print(f"Left {escape(str(path))} alone: {escape(why)}.")
    if refused:
        raise typer.Exit(1)


@app.command()
@handled
def cases(
    ctx: typer.Context,
    brand: str | None = typer.Option(None, "--brand"),
    status: str | None = typer.Option(None, "--status"),
    agent: str | None = typer.Option(None, "--agent"),
    overdue: bool = typer.Option(False, "--overdue", help="Only cases past their SLA."),
) -> None:
    """Show the callback queue: overdue first, then by priority.

    Example: callbrief cases --brand Kargola --overdue
    """
    from callbrief.storage.cases import queue
    from callbrief.storage.db import session_scope

    st = state(ctx)
    with session_scope(st.engine) as session:
        rows = queue(session, st.settings, brand=brand, status=status, agent=agent, overdue=overdue)
    out.print(tables.queue_table(rows, st.settings))


@app.command()
@handled
def assign(
    ctx: typer.Context,
    case_id: int = typer.Argument(..., metavar="CASE"),
    agent_name: str = typer.Argument(..., metavar="AGENT"),
) -> None:
    """Give a case to an agent.

    Example: callbrief assign 12 ayse
    """
    from callbrief.storage.cases import assign as assign_case
    from callbrief.storage.db import session_scope

    with session_scope(state(ctx).engine) as session:
        assign_case(session, case_id, agent_name)
    out.print(f"Case {case_id} assigned to {agent_name}.")


@app.command()
@handled
def outcome(
    ctx: typer.Context,
    case_id: int = typer.Argument(..., metavar="CASE"),
    result: str = typer.Option(
        ..., "--result", help="reached, unreachable, resolved, escalated or follow_up."
    ),
    note: str | None = typer.Option(None, "--note"),
    follow_up: str | None = typer.Option(
        None,
        "--follow-up",
        help="Next call: a date (working-day start, team time) or an ISO date-time with offset.",
    ),
    agent_name: str | None = typer.Option(None, "--agent"),
) -> None:
    """Record what happened on a callback.

    Example: callbrief outcome 12 --result follow_up --note "courier booked" --follow-up 2026-11-25
    """

    from callbrief.storage.cases import record_outcome
    from callbrief.storage.db import session_scope

    when = _parse_when(follow_up) if follow_up else None
    with session_scope(state(ctx).engine) as session:
        record_outcome(
            session,
            case_id,
            result,
            note=note,
            follow_up=when,
            agent=agent_name,
            settings=state(ctx).settings,
        )
    out.print(f"Case {case_id}: {result} recorded.")


@app.command()
@handled
def digest(
    ctx: typer.Context,
    day: datetime | None = typer.Option(
        None, "--date", formats=["%Y-%m-%d"], help="Day to report (default: yesterday)."
    ),
    out_file: Path | None = typer.Option(None, "--out", "-o", help="Write here, not stdout."),
    fmt: str = typer.Option("", "--format", "-f", help="html or txt (default: from --out)."),
    email: bool = typer.Option(False, "--email", help="Send it to the configured recipients."),
) -> None:
    """Build the managers' daily digest.

    Example: callbrief digest --date 2026-11-22 --out digest.html --email
    """
    from callbrief.briefs.digest import build_digest, render_digest
    from callbrief.briefs.mail import send_digest
    from callbrief.storage.db import session_scope

    st = state(ctx)
    target = day.date() if day else date.today() - timedelta(days=1)
    if not date(2000, 1, 1) <= target <= date.today() + timedelta(days=1):
        raise ConfigError(
            f"--date {target.isoformat()} is out of range: give a day between 2000-01-01 and "
            f"tomorrow, e.g. --date {(date.today() - timedelta(days=1)).isoformat()}."
        )
    fmt = fmt or ("html" if out_file and out_file.suffix in (".html", ".htm") else "txt")
    _check_format(fmt, ("html", "txt"))
    with session_scope(st.engine) as session:
        report = build_digest(session, st.settings, target)
    if email:
        send_digest(report, st.settings)
        err.print(f"Digest sent to {', '.join(st.settings.digest.recipients)}.")
    if out_file or not email:
        _emit(render_digest(report, fmt), out_file)


@app.command()
@handled
def erase(
    ctx: typer.Context,
    author: str | None = typer.Option(None, "--author", help="The person's handle."),
    channel: str | None = typer.Option(
        None, "--channel", help="Only the handle on this channel (x, reddit, ...)."
    ),
    customer: int | None = typer.Option(None, "--customer", help="A customer id instead."),
    briefs_dir: Path | None = typer.Option(
        None, "--briefs-dir", help="Also remove their briefs from this folder and rebuild it."
    ),
) -> None:
    """Erase one person everywhere (KVKK art. 7, GDPR art. 17); safe to run twice.

    Example: callbrief erase --author ayse_k --channel x --briefs-dir ./briefs
    """
    from callbrief.services.erase import erase as erase_person

    st = state(ctx)
    result = erase_person(
        st.engine,
        st.settings,
        handle=author,
        channel=channel,
        customer_id=customer,
        briefs_dir=briefs_dir,
    )
    for line in result.summary():
        out.print(escape(line))
    if result.left_files or result.compacted:
        raise typer.Exit(1)


@app.command()
@handled
def run(ctx: typer.Context) -> None:
    """Run scans, analysis, briefs and the digest on their schedules until stopped.

    Example: callbrief --config /etc/callbrief/config.yaml run
    """
    import logging

    from callbrief.services.scheduler import make_jobs, run_forever

    logging.basicConfig(
        format="%(asctime)s %(levelname)s %(name)s: %(message)s", level=logging.INFO
    )
    st = state(ctx)
    run_forever(st.settings, st.engine, make_jobs(st.settings, st.engine, analyzer=st.analyzer))


@app.command()
@handled
def worker(
    ctx: typer.Context,
    queues: str = typer.Option(
        "poll,nlp,render", "--queues", "-Q", help="Comma-separated: poll, nlp, render."
    ),
    concurrency: int = typer.Option(
        1, "--concurrency", "-c", help="Threads; an nlp worker still runs one batch at a time."
    ),
    hostname: str | None = typer.Option(
        None, "--hostname", "-n", help="Worker name (default callbrief-PID@host)."
    ),
) -> None:
    """Run a Celery worker on the broker (workers.broker_url or CALLBRIEF_BROKER) and PostgreSQL.

    Example: CALLBRIEF_BROKER=redis://127.0.0.1:6379/0 callbrief --db postgresql://cb@db/cb
    worker --queues nlp --concurrency 1
    """
    from callbrief.workers.control import parse_queues, run_worker

    code = run_worker(
        state(ctx).settings, parse_queues(queues), concurrency=concurrency, hostname=hostname
    )
    if code:
        raise typer.Exit(code)


@app.command()
@handled
def beat(ctx: typer.Context) -> None:
    """Send the `run` schedule (scans, the digest) to the workers' queues; run one per database.

    Example: CALLBRIEF_BROKER=amqp://guest:guest@127.0.0.1:5672// callbrief
    --db postgresql://cb@db/cb beat
    """
    from callbrief.workers.control import run_beat

    run_beat(state(ctx).settings)


@app.command()
@handled
def status(ctx: typer.Context) -> None:
    """Show the workers' queues: messages waiting, live workers, unanalysed mentions, dead letters.

    Example: callbrief --db postgresql://cb@db/cb status
    """
    from rich.table import Table

    from callbrief.workers.control import queue_status

    report = queue_status(state(ctx).settings)
    out.print(f"broker: {report.broker}")
    table = Table(title="Queues")
    for column in ("queue", "waiting", "workers"):
        table.add_column(column)
    for name, depth in report.depths.items():
        consumers = [host for host, queues in report.workers.items() if name in queues]
        table.add_row(name, str(depth), ", ".join(consumers) or "-")
    out.print(table)
    out.print(f"workers: {len(report.workers)} live")
    out.print(
        f"mentions: {report.backlog.pending} not analysed, {report.backlog.leased} being analysed"
    )
    out.print(f"dead letters: {report.dead_letters}")
    for row in report.recent:
        when = row.created_at.strftime("%Y-%m-%d %H:%M")
        out.print(f"  {when} {row.task} {row.task_id}: {row.error.splitlines()[0]}")


@app.command()
@handled
def evaluate(
    ctx: typer.Context,
    data: Path = typer.Option(Path("../shared/data"), "--data", help="Labelled data folder."),
    split: str = typer.Option(
        "dev", "--split", help="dev, dev-all (every dev text), test (held out) or both."
    ),
) -> None:
    """Score the NLP models, as configured, on held-out labelled data (per set and language).

    Example: callbrief evaluate --data ../shared/data --split test
    """
    from callbrief.nlp.training.evaluate import run as run_evaluation
    from callbrief.nlp.training.evaluate import selection

    st = state(ctx)
    splits, all_dev = selection(split)
    rows = run_evaluation(
        data,
        splits=splits,
        settings=st.settings.nlp,
        languages=list(st.settings.languages),
        all_dev=all_dev,
    )
    table = Table(title=f"Evaluation on {data} ({split})")
    for column in ("dataset", "language", "split", "metric", "score", "n"):
        table.add_column(column)
    for row in rows:
        table.add_row(
            row["dataset"],
            row["language"],
            row["split"],
            row["metric"],
            f"{row['score']:.3f}",
            str(row["n"]),
        )
    out.print(table)


@app.command()
@handled
def serve(
    ctx: typer.Context,
    host: str = typer.Option("127.0.0.1", "--host", help="Address to listen on."),
    port: int = typer.Option(8000, "--port", help="TCP port."),
    secret_env: str = typer.Option(
        "CALLBRIEF_WEB_SECRET",
        "--secret-env",
        help="Environment variable holding the cookie-signing secret (unset: a new one per start).",
    ),
    trust_proxy: bool = typer.Option(
        False, "--trust-proxy", help="Behind a TLS reverse proxy: honour X-Forwarded-Proto."
    ),
    demo_dir: Path | None = typer.Option(
        None, "--demo", help="Serve the demo's data from this folder (replayed on first use)."
    ),
) -> None:
    """Open the web workspace: the queue, briefs and outcomes for agents, the digest for managers.

    Example: callbrief --db sqlite:///callbrief.db serve --host 127.0.0.1 --port 8000
    """
    import os

    from callbrief.web.server import prepare_demo
    from callbrief.web.server import serve as serve_web

    st = state(ctx)
    settings, engine = st.settings, None
    if demo_dir is not None:
        with progress_bar() as bar:
            demo = prepare_demo(settings, demo_dir, analyzer=lambda: st.analyzer, progress=bar)
        if demo.summary:
            out.print(demo.summary)
        settings, engine = demo.settings, demo.engine
        digest = f"/digest?date={demo.digest_day}" if demo.digest_day else "/digest"
        out.print(
            f"Workspace on http://{host}:{port}/ (digest: {digest}); log in as "
            f"[bold]demo[/] with password [bold]{demo.password}[/] (shown once)."
        )
    serve_web(
        settings,
        engine or st.engine,
        host=host,
        port=port,
        secret_key=os.environ.get(secret_env) or None,
        trust_proxy=trust_proxy,
    )


user_app = typer.Typer(
    help="Workspace accounts: add, list, disable, API tokens.\n\n"
    "Example: echo 's3cret-pass' | callbrief user add ayse --role agent --password-stdin",
    no_args_is_help=True,
)
app.add_typer(user_app, name="user")


@user_app.command("add")
@handled
def user_add(
    ctx: typer.Context,
    name: str = typer.Argument(..., metavar="NAME"),
    role: str = typer.Option("agent", "--role", help="agent, manager or admin."),
    brand: list[str] | None = typer.Option(
        None, "--brand", help="Limit the user to a brand; repeat for several (default: all)."
    ),
    language: str = typer.Option("en", "--language", help="Interface language: tr, az or en."),
    password_stdin: bool = typer.Option(
        False, "--password-stdin", help="Read the password from standard input."
    ),
    totp: bool = typer.Option(False, "--totp", help="Require a TOTP code; prints the secret."),
) -> None:
    """Add a workspace user with an argon2id password hash.

    Example: echo 's3cret-pass' | callbrief user add ayse --brand Kargola --password-stdin
    """
    from callbrief.storage.accounts import add_user
    from callbrief.storage.db import session_scope

    if password_stdin:
        password = sys.stdin.readline().rstrip("\r\n")
    else:
        password = typer.prompt("Password", hide_input=True, confirmation_prompt=True)
    secret = None
    if totp:
        import pyotp

        secret = pyotp.random_base32()
    with session_scope(state(ctx).engine) as session:
        user = add_user(
            session,
            name,
            password,
            role=role,
            brands=brand or [],
            language=language,
            totp_secret=secret,
        )
    out.print(f"User {user.name} added ({user.role}, {', '.join(user.brands) or 'all brands'}).")
    if secret:
        import pyotp

        uri = pyotp.TOTP(secret).provisioning_uri(user.name, issuer_name="callbrief")
        out.print(f"TOTP secret (add it to an authenticator app, shown once): {uri}")


@user_app.command("list")
@handled
def user_list(ctx: typer.Context) -> None:
    """List workspace users.

    Example: callbrief user list
    """
    from callbrief.storage.accounts import list_users
    from callbrief.storage.db import session_scope

    with session_scope(state(ctx).engine) as session:
        users = list_users(session)
    table = Table(title=f"Users ({len(users)})")
    for column in ("name", "role", "brands", "language", "2fa", "state"):
        table.add_column(column)
    for u in users:
        table.add_row(
            u.name,
            u.role,
            ", ".join(u.brands) or "all",
            u.language,
            "totp" if u.totp_secret else "-",
            "disabled" if u.disabled else "active",
        )
    out.print(table)


@user_app.command("disable")
@handled
def user_disable(ctx: typer.Context, name: str = typer.Argument(..., metavar="NAME")) -> None:
    """Disable a user and end their sessions (their audit trail stays).

    Example: callbrief user disable ayse
    """
    from callbrief.storage.accounts import disable_user
    from callbrief.storage.db import session_scope

    with session_scope(state(ctx).engine) as session:
        disable_user(session, name)
    out.print(f"User {name} disabled.")


@user_app.command("token")
@handled
def user_token(
    ctx: typer.Context,
    name: str = typer.Argument(..., metavar="NAME"),
    label: str = typer.Option("integration", "--label", help="What the token is for."),
) -> None:
    """Issue an API token (Authorization: Bearer ...) acting as this user; shown once.

    Example: callbrief user token crm-bot --label "CRM sync"
    """
    from callbrief.storage.accounts import get_user, issue_token
    from callbrief.storage.db import session_scope

    with session_scope(state(ctx).engine) as session:
        token = issue_token(session, get_user(session, name), label)
    sys.stdout.write(token + "\n")


# ---------------------------------------------------------------------------------------------
def _parse_when(text: str) -> date | datetime:
    """A date ("2026-11-25") stays a date; a date-time without offset is taken as UTC."""
    try:
        if len(text) == 10:
            return date.fromisoformat(text)
        moment = datetime.fromisoformat(text)
    except ValueError:
        raise ConfigError(
            f"Cannot read {text!r} as a date; use e.g. 2026-11-25 or 2026-11-25T14:30+03:00."
        ) from None
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def _check_format(fmt: str, allowed: tuple[str, ...]) -> None:
    if fmt not in allowed:
        raise ConfigError(f"Unknown format {fmt!r}; use one of: {', '.join(allowed)}.")


def _emit(document: str, path: Path | None) -> None:
    if path is None:
        sys.stdout.write(document)
        return
    from callbrief.briefs.output import write_document

    write_document(path, document)  # atomic; a StorageError in one line on any failure
    err.print(f"Wrote {escape(str(path))}")


def main() -> None:
    """Console-script entry point."""
    app()


if __name__ == "__main__":
    main()
