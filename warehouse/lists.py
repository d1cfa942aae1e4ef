"""Drill-down lists: the overdue dossiers and tasks behind the indicators.

The only reads of raw facts, always scoped and bounded by a row limit (DESIGN decision 2).
"""
from __future__ import annotations

from datetime import date, datetime, time
from typing import Iterable

import pandas as pd

from warehouse.db import read_sql
from warehouse.snapshots import Reader

MAX_ROWS = 10_000


def _run(name: str, as_of: date, scope, unit, limit: int, reader: Reader) -> pd.DataFrame:
    sql = read_sql(f"queries/{name}")
    params = {
        "as_of": as_of,
        "as_of_end": datetime.combine(as_of, time(23, 59, 59)),
        "all_units": scope is None,
        "scope": sorted(scope or ()),
        "unit": unit,
        "limit": max(0, min(limit, MAX_ROWS)),
    }
    return reader.frame(sql, params)


def overdue_dossiers(as_of: date, *, reader: Reader, scope: Iterable[str] | None = None,
                     unit: str | None = None, limit: int = 100) -> pd.DataFrame:
    """Open dossiers overdue at the end of ``as_of``, with working days overdue."""
    return _run("overdue_dossiers", as_of, scope, unit, limit, reader)


def overdue_tasks(as_of: date, *, reader: Reader, scope: Iterable[str] | None = None,
                  unit: str | None = None, limit: int = 100) -> pd.DataFrame:
    """Tasks overdue as of ``as_of``, with working days overdue."""
    return _run("overdue_tasks", as_of, scope, unit, limit, reader)
