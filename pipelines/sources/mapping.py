"""Native rows onto the canonical record: rename by the source's column map, translate
native codes by its value map. An unknown code is passed on unchanged so the validator
quarantines it with the value in its reason, instead of it vanishing here."""
from __future__ import annotations

import pandas as pd

from pipelines.files import ROW_COLUMN, SOURCE_COLUMN, header_key
from pipelines.records import DATASETS


def to_canonical(native: pd.DataFrame, source, first_row: int, label: str) -> pd.DataFrame:
    """``native`` has one column per mapped native name (dotted paths already resolved)."""
    dataset = DATASETS[source.dataset]
    columns = {}
    for name in dataset.column_names:
        if name not in source.columns:
            columns[name] = pd.Series([None] * len(native), index=native.index, dtype=object)
            continue
        columns[name] = translate(native[source.columns[name]], source.values.get(name))
    frame = pd.DataFrame(columns, index=native.index).reset_index(drop=True)
    frame[ROW_COLUMN] = range(first_row, first_row + len(frame))
    frame[SOURCE_COLUMN] = label
    return frame


def translate(values: pd.Series, codes: dict[str, str] | None) -> pd.Series:
    """Native codes to canonical ones, compared as NFC, case-folded, spaces collapsed."""
    if not codes:
        return values
    lookup = {header_key(k): v for k, v in codes.items()}
    table = {u: lookup[header_key(u)] for u in pd.unique(values.dropna()) if header_key(u) in lookup}
    mapped = values.map(table)  # few distinct codes: one dict lookup a row
    return mapped.where(mapped.notna(), values)
