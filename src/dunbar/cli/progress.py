"""A Rich progress bar for library calls that take a ``progress(step, done, total)`` callback."""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from dunbar.cli.render import console

__all__ = ["interactive", "progress_bar"]


@contextmanager
def progress_bar(enabled: bool) -> Iterator[Callable[[str, int, int], None] | None]:
    """A transient bar on a terminal, shown from the first report on; None when disabled."""
    if not enabled:
        yield None
        return
    from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn

    bar = Progress(
        TextColumn("{task.description}"), BarColumn(), TimeElapsedColumn(), transient=True
    )
    task: list[Any] = []

    def report(step: str, done_: int, total: int) -> None:
        if not task:
            bar.start()
            task.append(bar.add_task(step, total=total))
        bar.update(task[0], completed=done_, total=total, description=step.capitalize())

    try:
        yield report
    finally:
        if task:
            bar.stop()


def interactive(as_json: bool) -> bool:
    """Whether to draw progress: a terminal, and not machine output."""
    return not as_json and sys.stderr.isatty() and console().is_terminal
