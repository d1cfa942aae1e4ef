"""Working days: Vietnamese holidays from `holidays`, overrides from config/calendar.toml."""
from __future__ import annotations

from datetime import date

import numpy as np

from config.settings import CONFIG_DIR
from warehouse.calendar import Overrides, WorkCalendar


def _add(cal, day, n):
    return cal.add_working_days(np.array([day], dtype="datetime64[D]"), np.array([n]))[0]


def test_deadline_across_tet_2026():
    cal = WorkCalendar.from_config(CONFIG_DIR, last_year=2027)
    # Thursday 12 Feb 2026 + 5 working days: Fri 13, then Tết 16-20 Feb is off, Mon 23 ... Thu 26
    assert _add(cal, "2026-02-12", 5) == np.datetime64("2026-02-26")
    assert _add(cal, "2026-02-12", 0) == np.datetime64("2026-02-12")


def test_compensatory_working_saturday_counts():
    cal = WorkCalendar.from_config(CONFIG_DIR, last_year=2027)
    # Friday 25 April 2025 + 1: Saturday 26 April 2025 was worked (for Friday 2 May)
    assert _add(cal, "2025-04-25", 1) == np.datetime64("2025-04-26")
    plain = WorkCalendar(2025, 2025, Overrides(frozenset(), frozenset()))
    assert _add(plain, "2025-04-25", 1) == np.datetime64("2025-04-28")


def test_extra_day_off_is_skipped():
    cal = WorkCalendar(2026, 2026, Overrides(frozenset({date(2026, 3, 2)}), frozenset()))
    assert _add(cal, "2026-02-27", 1) == np.datetime64("2026-03-03")


def test_working_days_between():
    cal = WorkCalendar.from_config(CONFIG_DIR, last_year=2027)
    days = cal.working_days_between(np.array(["2026-02-13"], dtype="datetime64[D]"),
                                    np.array(["2026-02-24"], dtype="datetime64[D]"))
    assert days[0] == 2  # Mon 23 and Tue 24; Tết week and the weekend do not count
