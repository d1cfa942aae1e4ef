"""The dashboard's only way to numbers: metrics by name, with the request's reader and scope."""
from __future__ import annotations

from datetime import date

import pandas as pd

from dashboard import context
from warehouse.metrics import Period, query


def metric(name: str, period: Period, *, as_of: date | None = None, by=(), **options) -> pd.DataFrame:
    return query(name, period, scope=context.scope(), by=by, as_of=as_of,
                 reader=context.reader(), **options)


def total(name: str, period: Period, *, as_of: date | None = None) -> dict:
    """The single total row of a metric as a dict (None where there is no data)."""
    row = metric(name, period, as_of=as_of).iloc[0]
    return {key: (None if pd.isna(row[key]) else row[key].item() if hasattr(row[key], "item") else row[key])
            for key in row.index if key != "unit_code"}
