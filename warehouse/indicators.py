"""The registry in the national reporting system's shape (DOMAIN.md, "The Government
Operation Center link"): an indicator catalogue, and indicator data per reporting unit and
period. The HTTP API and the push to the Government Operation Center both read here, so
what is pulled and what is pushed are the same numbers as the screens'.

A period is a whole calendar period of one type (ISO week, month, Government reporting
month...); the one still running is measured up to the data's day and marked incomplete.
A row with no unit is the ministry as a whole.
"""
from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

import pandas as pd

from warehouse import metrics
from warehouse.periods import TIME_GRAINS, Period, bucket_of, buckets
from warehouse.registry import REGISTRY, Metric
from warehouse.scope import Scope
from warehouse.snapshots import Reader

PERIOD_TYPES = TIME_GRAINS
MAX_PERIODS = 36  # periods one read may span: a bound on its cost, like every list's row limit
EARLIEST = date(1900, 1, 1)  # no record is older; an earlier day is read as this one


@dataclass(frozen=True)
class ReportPeriod:
    type: str
    label: str
    start: date
    end: date  # the period's last day, or the data's day while it runs
    complete: bool

    def as_dict(self) -> dict:
        return {"period_type": self.type, "period": self.label, "period_start": self.start.isoformat(),
                "period_end": self.end.isoformat(), "complete": self.complete}


def entry(metric: Metric) -> dict:
    """One indicator of the catalogue."""
    return {
        "code": metric.name, "name_vi": metric.label_vi, "name_en": metric.label_en,
        "unit_of_measure_vi": metric.unit_of_measure("vi"), "unit_of_measure_en": metric.unit_of_measure("en"),
        "periodicity": metric.periodicity, "value_type": metric.value,
        "definition_vi": metric.description_vi, "definition_en": metric.description_en,
    }


def catalogue(codes: Iterable[str] | None = None) -> list[dict]:
    """The catalogue, in the registry's order; only ``codes`` when given."""
    wanted = None if codes is None else set(codes)
    return [entry(m) for m in REGISTRY.values() if wanted is None or m.name in wanted]


def data_day(reader: Reader, reporting_day: date) -> date:
    """The day the published data is as of: the day it was published (its records go no
    further), or the reporting day if earlier (the demo's last day)."""
    return min(reporting_day, reader.published_at.date())


def periods(period_type: str, first: date, last: date, as_of: date, limit: int = MAX_PERIODS) -> list[ReportPeriod]:
    """The whole periods of ``period_type`` that meet [first, last] and have begun by
    ``as_of``: the first ``limit`` of them. A period is complete once ``as_of`` is past it."""
    first = max(first, EARLIEST)
    if min(last, as_of) < first:
        return []
    found = []
    for _, start, _ in buckets(Period(first, min(last, as_of)), period_type)[:limit]:
        label, start, end = bucket_of(start, period_type)
        found.append(ReportPeriod(period_type, label, start, min(end, as_of), end < as_of))
    return found


def plain(value):
    """A JSON value: null for missing (a rate with no denominator is no data, never 0),
    dates as ISO text, numpy scalars as Python's."""
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return None
    if isinstance(value, date):  # pandas' Timestamp too
        return value.isoformat()[:10]
    return value.item() if hasattr(value, "item") else value


def _rows(metric: Metric, frame: pd.DataFrame, period_of: dict[str, ReportPeriod], version: str,
          grain: str | None, only: ReportPeriod | None = None) -> list[dict]:
    rows = []
    for record in frame.to_dict("records"):
        period = only or period_of.get(record.get(grain))
        if period is None:
            continue
        rows.append({
            "indicator": metric.name, "unit_code": record.get("unit_code"), **period.as_dict(),
            "value": plain(record["value"]), "numerator": plain(record["numerator"]),
            "denominator": plain(record["denominator"]), "status": record.get("status"),
            "small_sample": bool(record.get("small_sample", False)), "data_version": version,
        })
    return rows


def data(reader: Reader, codes: Iterable[str], report_periods: list[ReportPeriod], *,
         scope: Scope, units: Iterable[str] | None = None,
         totals: bool = True) -> tuple[str, list[dict]]:
    """The data version and the rows of ``codes`` over ``report_periods`` (one type, in
    order): one per unit in ``scope`` (``units`` narrows it), plus the ministry's when
    ``totals``. Read from one snapshot, whatever is published meanwhile."""
    reader = reader.pinned()
    version = reader.version
    if not report_periods:
        return version, []
    grain = report_periods[0].type
    span = Period(report_periods[0].start, report_periods[-1].end)
    period_of = {p.label: p for p in report_periods}
    wanted = None if units is None else set(units)
    shared: dict[str, pd.DataFrame] = {}

    def cache(_kind, params, compute):
        key = json.dumps(params, default=str, sort_keys=True)
        if key not in shared:
            shared[key] = compute()
        return shared[key]

    codes = list(codes)
    rows = []
    for code in codes:
        metric = REGISTRY[code]
        if metric.value == "ranking":
            for period in report_periods:
                frame = metrics.query(code, Period(period.start, period.end), scope=scope, reader=reader)
                rows += _rows(metric, _narrow(frame, wanted), period_of, version, None, only=period)
            continue
        frame = metrics.query(code, span, scope=scope, by=("unit", grain), reader=reader, cache=cache)
        rows += _rows(metric, _narrow(frame, wanted), period_of, version, grain)
        if totals:
            frame = metrics.query(code, span, scope=scope, by=(grain,), reader=reader, cache=cache)
            rows += _rows(metric, frame.assign(unit_code=None), period_of, version, grain)
    order = {p.label: i for i, p in enumerate(report_periods)}
    rows.sort(key=lambda r: (order[r["period"]], codes.index(r["indicator"]), r["unit_code"] is not None,
                             r["unit_code"] or ""))
    return version, rows


def _narrow(frame: pd.DataFrame, units: set[str] | None) -> pd.DataFrame:
    return frame if units is None else frame[frame["unit_code"].isin(units)]
