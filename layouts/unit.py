"""Đơn vị / Unit: everything for one unit, with its overdue dossiers and overdue tasks in
grids that sort, filter and paginate on the server (the late dossier is one click from
the unit's bar on any screen)."""
from __future__ import annotations

from dataclasses import replace
from datetime import date

from urllib.parse import quote

import dash
import dash_ag_grid as dag
import pandas as pd
from dash import Input, Output, State, callback, dcc, html

from dashboard import components as ui, context, data, exports, figures, formatting as fmt, periods, screens, theme
from dashboard.i18n import t
from dashboard.state import View, is_code
from layouts import tasks as tasks_screen  # the office's task list, the same on both screens
from warehouse import lists
from warehouse.domain import UNIT_KINDS
from warehouse.metrics import REGISTRY

PAGE_ROWS = 50
MAX_ROW = 10_000_000  # the farthest row a grid may ask for
MAX_DAYS = 100_000  # the widest days-overdue filter
EXPORT_ROWS = 50_000  # the most records one file holds

# grid column -> (list column it sorts by, filter kind, filter parameters)
COLUMNS = {
    "dossiers": {
        "dossier_id": ("dossier_id", "text", "q_dossier"),
        "procedure": ("procedure_code", "text", "q_procedure"),
        "received_at": ("received_at", None, None),
        "effective_due_at": ("effective_due_at", None, None),
        "status": ("status", None, None),
        "supplement_count": ("supplement_count", None, None),
        "days_overdue": ("days_overdue", "number", ("min_days", "max_days")),
    },
    "tasks": {
        "title": ("title", "text", "q_title"),
        "document_ref": ("document_ref", None, None),
        "source": ("source", None, None),
        "assigned_on": ("assigned_on", None, None),
        "due_on": ("due_on", None, None),
        "days_overdue": ("days_overdue", "number", ("min_days", "max_days")),
    },
}
WIDTHS = {"procedure": 3, "title": 3, "dossier_id": 1.8, "received_at": 1.3, "effective_due_at": 1.3}
MIN_WIDTHS = {"dossier_id": 240}  # the whole national code (000.00.08.H19-260105-0001), never cut


def _picker(view: View, language: str):
    units = data.units()
    parents = set(units["parent_code"].dropna())
    current = units[units["is_current"] & ~units.index.isin(parents)]  # the ministry itself handles nothing
    current = context.scope().narrow(current.reset_index()).set_index("unit_code")
    groups = []
    for kind in UNIT_KINDS:
        rows = current[current["kind"] == kind]
        groups.append(ui.section(t(f"kind.{kind}", language), html.Ul([
            html.Li(dcc.Link(row["name_vi" if language == "vi" else "name_en"],
                             href=view.href(screens.path("unit"), unit=code)))
            for code, row in rows.iterrows()], className="unit-list"), name=f"pick-{kind}"))
    return [ui.notice(t("unit.pick.note", language)), html.Div(groups, className="grid-2")]


def _cards(view: View, language: str, unit: str):
    options = {"unit": unit, "structure": view.structure}
    end = view.period.end
    on_time = data.total("dossier_on_time_rate", view.period, **options)
    overdue_open = data.total("dossier_overdue_open", view.period, **options)
    tasks = data.total("task_overdue", view.period, as_of=end, **options)
    budget = data.total("budget_disbursement_rate", view.period, as_of=end, **options)

    def card(name, value, detail, level=None):
        metric = REGISTRY[name]
        return ui.kpi_card(name, metric.label(language), value, detail, metric.description(language), level=level)

    return html.Div([
        card("dossier_on_time_rate", fmt.percent(on_time["value"], language),
             ui.detail_with_sample(t("kpi.on_time.detail", language, numerator=fmt.count(on_time["numerator"], language),
                                     denominator=fmt.count(on_time["denominator"], language)),
                                   on_time, "dossier_on_time_rate", language)
             if on_time["denominator"] else t("kpi.no_data", language), theme.level(on_time["status"])),
        card("dossier_overdue_open", fmt.count(overdue_open["value"], language),
             t("kpi.overdue_open.detail", language, denominator=fmt.count(overdue_open["denominator"], language),
               date=fmt.day(end, language)), theme.level(overdue_open["status"])),
        card("task_overdue", fmt.count(tasks["value"], language),
             t("kpi.overdue.detail", language, date=fmt.day(end, language),
               denominator=fmt.count(tasks["denominator"], language)), theme.level(tasks["status"])),
        card("budget_disbursement_rate", fmt.percent(budget["value"], language),
             [t("kpi.budget.target", language, target=fmt.percent(budget["target"], language),
                gap=fmt.points_change(budget["gap_pp"], language)),
              html.Div(fmt.reported(budget, language), className="muted")]
             if budget["denominator"] else t("kpi.no_data", language), theme.level(budget["status"])),
    ], className="kpi-grid"), int(overdue_open["value"] or 0), int(tasks["value"] or 0)


