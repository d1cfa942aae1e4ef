"""The dashboard's only way to numbers: metrics by name, drill-down lists and reference
lists, each with the request's reader and the scope the gate resolved, handed to the
warehouse explicitly, through the screen cache."""
from __future__ import annotations

from datetime import date

import pandas as pd

from dashboard import context
from dashboard.context import cached
from warehouse import freshness, lists, published, reference
from warehouse.domain import GOVERNMENT_SOURCES
from warehouse.metrics import REGISTRY, Period, query
from warehouse.scope import Scope
from warehouse.snapshots import NoSnapshot


def metric(name: str, period: Period, *, as_of: date | None = None, by=(), **options) -> pd.DataFrame:
    """A metric for the principal's scope. The league table is the one exception a setting
    may open (``OPSCENTER_UNIT_SEES_RANKINGS``): otherwise a unit user's ranking holds its
    own position only (its rank among all, and how many were ranked)."""
    params = {"name": name, "start": period.start, "end": period.end, "as_of": as_of,
              "by": list(by), **options}
    league = REGISTRY[name].ranking is not None and context.settings().unit_sees_rankings
    scope = Scope.everything() if league else context.scope()
    return cached("metric", params, lambda: query(name, period, scope=scope, by=by, as_of=as_of,
                                                  reader=context.reader(), cache=cached, **options))


def thresholds(name: str) -> dict[str, float]:
    """The ``good`` and ``watch`` limits of a metric's status rule, as published with the
    data in use (for legends and alert texts; the status itself comes with each row)."""
    scale = REGISTRY[name].status.scale
    return cached("thresholds", {"scale": scale}, lambda: published.read(context.reader())[f"threshold.{scale}"])


def minimum(name: str) -> int | None:
    """The minimum sample of a metric's rate (None: it has none)."""
    sample = REGISTRY[name].family.sample if REGISTRY[name].family else None
    return None if sample is None else int(cached("minimum", {}, lambda: published.minimum(context.reader()))[sample])


def ranking_weights() -> dict[str, float]:
    """The ranking's weights, as the snapshot in use was published with them."""
    return cached("ranking_weights", {}, lambda: published.weights(context.reader()))


def total(name: str, period: Period, *, as_of: date | None = None, **options) -> dict:
    """The single total row of a metric as a dict (None where there is no data)."""
    row = metric(name, period, as_of=as_of, **options).iloc[0]
    return {key: (None if pd.isna(row[key]) else row[key].item() if hasattr(row[key], "item") else row[key])
            for key in row.index if key != "unit_code"}


def reported_months(frame: pd.DataFrame) -> pd.DataFrame:
    """The months of a budget metric cut by month that have a report of their own: a month
    whose latest report is older than its first day would repeat the month before, a flat
    line that looks like spending stopped (the current month before its report, above all)."""
    starts = pd.to_datetime(frame["month"] + "-01").dt.date
    return frame[[to is not None and not pd.isna(to) and to >= start for to, start in zip(frame["data_to"], starts)]]


def government_overdue(by_source: pd.DataFrame) -> int:
    """Overdue tasks assigned by the Government or the Prime Minister, from ``task_overdue``
    by source (the overview's alert and the brief's summary)."""
    return int(by_source.loc[by_source["source"].isin(GOVERNMENT_SOURCES), "value"].sum())


UNIT_COLUMNS = ["unit_code", "name_vi", "name_en", "kind", "parent_code", "valid_to", "current_code", "is_current"]


def units() -> pd.DataFrame:
    """All units with their names, indexed by code (reference data of the snapshot); read
    from the cache once per request, however many names the page writes."""
    def read():
        try:
            return cached("units", {}, lambda: reference.units(context.reader()).set_index("unit_code"))
        except NoSnapshot:  # nothing published yet: no unit is known (the admin screens still work)
            return pd.DataFrame(columns=UNIT_COLUMNS).set_index("unit_code")

    return context.memo("units", read)


def current_units() -> pd.DataFrame:
    """The units that exist today: a merged unit takes no new accounts or API keys."""
    table = units()
    return table[table["is_current"]]


SHORT_NAMES = {"vi": ("Sở Nông nghiệp và Môi trường ", "Sở NN&MT "),
               "en": ("Department of Agriculture and Environment of ", "DAE ")}


