"""The expected disbursement rate on each day of a fiscal year, per budget category.

``config/targets.toml`` gives, per category, the expected share of the year's plan at the
end of each month, or only at the year's end; the path is a straight line between those
points, starting from 0 on 1 January. Default: 95% on 31 December.
"""
from __future__ import annotations

import tomllib
from datetime import date, timedelta
from pathlib import Path

import numpy as np
import pandas as pd

from warehouse.domain import BUDGET_CATEGORIES

DEFAULT_YEAR_END = 0.95


def _month_ends(year: int) -> list[date]:
    return [(date(year, m, 28) + timedelta(days=4)).replace(day=1) - timedelta(days=1) for m in range(1, 13)]


def load_paths(config_dir: Path) -> dict[str, dict]:
    path = Path(config_dir) / "targets.toml"
    data = tomllib.loads(path.read_text(encoding="utf-8")) if path.exists() else {}
    paths = {}
    for category in BUDGET_CATEGORIES:
        entry = data.get(category, {})
        month_end = entry.get("month_end")
        if month_end is not None and (len(month_end) != 12 or any(not 0 <= v <= 2 for v in month_end)):
            raise ValueError(f"{path}: [{category}] month_end needs 12 shares between 0 and 2")
        paths[category] = {"year_end": float(entry.get("year_end", DEFAULT_YEAR_END)), "month_end": month_end}
    return paths


def target_frame(config_dir: Path, years: range) -> pd.DataFrame:
    """One row per category and day of the given years: (category, day, target)."""
    frames = []
    for category, path in load_paths(config_dir).items():
        for year in years:
            first, last = date(year, 1, 1), date(year, 12, 31)
            days = pd.date_range(first, last, freq="D")
            offset = (days - pd.Timestamp(first)).days.to_numpy()
            if path["month_end"] is None:
                target = path["year_end"] * offset / (last - first).days
            else:
                points = [0] + [(d - first).days for d in _month_ends(year)]
                target = np.interp(offset, points, [0.0] + list(path["month_end"]))
            frames.append(pd.DataFrame({"category": category, "day": days.date, "target": target}))
    return pd.concat(frames, ignore_index=True)
