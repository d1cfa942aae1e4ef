"""Progress bars for pipeline runs: rows read, rate and time left, one bar per source."""
from __future__ import annotations

from rich.progress import (BarColumn, MofNCompleteColumn, Progress, ProgressColumn, TextColumn,
                           TimeElapsedColumn, TimeRemainingColumn)
from rich.text import Text


class RateColumn(ProgressColumn):
    def render(self, task) -> Text:
        return Text(f"{task.speed:,.0f}/s" if task.speed else "", style="cyan")


class RunProgress:
    """What the runner reports into: a source starts, learns its size, advances, ends."""

    def __init__(self, enabled: bool = True, console=None):
        self.bars = Progress(TextColumn("{task.description:<18}"), BarColumn(), MofNCompleteColumn(),
                             RateColumn(), TimeElapsedColumn(), TimeRemainingColumn(),
                             disable=not enabled, console=console)

    def __enter__(self):
        self.bars.start()
        return self

    def __exit__(self, *exc):
        self.bars.stop()

    def start(self, name: str):
        return self.bars.add_task(name, total=None)

    def total(self, task, rows: int) -> None:
        self.bars.update(task, total=rows)

    def advance(self, task, rows: int) -> None:
        self.bars.advance(task, rows)

    def finish(self, task) -> None:
        done = self.bars.tasks[task].completed if task in self.bars.task_ids else 0
        self.bars.update(task, total=done, completed=done)
