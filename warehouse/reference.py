"""Reference lists the screens need beside the metrics: unit and procedure names, fields."""
from __future__ import annotations

import pandas as pd

from warehouse.db import read_sql
from warehouse.snapshots import Reader


def units(reader: Reader) -> pd.DataFrame:
    """Every unit: code, names, kind, the unit it rolls up to, and whether it exists today."""
    return reader.frame(read_sql("queries/units"))


def fields(reader: Reader) -> list[str]:
    """Procedure fields, the most common first."""
    return reader.frame(read_sql("queries/fields"))["field"].tolist()


def procedures(reader: Reader) -> pd.DataFrame:
    """Every procedure: code, names, field."""
    return reader.frame(read_sql("queries/procedures"))
