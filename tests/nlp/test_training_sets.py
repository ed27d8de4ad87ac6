"""Loaders of the newer public sets: labels read as documented, held-out rules kept."""

from __future__ import annotations

from callbrief.nlp.training import data
from tests.nlp.test_evaluate import _write as _csv


def test_isarcasmeval_reads_the_authors_own_sarcasm_label(tmp_path):
    _csv(
        tmp_path / "en" / "isarcasmeval_train_en.csv",
        ["", "tweet", "sarcastic", "rephrase"],
        [
            ["0", "Love waiting two hours for a bus", "1", "I hate waiting"],
            ["1", "Nice day", "0", ""],
        ],
    )
    got = {ex.text: ex.irony for ex in data.isarcasmeval(tmp_path) if ex}
    assert got == {"Love waiting two hours for a bus": True, "Nice day": False}


def test_turkish_emotions_map_to_polarity_and_surprise_stays_unlabelled(tmp_path):
    _csv(
        tmp_path / "tr" / "turkish_tweets_emotion.csv",
        ["text", "emotion"],
        [
            ["Siparişim yine gelmedi, çıldıracağım", "kızgın"],
            ["Bugün çok mutluyum, teşekkürler", "mutlu"],
            ["Hiç beklemiyordum bunu", "surpriz"],
            ["Çok üzüldüm, hediyem kırık geldi", "üzgün"],
        ],
    )
    got = {ex.text: ex.sentiment for ex in data.turkish_emotion(tmp_path) if ex}
    assert got == {
        "Siparişim yine gelmedi, çıldıracağım": "negative",
        "Bugün çok mutluyum, teşekkürler": "positive",
        "Çok üzüldüm, hediyem kırık geldi": "negative",
    }


def test_cfpb_letters_are_complaints_kept_out_of_the_test_split(tmp_path):
    rows = [
        [
            "1",
            "2019/9/24",
            "Credit card",
            "",
            issue,
            "",
            "X",
            "Closed",
            f"Letter {i}: XXXX charged me {issue}",
        ]
        for i, issue in enumerate(["Fees or interest", "Incorrect information on your report"] * 40)
    ]
    header = ["complaint_id", "date_received", "product", "sub_product", "issue"]
    header += ["sub_issue", "company", "company_response", "narrative"]
    _csv(tmp_path / "en" / "cfpb_complaints_sample.csv", header, rows)
    got = [ex for ex in data.cfpb(tmp_path) if ex]
    assert got and all(ex.complaint and ex.sentiment == "negative" for ex in got)
    assert {ex.split for ex in got} <= {"train", "dev"}
    # in 80 letters about a fifth would hash to test: they are dropped, not moved
    assert len(got) < len(rows)
    assert all("XXXX" not in ex.text for ex in got)
    fees = {ex.category for ex in got if "Fees" in ex.text}
    assert fees == {"billing"} and {ex.category for ex in got if "report" in ex.text} == {None}


def test_labelled_posts_written_after_the_held_out_part_never_join_it():
    later = [data.labelled_split(n) for n in range(data.LABELLED_TEST_LINES, 1000)]
    assert "test" not in later and {"train", "dev"} <= set(later)
    first = [data.labelled_split(n) for n in range(data.LABELLED_TEST_LINES)]
    assert first.count("test") == 79  # the part the model card has scored since 2026-12-01
