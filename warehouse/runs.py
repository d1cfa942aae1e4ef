"""The run log and the quarantine as a published snapshot holds them, for the screens.

What readers see is the state at the last publish (``pipelines status`` reads the writer
instead); each source's freshness comes live from ``sources.json`` (``warehouse.freshness``).
Every read is bounded by a row limit.
"""
from __future__ import annotations

import pandas as pd

from warehouse.db import read_sql
from warehouse.snapshots import Reader

MAX_RUNS = 500
MAX_QUARANTINED = 1_000


def last_runs(reader: Reader, limit: int = 50) -> pd.DataFrame:
    """The latest runs, newest first: rows read / loaded / unchanged / quarantined, status,
    error, and ``duration_s`` (None while a run is still running)."""
    runs = reader.frame(read_sql("queries/last_runs"), {"limit": max(0, min(limit, MAX_RUNS))})
    runs["duration_s"] = (runs["finished_at"] - runs["started_at"]).dt.total_seconds()
    return runs


def quarantine_counts(reader: Reader) -> pd.DataFrame:
    """Quarantined rows per dataset (a row quarantined again by a later run counts once),
    with the time of the latest."""
    return reader.frame(read_sql("queries/quarantine_counts"))


def quarantined_rows(reader: Reader, *, dataset: str | None = None, limit: int = 200) -> pd.DataFrame:
    """The latest quarantined rows, newest first, optionally of one dataset: source, row
    number, reason and the record as JSON text."""
    return reader.frame(read_sql("queries/quarantined_rows"),
                        {"dataset": dataset, "limit": max(0, min(limit, MAX_QUARANTINED))})
