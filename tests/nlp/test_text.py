"""Normalisation and Turkish/Azerbaijani-aware casing."""

from __future__ import annotations

from callbrief.nlp.text import casefold, fold_any, normalise, upper


def test_turkish_casefold_keeps_dotted_and_dotless_i_apart():
    assert casefold("İSTANBUL", "tr") == "istanbul"
    assert casefold("ISPARTA", "tr") == "ısparta"
    assert casefold("IĞDIR İLİ", "az") == "ığdır ili"


def test_python_lower_would_break_istanbul_but_casefold_does_not():
    assert "İSTANBUL".lower() != "istanbul"  # the pitfall: i + combining dot above
    assert casefold("İSTANBUL", "en") == "istanbul"
    assert casefold("ISPARTA", "en") == "isparta"


def test_turkish_upper_dots_the_capital_i():
    assert upper("istanbul ısparta", "tr") == "İSTANBUL ISPARTA"
    assert upper("istanbul", "en") == "ISTANBUL"


def test_fold_any_matches_text_typed_without_turkish_or_azerbaijani_letters():
    assert fold_any("PARAMI İADE EDİN") == fold_any("parami iade edin")
    assert fold_any("Sifarişim gəlməyib") == "sifarisim gelmeyib"


def test_normalise_keeps_emoji_and_replaces_urls_and_handles_for_models():
    n = normalise("@Delta  my bag 🙃 see https://t.co/abc  \n\n thanks")
    assert "🙃" in n.clean and "🙃" in n.model
    assert n.model == "@user my bag 🙃 see http thanks"
    assert n.mentions == ["@Delta"]
    assert n.urls == ["https://t.co/abc"]
    assert n.clean.splitlines() == ["@Delta my bag 🙃 see https://t.co/abc", "thanks"]


def test_normalise_caps_letter_repeats_but_keeps_the_emphasis():
    assert normalise("çoooooook kötüüüüü").model == "çoook kötüüü"
