"""The packaged taxonomy and how config extends it."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from callbrief.foundation.errors import ConfigError
from callbrief.nlp.taxonomy import compile_keywords, load_taxonomy
from callbrief.nlp.text import fold_any

PLAYBOOK = Path(__file__).parents[2] / "briefs" / "playbook.yaml"
# The public names: `callbrief analyze --json` prints them, briefs/playbook.yaml is keyed by them.
PUBLIC = {
    "categories": {
        "delivery",
        "billing",
        "product_defect",
        "outage",
        "unreachable",
        "staff_behavior",
        "refund_return",
        "account_access",
        "other",
    },
    "asks": {
        "refund",
        "replacement",
        "repair",
        "callback",
        "manager",
        "apology",
        "cancel",
        "information",
        "compensation",
    },
    "signals": {
        "churn_threat",
        "legal_threat",
        "public_escalation",
        "manager_request",
        "safety_risk",
        "repeat_contact",
        "irony",
    },
}


@pytest.mark.parametrize("section", sorted(PUBLIC))
def test_default_names_are_the_public_ones(taxonomy, section):
    assert set(taxonomy.section(section)) == PUBLIC[section]


def test_labels_are_sentence_case_in_every_language(taxonomy):
    for section in PUBLIC:
        for name, entry in taxonomy.section(section).items():
            for lang, label in entry.labels.items():
                first, *rest = label.split()
                assert first[0].isupper(), f"{section}.{name}.{lang}: {label!r}"
                assert all(not w[0].isupper() for w in rest), f"{section}.{name}.{lang}: {label!r}"


def test_the_playbook_keys_on_names_the_taxonomy_has(taxonomy):
    playbook = yaml.safe_load(PLAYBOOK.read_text(encoding="utf-8"))
    for entry in playbook["entries"]:
        for section, names in (entry.get("when") or {}).items():
            if section in PUBLIC:
                assert set(names) <= set(taxonomy.section(section)), entry["id"]


def test_every_entry_has_labels_in_all_three_languages(taxonomy):
    for section in ("categories", "asks", "signals"):
        for name, entry in taxonomy.section(section).items():
            assert set(entry.labels) >= {"tr", "az", "en"}, f"{section}.{name}"
    assert taxonomy.label("categories", "delivery", "az") == "Çatdırılma"
    assert taxonomy.label("asks", "refund", "tr") == "Para iadesi"
    assert taxonomy.label("signals", "safety_risk", "en") == "Safety risk"


def test_categories_carry_exemplars_in_every_language(taxonomy):
    for name, entry in taxonomy.categories.items():
        if name != "other":  # the fallback for complaints that fit nowhere else
            assert {"tr", "az", "en"} <= set(entry.exemplars), name


def test_keywords_match_word_starts_and_whole_words(taxonomy):
    delivery = taxonomy.categories["delivery"]
    assert delivery.find(fold_any("KARGOMU hala alamadım"))
    outage = taxonomy.categories["outage"]
    assert outage.find(fold_any("your site is down again"))
    assert not outage.find(fold_any("the download was quick"))


@pytest.mark.parametrize(
    ("keyword", "text", "found"),
    [
        ("card * blocked", "my card's been blocked abroad", True),
        ("card * blocked", "card blocked", True),
        ("card * blocked", "the card I use for a b c d blocked", False),  # more than three words
        ("hesabım * bağlı", "Hesabım hələ də bağlıdır", True),
        ("hesabım * bağlı", "hesabim hele de baglidir", True),  # typed without the letters
        ("kombi * ariza", "kombimiz sürekli arıza veriyor", True),
    ],
)
def test_a_gap_in_a_keyword_allows_up_to_three_words(keyword, text, found):
    pattern = compile_keywords({"en": [keyword]})
    assert pattern is not None
    assert bool(pattern.search(fold_any(text))) is found


def test_a_word_inside_another_topics_phrase_counts_for_that_topic_only():
    from callbrief.nlp.rules import CueFinder

    finder = CueFinder(load_taxonomy())
    text = "Otomatik ödeme talimatım varken gecikme faizi kesiyorsunuz"
    cues = finder.find(fold_any(text), text)
    assert "billing" in cues.category_hits
    assert "delivery" not in cues.category_hits  # "gecikme" alone is a late delivery


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
                "refund_return": {"enabled": False},
            }
        }
    )
    assert "loyalty" in tax.categories and "refund_return" not in tax.categories
    assert tax.categories["loyalty"].label("tr") == "Loyalty points"  # falls back to English


def test_bad_config_names_the_key_and_the_fix():
    with pytest.raises(ConfigError, match=r"taxonomy.asks.refund.keywords must map a language"):
        load_taxonomy({"asks": {"refund": {"keywords": ["money back"], "replace": True}}})
    with pytest.raises(ConfigError, match="unknown section"):
        load_taxonomy({"topics": {}})
