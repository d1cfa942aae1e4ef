"""Validation of one delivery against the rules of DOMAIN.md.

A row that breaks a rule is set aside with every reason it breaks; the others are typed
and returned for loading. Nothing is dropped silently: good + bad = rows read.
"""
from __future__ import annotations

import json
from collections import defaultdict
from dataclasses import dataclass

import pandas as pd

from pipelines import parse
from pipelines.files import ROW_COLUMN, SOURCE_COLUMN
from pipelines.records import CLOSED_STATUSES, OPEN_STATUSES, Column, Dataset

NUMERIC = {"int", "decimal", "amount"}
REFERENCE_LABEL = {"units": "unit", "procedures": "procedure"}
DTYPES = {"int": "Int64", "amount": "Int64", "decimal": "float64", "bool": "bool"}


@dataclass
class Validated:
    good: pd.DataFrame  # the dataset's columns, typed
    bad: pd.DataFrame  # source, row_number, reason, record (the raw row as JSON)


def _parse_column(col: Column, raws: list[str], reasons: list[list[str]]) -> list:
    values: list = [None] * len(raws)
    parser = parse.PARSERS.get(col.kind)
    default = 0 if col.kind in NUMERIC else (False if col.kind == "bool" else None)
    for i, raw in enumerate(raws):
        if raw == "":
            if col.required:
                reasons[i].append(f"missing required value: {col.name}")
            values[i] = default
            continue
        try:
            if col.kind == "enum":
                value = col.choices.get(raw.lower())
                if value is None:
                    expected = ", ".join(sorted(set(col.choices.values())))
                    raise parse.BadValue(f"unknown value '{raw}' (expected {expected})")
            else:
                value = parser(raw)
            if col.kind in NUMERIC and value < 0:
                what = "amount" if col.kind == "amount" else "value"
                raise parse.BadValue(f"negative {what} {raw}")
        except parse.BadValue as exc:
            reasons[i].append(f"{col.name}: {exc}")
            continue
        values[i] = value
    return values


def _check_references(dataset, typed, known, reasons) -> None:
    own_keys = set(typed[dataset.keys[0]]) if len(dataset.keys) == 1 else set()
    for col in dataset.columns:
        if not col.references:
            continue
        allowed = known.get(col.references, set())
        if col.references == dataset.name:
            allowed = allowed | own_keys
        label = REFERENCE_LABEL[col.references]
        for i, code in enumerate(typed[col.name]):
            if code is not None and code not in allowed:
                reasons[i].append(f"{col.name}: unknown {label} '{code}'")


def _check_duplicates(frame: pd.DataFrame, dataset: Dataset, reasons) -> None:
    keys = list(zip(*(frame[k].tolist() for k in dataset.keys)))
    places = defaultdict(list)
    for i, key in enumerate(keys):
        places[key].append(i)
    for key, rows in places.items():
        if len(rows) < 2 or any(part == "" for part in key):
            continue
        where = ", ".join(f"{frame[SOURCE_COLUMN].iat[r]}:{frame[ROW_COLUMN].iat[r]}" for r in rows)
        label = ", ".join(f"{k}={v}" for k, v in zip(dataset.keys, key))
        for r in rows:
            reasons[r].append(f"duplicate key ({label}) in this delivery: rows {where}")


def _dossier_rules(typed, reasons) -> None:
    for i, (status, received, finished) in enumerate(
        zip(typed["status"], typed["received_at"], typed["finished_at"])
    ):
        if received is not None and finished is not None and finished < received:
            reasons[i].append("finished_at is before received_at")
        if status in OPEN_STATUSES and finished is not None:
            reasons[i].append(f"status '{status}' disagrees with finished_at: an open dossier has no finished_at")
        if status in CLOSED_STATUSES and finished is None:
            reasons[i].append(f"status '{status}' disagrees with finished_at: a closed dossier needs finished_at")


def _task_rules(typed, reasons) -> None:
    for i, (assigned, completed) in enumerate(zip(typed["assigned_on"], typed["completed_on"])):
        if assigned is not None and completed is not None and completed < assigned:
            reasons[i].append("completed_on is before assigned_on")


def _successor_cycles(typed, known_successors: dict[str, str | None], reasons) -> None:
    """A unit whose successor chain comes back to itself cannot be rolled up."""
    successors = dict(known_successors)
    successors.update(zip(typed["unit_code"], typed["successor_code"]))
    for i, code in enumerate(typed["unit_code"]):
        chain, current = [code], successors.get(code)
        while current is not None and current not in chain:
            chain.append(current)
            current = successors.get(current)
        if current is not None:
            reasons[i].append("successor cycle: " + " → ".join(chain + [current]))


ROW_RULES = {"dossiers": _dossier_rules, "tasks": _task_rules}


def validate(frame: pd.DataFrame, dataset: Dataset, known: dict) -> Validated:
    """Check every rule; ``known`` holds stored codes per dataset and ``unit_successors``."""
    reasons: list[list[str]] = [[] for _ in range(len(frame))]
    typed = {col.name: _parse_column(col, frame[col.name].tolist(), reasons) for col in dataset.columns}
    _check_references(dataset, typed, known, reasons)
    _check_duplicates(frame, dataset, reasons)
    if dataset.name in ROW_RULES:
        ROW_RULES[dataset.name](typed, reasons)
    if dataset.name == "units":
        _successor_cycles(typed, known.get("unit_successors", {}), reasons)

    is_bad = [bool(r) for r in reasons]
    good = pd.DataFrame({
        col.name: pd.Series([v for v, b in zip(typed[col.name], is_bad) if not b],
                            dtype=DTYPES.get(col.kind, "object"))
        for col in dataset.columns
    })
    for col in dataset.columns:
        if col.kind in ("date", "timestamp"):
            good[col.name] = pd.to_datetime(good[col.name]).astype("datetime64[s]")
    raw = frame.loc[is_bad, list(dataset.column_names)]
    bad = pd.DataFrame({
        "source": frame.loc[is_bad, SOURCE_COLUMN].tolist(),
        "row_number": frame.loc[is_bad, ROW_COLUMN].astype("int64").tolist(),
        "reason": ["; ".join(r) for r in reasons if r],
        "record": [json.dumps(rec, ensure_ascii=False) for rec in raw.to_dict("records")],
    })
    return Validated(good, bad)
