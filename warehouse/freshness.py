"""How fresh each source is, readable without the writer database.

The pipelines rewrite ``warehouse/sources.json`` after every run, successful or not, so
the screens can raise the stale-data alarm even when a failing source published nothing.
"""
from __future__ import annotations

import json
import os
from datetime import datetime, timedelta

from warehouse.db import read_sql


def records(con) -> list[dict]:
    """The source states in the writer database, as JSON-ready records."""
    rows = con.execute(read_sql("queries/source_state")).df()
    return json.loads(rows.to_json(orient="records", date_format="iso"))


def export(con, settings) -> None:
    """Write the source states from the writer database (atomically)."""
    path = settings.warehouse_dir / "sources.json"
    partial = path.with_suffix(".partial")
    partial.write_text(json.dumps(records(con), ensure_ascii=False, indent=1), encoding="utf-8")
    os.replace(partial, path)


def read(settings, now: datetime) -> list[dict]:
    """Each source with ``stale``: no successful run within its freshness limit."""
    try:
        records = json.loads((settings.warehouse_dir / "sources.json").read_text(encoding="utf-8"))
    except FileNotFoundError:
        return []
    return mark_stale(records, now)


def mark_stale(records: list[dict], now: datetime) -> list[dict]:
    for record in records:
        success = record.get("last_success_at")
        limit = timedelta(minutes=record.get("freshness_minutes") or 0)
        record["stale"] = success is None or now - datetime.fromisoformat(success) > limit
    return records
