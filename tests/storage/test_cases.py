"""Cases: merging complaints, the callback queue's order, SLA clocks in working hours, outcomes."""

from datetime import UTC, date, datetime, timedelta

import pytest
from sqlmodel import select

from callbrief.foundation.errors import ConfigError, NotFoundError
from callbrief.storage.cases import (
    add_working_hours,
    assign,
    posted_again,
    queue,
    record_outcome,
    sla_state,
    update_cases,
)
from callbrief.storage.db import session_scope
from callbrief.storage.models import Case, Mention
from tests.factories import World, local

UTC = UTC
MON = datetime(2026, 11, 23, 7, 0, tzinfo=UTC)  # Monday 10:00 in Istanbul (UTC+3)


def case_of(session, mention_id):
    return session.get(Case, session.get(Mention, mention_id).case_id)


# --- working hours ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "start, expected",
    [
        (local(23, 10), local(23, 14)),  # Monday morning: same afternoon
        (local(27, 16), local(30, 11)),  # Friday 16:00: two hours Friday, two on Monday
        (local(28, 12), local(30, 13)),  # Saturday: the clock starts on Monday at 9
        (local(23, 20), local(24, 13)),  # after closing: the clock starts next morning
        (local(23, 7), local(23, 13)),  # before opening: the clock starts at 9
    ],
)
def test_sla_counts_only_working_hours(settings, start, expected):
    assert add_working_hours(start, 4, settings.cases) == expected


# --- opening and merging ----------------------------------------------------------------------


def test_same_person_same_grievance_within_window_is_one_case(any_engine, settings):
    with session_scope(any_engine) as s:
        w = World(s)
        ayse = w.author("ayse")
        first = w.post(ayse, local(23, 10), priority=0.4)
        again = w.post(ayse, local(24, 15), text="Hâlâ gelmedi!", priority=0.8)
        vague = w.post(ayse, local(25, 9), text="Rezalet", category=None, priority=0.2)
        result = update_cases(s, settings, now=local(25, 10))
        case = case_of(s, first.id)
        assert (result.opened, result.merged) == (1, 2)
        assert case_of(s, again.id).id == case_of(s, vague.id).id == case.id
        assert case.priority == pytest.approx(0.8)
        assert case.due_at == local(23, 14)
        assert case.last_mention_at == local(25, 9)


def test_other_category_brand_or_stale_complaint_opens_a_new_case(any_engine, settings):
    with session_scope(any_engine) as s:
        w = World(s)
        ayse = w.author("ayse")
        base = w.post(ayse, local(23, 10))
        billing = w.post(ayse, local(23, 11), category="billing")
        other_brand = w.post(ayse, local(23, 12), brand="Hızlıbank")
        late = w.post(ayse, local(23, 10) + timedelta(hours=73))
        result = update_cases(s, settings, now=local(27, 10))
        ids = {case_of(s, m.id).id for m in (base, billing, other_brand, late)}
    assert result.opened == 4 and len(ids) == 4


def test_praise_noise_and_unanalysed_posts_open_no_case(any_engine, settings):
    with session_scope(any_engine) as s:
        w = World(s)
        ali = w.author("ali")
        w.post(
            ali,
            local(23, 10),
            text="Harika hizmet, teşekkürler",
            complaint=False,
            sentiment="positive",
            category=None,
        )
        w.post(ali, local(23, 11), text="Kargom nerede", sentiment=None)  # not analysed yet
        result = update_cases(s, settings, now=local(23, 12))
        assert (result.opened, result.merged) == (0, 0)
        assert s.execute(select(Case)).first() is None


def test_handles_linked_to_one_customer_share_a_case(any_engine, settings):
    with session_scope(any_engine) as s:
        w = World(s)
        person = w.customer()
        on_x = w.author("ayse", channel="x", customer=person)
        on_reddit = w.author("ayse_k", channel="reddit", customer=person)
        a = w.post(on_x, local(23, 10))
        b = w.post(on_reddit, local(23, 13))
        update_cases(s, settings, now=local(23, 14))
        assert case_of(s, a.id).id == case_of(s, b.id).id
        assert case_of(s, a.id).customer_id == person.id


def test_the_queue_carries_the_linked_customers_phone_and_unanswered_calls(any_engine, settings):
    with session_scope(any_engine) as s:
        w = World(s)
        person = w.customer()
        person.phone, person.email = "+905551112233", "ayse@example.com"
        a = w.post(w.author("ayse", customer=person), local(23, 10))
        update_cases(s, settings, now=local(23, 11))
        case_id = case_of(s, a.id).id
        record_outcome(s, case_id, "unreachable", now=local(23, 12), settings=settings)
        (row,) = queue(s, settings, now=local(23, 13))
        assert (row.case_id, row.phone, row.email, row.unreachable) == (
            case_id,
            "+905551112233",
            "ayse@example.com",
            1,
        )


def test_second_pass_joins_the_case_opened_by_the_first(any_engine, settings):
    with session_scope(any_engine) as s:
        w = World(s)
        ayse = w.author("ayse")
        first = w.post(ayse, local(23, 10))
        update_cases(s, settings, now=local(23, 11))
        later = w.post(ayse, local(23, 16), priority=0.9)
        result = update_cases(s, settings, now=local(23, 17))
        assert (result.opened, result.merged) == (0, 1)
        assert case_of(s, later.id).id == case_of(s, first.id).id


# --- queue, SLA states, outcomes ---------------------------------------------------------------


