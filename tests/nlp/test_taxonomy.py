"""The packaged taxonomy and how config extends it."""

from __future__ import annotations

import pytest

from core.errors import ConfigError
from nlp.taxonomy import load_taxonomy
from nlp.text import fold_any


def test_every_entry_has_labels_in_all_three_languages(taxonomy):
    for section in ("categories", "asks", "signals"):
        for name, entry in taxonomy.section(section).items():
            assert set(entry.labels) >= {"tr", "az", "en"}, f"{section}.{name}"
    assert taxonomy.label("categories", "delivery", "az") == "Çatdırılma"
    assert taxonomy.label("asks", "refund", "tr") == "Para iadesi"


def test_categories_carry_exemplars_in_every_language(taxonomy):
    for name, entry in taxonomy.categories.items():
        assert {"tr", "az", "en"} <= set(entry.exemplars), name


def test_keywords_match_word_starts_and_whole_words(taxonomy):
    delivery = taxonomy.categories["delivery"]
    assert delivery.find(fold_any("KARGOMU hala alamadım"))
    outage = taxonomy.categories["outage"]
    assert outage.find(fold_any("your site is down again"))
    assert not outage.find(fold_any("the download was quick"))


def test_config_extends_keywords_without_losing_defaults():
    tax = load_taxonomy({"categories": {"delivery": {"keywords": {"tr": ["dağıtım"]}}}})
    entry = tax.categories["delivery"]
    assert entry.find(fold_any("dağıtım merkezinde bekliyor"))
    assert entry.find(fold_any("kargo gelmedi"))


def test_config_adds_a_category_and_removes_another():
    tax = load_taxonomy(
        {
            "categories": {
                "loyalty": {"labels": {"en": "Loyalty points"}, "keywords": {"en": ["points"]}},
                "pricing": {"enabled": False},
            }
        }
    )
    assert "loyalty" in tax.categories and "pricing" not in tax.categories
    assert tax.categories["loyalty"].label("tr") == "Loyalty points"  # falls back to English


def test_bad_config_names_the_key_and_the_fix():
    with pytest.raises(ConfigError, match=r"taxonomy.asks.refund.keywords must map a language"):
        load_taxonomy({"asks": {"refund": {"keywords": ["money back"], "replace": True}}})
    with pytest.raises(ConfigError, match="unknown section"):
        load_taxonomy({"topics": {}})
