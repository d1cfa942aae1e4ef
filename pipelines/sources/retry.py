"""Trying again what may work the next time: the backoff of every source that reaches over
a network (the HTTP source's pages, the SQL source's connection).

An attempt that fails in a way worth another try raises ``TryAgain`` with the problem;
anything else it raises ends the tries at once. Between tries the wait doubles from the
source's ``backoff_seconds`` up to its ``max_backoff_seconds`` (or is what the other side
asked for, a 429's ``Retry-After``, within the same cap); after ``retries`` more tries the
source is unavailable, the last problem named.
"""
from __future__ import annotations

import time
from collections.abc import Callable
from typing import TypeVar

from pipelines.sources.batch import SourceUnavailable

T = TypeVar("T")


class TryAgain(Exception):
    """The attempt failed, and the next one may not: ``problem`` says how; ``after`` is a
    wait the other side asked for (seconds), else the backoff's."""

    def __init__(self, problem: str, after: float | None = None):
        super().__init__(problem)
        self.problem = problem
        self.after = after


def pause(seconds: float) -> None:
    time.sleep(seconds)


def with_backoff(attempt: Callable[[], T], source, what: str, sleep: Callable[[float], None] | None = None) -> T:
    """``attempt()``'s result, trying up to ``source.retries + 1`` times; else
    ``SourceUnavailable("<what> failed after N attempts: <the last problem>")``."""
    problem = ""
    for number in range(source.retries + 1):
        wait = min(source.backoff_seconds * 2 ** number, source.max_backoff_seconds)
        try:
            return attempt()
        except TryAgain as exc:
            problem = exc.problem
            if exc.after is not None:
                wait = min(exc.after, source.max_backoff_seconds)
        if number < source.retries:
            (sleep or pause)(wait)
    raise SourceUnavailable(f"{what} failed after {source.retries + 1} attempts: {problem}")
