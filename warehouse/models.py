"""Models rebuilt in the writer before every publish: the calendar and derived tables."""
from __future__ import annotations

import duckdb

from warehouse.calendar import WorkCalendar
from warehouse.db import read_sql

MODELS = ("unit_rollup", "dossier_deadline")


def rebuild(con: duckdb.DuckDBPyConnection, settings) -> None:
    calendar = WorkCalendar.from_config(settings.config_dir)
    frame = calendar.frame()
    con.execute("delete from calendar_day")
    con.execute("insert into calendar_day select * from frame")
    for name in MODELS:
        con.execute(read_sql(f"models/{name}"))
