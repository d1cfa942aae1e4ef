"""Drill-down lists: the overdue dossiers and tasks behind the indicators.

The only reads of raw facts, always scoped and bounded by a row limit (DESIGN decision 2).
A grid asks for one page at a time: sorting by whitelisted columns only (column names are
never taken from input), filters bound as parameters, and the total of matching rows
(``total_rows``) so the grid knows how many pages there are.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time
from typing import Iterable

import pandas as pd

from warehouse.db import read_sql
from warehouse.scope import Scope
from warehouse.snapshots import Reader

MAX_ROWS = 10_000


@dataclass(frozen=True)
class ListSpec:
    query: str
    default_order: str
    sortable: tuple[str, ...]
    filters: tuple[str, ...]  # the query's filter parameters


DOSSIERS = ListSpec(
    "overdue_dossiers", "days_overdue desc, effective_due_at, dossier_id",
    ("dossier_id", "procedure_code", "received_at", "effective_due_at", "status", "supplement_count",
     "days_overdue"),
    ("q_dossier", "q_procedure", "q_status", "min_days", "max_days"),
)
TASKS = ListSpec(
    "overdue_tasks", "days_overdue desc, due_on, task_id",
    ("task_id", "title", "source", "document_ref", "assigned_on", "due_on", "days_overdue"),
    ("q_title", "q_source", "min_days", "max_days"),
)


TASK_LIST = ListSpec(
    "task_list", "days_overdue desc nulls last, due_on nulls last, task_id",
    ("task_id", "title", "source", "document_ref", "unit_code", "assigned_on", "due_on", "completed_on",
     "state", "days_overdue", "days_left", "supervising_leader"),
    ("q_title", "q_source", "q_state", "q_leader", "min_days", "max_days"),
)
TASK_STATES = ("overdue", "due_soon", "on_track", "done")


def _order(spec: ListSpec, sort: Iterable[tuple[str, str]]) -> str:
    """ORDER BY from the whitelist; the default order breaks ties so pages never overlap."""
    terms = []
    for column, direction in sort:
        if column not in spec.sortable or direction not in ("asc", "desc"):
            raise ValueError(f"cannot sort {spec.query} by {column} {direction}; "
                             f"sortable: {', '.join(spec.sortable)}")
        terms.append(f"{column} {direction} nulls last")
    return ", ".join(terms + [spec.default_order])


def _run(spec: ListSpec, as_of: date, *, reader: Reader, scope: Scope, unit, kind, limit: int, offset: int,
         sort, filters, extra: dict | None = None) -> pd.DataFrame:
    if not isinstance(scope, Scope):
        raise TypeError(f"scope must be a warehouse.scope.Scope, not {type(scope).__name__}")
    filters = dict(filters or {})
    unknown = set(filters) - set(spec.filters)
    if unknown:
        raise ValueError(f"unknown filter {', '.join(sorted(unknown))}; known: {', '.join(spec.filters)}")
    sql = read_sql("queries/_page").format(listing=read_sql(f"queries/{spec.query}"), order=_order(spec, sort))
    params = {
        "as_of": as_of,
        "as_of_end": datetime.combine(as_of, time(23, 59, 59)),
        **scope.params,
        "unit": unit,
        "kind": kind,
        "limit": max(0, min(limit, MAX_ROWS)),
        "offset": max(0, offset),
        **{name: filters.get(name) for name in spec.filters},
        **(extra or {}),
    }
    return reader.frame(sql, params)


def overdue_dossiers(as_of: date, *, reader: Reader, scope: Scope,
                     unit: str | None = None, kind: str | None = None, limit: int = 100, offset: int = 0,
                     sort: Iterable[tuple[str, str]] = (), filters: dict | None = None) -> pd.DataFrame:
    """Open dossiers overdue at the end of ``as_of``, with working days overdue."""
    return _run(DOSSIERS, as_of, reader=reader, scope=scope, unit=unit, kind=kind, limit=limit, offset=offset,
                sort=sort, filters=filters)


def overdue_tasks(as_of: date, *, reader: Reader, scope: Scope,
                  unit: str | None = None, kind: str | None = None, limit: int = 100, offset: int = 0,
                  sort: Iterable[tuple[str, str]] = (), filters: dict | None = None) -> pd.DataFrame:
    """Tasks overdue as of ``as_of``, with working days overdue."""
    return _run(TASKS, as_of, reader=reader, scope=scope, unit=unit, kind=kind, limit=limit, offset=offset,
                sort=sort, filters=filters)


def tasks(as_of: date, *, reader: Reader, scope: Scope, due_soon_days: int,
          unit: str | None = None, kind: str | None = None, limit: int = 100, offset: int = 0,
          sort: Iterable[tuple[str, str]] = (), filters: dict | None = None) -> pd.DataFrame:
    """Tasks assigned by ``as_of`` with their state then (``overdue``, ``due_soon``,
    ``on_track``, ``done``; DOMAIN.md), working days overdue or left, the supervising
    leader and coordinating units. Filters: ``q_state``, ``q_source``, ``q_leader``,
    ``q_title``; ``unit`` the lead unit (with the units merged into it)."""
    state = (filters or {}).get("q_state")
    if state is not None and state not in TASK_STATES:
        raise ValueError(f"unknown task state {state!r}; known: {', '.join(TASK_STATES)}")
    if due_soon_days < 1:
        raise ValueError("due_soon_days must be at least 1")
    return _run(TASK_LIST, as_of, reader=reader, scope=scope, unit=unit, kind=kind, limit=limit, offset=offset,
                sort=sort, filters=filters, extra={"due_soon_days": int(due_soon_days)})


def supervising_leaders(*, reader: Reader, scope: Scope) -> list[str]:
    """The supervising leaders named by the tasks in scope, for a filter's choices."""
    if not isinstance(scope, Scope):
        raise TypeError(f"scope must be a warehouse.scope.Scope, not {type(scope).__name__}")
    frame = reader.frame(read_sql("queries/task_leaders"), scope.params)
    return frame["supervising_leader"].tolist()
