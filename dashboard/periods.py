"""Report periods chosen on screen: presets and the ``from``/``to`` URL parameters."""
from __future__ import annotations

from datetime import date, timedelta

from warehouse.metrics import Period


def this_month(today: date) -> Period:
    return Period(today.replace(day=1), today)


def last_month(today: date) -> Period:
    end = today.replace(day=1) - timedelta(days=1)
    return Period(end.replace(day=1), end)


def this_quarter(today: date) -> Period:
    return Period(date(today.year, 3 * ((today.month - 1) // 3) + 1, 1), today)


def this_year(today: date) -> Period:
    return Period(date(today.year, 1, 1), today)


PRESETS = {
    "period.this_month": this_month,
    "period.last_month": last_month,
    "period.this_quarter": this_quarter,
    "period.this_year": this_year,
}


def from_query(query: dict, today: date) -> tuple[Period, str | None]:
    """The period in the URL, or this month with the reason the URL's one was refused."""
    if "from" not in query and "to" not in query:
        return this_month(today), None
    try:
        return Period(date.fromisoformat(query["from"]), date.fromisoformat(query["to"])), None
    except (KeyError, TypeError, ValueError) as exc:
        return this_month(today), str(exc)


def to_query(period: Period) -> str:
    return f"?from={period.start.isoformat()}&to={period.end.isoformat()}"
