"""Draw library progress as rich progress bars on stderr (the CLI's side of core.progress)."""

from __future__ import annotations

from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    TaskID,
    TextColumn,
    TimeElapsedColumn,
)


class RichProgress:
    """One bar per task name; unknown totals show a pulsing bar."""

    def __init__(self, console: Console) -> None:
        self._bars = Progress(
            TextColumn("{task.description:<10}"),
            BarColumn(),
            MofNCompleteColumn(),
            TimeElapsedColumn(),
            TextColumn("{task.fields[summary]}"),
            console=console,
            transient=False,
            disable=not console.is_terminal,
        )
        self._tasks: dict[str, TaskID] = {}

    def __enter__(self) -> RichProgress:
        self._bars.__enter__()
        return self

    def __exit__(self, *exc: object) -> None:
        self._bars.__exit__(*exc)  # type: ignore[arg-type]

    def start(self, task: str, total: int | None = None) -> None:
        if task in self._tasks:
            self._bars.reset(self._tasks[task], total=total)
        else:
            self._tasks[task] = self._bars.add_task(task, total=total, summary="")

    def advance(self, task: str, n: int = 1) -> None:
        if task not in self._tasks:
            self.start(task)
        self._bars.advance(self._tasks[task], n)

    def done(self, task: str, summary: str = "") -> None:
        if task not in self._tasks:
            self.start(task, total=0)
        bar = self._tasks[task]
        total = self._bars.tasks[[t.id for t in self._bars.tasks].index(bar)].completed
        self._bars.update(bar, total=total or 1, completed=total or 1, summary=summary)