def unit_name(code: str, language: str, *, short: bool = False) -> str:
    """The unit's name; ``short`` abbreviates the provincial departments' long common prefix
    (for the wall and chart axes, where the province is what tells them apart)."""
    table = units()
    if code not in table.index:
        return code
    name = table.at[code, "name_vi" if language == "vi" else "name_en"]
    return name.replace(*SHORT_NAMES[language]) if short else name


def unit_label(code: str | None, language: str, *, short: bool = False) -> str:
    """The unit's name with its code, "Sở … Cần Thơ (S-CANTHO)", where the code matters
    (an account's unit, a file's filters); empty for none."""
    return f"{unit_name(code, language, short=short)} ({code})" if code else ""


def procedure_name(code: str, language: str) -> str:
    table = context.memo("procedures", lambda: cached(
        "procedures", {}, lambda: reference.procedures(context.reader()).set_index("procedure_code")))
    if code not in table.index:
        return code
    return table.at[code, "name_vi" if language == "vi" else "name_en"]


def fields() -> list[str]:
    return cached("fields", {}, lambda: reference.fields(context.reader()))


SUMMARY_ROWS = 20


def overdue(kind: str, as_of: date, *, unit: str | None = None, unit_kind: str | None = None, limit: int,
            offset: int = 0, sort=(), filters: dict | None = None) -> pd.DataFrame:
    """One page of overdue dossiers (``kind="dossiers"``) or tasks, of one unit or one kind
    of unit, within the principal's scope. A short list of the most overdue is part of
    reading a screen; paging, sorting and filtering the records is drill-down, for roles
    that hold it."""
    browsing = offset > 0 or limit > SUMMARY_ROWS or bool(sort) or bool(filters)
    context.require("drill" if browsing else "view")
    read = {"dossiers": lists.overdue_dossiers, "tasks": lists.overdue_tasks}[kind]
    params = {"kind": kind, "as_of": as_of, "unit": unit, "unit_kind": unit_kind, "limit": limit,
              "offset": offset, "sort": [list(s) for s in sort], "filters": filters or {}}
    return cached("list", params, lambda: read(as_of, reader=context.reader(), scope=context.scope(),
                                               unit=unit, kind=unit_kind, limit=limit, offset=offset,
                                               sort=sort, filters=filters))


def due_soon_days() -> int:
    """N of "due soon" (config/urging.toml), as the snapshot in use was published with it."""
    return cached("urging_settings", {}, lambda: published.urging(context.reader()))["due_soon_working_days"]


def task_list(as_of: date, *, unit: str | None = None, unit_kind: str | None = None, limit: int, offset: int = 0,
              filters: dict | None = None) -> pd.DataFrame:
    """One page of the office's task list (state, working days overdue or left, leader,
    coordinating units) within the principal's scope: drill-down, for roles that hold it."""
    context.require("drill")
    params = {"as_of": as_of, "unit": unit, "unit_kind": unit_kind, "limit": limit, "offset": offset,
              "filters": filters or {}}
    return cached("task_list", params, lambda: lists.tasks(
        as_of, reader=context.reader(), scope=context.scope(), due_soon_days=due_soon_days(), unit=unit,
        kind=unit_kind, limit=limit, offset=offset, filters=filters))


def supervising_leaders() -> list[str]:
    return cached("leaders", {}, lambda: lists.supervising_leaders(reader=context.reader(), scope=context.scope()))


def record_url(dataset: str) -> str | None:
    """The address pattern of a record in its source system (``record_url`` of
    config/sources.toml), for lists to link to; None when no source gives one."""
    def read():
        from pipelines.sources.config import SourceConfigError, record_urls
        try:
            return record_urls(context.settings())
        except SourceConfigError:
            return {}
    shared = context.state()
    if "record_urls" not in shared:
        shared["record_urls"] = read()
    return shared["record_urls"].get(dataset)


def stale_sources() -> list[dict]:
    """Sources past their freshness limit; read fresh each time (not a snapshot fact)."""
    now = context.now().replace(tzinfo=None)
    return [s for s in freshness.read(context.settings(), now) if s["stale"]]
