"""What the run log says: last runs, source freshness, quarantined rows per dataset."""
from __future__ import annotations

from datetime import datetime

import pandas as pd

from warehouse import freshness
from warehouse.db import read_sql
from warehouse.snapshots import LOCAL_TZ


def last_runs(con, limit: int = 20) -> pd.DataFrame:
    return con.execute(read_sql("queries/last_runs"), {"limit": limit}).df()


def quarantine_counts(con) -> pd.DataFrame:
    return con.execute(read_sql("queries/quarantine_counts")).df()


def source_states(con) -> list[dict]:
    """Each source's last run and last success, with ``stale`` against its limit."""
    return freshness.mark_stale(freshness.records(con), datetime.now(LOCAL_TZ).replace(tzinfo=None))
