"""Query API of the semantic layer: ``query(name, period, scope=…, by, as_of)``.

A family metric reads its family's quantities through the frame that ``assemble`` builds
from the registry's declarations; values, points and targets follow in Python from the
numerator and denominator, so a screen, an export and the API always agree. A ranking
reads its component metrics the same way, over every unit, and only then keeps the
caller's scope, so a unit sees its own position without other units' rows.
"""
from __future__ import annotations

from datetime import date
from functools import cache
from typing import Callable, Iterable, Literal

import pandas as pd

from warehouse import published, ranking
from warehouse.assemble import Cut, frame_params, frame_sql
from warehouse.periods import TIME_GRAINS, Period, buckets
from warehouse.registry import REGISTRY, Family, Metric
from warehouse.scope import Scope
from warehouse.snapshots import Reader

__all__ = ["Period", "REGISTRY", "Scope", "query", "default_reader"]

Structure = Literal["current", "historical"]
Cache = Callable[[str, dict, Callable[[], pd.DataFrame]], pd.DataFrame]


@cache
def default_reader() -> Reader:
    """The reader of this process's settings (one attached snapshot per process)."""
    from config.settings import load_settings

    return Reader(load_settings())


def _check(metric: Metric, by: tuple[str, ...], structure: str) -> None:
    unknown = [b for b in by if b not in metric.dimensions]
    if unknown:
        raise ValueError(f"{metric.name} cannot be cut by {', '.join(unknown)}; "
                         f"it can be cut by {', '.join(metric.dimensions)}")
    if len([b for b in by if b in TIME_GRAINS]) > 1:
        raise ValueError("cut by at most one of " + ", ".join(TIME_GRAINS))
    if structure not in ("current", "historical"):
        raise ValueError(f"structure must be current or historical, not {structure!r}")


def read_buckets(family: Family, cut: Cut, by: tuple[str, ...], *, scope: Scope, unit: str | None,
                 kind: str | None, structure: Structure, reader: Reader) -> pd.DataFrame:
    """The family's quantities per bucket ``(label, first, last)`` and ``by`` keys.

    A group with nothing at all to count is left out, as a GROUP BY would; every bucket
    keeps a row when there are no other keys (its quantities are zeros, not missing).
    """
    params = frame_params(cut, scope=scope, unit=unit, kind=kind, structure=structure)
    frame = reader.frame(frame_sql(family, by), params)
    if len(frame.columns) - len(family.measures) > 1:
        return frame[frame[list(family.quantities)].ne(0).any(axis=1)].reset_index(drop=True)
    missing = [label for label, _, _ in cut if label not in set(frame["bucket"])]
    zeros = pd.DataFrame([{"bucket": label, **{q: 0 for q in family.quantities},
                           **{name: None for name, _ in family.extents}} for label in missing])
    return pd.concat([frame, zeros], ignore_index=True) if missing else frame


def family_frame(family: Family, period: Period, by: tuple[str, ...], *, as_of: date | None, scope: Scope,
                 unit: str | None, kind: str | None, structure: Structure, reader: Reader) -> pd.DataFrame:
    """The family's quantities per ``by`` keys, a time cut named after its grain."""
    grain = next((b for b in by if b in TIME_GRAINS), None)
    cut = [(label or "", first, last) for label, first, last in buckets(period, grain)]
    if grain is None and family.point_in_time and as_of is not None:
        cut = [("", period.start, as_of)]
    frame = read_buckets(family, cut, by, scope=scope, unit=unit, kind=kind, structure=structure,
                         reader=reader)
    return frame.drop(columns="bucket") if grain is None else frame.rename(columns={"bucket": grain})


def values(metric: Metric, frame: pd.DataFrame) -> pd.DataFrame:
    """The metric's value beside its numerator and denominator (no data when the
    denominator is 0), with the family's target and gap when it declares one."""
    family = metric.family
    keys = [c for c in frame.columns if c not in family.measures]
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
                                denominator=denominator, **{name: _dates(frame[name]) for name, _ in family.extents})
    if family.target:
        expected, plan = family.target
        target = frame[expected] / frame[plan].where(frame[plan] > 0)
        result = result.assign(target=target, gap_pp=(result["value"] - target) * 100)
    return result.sort_values(keys).reset_index(drop=True) if keys else result


def _dates(column: pd.Series) -> pd.Series:
    """Dates as dates (DuckDB hands them to pandas as timestamps), none as None."""
    return column.map(lambda v: None if pd.isna(v) else pd.Timestamp(v).date()).astype(object)


def _rank(metric: Metric, period: Period, *, scope: Scope, unit: str | None, kind: str | None,
          structure: Structure, reader: Reader, cache: Cache | None) -> pd.DataFrame:
    """The ranking of every unit for the period and the one before, then the caller's cut."""
    previous = period.previous()
    cut = [("now", period.start, period.end), ("before", previous.start, previous.end)]
    by = ("unit",) + metric.ranking.groups
    scores = []
    for component in metric.ranking.components:
        source = REGISTRY[component.metric]

        def read(source=source):
            return read_buckets(source.family, cut, by, scope=Scope.everything(), unit=None, kind=None,
                                structure=structure, reader=reader)

        params = {"family": source.family.name, "cut": cut, "by": list(by), "structure": structure}
        frame = values(source, cache("ranking", params, read) if cache else read())
        frame.loc[published.small_sample(source, frame, reader), "value"] = None  # counts as no data
        scores.append(ranking.score(component, frame, ["bucket", "unit_code", *metric.ranking.groups]))
    result = ranking.rank(metric.ranking, scores, published.weights(reader))
    result = result.assign(small_sample=False, status=published.status(metric, result, reader))
    keep = pd.Series(True, index=result.index)
    if unit is not None:
        keep &= result["unit_code"] == unit
    if kind is not None:
        keep &= result["kind"] == kind
    return scope.narrow(result[keep]).reset_index(drop=True)


