"""Report periods and the time buckets a period is cut into (DOMAIN.md, "Time and calendar").

Weeks are ISO weeks; the Government reporting month runs from the 15th of the previous
month to the 14th and is named after the month it ends in.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

TIME_GRAINS = ("day", "week", "month", "quarter", "year", "gov_month")


@dataclass(frozen=True)
class Period:
    """Local dates, both included: from the start of ``start`` to the end of ``end``."""

    start: date
    end: date

    def __post_init__(self):
        if self.end < self.start:
            raise ValueError(f"period ends ({self.end}) before it starts ({self.start})")

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1

    def previous(self) -> Period:
        """The period of the same length just before this one."""
        return Period(self.start - timedelta(days=self.days), self.start - timedelta(days=1))


def _month_start(day: date) -> date:
    return day.replace(day=1)


def _next_month(day: date) -> date:
    return (day.replace(day=28) + timedelta(days=4)).replace(day=1)


def bucket_of(day: date, grain: str) -> tuple[str, date, date]:
    """The bucket that holds ``day``: its label, first and last day."""
    if grain == "day":
        return day.isoformat(), day, day
    if grain == "week":
        year, week, weekday = day.isocalendar()
        first = day - timedelta(days=weekday - 1)
        return f"{year}-W{week:02d}", first, first + timedelta(days=6)
    if grain == "month":
        first = _month_start(day)
        return f"{day:%Y-%m}", first, _next_month(first) - timedelta(days=1)
    if grain == "quarter":
        quarter = (day.month - 1) // 3 + 1
        first = date(day.year, 3 * quarter - 2, 1)
        last = _next_month(date(day.year, 3 * quarter, 1)) - timedelta(days=1)
        return f"{day.year}-Q{quarter}", first, last
    if grain == "year":
        return str(day.year), date(day.year, 1, 1), date(day.year, 12, 31)
    if grain == "gov_month":
        ends_in = _next_month(day) if day.day >= 15 else _month_start(day)
        first = (ends_in - timedelta(days=1)).replace(day=15)
        return f"{ends_in:%Y-%m}", first, ends_in.replace(day=14)
    raise ValueError(f"unknown time grain {grain!r}; known: {', '.join(TIME_GRAINS)}")


def buckets(period: Period, grain: str | None) -> list[tuple[str | None, date, date]]:
    """The period cut into buckets of ``grain``, the first and last clipped to the period."""
    if grain is None:
        return [(None, period.start, period.end)]
    result = []
    day = period.start
    while day <= period.end:
        label, first, last = bucket_of(day, grain)
        result.append((label, max(first, period.start), min(last, period.end)))
        day = last + timedelta(days=1)
    return result
