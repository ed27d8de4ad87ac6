"""Matter-aware cases: one parcel is one case, a safety matter stays apart, later asks count."""

from __future__ import annotations

from sqlmodel import select

from callbrief.storage.cases import update_cases
from callbrief.storage.db import session_scope
from callbrief.storage.matters import CaseMatter
from callbrief.storage.models import Analysis, Case, Mention
from tests.factories import World, local


def _said(session, mention, **fields):  # type: ignore[no-untyped-def]
    analysis = session.exec(select(Analysis).where(Analysis.mention_id == mention.id)).one()
    for key, value in fields.items():
        setattr(analysis, key, value)
    session.add(analysis)
    session.flush()
    return mention


def _case(session, mention):  # type: ignore[no-untyped-def]
    return session.get(Case, session.get(Mention, mention.id).case_id)


def test_one_tracking_number_is_one_case_across_handles_and_past_the_window(any_engine, settings):
    parcel = [{"type": "order_id", "text": "KG51907734"}]
    with session_scope(any_engine) as s:
        w = World(s)
        on_x, on_reddit = w.author("emre_tan"), w.author("emretan_", channel="reddit")
        first = _said(s, w.post(on_x, local(23, 10)), entities=parcel)
        # four days later, another handle, the same parcel: still one matter
        later = _said(
            s, w.post(on_reddit, local(27, 10), text="KG51907734 hâlâ depoda"), entities=parcel
        )
        update_cases(s, settings, now=local(27, 11))
        assert _case(s, first).id == _case(s, later).id
        assert s.get(CaseMatter, _case(s, first).id).keys == ["KG51907734"]


def test_two_parcels_of_one_person_are_two_cases(any_engine, settings):
    with session_scope(any_engine) as s:
        w = World(s)
        ayse = w.author("ayse")
        a = _said(s, w.post(ayse, local(23, 10)), entities=[{"type": "order_id", "text": "KG1"}])
        b = _said(s, w.post(ayse, local(23, 11)), entities=[{"type": "order_id", "text": "KG2"}])
        update_cases(s, settings, now=local(23, 12))
        assert _case(s, a).id != _case(s, b).id


def test_a_safety_matter_is_never_merged_with_another(any_engine, settings):
    with session_scope(any_engine) as s:
        w = World(s)
        claire = w.author("claire_b")
        rude = w.post(claire, local(23, 10), category="product_defect")
        burning = _said(
            s,
            w.post(claire, local(24, 10), category="product_defect", text="router smells burnt"),
            signals=["safety_risk"],
        )
        wait = w.post(claire, local(24, 12), category="other", text="3 hours on hold")
        update_cases(s, settings, now=local(24, 13))
        assert _case(s, burning).id not in (_case(s, rude).id, _case(s, wait).id)
        # the unrelated follow-up joins the person's ordinary open matter, not the safety one
        assert _case(s, wait).id == _case(s, rude).id


def test_a_later_post_adds_its_ask_and_threat_to_the_open_case(any_engine, settings):
    with session_scope(any_engine) as s:
        w = World(s)
        mike = w.author("mike_o")
        refund = _said(
            s, w.post(mike, local(23, 10), category="refund_return", priority=0.5), asks=["refund"]
        )
        update_cases(s, settings, now=local(23, 11))
        threat = _said(
            s,
            w.post(mike, local(25, 10), category="other", text="ombudsman", priority=0.74),
            signals=["legal_threat"],
            asks=["manager"],
        )
        update_cases(s, settings, now=local(25, 11))
        case = _case(s, refund)
        assert _case(s, threat).id == case.id and case.category == "refund_return"
        matter = s.get(CaseMatter, case.id)
        assert matter.asks == ["refund", "manager"] and matter.signals == ["legal_threat"]
        assert case.priority == 0.74


def test_the_same_person_with_an_unrelated_category_is_not_merged(any_engine, settings):
    with session_scope(any_engine) as s:
        w = World(s)
        hakan = w.author("hakan_d")
        login = w.post(hakan, local(23, 10), category="account_access")
        parcel = w.post(hakan, local(23, 11), category="delivery")
        update_cases(s, settings, now=local(23, 12))
        assert _case(s, login).id != _case(s, parcel).id
