"""The comparison period of DOMAIN.md (Time and calendar): cùng kỳ for calendar-aligned
periods, the same length before for any other."""
from __future__ import annotations

from datetime import date

import pytest

from warehouse.periods import Period


def _p(a: str, b: str) -> Period:
    return Period(date.fromisoformat(a), date.fromisoformat(b))


@pytest.mark.parametrize(("period", "previous"), [
    (_p("2026-12-01", "2026-12-02"), _p("2026-11-01", "2026-11-02")),  # the 2nd: two days of each month
    (_p("2026-12-01", "2026-12-01"), _p("2026-11-01", "2026-11-01")),  # the 1st: a one-day month
    (_p("2026-02-01", "2026-02-28"), _p("2026-01-01", "2026-01-31")),  # a whole month: the whole one before
    (_p("2026-03-01", "2026-03-31"), _p("2026-02-01", "2026-02-28")),
    (_p("2026-03-01", "2026-03-30"), _p("2026-02-01", "2026-02-28")),  # 30/02 does not exist: its last day
    (_p("2024-03-01", "2024-03-30"), _p("2024-02-01", "2024-02-29")),  # a leap year
    (_p("2026-04-01", "2026-05-10"), _p("2026-01-01", "2026-02-10")),  # within a quarter
    (_p("2026-04-01", "2026-06-30"), _p("2026-01-01", "2026-03-31")),  # a whole quarter
    (_p("2026-01-01", "2026-11-20"), _p("2025-01-01", "2025-11-20")),  # the year to date
    (_p("2026-01-01", "2026-12-31"), _p("2025-01-01", "2025-12-31")),
    (_p("2026-11-11", "2026-11-20"), _p("2026-11-01", "2026-11-10")),  # a custom 10 days
    (_p("2026-11-16", "2026-11-22"), _p("2026-11-09", "2026-11-15")),  # an ISO week
    (_p("2026-05-31", "2026-06-01"), _p("2026-05-29", "2026-05-30")),  # across a month's end
])
def test_the_comparison_period(period, previous):
    assert period.previous() == previous
