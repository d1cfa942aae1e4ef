"""What the run log says: last runs, and quarantined rows per dataset."""
from __future__ import annotations

import pandas as pd

from warehouse.db import read_sql


def last_runs(con, limit: int = 20) -> pd.DataFrame:
    return con.execute(read_sql("queries/last_runs"), {"limit": limit}).df()


def quarantine_counts(con) -> pd.DataFrame:
    return con.execute(read_sql("queries/quarantine_counts")).df()
