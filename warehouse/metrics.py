"""Query API of the semantic layer: ``query(name, period, scope, by, as_of)``.

Each metric is read from its family's facts (``sql/metrics/<family>_facts.sql``, which read
the marts) inside one frame (``_frame.sql``) that applies the structure, the caller's scope,
the filters and the grouping. Values, points and targets follow in Python from the
numerator and denominator, so a screen, an export and the API always agree.
"""
from __future__ import annotations

from datetime import date
from functools import cache
from typing import Callable, Iterable, Literal

import pandas as pd

from warehouse.db import read_sql
from warehouse.periods import TIME_GRAINS, Period, buckets
from warehouse.registry import REGISTRY, Family, Metric
from warehouse.snapshots import Reader

__all__ = ["Period", "REGISTRY", "query", "default_reader"]

Structure = Literal["current", "historical"]


@cache
def default_reader() -> Reader:
    """The reader of this process's settings (one attached snapshot per process)."""
    from config.settings import load_settings

    return Reader(load_settings())


def _dossier_mart(by: tuple[str, ...]) -> tuple[list[str], str, str]:
    """Keys, mart and lookup that answer a dossier cut: per procedure from the sparse
    procedure mart, per field or per unit from marts with a row for every day."""
    if "procedure" in by:
        return ["unit_code", "procedure_code"], "mart_dossier_procedure_day", "_lookup_latest"
    if "field" in by:
        return ["unit_code", "field"], "mart_dossier_field_day", "_lookup_daily"
    return ["unit_code"], "mart_dossier_unit_day", "_lookup_daily"


def _facts_sql(family: Family, by: tuple[str, ...]) -> str:
    """The family's facts query with its mart lookup filled in (budget reads its own)."""
    if family.name == "budget":
        return read_sql(f"metrics/{family.facts}")
    if family.name == "dossier":
        keys, mart, lookup = _dossier_mart(by)
    else:
        keys, mart, lookup = ["unit_code", "source"], "mart_task_day", "_lookup_daily"
    snippet = read_sql(f"metrics/{lookup}").format(mart=mart, keys=", ".join(f"m.{k}" for k in keys))
    return read_sql(f"metrics/{family.facts}").format(
        lookup=snippet,
        end_keys=", ".join(f"e.{k}" for k in keys),
        match=" and ".join(f"e.{k} is not distinct from s.{k}" for k in keys),
    )


def frame_sql(family: Family, by: tuple[str, ...]) -> str:
    keys = ["bucket"] + [family.dimensions[b] for b in by if b not in TIME_GRAINS]
    sums = [f"sum({q})::double as {q}" if q in family.fractional else f"sum({q})::bigint as {q}"
            for q in family.quantities]
    procedure_level = family.name == "dossier" and "procedure" in by
    return read_sql("metrics/_frame").format(
        facts=_facts_sql(family, by),
        keys=", ".join(keys),
        sums=", ".join(sums),
        describe_columns=", p.field" if procedure_level else "",
        describe_joins="left join procedures as p using (procedure_code)" if procedure_level else "",
    )


def _check(metric: Metric, by: tuple[str, ...], structure: str) -> None:
    unknown = [b for b in by if b not in metric.dimensions]
    if unknown:
        raise ValueError(f"{metric.name} cannot be cut by {', '.join(unknown)}; "
                         f"it can be cut by {', '.join(metric.dimensions)}")
    if len([b for b in by if b in TIME_GRAINS]) > 1:
        raise ValueError("cut by at most one of " + ", ".join(TIME_GRAINS))
    if structure not in ("current", "historical"):
        raise ValueError(f"structure must be current or historical, not {structure!r}")


def run_frame_sql(sql: str, cut: list[tuple[str, date, date]], *, scope: Iterable[str] | None,
                  unit: str | None, kind: str | None, structure: Structure, reader: Reader) -> pd.DataFrame:
    """Run SQL built on ``_frame.sql`` with the buckets, scope and filters bound."""
    params = {
        "bucket_labels": [label for label, _, _ in cut],
        "bucket_starts": [first for _, first, _ in cut],
        "bucket_ends": [last for _, _, last in cut],
        "current_structure": structure == "current",
        "all_units": scope is None,
        "scope": sorted(scope or ()),
        "unit": unit,
        "kind": kind,
    }
    return reader.frame(sql, params)