def query(
    name: str,
    period: Period,
    *,
    scope: Scope,
    by: Iterable[str] = (),
    as_of: date | None = None,
    unit: str | None = None,
    kind: str | None = None,
    structure: Structure = "current",
    reader: Reader | None = None,
    cache: Cache | None = None,
) -> pd.DataFrame:
    """Values of one metric: the ``by`` keys, value, numerator, denominator (and extras).

    ``scope`` (required: ``Scope.everything()`` names every unit) is what the caller may
    see; a record counts when its recorded unit is in it. ``as_of`` (default: the period's
    end) is the day point-in-time metrics (tasks, budget) are measured at when not cut by
    time. ``cache(kind, params, compute)``, when given, keeps the family's quantities,
    which every metric of the family with the same cut shares (on-time and overdue
    dossiers by unit are one read).
    """
    if not isinstance(scope, Scope):
        raise TypeError(f"scope must be a warehouse.scope.Scope, not {type(scope).__name__}")
    if name not in REGISTRY:
        raise KeyError(f"unknown metric '{name}'; known: {', '.join(REGISTRY)}")
    metric = REGISTRY[name]
    by = tuple(by)
    _check(metric, by, structure)
    reader = reader or default_reader()
    if metric.ranking:
        return _rank(metric, period, scope=scope, unit=unit, kind=kind, structure=structure, reader=reader,
                     cache=cache)

    def read():
        return family_frame(metric.family, period, by, as_of=as_of, scope=scope, unit=unit, kind=kind,
                            structure=structure, reader=reader)

    params = {"family": metric.family.name, "start": period.start, "end": period.end, "by": list(by),
              "as_of": as_of, "unit": unit, "kind": kind, "structure": structure}
    frame = cache("family", params, read) if cache else read()
    result = values(metric, frame)
    result = result.assign(small_sample=published.small_sample(metric, result, reader))
    units = 1
    if metric.status.per_unit and "unit" not in by:
        units = _units_per_row(metric, period, by, frame, as_of=as_of, unit=unit, kind=kind,
                               structure=structure, reader=reader, scope=scope, cache=cache)
    result = result.assign(status=published.status(metric, result, reader, units))
    if not by:
        result.insert(0, "unit_code", unit)
    return result


def _units_per_row(metric: Metric, period: Period, by: tuple[str, ...], frame: pd.DataFrame, *,
                   cache: Cache | None, **options) -> pd.Series:
    """How many units with records each row of ``frame`` adds up (at least 1): a count's
    watch limit is per unit (DOMAIN.md, Status of a value)."""
    finer = by + ("unit",)

    def read():
        return family_frame(metric.family, period, finer, **options)

    params = {"family": metric.family.name, "start": period.start, "end": period.end, "by": list(finer),
              **{k: v for k, v in options.items() if k not in ("reader", "scope")}}
    per_unit = cache("family", params, read) if cache else read()
    keys = [c for c in frame.columns if c not in metric.family.measures]
    if not keys:
        return pd.Series(max(1, len(per_unit)), index=frame.index)
    counts = per_unit.groupby(keys).size().rename("units").reset_index()
    return frame[keys].merge(counts, on=keys, how="left")["units"].fillna(1).clip(lower=1).set_axis(frame.index)


def with_previous(name: str, period: Period, *, scope: Scope, by: Iterable[str] = (), as_of: date | None = None,
                  **options) -> pd.DataFrame:
    """``query`` with each row's comparison period (DOMAIN.md: cùng kỳ for calendar-aligned
    periods, else the same length before) and its value there: ``previous_from``,
    ``previous_to`` and ``previous_value``. A row of a time cut is compared bucket by
    bucket; a point-in-time ``as_of`` moves back as far as the period does."""
    by = tuple(by)
    frame = query(name, period, scope=scope, by=by, as_of=as_of, **options)
    grain = next((b for b in by if b in TIME_GRAINS), None)
    keys = [c for c in ("unit_code", "kind", "field", "procedure_code", "source", "category") if c in frame.columns]
    rest = tuple(b for b in by if b != grain)
    spans = ([(None, period)] if grain is None else
             [(label, Period(first, last)) for label, first, last in buckets(period, grain)])
    parts = []
    for label, span in spans:
        before = span.previous()
        earlier = query(name, before, scope=scope, by=rest, **options)
        merge_keys = [k for k in keys if k in earlier.columns and (k != "unit_code" or rest)]
        earlier = earlier[merge_keys + ["value"]].rename(columns={"value": "previous_value"})
        part = frame if grain is None else frame[frame[grain] == label]
        part = part.merge(earlier, on=merge_keys, how="left") if merge_keys else part.assign(
            previous_value=earlier["previous_value"].iloc[0] if len(earlier) else None)
        parts.append(part.assign(previous_from=before.start, previous_to=before.end))
    return pd.concat(parts, ignore_index=True) if parts else frame
