"""Nhiệm vụ / Tasks: the state of the tasks assigned by the Government, the Prime Minister
and the ministry's leaders as of the period's end, the overdue rate by the Government
Office's convention, who leads the overdue tasks and which are the most overdue."""
from __future__ import annotations

import dash
import pandas as pd
import plotly.graph_objects as go
from dash import dcc, html

from dashboard import components as ui, context, data, exports, figures, formatting as fmt, screens, theme
from dashboard.i18n import t
from dashboard.state import TASK_LIST_STATES, View
from warehouse.domain import TASK_SOURCES, TASK_STATES
from warehouse.metrics import REGISTRY

SCREEN = "tasks"
CONTROLS = ("period", "kind", "structure")
# colour and pattern per state: the pattern tells them apart without colour
STATE_MARKS = {
    "done_on_time": (theme.STATUS_COLOUR["good"], ""),
    "done_late": (theme.PALETTE[1], "/"),
    "open_on_track": (theme.PALETTE[4], "."),
    "open_overdue": (theme.STATUS_COLOUR["bad"], "x"),
}
TOP_UNITS = 15
TOP_TASKS = 20


def _options(view: View) -> dict:
    return {"kind": view.kind, "structure": view.structure, "as_of": view.period.end}


def source_label(source: str, language: str) -> str:
    key = f"tasks.source.{source}"
    return t(key, language) if source in TASK_SOURCES else source


def states(view: View) -> pd.DataFrame:
    """Tasks per source as of the period's end: the four states, assigned and no deadline."""
    options = _options(view)
    on_time = data.metric("task_on_time_rate", view.period, by=("source",), **options).set_index("source")
    overdue = data.metric("task_overdue", view.period, by=("source",), **options).set_index("source")
    undated = data.metric("task_no_deadline", view.period, by=("source",), **options).set_index("source")
    sources = list(TASK_SOURCES) + sorted(set(overdue.index) - set(TASK_SOURCES))
    frame = pd.DataFrame({
        "assigned": overdue["denominator"], "done_on_time": on_time["numerator"], "done": on_time["denominator"],
        "open_overdue": overdue["numerator"], "no_deadline": undated["numerator"],
    }).reindex(sources).fillna(0).astype("int64")
    frame["done_late"] = frame["done"] - frame["done_on_time"]
    frame["open_on_track"] = frame["assigned"] - frame["done"] - frame["open_overdue"]
    return frame[frame["assigned"] > 0]


# -- headline numbers ------------------------------------------------------------------

def _cards(view: View, language: str) -> html.Div:
    options = _options(view)
    end = fmt.day(view.period.end, language)
    overdue = data.total("task_overdue", view.period, **options)
    rate = data.total("task_overdue_rate", view.period, **options)
    on_time = data.total("task_on_time_rate", view.period, **options)
    undated = data.total("task_no_deadline", view.period, **options)
    share = overdue["numerator"] / overdue["denominator"] if overdue["denominator"] else None

    def card(name, value, detail, level=None, title=None):
        metric = REGISTRY[name]
        return ui.kpi_card(name, title or metric.label(language), value, detail, metric.description(language),
                           level=level)

    no_data = t("kpi.no_data", language)
    return html.Div([
        card("task_overdue", fmt.count(overdue["value"], language),
             t("kpi.overdue.detail", language, date=end, denominator=fmt.count(overdue["denominator"], language)),
             level=theme.level(overdue["status"])),
        card("task_overdue_rate", fmt.percent(rate["value"], language), [
            html.Div(t("tasks.overdue_rate.detail", language, numerator=fmt.count(rate["numerator"], language),
                       denominator=fmt.count(rate["denominator"], language))
                     if rate["denominator"] else no_data),
            html.Div(t("tasks.overdue_rate.share", language, share=fmt.percent(share, language),
                       numerator=fmt.count(overdue["numerator"], language),
                       denominator=fmt.count(overdue["denominator"], language)), id="tasks-overdue-share"),
        ], level=theme.level(rate["status"]), title=t("tasks.overdue_rate.title", language)),
        card("task_on_time_rate", fmt.percent(on_time["value"], language),
             t("tasks.on_time.detail", language, numerator=fmt.count(on_time["numerator"], language),
               denominator=fmt.count(on_time["denominator"], language)) if on_time["denominator"] else no_data,
             level=theme.level(on_time["status"])),
        card("task_no_deadline", fmt.count(undated["value"], language),
             t("tasks.no_deadline.detail", language, date=end,
               denominator=fmt.count(undated["denominator"], language)), level=theme.level(undated["status"])),
    ], className="kpi-grid")


# -- by source -------------------------------------------------------------------------

