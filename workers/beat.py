"""`callbrief beat`: the `run` schedule (services.scheduler's triggers), sent as tasks.

Celery beat asks each entry's schedule whether it is due; `TriggerSchedule` answers from the very
APScheduler trigger `callbrief run` uses (an interval per source, the digest's cron in the team's
time zone), so the two schedulers cannot drift apart. As in `run`, fire times missed while beat
was down are skipped, not replayed. One extra entry, the sweep, queues analyse batches for
mentions that arrived without a message (a `callbrief scan` from cron, a lost message).
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from celery.schedules import BaseSchedule, schedstate
from celery.utils.time import maybe_make_aware

from callbrief.foundation.settings import Settings
from callbrief.services.scheduler import schedule_triggers
from callbrief.storage.models import utcnow

SWEEP_EVERY_S = 300.0
_TICK = timedelta(microseconds=1)


class TriggerSchedule(BaseSchedule):  # type: ignore[misc]
    """A beat schedule that is due whenever its APScheduler trigger fires."""

    def __init__(self, trigger: Any, nowfun: Any = None, app: Any = None) -> None:
        super().__init__(nowfun=nowfun, app=app)
        self.trigger = trigger

    def _next_after(self, moment: datetime) -> datetime | None:
        fire: datetime | None = self.trigger.get_next_fire_time(None, moment + _TICK)
        return fire

    def remaining_estimate(self, last_run_at: datetime) -> timedelta:
        upcoming = self._next_after(maybe_make_aware(last_run_at))
        return (upcoming - self.now()) if upcoming else timedelta(days=1)

    def is_due(self, last_run_at: datetime) -> schedstate:
        now = self.now()
        upcoming = self._next_after(maybe_make_aware(last_run_at))
        if upcoming is None:
            return schedstate(False, 3600.0)
        if upcoming <= now:
            following = self._next_after(now)
            wait = (following - now).total_seconds() if following else 3600.0
            return schedstate(True, max(1.0, wait))
        return schedstate(False, max(0.5, (upcoming - now).total_seconds()))

    def __reduce__(self) -> tuple[Any, ...]:
        return self.__class__, (self.trigger,)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, TriggerSchedule) and str(other.trigger) == str(self.trigger)

    def __hash__(self) -> int:
        return hash(str(self.trigger))

    def __repr__(self) -> str:
        return f"<TriggerSchedule {self.trigger}>"


def beat_schedule(settings: Settings, start: datetime | None = None) -> dict[str, dict[str, Any]]:
    """Celery's `beat_schedule`: the `run` triggers as tasks, plus the sweep."""
    entries: dict[str, dict[str, Any]] = {}
    for name, trigger in schedule_triggers(settings, start or utcnow()).items():
        if name.startswith("scan:"):
            source = name.split(":", 1)[1]
            entries[name] = {
                "task": "callbrief.poll",
                "schedule": TriggerSchedule(trigger),
                "args": (source,),
            }
        elif name == "digest":
            entries[name] = {"task": "callbrief.digest", "schedule": TriggerSchedule(trigger)}
    entries["sweep"] = {"task": "callbrief.enqueue_pending", "schedule": SWEEP_EVERY_S}
    return entries
