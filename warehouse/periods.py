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
        """The comparison period (DOMAIN.md, Time and calendar): a calendar-aligned period
        is compared with the same span of the previous month, quarter or year (cùng kỳ),
        the whole previous one when it is whole; any other with the period of the same
        length just before it."""
        months = self.aligned_to()
        if months is None:
            return Period(self.start - timedelta(days=self.days), self.start - timedelta(days=1))
        start = _add_months(self.start, -months)
        container_end = _add_months(self.start, months) - timedelta(days=1)
        if self.end == container_end:
            return Period(start, self.start - timedelta(days=1))
        return Period(start, _add_months(self.end, -months))

    def aligned_to(self) -> int | None:
        """The length in months of the smallest month, quarter or year that starts on this
        period's first day and holds its last day; None when there is none."""
        for months in (1, 3, 12):
            starts = self.start.day == 1 and (self.start.month - 1) % months == 0
            if starts and self.end < _add_months(self.start, months):
                return months
        return None


def _add_months(day: date, months: int) -> date:
    """The same day ``months`` later (earlier when negative), or the last day of that month
    when it is shorter (31/03 less one month is 28/02)."""
    year, month = divmod(day.month - 1 + months, 12)
    first = date(day.year + year, month + 1, 1)
    last = _next_month(first) - timedelta(days=1)
    return first.replace(day=min(day.day, last.day))


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
