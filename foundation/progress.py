"""Progress reporting that the library calls and the CLI draws (rich), or nobody (tests)."""

from __future__ import annotations

from typing import Protocol


class Progress(Protocol):
    """Reports long work; `task` names a bar (e.g. "x", "analyze"), `total` may be unknown."""

    def start(self, task: str, total: int | None = None) -> None: ...

    def advance(self, task: str, n: int = 1) -> None: ...

    def done(self, task: str, summary: str = "") -> None: ...


class NullProgress:
    """Progress that reports nothing."""

    def start(self, task: str, total: int | None = None) -> None:
        pass

    def advance(self, task: str, n: int = 1) -> None:
        pass

    def done(self, task: str, summary: str = "") -> None:
        pass
