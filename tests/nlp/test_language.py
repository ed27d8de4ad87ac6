"""Language identification restricted to the configured languages."""

from __future__ import annotations

import pytest

from callbrief.foundation.errors import ModelError
from callbrief.nlp.language import LanguageIdentifier


@pytest.fixture(scope="module")
def identifier():  # type: ignore[no-untyped-def]
    return LanguageIdentifier(["tr", "az", "en"])


def test_tells_turkish_azerbaijani_and_english_apart(identifier):
    texts = [
        "Kargom 2 haftadır gelmedi, paramı iade edin",
        "Sifarişim hələ də gəlməyib, pulumu qaytarın",
        "@united my bag never made it to Denver",
    ]
    assert identifier.identify(texts) == ["tr", "az", "en"]


def test_other_languages_are_other_not_a_forced_guess(identifier):
    assert identifier.identify(["Bonjour, je suis très déçu de votre service"]) == ["other"]
    assert identifier.identify(["Здравствуйте, мой заказ не пришёл"]) == ["other"]


def test_text_without_words_falls_back_to_the_platform_hint(identifier):
    assert identifier.identify(["👍👍", "?!"], ["az", None]) == ["az", "tr"]


def test_handles_and_urls_do_not_vote(identifier):
    text = "@TurkTelekom @TurkTelekomYardim https://t.co/xyz internetim yine yok"
    assert identifier.identify([text]) == ["tr"]


def test_unknown_configured_language_is_a_clear_error():
    with pytest.raises(ModelError, match="understands tr, az, en"):
        LanguageIdentifier(["tr", "de"])


def test_a_clear_english_post_needs_no_full_model():
    from callbrief.nlp.language import LanguageIdentifier

    ident = LanguageIdentifier(["tr", "az", "en"])
    assert ident.identify(["My router is hot and smells of burning plastic"]) == ["en"]
    assert ident._full_built == {}  # the fast mode was sure: no full model was loaded


def test_turkish_and_azerbaijani_are_told_apart_by_the_full_model():
    from callbrief.nlp.language import LanguageIdentifier

    ident = LanguageIdentifier(["tr", "az", "en"])
    got = ident.identify(
        ["Sifarişim 5 gündür gəlmir", "Kargom 5 gündür gelmedi, paramı iade edin", "12345"]
    )
    assert got[:2] == ["az", "tr"]
    assert all(len(langs) >= 2 for langs in ident._full_built)  # never one language alone


@pytest.mark.parametrize(
    ("text", "language"),
    [
        # "ə" is Azerbaijani's alone: two words with it outvote lingua's Turkish or "other"
        ("Ən güzel kampanya buydu, əla", "az"),
        ("Yeni model gerçekten ən super, əla kamera", "az"),
        ("Mənim kargom nerede, hələ gelmedi", "az"),
        # ...and so do two words Turkish does not have, typed without "ə"
        ("Bu telefon cox guzel, men de aldim, hec pisman deyilem", "az"),
        # one Azerbaijani name in a Turkish or English post changes nothing
        ("Kargom gelmedi, Bakıdaki Əli Bey'e teslim etmişler", "tr"),
        ("Kargom 3 gündür gelmedi, paramı iade edin", "tr"),
    ],
)
def test_azerbaijani_letters_outvote_a_turkish_guess(identifier, text, language):
    assert identifier.identify([text]) == [language]