def _ranking(view: View, language: str, unit: str, kind: str):
    ranking = data.metric("unit_ranking", view.period, structure=view.structure)
    mine = ranking[ranking["unit_code"] == unit]
    title = t("unit.ranking", language, kind=t(f"kind.{kind}", language))
    if mine.empty:
        return ui.section(title, ui.empty(t("unit.ranking.none", language)), name="unit-ranking")
    row = mine.iloc[0]
    of = int(row["ranked"])
    change = row["rank_change"]
    return ui.section(title, html.Div([
        html.Div(t("unit.ranking.value", language, rank=int(row["rank"]), of=of,
                   score=fmt.decimal(row["composite"], language)), className="ranking-line", id="unit-rank"),
        html.Div(fmt.change(None if pd.isna(change) else float(change), language, points=False, digits=0)
                 + " " + t("period.previous", language), className="kpi-change"),
        html.Div(t("unit.ranking.components", language,
                   **{c: fmt.decimal(None if pd.isna(row[c]) else row[c], language)
                      for c in ("procedures", "tasks", "budget")}), className="kpi-detail"),
    ]), name="unit-ranking")


def _trend(view: View, language: str, unit: str):
    window = periods.months_back(view.period.end, 12)
    frame = data.metric("dossier_on_time_rate", window, by=("month",), unit=unit, structure=view.structure)
    if not frame["denominator"].any():
        return ui.section(t("unit.trend", language), ui.empty(t("overview.no_trend", language)), name="unit-trend")
    frame = frame.assign(label=frame["month"].map(lambda m: fmt.month(m, language)),
                         text=frame["value"].map(lambda v: fmt.percent(v, language)))
    fig = figures.trend(frame, "label", [("value", REGISTRY["dossier_on_time_rate"].label(language), "text")],
                        language, height=280)
    return ui.section(t("unit.trend", language), figures.graph(fig, "unit-trend-graph"), name="unit-trend")


def _grid(kind: str, language: str, count: int, end):
    column_defs = []
    for column, (_, filter_kind, _) in COLUMNS[kind].items():
        definition = {"field": column, "headerName": t(f"unit.col.{column}", language), "flex": WIDTHS.get(column, 1),
                      "sortable": True, "filter": False}
        if column in MIN_WIDTHS:
            definition["minWidth"] = MIN_WIDTHS[column]
        if kind == "dossiers" and column == "dossier_id" and data.record_url("dossiers"):
            definition["cellRenderer"] = "RecordLink"  # assets/opscenter.js: a link to the one-stop system
        if filter_kind == "text":
            definition.update(filter="agTextColumnFilter",
                              filterParams={"filterOptions": ["contains"], "maxNumConditions": 1})
        elif filter_kind == "number":
            definition.update(filter="agNumberColumnFilter", type="rightAligned",
                              filterParams={"filterOptions": ["greaterThanOrEqual", "lessThanOrEqual"],
                                            "maxNumConditions": 1})
        column_defs.append(definition)
    title = t(f"unit.{kind}", language, date=fmt.day(end, language))
    if not context.principal().can("drill"):
        return ui.section(title, ui.notice(t("unit.no_drill", language, count=fmt.count(count, language))),
                          name=f"unit-{kind}")
    if not count:
        return ui.empty_section(title, t(f"unit.{kind}.none", language, date=fmt.day(end, language)), f"unit-{kind}")
    grid = dag.AgGrid(
        id=f"unit-{kind}-grid",
        rowModelType="infinite",
        columnDefs=column_defs,
        defaultColDef={"resizable": True, "minWidth": 110, "tooltipValueGetter": {"function": "params.value"}},
        dashGridOptions={"pagination": True, "paginationPageSize": PAGE_ROWS, "cacheBlockSize": PAGE_ROWS,
                         "maxBlocksInCache": 10, "rowBuffer": 0,
                         "localeText": ui.grid_locale(language)},
        className="ag-theme-alpine",
        style={"height": "560px"},
    )
    return ui.section(title, grid, exports.links(f"unit-{kind}"), name=f"unit-{kind}",
                      note=t(f"unit.{kind}.note", language))