@exports.table("tasks-sources", screen=SCREEN)
def sources_sheet(view: View, language: str) -> exports.Sheet:
    """The tasks of each source in their four states, as of the period's end."""
    frame = states(view)
    keys = list(TASK_STATES) + ["assigned", "no_deadline"]
    labels = ([t(f"tasks.state.{state}", language) for state in TASK_STATES]
              + [t("tasks.col.assigned", language), t("tasks.col.no_deadline", language)])
    rows = frame[keys].assign(source=[source_label(s, language) for s in frame.index]).reset_index(drop=True)
    return exports.Sheet(t("exports.title.tasks-sources", language),
                         [exports.Column("source", t("tasks.col.source", language))]
                         + [exports.Column(key, label, "count") for key, label in zip(keys, labels)], rows,
                         notes=exports.as_of(view.period.end, language))


# a state of the chart -> the task list's filter (done on time and late are both "done")
LIST_STATE = {"done_on_time": "done", "done_late": "done", "open_on_track": "on_track", "open_overdue": "overdue"}
WORKLIST_ROWS = 50


def worklist_href(view: View, screen: str = SCREEN, **filters) -> str:
    """The task list of ``screen`` filtered so (source, state, unit, leader), first page."""
    return view.href(screens.path(screen), page=1, **filters)


def _source_figure(frame: pd.DataFrame, language: str, view: View | None = None) -> go.Figure:
    labels = list(frame["source"])[::-1]  # first source on top
    codes = list(frame["code"])[::-1] if "code" in frame else [None] * len(labels)
    fig = go.Figure()
    for state in TASK_STATES:
        colour, pattern = STATE_MARKS[state]
        name = t(f"tasks.state.{state}", language)
        values = frame[state].iloc[::-1]
        fig.add_trace(go.Bar(
            x=values, y=labels, orientation="h", name=name,
            marker={"color": colour, "pattern": {"shape": pattern, "fgcolor": "#ffffff", "solidity": 0.25}},
            text=[fmt.count(v, language) for v in values], textposition="inside", insidetextanchor="middle",
            textfont={"color": "#ffffff" if state in ("done_on_time", "open_overdue") else "#1b1f24"},
            hovertemplate="%{y} · " + name + ": %{text}<extra></extra>",
            customdata=[worklist_href(view, source=code, state=LIST_STATE[state]) if view and code else None
                        for code in codes],
        ))
    fig.update_layout(barmode="stack", bargap=0.3, uniformtext={"minsize": 12, "mode": "hide"},
                      legend={"traceorder": "normal"})
    fig.update_xaxes(tickformat=",d")
    fig.update_yaxes(ticksuffix=" ")
    return figures.styled(fig, language, height=70 * len(frame) + 110)


def _sources(view: View, language: str):
    title = t("tasks.sources", language, date=fmt.day(view.period.end, language))
    sheet = sources_sheet(view, language)
    if sheet.rows.empty:
        return ui.empty_section(title, t("tasks.none", language, date=fmt.day(view.period.end, language)),
                                "tasks-sources")
    keys = [column.key for column in sheet.columns[1:]]
    total = sheet.rows[keys].sum()
    rows = sheet.written_rows(language) + [
        [html.Th(t("tasks.col.total", language), scope="row", className="total")]
        + [html.Td(fmt.count(total[k], language), className="num total") for k in keys]]
    chart = sheet.rows.assign(code=list(states(view).index))
    return ui.section(title, figures.graph(_source_figure(chart, language, view), "tasks-sources", drill=True),
                      ui.table(sheet.headers(), rows, "tasks-sources-table"), exports.links("tasks-sources"),
                      name="tasks-sources", note=t("tasks.sources.note", language))


# -- by lead unit ----------------------------------------------------------------------

def _unit_href(view: View, code: str) -> str:
    return view.href(screens.path("unit"), unit=code, via=SCREEN)


def _units(view: View, language: str):
    end = fmt.day(view.period.end, language)
    title = t("tasks.units", language, date=end)
    options = _options(view)
    overdue = data.metric("task_overdue", view.period, by=("unit",), **options)
    overdue = overdue[overdue["numerator"] > 0]
    if overdue.empty:
        return ui.empty_section(title, t("tasks.overdue.none", language, date=end), "tasks-units")
    rates = data.metric("task_overdue_rate", view.period, by=("unit",), **options).set_index("unit_code")["value"]
    top = overdue.sort_values(["value", "unit_code"], ascending=[False, True]).head(TOP_UNITS)
    levels = [theme.level(status) for status in top["status"]]  # the count's rule, per unit
    rows = pd.DataFrame({
        "label": [data.unit_name(code, language) for code in top["unit_code"]],
        "value": top["value"].to_numpy(),
        "text": [f"{theme.STATUS_GLYPH[level]} {fmt.count(value, language)} ({fmt.percent(rates.get(code), language)})"
                 for level, value, code in zip(levels, top["value"], top["unit_code"])],
        "href": [worklist_href(view, unit=code, state="overdue") for code in top["unit_code"]],
        "status": levels,
    })
    fig = figures.unit_bars(rows, language, tickformat=",d", range_max=float(rows["value"].max()))
    fig.update_layout(margin={"r": figures.VALUE_ROOM + 24})  # "! 14 (14,3%)" after the longest bar
    return ui.section(title, figures.graph(fig, "tasks-units", drill=True), name="tasks-units",
                      note=" ".join([t("tasks.units.note", language, shown=len(top), units=len(overdue)),
                                     ui.status_legend(language, "task_overdue")]))


