"""Validation of one delivery against the rules of DOMAIN.md.

A row that breaks a rule is set aside with every reason it breaks; the others are typed
and returned for loading. Nothing is dropped silently: good + bad = rows read.

Each column is typed by ``pipelines.columns`` (a bad cell gets its reason there); the
rules here are the record's: required values, values the table's columns hold (their SQL
types, as the warehouse reports them in ``known["column_types"]``), references to known
units and procedures, duplicate keys in the delivery (compared as values: NFC text, parsed
dates, canonical enum words, so two spellings of one key are one key, as the table's
primary key sees them), status against ``finished_at``, dates in order (a dossier is
neither finished nor sent back for a supplement before it was received) and successor
cycles.
"""
from __future__ import annotations

import json
import re
from dataclasses import dataclass

import numpy as np
import pandas as pd

from pipelines import parse
from pipelines.columns import Parsed, as_series, out_of_range, parse_column
from pipelines.files import ROW_COLUMN, SOURCE_COLUMN
from pipelines.records import Dataset
from warehouse.domain import CLOSED_STATUSES, OPEN_STATUSES

REFERENCE_LABEL = {"units": "unit", "procedures": "procedure"}


@dataclass
class Validated:
    good: pd.DataFrame  # the dataset's columns, typed
    bad: pd.DataFrame  # source, row_number, reason, record (the raw row as JSON)


# ---------------------------------------------------------------------------------------
# Rules across columns and rows
# ---------------------------------------------------------------------------------------

def _add(reasons: dict[int, list[str]], positions, messages) -> None:
    positions = np.asarray(positions).tolist()
    if isinstance(messages, str):
        for pos in positions:
            reasons.setdefault(pos, []).append(messages)
    else:
        for pos, message in zip(positions, messages):
            reasons.setdefault(pos, []).append(message)


def _check_references(dataset, typed, known, reasons) -> None:
    own_keys = set(typed[dataset.keys[0]].values.tolist()) if len(dataset.keys) == 1 else set()
    for col in dataset.columns:
        if not col.references:
            continue
        allowed = known.get(col.references, set())
        if col.references == dataset.name:
            allowed = set(allowed) | own_keys
        label = REFERENCE_LABEL[col.references]
        codes = typed[col.name].values  # text: None where missing
        present = ~typed[col.name].missing if col.kind == "text" else ~pd.isna(codes)
        unknown = present & ~pd.Series(codes, dtype=object).isin(list(allowed)).to_numpy()
        positions = np.flatnonzero(unknown)
        _add(reasons, positions, (f"{col.name}: unknown {label} '{code}'" for code in codes[positions]))


def _key_text(col, value) -> str:
    """A key's value as a reason shows it: dates as 2026-03-31, times to the second."""
    if col.kind == "date":
        return str(np.datetime64(value, "D"))
    if col.kind == "timestamp":
        return str(pd.Timestamp(value))
    return parse.as_text(value.item() if isinstance(value, np.generic) else value)


def _key_frame(dataset: Dataset, typed: dict[str, Parsed]) -> tuple[pd.DataFrame, np.ndarray]:
    """The keys as the table will hold them, and which rows have every key part (a missing
    or bad part is reported as such, never as a duplicate)."""
    keys = pd.DataFrame({key: typed[key].values for key in dataset.keys})
    usable = np.ones(len(keys), bool)
    for key in dataset.keys:
        usable &= ~typed[key].missing
        if typed[key].errors:
            usable[list(typed[key].errors)] = False
    return keys, usable


def key_values(frame: pd.DataFrame, dataset: Dataset) -> list[tuple | None]:
    """Each row's key as the table will hold it (None for a row missing a part or with a bad
    one): what tells two rows for the same record apart, however each was spelt."""
    typed = {key: parse_column(next(c for c in dataset.columns if c.name == key), frame[key])
             for key in dataset.keys}
    keys, usable = _key_frame(dataset, typed)
    return [key if ok else None for key, ok in zip(keys.itertuples(index=False, name=None), usable.tolist())]


def _check_duplicates(frame: pd.DataFrame, dataset: Dataset, typed, reasons) -> None:
    keys, usable = _key_frame(dataset, typed)
    duplicated = np.zeros(len(keys), bool)  # among rows with a whole key only: the others hold defaults
    duplicated[usable] = keys[usable].duplicated(keep=False).to_numpy()
    candidates = np.flatnonzero(duplicated)
    if not len(candidates):
        return
    rows = frame.iloc[candidates]
    places: dict[tuple, list[int]] = {}
    for pos, key in zip(candidates.tolist(), keys.iloc[candidates].itertuples(index=False, name=None)):
        places.setdefault(key, []).append(pos)
    where_of = dict(zip(candidates.tolist(), (
        f"{source}:{row}" for source, row in zip(rows[SOURCE_COLUMN].tolist(), rows[ROW_COLUMN].to_numpy()))))
    columns = {c.name: c for c in dataset.columns}
    for key, positions in places.items():
        if len(positions) < 2:
            continue
        where = ", ".join(where_of[pos] for pos in positions)
        label = ", ".join(f"{k}={_key_text(columns[k], v)}" for k, v in zip(dataset.keys, key))
        _add(reasons, positions, f"duplicate key ({label}) in this delivery: rows {where}")


