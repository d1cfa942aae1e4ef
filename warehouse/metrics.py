"""The metric registry: every indicator of DOMAIN.md is defined here, once.

Screens, exports, briefs and the API ask for a metric by name through ``query``; each
metric's SQL (``sql/metrics/<name>.sql``) returns numerator and denominator per unit, and
one frame (``_rollup.sql``) applies the structure, the caller's scope and the grouping.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, time
from functools import cache
from typing import Iterable, Literal

import pandas as pd

from warehouse.db import read_sql
from warehouse.snapshots import Reader

Structure = Literal["current", "historical"]
BY_KEYS = {"unit": "unit_code"}
_PARAM = re.compile(r"\$([a-z_]+)")


@dataclass(frozen=True)
class Metric:
    name: str
    label_vi: str
    label_en: str
    description_vi: str
    description_en: str
    format: Literal["percent", "count"]
    value: Literal["rate", "count"]  # rate = numerator / denominator; count = numerator
    grain: str
    dimensions: tuple[str, ...]
    point_in_time: bool  # measured as of a date rather than over a period

    def label(self, language: str) -> str:
        return self.label_vi if language == "vi" else self.label_en

    def description(self, language: str) -> str:
        return self.description_vi if language == "vi" else self.description_en


REGISTRY: dict[str, Metric] = {m.name: m for m in (
    Metric(
        "dossier_on_time_rate",
        "Tỷ lệ hồ sơ giải quyết đúng hạn",
        "Dossiers handled on time",
        "Hồ sơ đúng hạn trên tổng hồ sơ phải giải quyết trong kỳ (đã giải quyết đúng hạn "
        "và còn trong hạn cuối kỳ); chỉ tiêu tiến độ của Quyết định 766/QĐ-TTg.",
        "Dossiers on time over dossiers handled in the period (closed by their effective "
        "due, or still open and not yet due at its end); progress indicator of Decision 766.",
        format="percent", value="rate", grain="dossier", dimensions=("unit",),
        point_in_time=False,
    ),
    Metric(
        "task_overdue",
        "Nhiệm vụ quá hạn",
        "Overdue tasks",
        "Số nhiệm vụ chưa hoàn thành đã quá hạn tại ngày báo cáo; mẫu số là số nhiệm vụ "
        "đã được giao đến ngày đó.",
        "Tasks not completed and past their due date as of the date; the denominator is "
        "the tasks assigned by that date.",
        format="count", value="count", grain="task", dimensions=("unit",),
        point_in_time=True,
    ),
    Metric(
        "budget_disbursement_rate",
        "Tỷ lệ giải ngân",
        "Budget disbursement rate",
        "Số đã giải ngân lũy kế trên kế hoạch vốn năm, mỗi dòng ngân sách lấy số liệu "
        "mới nhất đến ngày báo cáo.",
        "Cumulative disbursement over the year's plan, each budget line at its latest "
        "figures up to the date.",
        format="percent", value="rate", grain="budget line", dimensions=("unit",),
        point_in_time=True,
    ),
)}


@dataclass(frozen=True)
class Period:
    """Local dates, both included: from the start of ``start`` to the end of ``end``."""

    start: date
    end: date

    def __post_init__(self):
        if self.end < self.start:
            raise ValueError(f"period ends ({self.end}) before it starts ({self.start})")


def _end_of(day: date) -> datetime:
    return datetime.combine(day, time(23, 59, 59))


@cache
def default_reader() -> Reader:
    """The reader of this process's settings (one attached snapshot per process)."""
    from config.settings import load_settings

    return Reader(load_settings())


def _sql(metric: Metric, by: tuple[str, ...]) -> str:
    keys = [BY_KEYS[b] for b in by]
    return read_sql("metrics/_rollup").format(
        facts=read_sql(f"metrics/{metric.name}"),
        keys="".join(f"{k}, " for k in keys),
        group_by=f"group by {', '.join(keys)}" if keys else "",
    )


def query(
    name: str,
    period: Period,
    scope: Iterable[str] | None = None,
    by: Iterable[str] = (),
    as_of: date | None = None,
    *,
    unit: str | None = None,
    structure: Structure = "current",
    reader: Reader | None = None,
) -> pd.DataFrame:
    """Values of one metric: columns are the ``by`` keys, value, numerator, denominator.

    ``scope`` is the set of units the caller may see (``None``: all); a record counts when
    its unit or the unit it rolls up to is in scope. ``as_of`` (default: the period's end)
    is the date point-in-time metrics are measured at.
    """
    if name not in REGISTRY:
        raise KeyError(f"unknown metric '{name}'; known: {', '.join(REGISTRY)}")
    metric = REGISTRY[name]
    by = tuple(by)
    unknown = [b for b in by if b not in metric.dimensions]
    if unknown:
        raise ValueError(f"{name} cannot be cut by {', '.join(unknown)}")
    if structure not in ("current", "historical"):
        raise ValueError(f"structure must be current or historical, not {structure!r}")
    as_of = as_of or period.end
    sql = _sql(metric, by)
    params = {
        "start_ts": datetime.combine(period.start, time.min),
        "end_ts": _end_of(period.end),
        "as_of": as_of,
        "current_structure": structure == "current",
        "all_units": scope is None,
        "scope": sorted(scope or ()),
        "unit": unit,
    }
    used = set(_PARAM.findall(sql))
    frame = (reader or default_reader()).frame(sql, {k: v for k, v in params.items() if k in used})
    if not by:
        frame.insert(0, "unit_code", unit)
    return _with_value(frame, metric)


def _with_value(frame: pd.DataFrame, metric: Metric) -> pd.DataFrame:
    numerator = frame["numerator"].fillna(0).astype("int64")
    denominator = frame["denominator"].fillna(0).astype("int64")
    if metric.value == "rate":
        value = (numerator / denominator.where(denominator > 0)).astype("float64")
    else:
        value = numerator.astype("float64")
    keys = [c for c in frame.columns if c not in ("numerator", "denominator")]
    result = frame[keys].assign(value=value, numerator=numerator, denominator=denominator)
    return result.sort_values(keys).reset_index(drop=True) if keys and len(result) > 1 else result
