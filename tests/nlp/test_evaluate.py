"""The evaluation command, on a tiny data folder written by the test (never ../shared)."""

from __future__ import annotations

import csv

import pytest

from callbrief.foundation.errors import ConfigError
from callbrief.nlp.training import evaluate
from callbrief.nlp.training.data import BLIND, BLIND_DIR, LABELLED_TWIN_LINES, load, split_of


def _write(path, header, rows):  # type: ignore[no-untyped-def]
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8", newline="") as f:
        w = csv.writer(f)
        w.writerow(header)
        w.writerows(rows)


@pytest.fixture
def data_dir(tmp_path):  # type: ignore[no-untyped-def]
    root = tmp_path / "data"
    header = ["tweet_id", "airline_sentiment", "negativereason", "text"]
    _write(
        root / "en" / "airline_sentiment.csv",
        header,
        [
            [1, "negative", "Lost Luggage", "@united you lost my bag, terrible service"],
            [2, "positive", "", "@united thanks, the crew was amazing!"],
            [3, "neutral", "", "@united what time does boarding start for UA12?"],
            [4, "negative", "Late Flight", "@united delayed 5 hours again, ridiculous"],
        ],
    )
    _write(
        root / "tr" / "turkish_twitter_train.csv",
        ["Text", "Sentiment"],
        [
            ["Harika bir gün, teşekkürler", "P"],
            ["Rezalet bir hizmet, paramı geri istiyorum", "N"],
        ],
    )
    _write(
        root / "az" / "az_sentiment_half.csv",
        ["text", "labels"],
        [
            ["Çox pis xidmətdir, internet işləmir", "negative"],
            ["Çox gözəl, təşəkkür edirəm", "positive"],
        ],
    )
    return root


def test_missing_folder_is_a_config_error_that_says_what_to_pass(tmp_path):
    with pytest.raises(ConfigError, match="does not exist. Pass the folder"):
        evaluate.run(tmp_path / "absent")
    (tmp_path / "empty").mkdir()
    with pytest.raises(ConfigError, match="none of the en/, tr/ or az/"):
        evaluate.run(tmp_path / "empty")


def test_command_prints_the_error_and_exits_2_without_a_traceback(tmp_path, capsys):
    with pytest.raises(SystemExit) as exit_info:
        evaluate.main(["--data", str(tmp_path / "absent")])
    assert exit_info.value.code == 2
    assert "error: Data folder" in capsys.readouterr().err


def test_splits_are_stable_and_cover_every_example(data_dir):
    assert split_of("same text") == split_of("same text")
    everything = load(data_dir)
    public = [ex for ex in everything if ex.dataset != "labelled"]
    assert len(public) == 8
    assert {ex.split for ex in everything} <= {"train", "dev", "test"}


def test_our_labelled_posts_split_with_their_twins_in_other_languages(data_dir):
    posts = [ex for ex in load(data_dir) if ex.dataset == "labelled"]
    assert {ex.language for ex in posts} == {"tr", "az", "en"}
    by_lang = {lang: [ex for ex in posts if ex.language == lang] for lang in ("tr", "az", "en")}
    # line n of tr.jsonl, az.jsonl and en.jsonl say much the same: they share one split
    n = LABELLED_TWIN_LINES
    tr, az, en = (by_lang[lang][:n] for lang in ("tr", "az", "en"))
    assert len(tr) == len(az) == len(en) == n
    assert [ex.split for ex in tr] == [ex.split for ex in az] == [ex.split for ex in en]
    # posts written later, apart, never join the held-out part scored since 2026-12-01
    assert not [
        ex for ex in posts if ex.split == "test" and ex.text not in {e.text for e in tr + az + en}
    ]
    counts = {s: sum(ex.split == s for ex in tr) for s in ("train", "dev", "test")}
    assert counts["test"] >= 0.2 * len(tr) and counts["dev"] >= 0.1 * len(tr)
    assert all(ex.asks is not None and ex.signals is not None for ex in posts)
    # the held-out part takes no part in training: train.py reads only split == "train"
    assert not {ex.text for ex in posts if ex.split == "test"} & {
        ex.text for ex in posts if ex.split == "train"
    }


def test_unknown_split_is_one_clear_error():
    with pytest.raises(ConfigError, match="Unknown split 'train': use dev, dev-all"):
        evaluate.splits_named("train")
    assert evaluate.splits_named("both") == ("dev", "test")
    assert evaluate.splits_named("dev-all") == ("dev",)


