"""Sentence splitting per language."""

from __future__ import annotations

import pytest

from callbrief.nlp.sentences import SentenceSplitter


@pytest.fixture(scope="module")
def splitter():  # type: ignore[no-untyped-def]
    return SentenceSplitter(["tr", "az", "en"])


def test_splits_each_language_and_keeps_text_verbatim(splitter):
    texts = [
        "Kargom 2 haftadır gelmedi. Takip no HK48213377! Paramı iade edin",
        "Salam. İnternet yoxdur səhərdən!!! Nə vaxt düzələcək?",
        "My flight was cancelled. Nobody at the desk could help. Please call me.",
    ]
    out = splitter.split(texts, ["tr", "az", "en"])
    assert out[0] == ["Kargom 2 haftadır gelmedi.", "Takip no HK48213377!", "Paramı iade edin"]
    assert out[1] == ["Salam.", "İnternet yoxdur səhərdən!!!", "Nə vaxt düzələcək?"]
    assert out[2][0] == "My flight was cancelled."
    assert len(out[2]) == 3


def test_line_breaks_end_sentences(splitter):
    assert splitter.split(["first line\nsecond line"], ["en"]) == [["first line", "second line"]]


def test_turkish_lemmas_come_from_the_lookup_table(splitter):
    assert "gel" in splitter.lemmas("kargolarım gelmedi", "tr")


def test_long_english_text_goes_to_spacy_and_short_posts_to_the_rules():
    splitter = SentenceSplitter(["en"])
    short = "Dr. Smith said the fix is live. It is not. Refund me!"
    assert splitter.split([short], ["en"]) == [
        ["Dr. Smith said the fix is live.", "It is not.", "Refund me!"]
    ]
    assert splitter._english is None  # a post's worth of English never loads spaCy
    long = "My parcel was lost. " * 20
    assert len(splitter.split([long.strip()], ["en"])[0]) == 20
    assert splitter._english is not None