def _dossier_rules(typed, reasons, known) -> None:
    status = pd.Series(typed["status"].values, dtype=object)
    received, finished = typed["received_at"].values, typed["finished_at"].values
    _add(reasons, np.flatnonzero(finished < received), "finished_at is before received_at")
    requested = typed["supplement_requested_at"].values
    _add(reasons, np.flatnonzero(requested < received), "supplement_requested_at is before received_at")
    has_finished = ~np.isnat(finished)
    opened = status.isin(OPEN_STATUSES).to_numpy() & has_finished
    closed = status.isin(CLOSED_STATUSES).to_numpy() & ~has_finished
    positions = np.flatnonzero(opened | closed)
    _add(reasons, positions, (
        f"status '{s}' disagrees with finished_at: an open dossier has no finished_at" if is_open
        else f"status '{s}' disagrees with finished_at: a closed dossier needs finished_at"
        for s, is_open in zip(status.to_numpy()[positions], opened[positions])))


def _task_rules(typed, reasons, known) -> None:
    completed, assigned = typed["completed_on"].values, typed["assigned_on"].values
    _add(reasons, np.flatnonzero(completed < assigned), "completed_on is before assigned_on")
    allowed = known.get("units", set())
    for pos, text in enumerate(typed["coordinating_units"].values.tolist()):
        if not text:
            continue
        unknown = [code for code in split_codes(text) if code not in allowed]
        if unknown:
            _add(reasons, [pos], f"coordinating_units: unknown unit {', '.join(repr(c) for c in unknown)}")


def split_codes(text: str | None) -> list[str]:
    """The unit codes of a ``coordinating_units`` cell (``;``-separated, blanks dropped)."""
    return [code.strip() for code in (text or "").split(";") if code.strip()]


EMAIL = re.compile(r"^[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+@[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?"
                   r"(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)+$")


def _unit_rules(typed, reasons, known) -> None:
    _successor_cycles(typed, known.get("unit_successors", {}), reasons)
    for pos, text in enumerate(typed["contact_email"].values.tolist()):
        if text and not EMAIL.match(text):
            _add(reasons, [pos], f"contact_email: not an e-mail address '{text}'")


def _successor_cycles(typed, known_successors: dict[str, str | None], reasons) -> None:
    """A unit whose successor chain comes back to itself cannot be rolled up."""
    codes = typed["unit_code"].values.tolist()
    successors = dict(known_successors)
    successors.update(zip(codes, typed["successor_code"].values.tolist()))
    for i, code in enumerate(codes):
        if code is None:  # no unit_code: reported as missing, no chain to follow
            continue
        chain, current = [code], successors.get(code)
        while current is not None and current not in chain:
            chain.append(current)
            current = successors.get(current)
        if current is not None:
            _add(reasons, [i], "successor cycle: " + " → ".join(chain + [current]))


ROW_RULES = {"dossiers": _dossier_rules, "tasks": _task_rules, "units": _unit_rules}


# ---------------------------------------------------------------------------------------
# The delivery
# ---------------------------------------------------------------------------------------

def _json_value(value):
    """A raw cell as JSON: text as it came, numbers and booleans as such, missing as null,
    anything else (datetimes, Decimals...) as its str()."""
    if value is None or isinstance(value, str):
        return value
    if isinstance(value, (bool, np.bool_)):
        return bool(value)
    if parse.is_missing(value):
        return None
    if isinstance(value, (int, np.integer)):
        return int(value)
    if isinstance(value, (float, np.floating)) and np.isfinite(value):
        return float(value)
    return str(value)


def _storable(text: str) -> str:
    """Text the quarantine can hold: a lone surrogate a reason or record quotes is escaped."""
    try:
        text.encode("utf-8")
        return text
    except UnicodeEncodeError:
        return text.encode("utf-8", "backslashreplace").decode("utf-8")


def _record(row: dict) -> str:
    values = {k: _json_value(v) for k, v in row.items()}
    return json.dumps({k: _storable(v) if isinstance(v, str) else v for k, v in values.items()}, ensure_ascii=False)


def validate(frame: pd.DataFrame, dataset: Dataset, known: dict) -> Validated:
    """Check every rule; ``known`` holds stored codes per dataset, ``unit_successors`` and
    the SQL type of each of the dataset's columns in its table (``column_types``)."""
    reasons: dict[int, list[str]] = {}  # row position -> reasons; most rows have none
    typed: dict[str, Parsed] = {}
    for col in dataset.columns:
        parsed = typed[col.name] = parse_column(col, frame[col.name])
        if col.required:
            _add(reasons, np.flatnonzero(parsed.missing), f"missing required value: {col.name}")
        for pos in sorted(parsed.errors):
            reasons.setdefault(pos, []).append(parsed.errors[pos])
    types = known.get("column_types") or {}
    for col in dataset.columns:
        for pos, reason in out_of_range(col, typed[col.name], types.get(col.name)).items():
            reasons.setdefault(pos, []).append(reason)
    _check_references(dataset, typed, known, reasons)
    _check_duplicates(frame, dataset, typed, reasons)
    if dataset.name in ROW_RULES:
        ROW_RULES[dataset.name](typed, reasons, known)

    bad_rows = np.array(sorted(reasons), dtype=np.int64)
    keep = np.ones(len(frame), bool)
    keep[bad_rows] = False
    good = pd.DataFrame({col.name: as_series(col, typed[col.name].values[keep]) for col in dataset.columns})
    raw = frame.iloc[bad_rows]
    bad = pd.DataFrame({
        "source": raw[SOURCE_COLUMN].tolist(),
        "row_number": raw[ROW_COLUMN].astype("int64").tolist(),
        "reason": [_storable("; ".join(reasons[pos])) for pos in bad_rows.tolist()],
        "record": [_record(rec) for rec in raw[list(dataset.column_names)].to_dict("records")],
    })
    return Validated(good, bad)