def _unit_view(view: View, language: str):
    units = data.units()
    if not context.scope().allows(view.unit):
        return ui.page(view, "unit", language, [ui.notice(t("unit.out_of_scope", language, code=view.unit), "warning")]
                       + _picker(view, language), controls=("period", "structure"))
    if view.unit not in units.index:
        return ui.page(view, "unit", language, [ui.notice(t("unit.unknown", language, code=view.unit), "warning")]
                       + _picker(view, language), controls=("period", "structure"))
    info = units.loc[view.unit]
    name = info["name_vi" if language == "vi" else "name_en"]
    cards, overdue_dossiers, overdue_tasks = _cards(view, language, view.unit)
    end = view.period.end
    body = []
    if info["current_code"] != view.unit:
        body.append(ui.notice(t("unit.merged", language, successor=data.unit_name(info["current_code"], language))))
    body += [
        cards,
        html.Div([
            html.A(t("unit.jump.dossiers", language, count=fmt.count(overdue_dossiers, language)),
                   href="#panel-unit-dossiers", className="chip", id="unit-jump-dossiers"),
            html.A(t("unit.jump.tasks", language, count=fmt.count(overdue_tasks, language)),
                   href="#panel-unit-tasks", className="chip", id="unit-jump-tasks"),
        ], className="chips jump-links"),
        html.Div([_ranking(view, language, view.unit, info["kind"]), _trend(view, language, view.unit)],
                 className="grid-2"),
        dcc.Store(id="unit-grid-args", data={"unit": view.unit, "as_of": end.isoformat()}),
        _grid("dossiers", language, overdue_dossiers, end),
        _grid("tasks", language, overdue_tasks, end),
        tasks_screen.worklist(view, language, screen="unit", unit=view.unit),
    ]
    return ui.page(view, "unit", language, body, controls=("period", "structure"), title=name, current=name)


@ui.screen
def layout(view: View, language: str):
    """One unit, or the list to choose one from."""
    if view.unit is None:
        return ui.page(view, "unit", language, _picker(view, language), controls=("period", "structure"),
                       title=t("unit.pick", language))
    return _unit_view(view, language)


def _request(kind: str, request) -> dict:
    """The grid's sort and filter models as arguments of ``dashboard.data.overdue``; what
    no grid sends (a row number as text, a filter of 1e308, models of the wrong shape) is
    refused (400), an unknown column or direction ignored."""
    columns = COLUMNS[kind]
    sort_model, filter_model = request.get("sortModel") or [], request.get("filterModel") or {}
    if not isinstance(sort_model, list) or not all(isinstance(s, dict) for s in sort_model):
        ui.refuse("sortModel")
    if not isinstance(filter_model, dict) or not all(isinstance(m, dict) for m in filter_model.values()):
        ui.refuse("filterModel")
    sort = [(columns[s["colId"]][0], s["sort"]) for s in sort_model
            if isinstance(s.get("colId"), str) and s["colId"] in columns and s.get("sort") in ("asc", "desc")]
    filters = {}
    for column, model in filter_model.items():
        if column not in columns or columns[column][1] is None:
            continue
        _, filter_kind, parameter = columns[column]
        value = model.get("filter")
        if filter_kind == "text" and value not in (None, ""):
            if not isinstance(value, (str, int, float)) or isinstance(value, bool):
                ui.refuse(f"filter of {column}")
            filters[parameter] = str(value)[:100]
        elif filter_kind == "number" and value is not None:
            low, high = parameter
            filters[low if model.get("type") == "greaterThanOrEqual" else high] = ui.whole(
                value, f"filter of {column}", -MAX_DAYS, MAX_DAYS)
    start = ui.whole(request.get("startRow"), "startRow", 0, MAX_ROW, default=0)
    end = max(start, ui.whole(request.get("endRow"), "endRow", 0, MAX_ROW, default=start + PAGE_ROWS))
    return {"offset": start, "limit": min(end - start, 500), "sort": sort, "filters": filters}


def overdue_sheet(kind: str, rows: pd.DataFrame, language: str) -> exports.Sheet:
    """Overdue dossiers or tasks (rows of ``data.overdue``) as a table: one page of a grid,
    or everything the export holds."""
    label = lambda key: t(f"unit.col.{key}", language)  # noqa: E731
    column = exports.Column
    if kind == "dossiers":
        name = "procedure_name_vi" if language == "vi" else "procedure_name_en"
        rows = rows.assign(procedure_name=rows[name].fillna(rows["procedure_name_vi"]),
                           status=rows["status"].map(lambda v: t(f"dossier_status.{v}", language)))
        columns = [column("dossier_id", label("dossier_id")),
                   column("procedure_code", t("procedures.col.code", language)),
                   column("procedure_name", t("exports.col.procedure", language)),
                   column("received_at", label("received_at"), "datetime"),
                   column("effective_due_at", label("effective_due_at"), "datetime"),
                   column("status", label("status")),
                   column("supplement_count", label("supplement_count"), "count")]
    else:
        rows = rows.assign(source=rows["source"].map(lambda v: t(f"task_source.{v}", language)))
        columns = [column("task_id", label("task_id")), column("title", label("title")),
                   column("document_ref", label("document_ref")), column("source", label("source")),
                   column("assigned_on", label("assigned_on"), "date"),
                   column("due_on", label("due_on"), "date")]
    columns += [column("days_overdue", label("days_overdue"), "count"),
                column("unit_code", t("exports.col.unit_code", language))]
    return exports.Sheet(t(f"exports.title.unit-{kind}", language), columns, rows.reset_index(drop=True))


