"""Benchmark the Celery workers: mentions per second end to end, with 1 and with 2 worker processes.

    python bench/bench_workers.py [--mentions 1000] [--broker redis://127.0.0.1:6379/15]
                                  [--model-rate 0] [--real] [--device cpu]

End to end: `callbrief import FILE --enqueue` until every mention is analysed, its case opened or
merged and every case's brief written, by `callbrief worker --queues nlp,render` processes on the
broker and a fresh PostgreSQL schema. The clock starts before the import and stops when the last
brief file is written.

The models: by default the tests' deterministic analyzer, with no model cost at all
(`--model-rate 0`: what the queues, claims, database and briefs cost) or a simulated model that
answers N texts a second per process (`--model-rate 50` is the CPU pipeline on one core; the
simulation sleeps, so it shows how the workers scale when the model does not share the CPU, as on
a GPU or separate machines). `--real` loads the real pipeline in every worker (~20 s and ~700 MB
each); `--device cuda` with `nlp.encoder: transformers` is the GPU worker.
"""

from __future__ import annotations

import argparse
import os
import signal
import subprocess
import sys
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import yaml  # noqa: E402
from sqlalchemy import text  # noqa: E402

from callbrief.storage.db import make_engine  # noqa: E402
from tests.workers.data import write_mentions  # noqa: E402

CALLBRIEF = Path(sys.executable).with_name("callbrief")
PG = os.environ.get("CALLBRIEF_TEST_PG", "postgresql://postgres@127.0.0.1:5432/test")
BATCH = 25


def _config(folder: Path, args: argparse.Namespace) -> Path:
    workers: dict[str, object] = {"briefs_dir": str(folder / "briefs")}
    nlp: dict[str, object] = {"batch_size": BATCH}
    if not args.real:
        workers["analyzer_factory"] = "tests.workers.fake_analyzer:build"
    if args.device != "cpu":
        nlp.update(encoder="transformers", model=args.model, device=args.device)
    data = {
        "home": str(folder / "home"),
        "brands": [{"name": "Kargola", "language": "tr", "keywords": ["kargola"]}],
        "nlp": nlp,
        "workers": workers,
    }
    path = folder / "config.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return path


def _empty_broker(url: str) -> None:
    if url.startswith("redis"):
        import redis

        redis.Redis.from_url(url).flushdb()
        return
    from kombu import Connection, Queue

    with Connection(url, connect_timeout=5) as conn:
        channel = conn.channel()
        for name in ("poll", "nlp", "render"):
            queue = Queue(name, routing_key=name)(channel)
            queue.declare()
            queue.purge()


def _count(engine, sql: str) -> int:  # type: ignore[no-untyped-def]
    with engine.connect() as conn:
        return int(conn.execute(text(sql)).scalar_one())


def run_once(processes: int, args: argparse.Namespace, folder: Path) -> tuple[float, float]:
    """Seconds from the import to the last brief, and of those the import command's own."""
    folder.mkdir(parents=True)
    schema = f"bench_{uuid.uuid4().hex[:10]}"
    admin = make_engine(PG)
    with admin.begin() as conn:
        conn.execute(text(f"CREATE SCHEMA {schema}"))
    url = f"{PG}?options=-csearch_path%3D{schema}"
    _empty_broker(args.broker)
    config = _config(folder, args)
    data = write_mentions(folder / "mentions.jsonl", args.mentions)
    delay = BATCH / args.model_rate if args.model_rate else 0.0
    env = {
        **os.environ,
        "PYTHONPATH": str(ROOT),
        "CALLBRIEF_BROKER": args.broker,
        "CALLBRIEF_TEST_ANALYZER_DELAY": str(delay),
        "HF_HUB_OFFLINE": "1",
    }
    base = [str(CALLBRIEF), "--config", str(config), "--db", url]
    # migrate once before the workers start, so that start-up is not part of the figure
    subprocess.run([*base, "where"], env=env, check=True, capture_output=True)
    logs, procs = [], []
    engine = make_engine(url)
    try:
        for n in range(processes):
            log = open(folder / f"worker{n}.log", "wb")  # noqa: SIM115
            logs.append(log)
            procs.append(
                subprocess.Popen(
                    [*base, "worker", "--queues", "nlp,render", "--hostname", f"bench{n}@%h"],
                    cwd=ROOT,
                    env=env,
                    stdout=log,
                    stderr=subprocess.STDOUT,
                )  # fmt: skip
            )
        deadline = time.monotonic() + 300
        for n in range(processes):
            while " ready." not in (folder / f"worker{n}.log").read_text(errors="replace"):
                if time.monotonic() > deadline or procs[n].poll() is not None:
                    raise SystemExit(f"worker {n} did not start; see {folder}/worker{n}.log")
                time.sleep(0.2)
        began = time.monotonic()
        subprocess.run(
            [*base, "import", str(data), "--enqueue"], env=env, check=True, capture_output=True
        )
        imported = time.monotonic() - began
        briefs = folder / "briefs"
        cases = -1
        while True:
            analysed = _count(engine, "SELECT count(*) FROM analyses")
            if analysed == args.mentions:
                cases = _count(engine, "SELECT count(*) FROM cases")
                files = len(list(briefs.glob("case-*.html"))) if briefs.exists() else 0
                if files == cases:
                    break
            if time.monotonic() - began > 900:
                raise SystemExit(f"not done after 900 s: {analysed} analysed")
            time.sleep(0.1)
        return time.monotonic() - began, imported
    finally:
        for proc in procs:
            proc.send_signal(signal.SIGTERM)
        for proc in procs:
            try:
                proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                proc.kill()
        for log in logs:
            log.close()
        engine.dispose()
        with admin.begin() as conn:
            conn.execute(text(f"DROP SCHEMA {schema} CASCADE"))
        admin.dispose()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mentions", type=int, default=1000)
    parser.add_argument("--broker", default="redis://127.0.0.1:6379/15")
    parser.add_argument("--model-rate", type=float, default=0.0, help="texts/s; 0: no model cost")
    parser.add_argument("--real", action="store_true", help="the real NLP pipeline")
    parser.add_argument("--device", default="cpu", help="cuda: the transformers encoder on a GPU")
    parser.add_argument("--model", default="intfloat/multilingual-e5-small")
    parser.add_argument("--keep", type=Path, default=None, help="keep logs and briefs here")
    args = parser.parse_args()

    import tempfile

    root = args.keep or Path(tempfile.mkdtemp(prefix="bench-workers-"))
    models = "real pipeline" if args.real else (
        f"simulated model, {args.model_rate:.0f} texts/s per process"
        if args.model_rate else "no model cost"
    )  # fmt: skip
    print(f"bench_workers: {args.mentions} mentions, {models}, broker {args.broker.split(':')[0]}")
    rates = {}
    for processes in (1, 2):
        seconds, imported = run_once(processes, args, root / f"{processes}-workers")
        rates[processes] = rate = args.mentions / seconds
        print(
            f"  {processes} worker process(es): {seconds:6.1f} s, {rate:7.1f} mentions/s "
            f"(the import command {imported:.1f} s of it)"
        )
    print(f"  ratio 2/1: {rates[2] / rates[1]:.2f}x  (cores here: {os.cpu_count()})")


if __name__ == "__main__":
    main()