def test_dev_all_reads_every_dev_text_not_the_draw(tmp_path, monkeypatch):
    import callbrief.nlp.training.data as data

    rows = [[i, "negative", "Late Flight", f"@united flight {i} delayed again"] for i in range(60)]
    _write(
        tmp_path / "en" / "airline_sentiment.csv",
        ["tweet_id", "airline_sentiment", "negativereason", "text"],
        rows,
    )
    monkeypatch.setattr(data, "DEV_DEFAULT_CAP", 2)
    every = [r[3] for r in rows if split_of(data.clip(r[3])) == "dev"]
    assert len(every) > 2  # the fixture has more dev texts than the draw keeps

    def dev_texts(**kw):  # type: ignore[no-untyped-def]
        return [e.text for e in load(tmp_path, ("dev",), labelled_dir=None, **kw)]

    drawn, whole = dev_texts(), dev_texts(all_dev=True)
    assert len(drawn) == 2 and set(drawn) <= set(whole)
    assert sorted(whole) == sorted(data.clip(t) for t in every)
    # no train or test text slips in
    assert all(split_of(t) == "dev" for t in whole)


def test_cli_evaluate_passes_the_users_settings(data_dir, tmp_path):
    from typer.testing import CliRunner

    from callbrief.cli import app

    config = tmp_path / "config.yaml"
    config.write_text(f"nlp:\n  heads_path: {tmp_path / 'mine.npz'}\n", encoding="utf-8")
    result = CliRunner().invoke(
        app, ["--config", str(config), "evaluate", "--data", str(data_dir), "--split", "test"]
    )
    # the configured heads are used (and missing), not the shipped ones
    assert result.exit_code != 0
    assert "No classifier heads at" in result.output and "mine.npz" in result.output
    assert "Traceback" not in result.output


def test_cli_evaluate_rejects_an_unknown_split(data_dir):
    from typer.testing import CliRunner

    from callbrief.cli import app

    result = CliRunner().invoke(app, ["evaluate", "--data", str(data_dir), "--split", "train"])
    assert result.exit_code != 0 and "Unknown split 'train'" in result.output


def test_rows_per_dataset_and_language(data_dir, analyzer):
    rows = evaluate.run(
        data_dir, splits=("train", "dev", "test"), cache_dir=None, analyzer=analyzer
    )
    keys = {(r["dataset"], r["language"], r["metric"]) for r in rows}
    assert ("airline_sentiment", "en", "sentiment_macro_f1") in keys
    assert ("turkish_twitter", "tr", "sentiment_accuracy") in keys
    assert ("az_sentiment", "az", "language_accuracy") in keys
    assert any(m == "complaint_accuracy" for _, _, m in keys)
    for r in rows:
        assert set(r) >= {"dataset", "language", "metric", "score", "n"}
        assert 0.0 <= r["score"] <= 1.0 and r["n"] >= 1
    # these are easy: the pipeline should get most of them right
    lang = [r for r in rows if r["metric"] == "language_accuracy"]
    assert sum(r["score"] * r["n"] for r in lang) / sum(r["n"] for r in lang) >= 0.75
    table = evaluate.format_rows(rows)
    assert "airline_sentiment" in table and "macro_f1" in table


@pytest.mark.slow
def test_cli_evaluate_scores_only_the_split_asked_for(data_dir):
    from typer.testing import CliRunner

    from callbrief.cli import app

    result = CliRunner().invoke(
        app, ["evaluate", "--data", str(data_dir), "--split", "test"], terminal_width=200
    )
    assert result.exit_code == 0, result.output
    body = [line for line in result.output.splitlines() if "labelled" in line]
    assert body and all(" test " in line for line in body)
    assert not any(" dev " in line for line in result.output.splitlines())
    for metric in ("category_accuracy", "asks_micro_f1", "signals_micro_f1", "entity_recall"):
        assert metric in result.output


def test_blind_posts_are_scored_but_never_trained_on(data_dir):
    assert not [ex for ex in load(data_dir) if ex.dataset == BLIND]  # what train.py calls
    posts = [
        ex for ex in load(data_dir, ("dev", "test"), blind_dir=BLIND_DIR) if ex.dataset == BLIND
    ]
    assert {ex.language for ex in posts} == {"tr", "az", "en"}
    for lang in ("tr", "az", "en"):
        mine = [ex for ex in posts if ex.language == lang]
        assert [ex.split for ex in mine[:4]] == ["dev", "test", "dev", "test"]
        assert sum(ex.split == "test" for ex in mine) == len(mine) // 2
    assert not [ex for ex in load(data_dir, ("train",), blind_dir=BLIND_DIR) if ex.dataset == BLIND]
