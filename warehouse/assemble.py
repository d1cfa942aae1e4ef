"""SQL assembly for the metric engine, from the registry's declarations alone.

A family's facts query (``sql/metrics/<facts>.sql``) is completed with the lookup of the
mart that serves the cut, then wrapped in ``_frame.sql`` (structure, scope, filters,
grouping). Identifiers come from the registry; values are bound as parameters.
"""
from __future__ import annotations

from datetime import date

from warehouse.db import read_sql
from warehouse.periods import TIME_GRAINS
from warehouse.registry import Family
from warehouse.scope import Scope

Cut = list[tuple[str, date, date]]  # (bucket label, first day, last day)


def facts_sql(family: Family, by: tuple[str, ...]) -> str:
    """The family's facts query, with the lookup of its serving mart filled in."""
    mart = family.mart_for(by)
    facts = read_sql(f"metrics/{family.facts}")
    if mart is None:
        return facts
    snippet = read_sql(f"metrics/{mart.lookup}").format(mart=mart.table, keys=", ".join(f"m.{k}" for k in mart.keys))
    return facts.format(
        lookup=snippet,
        end_keys=", ".join(f"e.{k}" for k in mart.keys),
        match=" and ".join(f"e.{k} is not distinct from s.{k}" for k in mart.keys),
    )


def frame_sql(family: Family, by: tuple[str, ...]) -> str:
    """The family's quantities per bucket and ``by`` keys."""
    keys = ["bucket"] + [family.dimensions[b] for b in by if b not in TIME_GRAINS]
    sums = [f"sum({q})::double as {q}" if q in family.fractional else f"sum({q})::bigint as {q}"
            for q in family.quantities] + [f"{how}({name}) as {name}" for name, how in family.extents]
    mart = family.mart_for(by)
    columns, joins = (mart.describe if mart and mart.describe else ("", ""))
    return read_sql("metrics/_frame").format(facts=facts_sql(family, by), keys=", ".join(keys),
                                             sums=", ".join(sums), describe_columns=columns,
                                             describe_joins=joins)


def frame_params(cut: Cut, *, scope: Scope, unit: str | None, kind: str | None, structure: str) -> dict:
    """The parameters of a frame: the buckets, the structure, the scope and the filters."""
    return {
        "bucket_labels": [label for label, _, _ in cut],
        "bucket_starts": [first for _, first, _ in cut],
        "bucket_ends": [last for _, _, last in cut],
        "current_structure": structure == "current",
        **scope.params,
        "unit": unit,
        "kind": kind,
    }
