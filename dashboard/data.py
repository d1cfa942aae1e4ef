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
    """The single total row of a metric as a dict (value is None when there is no data)."""
    row = metric(name, period, as_of=as_of).iloc[0]
    value = None if pd.isna(row["value"]) else float(row["value"])
    return {"value": value, "numerator": int(row["numerator"]), "denominator": int(row["denominator"])}