# -- the most overdue ------------------------------------------------------------------

def overdue_list(view: View) -> pd.DataFrame:
    """The ``TOP_TASKS`` most overdue tasks of the view (unit kind, structure), in order."""
    frame = data.overdue("tasks", view.period.end, unit_kind=view.kind, limit=TOP_TASKS)
    code = "unit_code" if view.structure == "current" else "recorded_unit_code"
    return frame.assign(lead=frame[code])


@exports.table("tasks-list", screen=SCREEN)
def list_sheet(view: View, language: str) -> exports.Sheet:
    """The most overdue tasks, with their lead unit's name and code."""
    frame = overdue_list(view)
    rows = pd.DataFrame({
        "days_overdue": frame["days_overdue"], "title": frame["title"], "document_ref": frame["document_ref"],
        "source": [source_label(s, language) for s in frame["source"]],
        "lead": [data.unit_name(code, language) for code in frame["lead"]], "lead_code": frame["lead"],
        "due_on": frame["due_on"], "task_id": frame["task_id"],
    })
    return exports.Sheet(t("exports.title.tasks-list", language), exports.columns(
        language, ("days_overdue", "tasks.col.days", "count"), ("title", "tasks.col.title"),
        ("document_ref", "unit.col.document_ref"), ("source", "tasks.col.source"), ("lead", "tasks.col.lead"),
        ("lead_code", "exports.col.unit_code"), ("due_on", "tasks.col.due", "date"),
        ("task_id", "unit.col.task_id"),
    ), rows, notes=(*exports.as_of(view.period.end, language),
                    *exports.cut(len(rows), data.total("task_overdue", view.period, **_options(view))["value"], language)))


def _list(view: View, language: str):
    end = fmt.day(view.period.end, language)
    title = t("tasks.list", language, top=TOP_TASKS, date=end)
    sheet = list_sheet(view, language)
    if sheet.rows.empty:
        return ui.empty_section(title, t("tasks.overdue.none", language, date=end), "tasks-list")
    total = data.total("task_overdue", view.period, **_options(view))["value"]
    days, due = sheet.written("days_overdue", language), sheet.written("due_on", language)
    rows = [[
        days[number],
        html.Td([html.Div(row.title), html.Div(row.document_ref or "", className="muted",
                                               style={"fontSize": "13px", "color": "#4a5360"})]),
        row.source,
        html.Td(dcc.Link(row.lead, href=_unit_href(view, row.lead_code))),
        due[number],
    ] for number, row in enumerate(sheet.rows.itertuples())]
    columns = sheet.headers("days_overdue", "title", "source", "lead", "due_on")
    return ui.section(title, ui.table(columns, rows, "tasks-list-table"), exports.links("tasks-list"),
                      name="tasks-list",
                      note=t("tasks.list.note", language, shown=len(sheet.rows),
                             total=fmt.count(total, language)))


# -- the office's task list ---------------------------------------------------------------

def worklist_filters(view: View) -> dict:
    return {k: v for k, v in {"q_source": view.source, "q_state": view.state, "q_leader": view.leader}.items() if v}


def _chip(label: str, href: str, active: bool) -> dcc.Link:
    return dcc.Link(label, href=href, className="chip active" if active else "chip")


def _filters(view: View, language: str, leaders: list[str], screen: str) -> html.Div:
    """The list's filters as links (the URL holds them): source, state, leader, lead unit."""
    def worklist_href(view, **filters):
        return globals()["worklist_href"](view, screen, **filters)

    rows = [
        (t("tasks.worklist.by_source", language),
         [_chip(t("tasks.worklist.all", language), worklist_href(view, source=None), view.source is None)]
         + [_chip(source_label(s, language), worklist_href(view, source=s), view.source == s) for s in TASK_SOURCES]),
        (t("tasks.worklist.by_state", language),
         [_chip(t("tasks.worklist.all", language), worklist_href(view, state=None), view.state is None)]
         + [_chip(t(f"tasks.worklist.state.{s}", language), worklist_href(view, state=s), view.state == s)
            for s in TASK_LIST_STATES]),
        (t("tasks.worklist.by_leader", language),
         [_chip(t("tasks.worklist.all", language), worklist_href(view, leader=None), view.leader is None)]
         + [_chip(name, worklist_href(view, leader=name), view.leader == name) for name in leaders]),
    ]
    if view.unit and screen == SCREEN:
        rows.append((t("tasks.worklist.by_unit", language),
                     [_chip(f"{data.unit_label(view.unit, language)} ✕", worklist_href(view, unit=None), True)]))
    return html.Div([html.Div([html.Span(label, className="filter-label"), *chips], className="filter-row")
                     for label, chips in rows], className="worklist-filters", id="tasks-worklist-filters")


