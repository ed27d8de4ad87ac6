"""The person's history split by matter: this case, and their other cases (open ones flagged).

Counts are of this matter only, so a sparking adapter and an unrelated wait are never added up
into "told us 3 times". Pure: it reads loaded rows and returns plain data.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

from callbrief.foundation.policy import ACTIVE, aware
from callbrief.storage.dossier import CaseRows
from callbrief.storage.models import Outcome

TALKED = {"reached", "follow_up", "resolved", "escalated"}  # outcomes where the customer spoke

Say = Callable[[datetime | None], str | None]  # a time as the brief reads it aloud


def broken(outcome: Outcome, later: list[Outcome], now: datetime) -> bool:
    """A promise is broken when its follow-up time passed and nobody recorded anything after."""
    due = aware(outcome.follow_up_at)
    if not outcome.promise or due is None or due >= now:
        return False
    made = aware(outcome.created_at)
    return not any((aware(o.created_at) or made) > made for o in later if o is not outcome)  # type: ignore[operator]


def outcome_row(
    outcome: Outcome, siblings: list[Outcome], say: Say, now: datetime
) -> dict[str, Any]:
    return {
        "at": say(outcome.created_at),
        "result": outcome.result,
        "agent": outcome.agent,
        "note": outcome.note,
        "promise": outcome.promise,
        "follow_up_at": say(outcome.follow_up_at),
        "broken": broken(outcome, siblings, now),
    }


def history(
    rows: CaseRows, say: Say, now: datetime, category_label: Callable[[str | None], str | None]
) -> dict[str, Any]:
    """This matter's posts and calls, the person's other matters, and broken promises anywhere."""
    case_id = rows.case.id if rows.case else None
    here = rows.outcomes.get(case_id, []) if case_id is not None else []
    this_calls = [outcome_row(o, here, say, now) for o in here]
    others: list[dict[str, Any]] = []
    for case in rows.earlier_cases:
        done = rows.outcomes.get(case.id or -1, [])
        others.append(
            {
                "id": case.id,
                "status": case.status,
                "open": case.status in ACTIVE,
                "category": category_label(case.category),
                "opened_at": say(case.opened_at),
                "outcomes": [outcome_row(o, done, say, now) for o in done],
            }
        )
    talked = sum(1 for o in here if o.result in TALKED)
    posts = len(rows.mentions)
    everything = this_calls + [o for c in others for o in c["outcomes"]]
    return {
        "this_matter": {
            "posts": posts,
            "calls": talked,
            "times": posts + talked,
            "outcomes": this_calls,
            "unreachable": sum(1 for o in here if o.result == "unreachable"),
            "channels": list(dict.fromkeys(m.channel for m in rows.mentions)),
        },
        "other_matters": others,
        "open_elsewhere": [c for c in others if c["open"]],
        "broken_promises": [o for o in everything if o["broken"]],
    }