def read_buckets(family: Family, cut: list[tuple[str, date, date]], by: tuple[str, ...], *,
                 scope: Iterable[str] | None, unit: str | None, kind: str | None,
                 structure: Structure, reader: Reader) -> pd.DataFrame:
    """The family's quantities per bucket ``(label, first, last)`` and ``by`` keys.

    A group with nothing at all to count is left out, as a GROUP BY would; every bucket
    keeps a row when there are no other keys (its quantities are zeros, not missing).
    """
    frame = run_frame_sql(frame_sql(family, by), cut, scope=scope, unit=unit, kind=kind,
                          structure=structure, reader=reader)
    if len(frame.columns) - len(family.quantities) > 1:
        return frame[frame[list(family.quantities)].ne(0).any(axis=1)].reset_index(drop=True)
    missing = [label for label, _, _ in cut if label not in set(frame["bucket"])]
    zeros = pd.DataFrame([{"bucket": label, **{q: 0 for q in family.quantities}} for label in missing])
    return pd.concat([frame, zeros], ignore_index=True) if missing else frame


def family_frame(family: Family, period: Period, by: tuple[str, ...], *, as_of: date | None,
                 scope: Iterable[str] | None, unit: str | None, kind: str | None,
                 structure: Structure, reader: Reader) -> pd.DataFrame:
    """The family's quantities per ``by`` keys, a time cut named after its grain."""
    grain = next((b for b in by if b in TIME_GRAINS), None)
    cut = [(label or "", first, last) for label, first, last in buckets(period, grain)]
    if grain is None and family.point_in_time and as_of is not None:
        cut = [("", period.start, as_of)]
    frame = read_buckets(family, cut, by, scope=scope, unit=unit, kind=kind, structure=structure,
                         reader=reader)
    return frame.drop(columns="bucket") if grain is None else frame.rename(columns={"bucket": grain})


def _values(metric: Metric, frame: pd.DataFrame) -> pd.DataFrame:
    family = metric.family
    keys = [c for c in frame.columns if c not in family.quantities]
    numerator = frame[metric.numerator]
    denominator = frame[metric.denominator]
    rate = numerator / denominator.where(denominator > 0)
    if metric.value == "rate":
        value = rate
    elif metric.value == "points":
        value = rate.map(lambda r: None if pd.isna(r) else metric.points.of(r))
    else:
        value = numerator.astype("float64")
    result = frame[keys].assign(value=value.astype("float64"), numerator=numerator,
                                denominator=denominator)
    if family.name == "budget":
        target = frame["target_plan"] / frame["plan"].where(frame["plan"] > 0)
        result = result.assign(target=target, gap_pp=(result["value"] - target) * 100)
    return result.sort_values(keys).reset_index(drop=True) if keys else result


def query(
    name: str,
    period: Period,
    scope: Iterable[str] | None = None,
    by: Iterable[str] = (),
    as_of: date | None = None,
    *,
    unit: str | None = None,
    kind: str | None = None,
    structure: Structure = "current",
    reader: Reader | None = None,
    cache: Callable[[str, dict, Callable[[], pd.DataFrame]], pd.DataFrame] | None = None,
) -> pd.DataFrame:
    """Values of one metric: the ``by`` keys, value, numerator, denominator (and extras).

    ``scope`` is the set of units the caller may see (``None``: all); a record counts when
    its unit or the unit it rolls up to is in scope. ``as_of`` (default: the period's end)
    is the day point-in-time metrics (tasks, budget) are measured at when not cut by time.
    ``cache(kind, params, compute)``, when given, keeps the family's quantities, which every
    metric of the family with the same cut shares (on-time and overdue dossiers by unit are
    one read).
    """
    if name not in REGISTRY:
        raise KeyError(f"unknown metric '{name}'; known: {', '.join(REGISTRY)}")
    metric = REGISTRY[name]
    by = tuple(by)
    _check(metric, by, structure)
    reader = reader or default_reader()
    if metric.value == "ranking":
        from warehouse.ranking import rank_units

        return rank_units(period, scope=scope, by=by, unit=unit, kind=kind, structure=structure,
                          reader=reader)
    def read():
        return family_frame(metric.family, period, by, as_of=as_of, scope=scope, unit=unit, kind=kind,
                            structure=structure, reader=reader)

    params = {"family": metric.family.name, "start": period.start, "end": period.end, "by": list(by),
              "as_of": as_of, "unit": unit, "kind": kind, "structure": structure}
    frame = cache("family", params, read) if cache else read()
    result = _values(metric, frame)
    if not by:
        result.insert(0, "unit_code", unit)
    return result