def _display(kind: str, rows: pd.DataFrame, language: str) -> list[dict]:
    """A grid's page as shown: dates and words written out, numbers kept for sorting; a
    dossier waiting for the citizen says so instead of its days overdue (its clock stopped)."""
    records = overdue_sheet(kind, rows, language).records(language)
    if kind == "dossiers":
        for record, waiting in zip(records, rows["waiting"].tolist()):
            record["procedure"] = f"{record['procedure_code']} · {record['procedure_name']}"
            if waiting:
                record["days_overdue"] = t("unit.dossiers.waiting", language)
    shown = [{column: record[column] for column in COLUMNS[kind]} for record in records]
    pattern = data.record_url("dossiers") if kind == "dossiers" else None
    if pattern:
        for record in shown:
            record["record_url"] = record_link(pattern, record["dossier_id"])
    return shown


def record_link(pattern: str, dossier_id: str) -> str:
    """The dossier's page in the one-stop system (``record_url`` of config/sources.toml)."""
    return pattern.replace("{dossier_id}", quote(str(dossier_id), safe=""))


def _everything(kind: str, view: View, language: str) -> exports.Sheet:
    """Every overdue record of the view's unit at the period's end, up to ``EXPORT_ROWS``
    (the files say so when there are more), read a warehouse page at a time."""
    end = view.period.end
    pages = [data.overdue(kind, end, unit=view.unit, limit=lists.MAX_ROWS)]
    total = int(pages[0]["total_rows"].iloc[0]) if len(pages[0]) else 0
    while len(pages[-1]) and (read := sum(map(len, pages))) < min(total, EXPORT_ROWS):
        pages.append(data.overdue(kind, end, unit=view.unit, limit=min(lists.MAX_ROWS, EXPORT_ROWS - read),
                                  offset=read))
    sheet = overdue_sheet(kind, pd.concat(pages, ignore_index=True), language)
    notes = (*exports.as_of(end, language), *exports.cut(len(sheet.rows), total, language))
    return replace(sheet, notes=notes)


@exports.table("unit-dossiers", screen="unit", filters=("period", "unit"))
def dossiers_sheet(view: View, language: str) -> exports.Sheet:
    return _everything("dossiers", view, language)


@exports.table("unit-tasks", screen="unit", filters=("period", "unit"))
def tasks_sheet(view: View, language: str) -> exports.Sheet:
    return _everything("tasks", view, language)


def _args(args) -> tuple[date, str]:
    """The grid's day and unit, as its page stored them (a crafted one is refused: 400)."""
    if not isinstance(args, dict) or not is_code(args.get("unit")) or not isinstance(args.get("as_of"), str):
        ui.refuse("unit-grid-args")
    try:
        return date.fromisoformat(args["as_of"]), args["unit"]
    except ValueError:
        ui.refuse("as_of")


def rows(kind: str, request: dict | None, args: dict | None, language: str) -> dict:
    """One page of a grid: its rows as shown and the count of all matching rows."""
    if not request or not args:
        return dash.no_update
    if not isinstance(request, dict):
        ui.refuse("getRowsRequest")
    as_of, unit = _args(args)
    page = data.overdue(kind, as_of, unit=unit, **_request(kind, request))
    total = int(page["total_rows"].iloc[0]) if len(page) else 0
    return {"rowData": _display(kind, page, language), "rowCount": total}


@callback(Output("unit-dossiers-grid", "getRowsResponse"), Input("unit-dossiers-grid", "getRowsRequest"),
          State("unit-grid-args", "data"), prevent_initial_call=True)
def dossier_rows(request, args):
    return rows("dossiers", request, args, context.language())


@callback(Output("unit-tasks-grid", "getRowsResponse"), Input("unit-tasks-grid", "getRowsRequest"),
          State("unit-grid-args", "data"), prevent_initial_call=True)
def task_rows(request, args):
    return rows("tasks", request, args, context.language())


dash.register_page(__name__, path="/unit", name="unit", order=50, right="view",
                   title=t("app.title"), layout=layout)
