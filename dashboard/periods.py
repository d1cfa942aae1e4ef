"""Report periods chosen on screen (presets, the ``from``/``to`` URL parameters) and the ISO
weeks the weekly brief reports on."""
from __future__ import annotations

from datetime import date, timedelta

from warehouse.metrics import Period

EARLIEST = date(2000, 1, 1)


def this_month(today: date) -> Period:
    return Period(today.replace(day=1), today)


def last_month(today: date) -> Period:
    end = today.replace(day=1) - timedelta(days=1)
    return Period(end.replace(day=1), end)


def this_quarter(today: date) -> Period:
    return Period(date(today.year, 3 * ((today.month - 1) // 3) + 1, 1), today)


def this_year(today: date) -> Period:
    return Period(date(today.year, 1, 1), today)


def rolling_30d(today: date) -> Period:
    """The 30 days ending on the data date: a wall's default, never a one-day "month"."""
    return Period(today - timedelta(days=29), today)


PRESETS = {
    "rolling_30d": rolling_30d,
    "this_month": this_month,
    "last_month": last_month,
    "last_full_month": last_month,
    "this_quarter": this_quarter,
    "this_year": this_year,
}
CHIPS = ("this_month", "last_month", "rolling_30d", "this_quarter", "this_year")  # on the desk's filter bar


def months_back(end: date, count: int) -> Period:
    """The ``count`` calendar months ending with the month of ``end`` (for trends)."""
    year, month = end.year, end.month - count + 1
    while month < 1:
        year, month = year - 1, month + 12
    return Period(date(year, month, 1), end)


def from_query(query: dict, today: date) -> tuple[Period, str | None]:
    """The period in the URL, or this month with the reason the URL's one was refused."""
    if "from" not in query and "to" not in query:
        return this_month(today), None
    try:
        period = Period(date.fromisoformat(query["from"]), date.fromisoformat(query["to"]))
    except (KeyError, TypeError, ValueError) as exc:
        return this_month(today), str(exc)
    if period.start < EARLIEST or period.end > today + timedelta(days=366):
        return this_month(today), f"{period.start} – {period.end}"
    return period, None


def iso_week(label: str) -> Period:
    """``2026-W47`` as the Monday-to-Sunday period of that ISO week."""
    try:
        year, week = label.upper().split("-W")
        return Period(date.fromisocalendar(int(year), int(week), 1), date.fromisocalendar(int(year), int(week), 7))
    except ValueError:
        raise ValueError(f"{label!r} is not an ISO week such as 2026-W47") from None


def week_label(period: Period) -> str | None:
    """The ISO week a period is exactly, else None."""
    year, week, weekday = period.start.isocalendar()
    return f"{year}-W{week:02d}" if weekday == 1 and period.days == 7 else None


def previous_week(today: date) -> Period:
    """The last whole ISO week before ``today`` (what Monday's brief reports on)."""
    monday = today - timedelta(days=today.isoweekday() - 1)
    return Period(monday - timedelta(days=7), monday - timedelta(days=1))