def _three_cases(s, settings):
    w = World(s)
    low_overdue = w.post(w.author("a"), local(23, 9, 30), priority=0.2)
    high_due = w.post(w.author("b"), local(23, 15), priority=0.9)
    mid_due = w.post(w.author("c"), local(23, 14), priority=0.5, brand="Hızlıbank")
    update_cases(s, settings, now=local(23, 17))
    return [case_of(s, m.id).id for m in (low_overdue, high_due, mid_due)]


def test_queue_puts_overdue_first_then_priority(any_engine, settings):
    with session_scope(any_engine) as s:
        low_overdue, high_due, mid_due = _three_cases(s, settings)
        rows = queue(s, settings, now=local(23, 17))
        assert [r.case_id for r in rows] == [low_overdue, high_due, mid_due]
        assert [r.sla for r in rows] == ["overdue", "due", "due"]
        assert rows[0].handle == "a" and rows[0].mentions == 1
        assert rows[0].latest_text == "Kargom gelmedi"
        only_bank = queue(s, settings, brand="hızlıbank", now=local(23, 17))
        assert [r.case_id for r in only_bank] == [mid_due]
        assert [r.case_id for r in queue(s, settings, overdue=True, now=local(23, 17))] == [
            low_overdue
        ]


def test_assign_and_filter_by_agent(any_engine, settings):
    with session_scope(any_engine) as s:
        _, high_due, _ = _three_cases(s, settings)
        case = assign(s, high_due, "Zeynep")
        assert (case.status, case.agent) == ("assigned", "Zeynep")
        rows = queue(s, settings, agent="zeynep", now=local(23, 17))
        assert [r.case_id for r in rows] == [high_due]
        assert queue(s, settings, status="assigned", now=local(23, 17))[0].case_id == high_due


def test_sla_states_follow_the_first_callback(any_engine, settings):
    with session_scope(any_engine) as s:
        late, on_time, untouched = _three_cases(s, settings)
        record_outcome(s, late, "unreachable", agent="zeynep", now=local(24, 10))
        record_outcome(s, on_time, "reached", now=local(24, 9, 30))
        states = {
            c: sla_state(s.get(Case, c), local(24, 12), settings)
            for c in (late, on_time, untouched)
        }
        # Monday 15:00 + 4 working hours = Tuesday 10:00; Monday 14:00 + 4 = Monday 18:00
        assert states == {late: "breached", on_time: "met", untouched: "overdue"}
        assert sla_state(s.get(Case, untouched), local(23, 17, 59), settings) == "due"


def test_resolved_and_escalated_leave_the_queue(any_engine, settings):
    with session_scope(any_engine) as s:
        a, b, c = _three_cases(s, settings)
        record_outcome(s, a, "resolved", note="Kargo bulundu", now=local(24, 10))
        record_outcome(s, b, "escalated", now=local(24, 10))
        assert [r.case_id for r in queue(s, settings, now=local(24, 11))] == [c]
        closed = queue(s, settings, status="closed", now=local(24, 11))
        assert sorted(r.case_id for r in closed) == sorted([a, b])
        assert s.get(Case, a).closed_at == local(24, 10)


def test_follow_up_date_moves_the_next_action(any_engine, settings):
    with session_scope(any_engine) as s:
        a, _, _ = _three_cases(s, settings)
        out = record_outcome(
            s, a, "follow_up", follow_up=date(2026, 11, 26), now=local(24, 10), settings=settings
        )
        assert out.follow_up_at == local(26, 9)
        row = next(r for r in queue(s, settings, now=local(24, 11)) if r.case_id == a)
        assert (row.status, row.next_action_at) == ("follow_up", local(26, 9))


def test_outcome_mistakes_say_what_to_do(any_engine, settings):
    with session_scope(any_engine) as s:
        a, _, _ = _three_cases(s, settings)
        with pytest.raises(ConfigError, match="Unknown outcome 'called'. Use one of: reached"):
            record_outcome(s, a, "called")
        with pytest.raises(NotFoundError, match="No case #999. Run `callbrief cases`"):
            record_outcome(s, 999, "reached")
        with pytest.raises(ConfigError, match="in the past"):
            record_outcome(s, a, "follow_up", follow_up=date(2026, 11, 1), now=local(24, 10))
        with pytest.raises(ConfigError, match="Unknown case status 'pending'"):
            queue(s, settings, status="pending")


def test_closed_loop_reports_what_the_customer_posted_after_the_call(any_engine, settings):
    with session_scope(any_engine) as s:
        w = World(s)
        ayse = w.author("ayse")
        m = w.post(ayse, local(23, 10))
        update_cases(s, settings, now=local(23, 11))
        case_id = case_of(s, m.id).id
        assert posted_again(s, case_id) is None
        record_outcome(s, case_id, "resolved", now=local(23, 12))
        assert posted_again(s, case_id) is None
        w.post(
            ayse,
            local(23, 15),
            text="Teşekkürler, kargo geldi",
            complaint=False,
            sentiment="positive",
            category=None,
        )
        w.post(ayse, local(23, 16), text="Başka marka", brand="Hızlıbank", sentiment="negative")
        again = posted_again(s, case_id)
        assert (again.count, again.sentiment, again.text) == (
            1,
            "positive",
            "Teşekkürler, kargo geldi",
        )


def test_news_feed_complaints_open_no_callback_case(any_engine, settings):
    with session_scope(any_engine) as s:
        w = World(s)
        w.post(
            w.author("haber_ekonomi", channel="rss"),
            local(23, 10),
            text="Kargola'da dağıtım gecikmeleri: müşteriler şikayetçi",
        )
        w.post(w.author("ayse"), local(23, 11), text="Kargom 2 haftadır gelmedi")
        result = update_cases(s, settings, now=local(23, 12))
        assert result.opened == 1
