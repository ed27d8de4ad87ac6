"""When the phone fails: the next channel (e-mail, DM, branch) and a ready message for it.

After `channel_switch.after_unreachable` unanswered calls on this case, or when no phone is
linked, the brief and the queue name the next channel that the case can actually use, with a
message in the customer's language from config (or the packaged `fallback.yaml`).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

from callbrief.foundation.settings import ChannelSwitch

DEFAULT_PATH = Path(__file__).with_name("fallback.yaml")
DM_CHANNELS = ("x", "reddit")


@lru_cache(maxsize=1)
def _defaults() -> dict[str, dict[str, str]]:
    return yaml.safe_load(DEFAULT_PATH.read_text(encoding="utf-8"))


def _message(config: ChannelSwitch, channel: str, language: str) -> str | None:
    for source in (config.messages, _defaults()):
        per_language = source.get(channel) or {}
        if per_language.get(language):
            return per_language[language]
    return None


def _filled(text: str, values: Mapping[str, str]) -> str:
    for name, value in values.items():
        text = text.replace("{" + name + "}", value)
    return " ".join(text.split())


def plan(
    config: ChannelSwitch,
    *,
    unreachable: int,
    phone: str | None,
    email: str | None,
    dm_handles: Sequence[Mapping[str, Any]],
    branch: str | None,
    language: str,
    values: Mapping[str, str],
) -> dict[str, Any]:
    """Whether to switch channel now, why, and each usable channel with its message."""
    reason = None
    if not phone:
        reason = "no_phone"
    elif unreachable >= config.after_unreachable:
        reason = "unreachable"
    options = []
    for channel in config.order:
        if channel == "email" and not email:
            continue
        if channel == "dm" and not dm_handles:
            continue
        if channel == "branch" and not branch:
            continue
        text = _message(config, channel, language)
        if not text:
            continue
        target = {"email": email, "dm": dm_handles[0]["handle"] if dm_handles else None}.get(
            channel, branch
        )
        options.append(
            {
                "channel": channel,
                "target": target,
                "message": _filled(text, {**values, "branch": branch or ""}),
            }
        )
    return {
        "switch": reason is not None and bool(options),
        "reason": reason,
        "unreachable": unreachable,
        "after": config.after_unreachable,
        "options": options,
        "language": language,
    }


def next_channel(
    config: ChannelSwitch,
    *,
    unreachable: int,
    phone: str | None,
    email: str | None,
    channel: str,
    handle: str,
    branch: str | None,
) -> str | None:
    """The channel the queue names when phoning is over (no phone, or unanswered calls), else None.

    The same rule as the brief's fallback section, so the queue and the brief agree.
    """
    dm = [{"channel": channel, "handle": handle}] if channel in ("x", "reddit") else []
    switch = plan(
        config,
        unreachable=unreachable,
        phone=phone,
        email=email,
        dm_handles=dm,
        branch=branch,
        language="en",
        values={},
    )
    return switch["options"][0]["channel"] if switch["switch"] else None
