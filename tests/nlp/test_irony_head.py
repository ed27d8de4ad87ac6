"""The irony head's place in the decision: trusted only as far as dev tuning says."""

from __future__ import annotations

import numpy as np

from callbrief.nlp.decisions import Tuning, decide, is_ironic
from callbrief.nlp.heads import Head, HeadSet
from callbrief.nlp.labels import TrainedLabels, cue_names
from callbrief.nlp.rules import Cues
from callbrief.nlp.taxonomy import load_taxonomy

PROBLEM = Cues(failure=1)
PRAISE = Cues(positive=2)


def test_the_head_is_off_until_tuning_turns_it_on():
    assert Tuning().irony_threshold > 1
    assert not is_ironic(PROBLEM, False, head=0.99, tuning=Tuning())


def test_a_sure_head_next_to_a_problem_is_sarcasm():
    tuning = Tuning(irony_threshold=0.7)
    assert is_ironic(PROBLEM, False, head=0.8, tuning=tuning)
    assert not is_ironic(PROBLEM, False, head=0.6, tuning=tuning)


def test_praise_conceded_to_a_problem_is_no_sarcasm_whatever_the_head_says():
    # "Driver was perfectly nice, but the fare came to £14 more than quoted"
    tuning = Tuning(irony_threshold=0.6)
    conceded = Cues(positive=1, failure=1, conceded_praise=True)
    assert not is_ironic(conceded, True, head=0.9, tuning=tuning)
    marked = Cues(positive=1, failure=1, conceded_praise=True, irony_marker=True)
    assert is_ironic(marked, True, head=0.9, tuning=tuning)  # "Great 🙃, but..." still mocks


def test_sincere_praise_is_not_turned_into_sarcasm_when_a_problem_is_required():
    needs = Tuning(irony_threshold=0.7, irony_needs_problem=1.0)
    anywhere = Tuning(irony_threshold=0.7, irony_needs_problem=0.0)
    assert not is_ironic(PRAISE, False, head=0.95, tuning=needs)
    assert is_ironic(PRAISE, False, head=0.95, tuning=anywhere)


def test_an_ironic_reading_makes_praise_words_negative():
    tuning = Tuning(irony_threshold=0.7)
    # "Great job, my order is late again": the head reads it as praise
    praise = np.array([0.1, 0.2, 0.7])
    cues = Cues(failure=1, positive=1)
    plain = decide("Great job, my order is late again", cues, praise, 0.4, tuning)
    ironic = decide("Great job, my order is late again", cues, praise, 0.4, tuning, 0.9)
    assert not plain.irony and plain.sentiment.label == "positive"  # the rules alone miss it
    assert ironic.irony and ironic.sentiment.label == "negative"


def _labels(with_irony: bool) -> TrainedLabels:
    taxonomy = load_taxonomy()
    dim = 4 + len(cue_names(taxonomy))
    heads = {
        "asks": Head(
            "asks",
            list(taxonomy.asks),
            [
                (
                    np.zeros((dim, len(taxonomy.asks)), np.float32),
                    np.zeros(len(taxonomy.asks), np.float32),
                )
            ],
            activation="sigmoid",
        )
    }
    if with_irony:
        w = np.zeros((dim, 2), np.float32)
        w[0, 1] = 4.0  # the first vector dimension is "sarcasm"
        heads["irony"] = Head("irony", ["no", "yes"], [(w, np.zeros(2, np.float32))])
    meta = {"labels": {"cues": cue_names(taxonomy)}}
    found = TrainedLabels.from_heads(HeadSet(heads, meta, {}), taxonomy)
    assert found is not None
    return found


def test_labels_give_the_irony_probability_only_with_a_head():
    vectors = np.array([[1, 0, 0, 0], [-1, 0, 0, 0]], dtype=np.float32)
    with_head = _labels(True)
    p = with_head.irony(with_head.proba(vectors, [Cues(), Cues()]))
    assert p is not None and p[0] > 0.9 and p[1] < 0.1
    without = _labels(False)
    assert without.irony(without.proba(vectors, [Cues(), Cues()])) is None
