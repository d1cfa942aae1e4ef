"""The demo's time: its two-year window, office hours, and the Tết period around each
Lunar New Year (from the working-day calendar's holidays, so it moves with the year)."""
from __future__ import annotations

from datetime import date

import numpy as np

from warehouse.calendar import WorkCalendar

WINDOW_DAYS = 730
TET_MARGIN = np.timedelta64(7, "D")  # Tết slows work from a week before to a week after
MORNING = (7 * 3600 + 1800, 11 * 3600 + 1800)  # 07:30-11:30
AFTERNOON = (13 * 3600 + 1800, 17 * 3600)  # 13:30-17:00


def window(today: date) -> np.ndarray:
    """The days covered by the demo data: the two years ending at ``today``."""
    last = np.datetime64(today, "D")
    return np.arange(last - (WINDOW_DAYS - 1), last + 1)


def office_seconds(rng: np.random.Generator, n: int) -> np.ndarray:
    """Random moments within office hours, as seconds after midnight."""
    morning = rng.random(n) < 0.6
    low = np.where(morning, MORNING[0], AFTERNOON[0])
    high = np.where(morning, MORNING[1], AFTERNOON[1])
    return (low + rng.random(n) * (high - low)).astype(np.int64).astype("timedelta64[s]")


def not_after(rng: np.random.Generator, moments: np.ndarray, end: np.datetime64) -> np.ndarray:
    """``moments`` (datetime64[s]) with those later than ``end`` moved to a random moment of
    ``end``'s day before it: when the demo's last day is today, it stops at the generation
    time, and nothing may happen later than that (no draw when nothing is later)."""
    late = np.flatnonzero(moments > end)
    if not len(late):
        return moments
    day_start = end.astype("datetime64[D]").astype("datetime64[s]")
    elapsed = (end - day_start).astype(np.int64)
    moved = moments.copy()
    moved[late] = day_start + (rng.random(len(late)) * elapsed).astype(np.int64).astype("timedelta64[s]")
    return moved


def is_working(calendar: WorkCalendar, days: np.ndarray) -> np.ndarray:
    return calendar.working_days_between(days - 1, days) == 1


def tet_holidays(calendar: WorkCalendar) -> np.ndarray:
    """The Tết holidays: the calendar's holidays from 15 January to 28 February (Lunar New
    Year falls between 21 January and 20 February; New Year's Day, even observed, is before)."""
    holidays = np.array(sorted(calendar.holiday_names), dtype="datetime64[D]")
    day_of_year = (holidays - holidays.astype("datetime64[Y]")).astype(np.int64)
    return holidays[(day_of_year >= 14) & (day_of_year < 59)]


def near_tet(calendar: WorkCalendar, days: np.ndarray) -> np.ndarray:
    """Which days fall in the slow period: the Tết holidays give or take a week."""
    tet = tet_holidays(calendar)
    years = tet.astype("datetime64[Y]")
    starts = np.array([tet[years == y].min() for y in np.unique(years)]) - TET_MARGIN
    ends = np.array([tet[years == y].max() for y in np.unique(years)]) + TET_MARGIN
    slot = np.searchsorted(starts, days, side="right") - 1
    return (slot >= 0) & (days <= ends[np.clip(slot, 0, None)])
