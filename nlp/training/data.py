"""Read the labelled public data sets into one shape, with fixed train/dev/test splits."""

from __future__ import annotations

import csv
import hashlib
import random
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

from callbrief.foundation.errors import ConfigError

SEED = "callbrief-2026"
SPLITS = ("train", "dev", "test")
MAX_CHARS = 400  # long reviews are cut: the head reads the opening, where the grievance is stated
SENTIMENTS = ("negative", "neutral", "positive")


@dataclass(frozen=True)
class Example:
    """One labelled text; a label is None where the data set does not say."""

    dataset: str
    language: str
    text: str
    split: str
    sentiment: str | None = None
    complaint: bool | None = None


def split_of(text: str) -> str:
    """A text's split, from a salted hash: 70% train, 15% dev, 15% test, stable across runs."""
    bucket = int(hashlib.sha256(f"{SEED}\x00{text}".encode()).hexdigest(), 16) % 100
    return "train" if bucket < 70 else "dev" if bucket < 85 else "test"


def _rows(path: Path, encoding: str = "utf-8-sig") -> Iterator[dict[str, str]]:
    with path.open(encoding=encoding, newline="") as handle:
        yield from csv.DictReader(handle)


def _make(
    dataset: str, language: str, text: str, split: str | None = None, **labels: object
) -> Example | None:
    text = " ".join(text.split())[:MAX_CHARS]
    if len(text) < 3:
        return None
    return Example(dataset, language, text, split or split_of(text), **labels)  # type: ignore[arg-type]


def airline(root: Path) -> Iterator[Example | None]:
    """US airline tweets: 3-class sentiment; a negative with a stated reason is a complaint."""
    for row in _rows(root / "en" / "airline_sentiment.csv"):
        label = row["airline_sentiment"]
        yield _make(
            "airline_sentiment",
            "en",
            row["text"],
            sentiment=label,
            complaint=label == "negative" and bool(row["negativereason"]),
        )


def tweeteval(root: Path) -> Iterator[Example | None]:
    """TweetEval sentiment (general tweets, not customer care): 3-class sentiment only."""
    folder = root / "en" / "tweeteval_sentiment_val"
    texts = (folder / "val_text.txt").read_text(encoding="utf-8").splitlines()
    labels = (folder / "val_labels.txt").read_text(encoding="utf-8").split()
    for text, label in zip(texts, labels, strict=False):
        yield _make("tweeteval_sentiment", "en", text, sentiment=SENTIMENTS[int(label)])


def sikayetvar(root: Path) -> Iterator[Example | None]:
    """Şikayetvar bank complaints: every one is a negative complaint (title + opening).

    The title alone is added too, as a short complaint like a tweet; it takes its complaint's
    split so that no complaint is seen in training and scored in test.
    """
    for row in _rows(root / "tr" / "sikayetvar_isbank.csv"):
        text = f"{row['title'].strip()}. {row['full_text'].strip()}"
        full = _make("sikayetvar", "tr", text, sentiment="negative", complaint=True)
        yield full
        if full is not None:
            yield _make(
                "sikayetvar_titles",
                "tr",
                row["title"],
                split=full.split,
                sentiment="negative",
                complaint=True,
            )


def turkish_twitter(root: Path) -> Iterator[Example | None]:
    """Turkish tweets labelled positive/negative (no neutral class)."""
    for row in _rows(root / "tr" / "turkish_twitter_train.csv"):
        label = {"P": "positive", "N": "negative"}.get(row["Sentiment"].strip())
        if label:
            yield _make(
                "turkish_twitter",
                "tr",
                row["Text"],
                sentiment=label,
                complaint=False if label == "positive" else None,
            )


def kulcu(root: Path) -> Iterator[Example | None]:
    """Turkish tweets in one file per class; noisy labels."""
    files = {"negative": "negative.txt", "neutral": "notr.txt", "positive": "positive.txt"}
    for label, name in files.items():
        path = root / "tr" / "kulcu_tweets" / name
        for line in path.read_text(encoding="utf-8", errors="replace").splitlines():
            yield _make(
                "kulcu_tweets",
                "tr",
                line,
                sentiment=label,
                complaint=False if label != "negative" else None,
            )


def fsmtsad(root: Path) -> Iterator[Example | None]:
    """Mixed Turkish reviews and tweets, 3-class sentiment."""
    for row in _rows(root / "tr" / "fsmtsad.csv"):
        label = SENTIMENTS[int(row["Label"])]
        yield _make(
            "fsmtsad",
            "tr",
            row["Sentence"],
            sentiment=label,
            complaint=False if label == "positive" else None,
        )


def azerbaijani(root: Path) -> Iterator[Example | None]:
    """Azerbaijani sentences, 3-class sentiment."""
    for row in _rows(root / "az" / "az_sentiment_half.csv"):
        label = row["labels"].strip()
        if label in SENTIMENTS:
            # no complaint labels: with only "no" examples in Azerbaijani, a head would learn
            # "Azerbaijani means no complaint"; the hand-written posts carry both classes
            yield _make("az_sentiment", "az", row["text"], sentiment=label)


LOADERS: dict[str, Callable[[Path], Iterator[Example | None]]] = {
    "airline_sentiment": airline,
    "tweeteval_sentiment": tweeteval,
    "sikayetvar": sikayetvar,
    "turkish_twitter": turkish_twitter,
    "kulcu_tweets": kulcu,
    "fsmtsad": fsmtsad,
    "az_sentiment": azerbaijani,
}
# Caps keep one encoding pass to a few minutes on two cores; dev/test are capped separately.
TRAIN_CAP = {"airline_sentiment": 5000, "fsmtsad": 4000, "kulcu_tweets": 3000}
EVAL_CAP = 1000


def check_data_dir(data_dir: Path) -> Path:
    """The data folder, or a ConfigError saying what is missing and what to pass instead."""
    data_dir = Path(data_dir).expanduser()
    if not data_dir.is_dir():
        raise ConfigError(
            f"Data folder {data_dir} does not exist. Pass the folder that holds the labelled "
            "sets (en/, tr/, az/ as described in its README), e.g. --data ../shared/data."
        )
    if not any((data_dir / lang).is_dir() for lang in ("en", "tr", "az")):
        raise ConfigError(
            f"Data folder {data_dir} has none of the en/, tr/ or az/ sub-folders the loaders read. "
            "Point --data at the folder that contains them."
        )
    return data_dir


def load(data_dir: Path, splits: tuple[str, ...] = SPLITS) -> list[Example]:
    """Every example of the data sets present under `data_dir`, in the given splits, capped."""
    root = check_data_dir(data_dir)
    out: list[Example] = []
    for name, loader in LOADERS.items():
        try:
            examples = [ex for ex in loader(root) if ex is not None]
        except FileNotFoundError:
            continue  # a partial copy of the data is fine: evaluate what is there
        # the same text twice (retweets, copies) would be scored twice: keep the first
        first: dict[str, Example] = {}
        for ex in examples:
            first.setdefault(ex.text, ex)
        unique = list(first.values())
        for split in splits:
            part = [ex for ex in unique if ex.split == split]
            cap = TRAIN_CAP.get(name, len(part)) if split == "train" else EVAL_CAP
            if len(part) > cap:
                # one seeded draw per set and split, so evaluating dev alone sees the same
                # dev examples that training tuned on
                part = random.Random(f"{SEED}:{name}:{split}").sample(part, cap)
            out.extend(part)
    return out
