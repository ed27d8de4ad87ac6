"""Posts written on 2026-12-02 to find where the pipeline fails on text it was never fitted to.

`data/fresh_posts.tsv` (language, sentiment, text; our own words, MIT) was read once per rule
change while the fifth session worked on issue 12, so it is development data now, not held out:
this test is a floor against regressions, not a score to report. Gold follows the labelled set's
convention: a complaint is negative, an enquiry or plain statement neutral, thanks positive.
"""

from __future__ import annotations

from collections import defaultdict
from pathlib import Path

import pytest

POSTS = Path(__file__).with_name("data") / "fresh_posts.tsv"
# what the pipeline scored when the posts were added (en 63/70, tr 33/34, az 29/30), less a margin
FLOOR = {"en": 0.85, "tr": 0.9, "az": 0.9}


def _posts() -> list[tuple[str, str, str]]:
    rows = [
        line.rstrip("\n").split("\t") for line in POSTS.read_text(encoding="utf-8").splitlines()
    ]
    return [(lang, gold, text) for lang, gold, text in rows]


def test_the_fresh_posts_are_well_formed():
    posts = _posts()
    assert len(posts) == 134
    assert {gold for _, gold, _ in posts} == {"negative", "neutral", "positive"}
    assert {lang for lang, _, _ in posts} == set(FLOOR)


@pytest.mark.parametrize("lang", sorted(FLOOR))
def test_sentiment_on_fresh_posts_stays_above_its_floor(analyzer, lang):
    posts = [(gold, text) for code, gold, text in _posts() if code == lang]
    results = analyzer.analyze([text for _, text in posts])
    wrong = defaultdict(list)
    for (gold, text), result in zip(posts, results, strict=True):
        if result.sentiment.label != gold:
            wrong[f"{gold}->{result.sentiment.label}"].append(text)
    accuracy = 1 - sum(len(v) for v in wrong.values()) / len(posts)
    assert accuracy >= FLOOR[lang], dict(wrong)