def _days_text(row, language: str) -> str:
    if row.state == "overdue":
        return t("tasks.worklist.days_overdue", language, days=fmt.count(row.days_overdue, language))
    if row.state in ("due_soon", "on_track") and row.days_left is not None and not pd.isna(row.days_left):
        return t("tasks.worklist.days_left", language, days=fmt.count(row.days_left, language))
    return "—"


def worklist(view: View, language: str, *, screen: str = SCREEN, unit: str | None = None):
    """The office's task list: every task of the view as of the period's end, filtered by
    source, state, leader and lead unit (the URL), 50 a page."""
    end = view.period.end
    title = t("tasks.worklist", language, date=fmt.day(end, language))
    if not context.principal().can("drill"):
        return ui.empty_section(title, t("tasks.worklist.no_right", language), "tasks-worklist")
    filters = worklist_filters(view)
    unit = unit or view.unit
    frame = data.task_list(end, unit=unit, unit_kind=view.kind, limit=WORKLIST_ROWS,
                           offset=(view.page - 1) * WORKLIST_ROWS, filters=filters)
    total = int(frame["total_rows"].iloc[0]) if len(frame) else 0
    leaders = data.supervising_leaders()
    head = _filters(view, language, leaders, screen)
    if frame.empty:
        return ui.section(title, head, ui.empty(t("tasks.worklist.none", language), "tasks-worklist"),
                          name="tasks-worklist")
    columns = [(t("tasks.worklist.col.document", language), False), (t("tasks.col.lead", language), False),
               (t("tasks.col.due", language), True), (t("tasks.worklist.col.days", language), True),
               (t("tasks.worklist.col.leader", language), False),
               (t("tasks.worklist.col.coordinating", language), False),
               (t("tasks.worklist.col.state", language), False)]
    rows = []
    frame = frame.astype({c: object for c in ("document_ref", "supervising_leader", "coordinating_units")})
    frame = frame.where(frame.notna(), None)
    for row in frame.itertuples():
        coordinating = [c.strip() for c in (row.coordinating_units or "").split(";") if c.strip()]
        rows.append([
            html.Td([html.Div(row.document_ref or "—", className="strong"),
                     html.Div(row.title, className="muted", style={"fontSize": "13px", "color": "#4a5360"})]),
            html.Td(dcc.Link(data.unit_name(row.unit_code, language), href=_unit_href(view, row.unit_code))),
            fmt.day(row.due_on.date() if hasattr(row.due_on, "date") else row.due_on, language)
            if row.due_on is not None and not pd.isna(row.due_on) else "—",
            _days_text(row, language),
            row.supervising_leader or "—",
            ", ".join(data.unit_name(c, language, short=True) for c in coordinating) or "—",
            html.Td(t(f"tasks.worklist.state.{row.state}", language), className=f"state-{row.state}"),
        ])
    pages = (total + WORKLIST_ROWS - 1) // WORKLIST_ROWS
    pager = html.Div([
        dcc.Link(t("tasks.worklist.previous", language), href=view.href(screens.path(screen), page=view.page - 1),
                 className="chip") if view.page > 1 else None,
        html.Span(t("tasks.worklist.page", language, page=view.page, pages=pages, total=fmt.count(total, language)),
                  className="muted"),
        dcc.Link(t("tasks.worklist.next", language), href=view.href(screens.path(screen), page=view.page + 1),
                 className="chip") if view.page < pages else None,
    ], className="pager", id="tasks-worklist-pager")
    return ui.section(title, head, ui.table(columns, rows, "tasks-worklist-table"), pager, name="tasks-worklist",
                      note=t("tasks.worklist.note", language, days=data.due_soon_days()))


@ui.screen
def layout(view: View, language: str):
    """Which tasks are late, who leads them, and how the Government's count is reckoned."""
    return ui.page(view, SCREEN, language, [
        _cards(view, language),
        html.Div([_sources(view, language), _units(view, language)], className="grid-2"),
        worklist(view, language),
        _list(view, language),
    ], controls=CONTROLS)


dash.register_page(__name__, path="/tasks", name=SCREEN, order=20, right="view",
                   title=t("app.title"), layout=layout)
