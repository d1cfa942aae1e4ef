"""Vietnam's working-day calendar: deadlines are counted in working days.

Working days are Monday to Friday, minus public holidays (``holidays``, country VN),
minus extra days off, plus compensatory working days (both from ``config/calendar.toml``).
"""
from __future__ import annotations

import tomllib
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import holidays
import numpy as np
import pandas as pd

FIRST_YEAR = 2015


@dataclass(frozen=True)
class Overrides:
    extra_days_off: frozenset[date]
    working_days: frozenset[date]

    @classmethod
    def from_file(cls, path: Path) -> Overrides:
        if not path.exists():
            return cls(frozenset(), frozenset())
        data = tomllib.loads(path.read_text(encoding="utf-8"))
        try:
            return cls(
                frozenset(date.fromisoformat(str(d)) for d in data.get("extra_days_off", [])),
                frozenset(date.fromisoformat(str(d)) for d in data.get("working_days", [])),
            )
        except ValueError as exc:
            raise ValueError(f"{path}: {exc}") from None


class WorkCalendar:
    """Working days over a fixed range of years, with an index for fast arithmetic.

    ``work_index[d]`` is the number of working days from the first day up to and
    including ``d``, so "the N-th working day after d" is the working day whose index
    is ``work_index[d] + N``: one array lookup, vectorised over millions of dossiers.
    """

    def __init__(self, first_year: int, last_year: int, overrides: Overrides):
        self.first = np.datetime64(f"{first_year}-01-01", "D")
        self.days = np.arange(self.first, np.datetime64(f"{last_year + 1}-01-01", "D"))
        vn = holidays.country_holidays("VN", years=range(first_year, last_year + 1))
        self.holiday_names = {np.datetime64(d, "D"): name for d, name in vn.items()}
        weekday = (self.days.astype("int64") + 3) % 7  # 1970-01-01 was a Thursday (3)
        working = weekday < 5
        off = set(self.holiday_names) | {np.datetime64(d, "D") for d in overrides.extra_days_off}
        worked = {np.datetime64(d, "D") for d in overrides.working_days}
        for i, day in enumerate(self.days):
            if day in worked:
                working[i] = True
            elif day in off:
                working[i] = False
        self.is_working = working
        self.work_index = np.cumsum(working)
        self.working_days = self.days[working]

    @classmethod
    def from_config(cls, config_dir: Path, last_year: int | None = None) -> WorkCalendar:
        last = last_year or date.today().year + 2
        return cls(FIRST_YEAR, last, Overrides.from_file(Path(config_dir) / "calendar.toml"))

    def _pos(self, days) -> np.ndarray:
        pos = (np.asarray(days, dtype="datetime64[D]") - self.first).astype("int64")
        if pos.size and (pos.min() < 0 or pos.max() >= len(self.days)):
            raise ValueError("date outside the working-day calendar's range")
        return pos

    def add_working_days(self, days, n) -> np.ndarray:
        """The N-th working day after each day (the day itself when N is 0)."""
        days = np.asarray(days, dtype="datetime64[D]")
        n = np.asarray(n, dtype="int64")
        target = self.work_index[self._pos(days)] + n
        result = self.working_days[np.clip(target - 1, 0, len(self.working_days) - 1)]
        return np.where(n == 0, days, result)

    def working_days_between(self, start, end) -> np.ndarray:
        """Working days after ``start`` up to and including ``end`` (0 when end <= start)."""
        diff = self.work_index[self._pos(end)] - self.work_index[self._pos(start)]
        return np.maximum(diff, 0)

    def frame(self) -> pd.DataFrame:
        """The calendar as the warehouse stores it (table ``calendar_day``)."""
        return pd.DataFrame(
            {
                "day": pd.to_datetime(self.days).date,
                "is_working": self.is_working,
                "work_index": self.work_index.astype("int32"),
                "holiday_name": [self.holiday_names.get(d) for d in self.days],
            }
        )
