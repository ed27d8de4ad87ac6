"""Deadlines, retries, backoff and request pacing: the one place where a scan may sleep."""

from __future__ import annotations

import logging
import random
import time
from collections import deque
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from typing import Any, TypeVar

import requests

from callbrief.foundation.errors import RateLimitedError, SourceError

T = TypeVar("T")

# loggers of the client libraries that print request headers or bodies at DEBUG level
CLIENT_LOGGERS = ("tweepy.client", "prawcore", "praw", "urllib3.connectionpool")


class Deadline:
    """A scan's time budget; every sleep asks it first, so no sleep outlasts the scan."""

    def __init__(
        self,
        seconds: float,
        *,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self._clock = clock
        self._sleep = sleep
        self.ends_at = clock() + seconds
        self.slept_s = 0.0

    def left(self) -> float:
        """Seconds left before the deadline (never negative)."""
        return max(0.0, self.ends_at - self._clock())

    def expired(self) -> bool:
        """Whether the scan's time is up."""
        return self.left() <= 0

    def sleep(self, seconds: float, why: str) -> None:
        """Sleep `seconds`, or raise RateLimitedError if that would pass the deadline."""
        if seconds <= 0:
            return
        if seconds >= self.left():
            raise RateLimitedError(
                f"{why}: waiting {seconds:.0f}s would pass this scan's deadline "
                f"({self.left():.0f}s left). The scan stopped here and the next one resumes.",
                reset_at=time.time() + seconds,
            )
        self._sleep(seconds)
        self.slept_s += seconds


def backoff_delays(attempts: int, base: float = 1.0, cap: float = 30.0) -> Iterator[float]:
    """Jittered exponential delays (full jitter), so retrying clients do not beat in step."""
    for attempt in range(attempts):
        yield random.uniform(base / 2, min(cap, base * 2**attempt))


class TransientError(SourceError):
    """A failure worth retrying: a 5xx, a timeout, a dropped connection."""


def with_retries(call: Callable[[], T], deadline: Deadline, *, what: str, attempts: int = 3) -> T:
    """Run `call`, retrying TransientError with backoff while the deadline allows."""
    delays = backoff_delays(attempts - 1)
    while True:
        try:
            return call()
        except TransientError as exc:
            delay = next(delays, None)
            if delay is None:
                raise SourceError(
                    f"{what} failed {attempts} times ({exc}). Nothing after the last stored "
                    "page was lost: the next scan retries from there."
                ) from None
            # a server error or timeout is usually brief: wait a little before asking again
            deadline.sleep(delay, f"{what} failed ({exc})")


class SlidingWindow:
    """At most `limit` requests in any `window_s` seconds (Reddit: 100 per minute per client)."""

    def __init__(
        self, limit: int, window_s: float = 60.0, *, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self.limit = limit
        self.window_s = window_s
        self._clock = clock
        self._sent: deque[float] = deque()

    def wait_time(self) -> float:
        """Seconds to wait before the next request fits in the window."""
        now = self._clock()
        while self._sent and now - self._sent[0] >= self.window_s:
            self._sent.popleft()
        if len(self._sent) < self.limit:
            return 0.0
        return self.window_s - (now - self._sent[0])

    def record(self) -> None:
        self._sent.append(self._clock())


class PacedSession(requests.Session):
    """A requests session that rebases a host, sets a timeout and paces requests.

    tweepy's Client hard-codes https://api.twitter.com; swapping its session is the documented
    seam (`client.session`) that lets scans go through a proxy or a recorded-replay server.
    """

    def __init__(
        self,
        *,
        timeout: float,
        deadline: Deadline,
        rebase: tuple[str, str] | None = None,
        window: SlidingWindow | None = None,
    ) -> None:
        super().__init__()
        self.timeout = timeout
        self.deadline = deadline
        self.rebase = rebase
        self.window = window
        self.last_headers: dict[str, str] = {}

    def request(self, method: str, url: str | bytes, *args: Any, **kwargs: Any) -> Any:
        url = url.decode() if isinstance(url, bytes) else url
        if self.rebase and url.startswith(self.rebase[0]):
            url = self.rebase[1].rstrip("/") + url[len(self.rebase[0]) :]
        if self.window is not None:
            # Reddit allows 100 requests a minute per client id; wait for room in the window
            self.deadline.sleep(self.window.wait_time(), "Request pacing")
            self.window.record()
        kwargs["timeout"] = min(kwargs.get("timeout") or self.timeout, self.timeout)
        response = super().request(method, url, *args, **kwargs)
        self.last_headers = dict(response.headers)
        return response


class _Redact(logging.Filter):
    def __init__(self, secrets: Sequence[str]) -> None:
        super().__init__()
        self.secrets = [s for s in secrets if s and len(s) >= 4]

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        if any(secret in message for secret in self.secrets):
            for secret in self.secrets:
                message = message.replace(secret, "<redacted>")
            record.msg, record.args = message, ()
        return True


@contextmanager
def redacted_logs(secrets: Sequence[str | None]) -> Iterator[None]:
    """Mask secrets in what the client libraries log (tweepy logs its Authorization header)."""
    flt = _Redact([s for s in secrets if s])
    loggers = [logging.getLogger(name) for name in CLIENT_LOGGERS]
    for logger in loggers:
        logger.addFilter(flt)
    try:
        yield
    finally:
        for logger in loggers:
            logger.removeFilter(flt)


def redact(text: str, secrets: Sequence[str | None]) -> str:
    """`text` with every secret replaced by a placeholder (for error messages we store)."""
    for secret in secrets:
        if secret and len(secret) >= 4:
            text = text.replace(secret, "<redacted>")
    return text
