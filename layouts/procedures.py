"""Thủ tục hành chính / Procedures: the on-time and online rates by unit, field and
procedure, a unit × month map of the on-time rate, the Decision 766 points this data
covers, and the overdue open dossiers by unit. Every unit mark leads to the unit screen."""
from __future__ import annotations

import math

import dash
import pandas as pd
import plotly.graph_objects as go
from dash import html

from dashboard import components as ui, data, exports, figures, formatting as fmt, periods, screens, theme, tilemap
from dashboard.i18n import t
from dashboard.state import View
from warehouse.metrics import REGISTRY, Period
from warehouse.periods import buckets
from warehouse.registry import rate_of

SCREEN = "procedures"
CONTROLS = ("period", "kind", "structure", "field")
TOP = 15  # bars and procedures shown, worst first
D766 = ("d766_progress_points", "d766_online_points", "d766_online_payment_points")
D766_TOTAL = 100
# Decision 766 groups that these records cannot compute: publicity and transparency,
# satisfaction, digitisation of dossiers (catalogue key -> points).
D766_OTHER = (("publicity", 18), ("satisfaction", 18), ("digitisation", 22))
ONLINE_FULL = REGISTRY["d766_online_points"].points.full_at  # the online rate that earns full points


def _options(view: View) -> dict:
    return {"kind": view.kind, "structure": view.structure}


def _cut(name: str, period: Period, view: View, by=()) -> pd.DataFrame:
    """A metric by ``by`` keys; when the view has a field, cut by field too and keep its rows."""
    by = tuple(by)
    if not view.field:
        return data.metric(name, period, by=by, **_options(view))
    frame = data.metric(name, period, by=by + ("field",), **_options(view))
    return frame[frame["field"] == view.field].drop(columns="field").reset_index(drop=True)


def _total(name: str, period: Period, view: View) -> dict:
    """The metric's total row as a dict, within the view's field when it has one."""
    if not view.field:
        return data.total(name, period, **_options(view))
    frame = _cut(name, period, view)
    if frame.empty:
        return {"value": None, "numerator": 0, "denominator": 0, "status": None, "small_sample": False}
    row = frame.iloc[0]
    return {key: (None if pd.isna(row[key]) else row[key].item() if hasattr(row[key], "item") else row[key])
            for key in ("value", "numerator", "denominator", "status", "small_sample")}


def _missing(value) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value))


def _unit_href(view: View, code: str, period: Period | None = None) -> str:
    changes = {"unit": code, "via": SCREEN}
    if period is not None:
        changes["period"] = period
    return view.href(screens.path("unit"), **changes)


def _scope_note(view: View, language: str) -> str:
    """What the figures cover: all fields or the chosen one."""
    return (t("procedures.scope.field", language, field=ui.field_label(view.field, language))
            if view.field else t("procedures.scope.all", language))


def _no_dossiers(view: View, language: str) -> str:
    return t("procedures.none", language, start=fmt.day(view.period.start, language),
             end=fmt.day(view.period.end, language))


# -- headline numbers ------------------------------------------------------------------

def _cards(view: View, language: str) -> html.Div:
    on_time = _total("dossier_on_time_rate", view.period, view)
    online = _total("dossier_online_rate", view.period, view)
    overdue = _total("dossier_overdue_open", view.period, view)
    points = [_total(name, view.period, view)["value"] for name in D766]
    got = sum(p for p in points if not _missing(p))
    maximum = sum(REGISTRY[name].points.maximum for name in D766)

    def card(name, value, detail, level=None):
        metric = REGISTRY[name]
        return ui.kpi_card(name, metric.label(language), value, detail, metric.description(language), level=level)

    no_data = t("kpi.no_data", language)
    return html.Div([
        card("dossier_on_time_rate", fmt.percent(on_time["value"], language),
             t("kpi.on_time.detail", language, numerator=fmt.count(on_time["numerator"], language),
               denominator=fmt.count(on_time["denominator"], language)) if on_time["denominator"] else no_data,
             theme.level(on_time["status"])),
        card("dossier_online_rate", fmt.percent(online["value"], language),
             t("procedures.online.detail", language, numerator=fmt.count(online["numerator"], language),
               denominator=fmt.count(online["denominator"], language)) if online["denominator"] else no_data,
             theme.level(online["status"])),
        card("dossier_overdue_open", fmt.count(overdue["value"] or 0, language),
             t("kpi.overdue_open.detail", language, denominator=fmt.count(overdue["denominator"], language),
               date=fmt.day(view.period.end, language)), theme.level(overdue["status"])),
        ui.kpi_card("d766_points", t("procedures.d766.card", language),
                    t("procedures.d766.of", language, value=fmt.decimal(got, language),
                      maximum=fmt.decimal(maximum, language, 0))
                    if any(not _missing(p) for p in points) else fmt.NO_DATA,
                    t("procedures.d766.card.detail", language, total=D766_TOTAL,
                      rest=fmt.decimal(D766_TOTAL - maximum, language, 0)),
                    t("procedures.d766.note", language)),
    ], className="kpi-grid")


# -- by unit ---------------------------------------------------------------------------

def unit_rate_rows(frame: pd.DataFrame, view: View, language: str) -> pd.DataFrame:
    """Rows for ``figures.unit_bars``: the ``TOP`` worst rates first, units without data or
    with too few records left out (never listed among the lowest: DOMAIN.md, Small samples)."""
    frame = frame[(frame["denominator"] > 0) & ~frame["small_sample"]].sort_values(["value", "unit_code"]).head(TOP)
    levels = [theme.level(status) for status in frame["status"]]
    return pd.DataFrame({
        "label": [data.unit_name(code, language) for code in frame["unit_code"]],
        "value": frame["value"].to_numpy(),
        "text": [f"{theme.STATUS_GLYPH[level]} {fmt.percent(value, language)}"
                 for level, value in zip(levels, frame["value"])],
        "href": [_unit_href(view, code) for code in frame["unit_code"]],
        "status": levels,
    })


def _rate_figure(rows: pd.DataFrame, language: str) -> go.Figure:
    fig = figures.unit_bars(rows, language, range_max=1.0)
    fig.update_xaxes(tickvals=[0, 0.25, 0.5, 0.75, 1.0])
    fig.update_layout(margin={"r": figures.VALUE_ROOM})  # the value written after a full bar
    return fig


def _unit_rates(view: View, language: str) -> html.Div:
    panels = []
    for name in ("dossier_on_time_rate", "dossier_online_rate"):
        short = name.removeprefix("dossier_").removesuffix("_rate")
        title = t(f"procedures.unit.{short}", language)
        frame = _cut(name, view.period, view, ("unit",))
        units = int(((frame["denominator"] > 0) & ~frame["small_sample"]).sum())
        few = int(frame["small_sample"].sum())
        if not units:
            reason = (t("procedures.unit.all_few", language, count=few, minimum=data.minimum(name)) if few
                      else _no_dossiers(view, language))
            panels.append(ui.empty_section(title, reason, f"procedures-unit-{short}"))
            continue
        rows = unit_rate_rows(frame, view, language)
        note = " ".join([t("procedures.unit.note", language, shown=min(TOP, units), units=units),
                         t("procedures.unit.few", language, count=few, minimum=data.minimum(name)) if few else "",
                         _scope_note(view, language), ui.status_legend(language, name),
                         t("procedures.unit.online.threshold", language, threshold=fmt.percent(ONLINE_FULL, language))
                         if short == "online" else ""]).strip()
        panels.append(ui.section(title, figures.graph(_rate_figure(rows, language), f"procedures-unit-{short}",
                                                      drill=True),
                                 name=f"procedures-unit-{short}", note=note))
    return html.Div(panels, className="grid-2")


# -- by field --------------------------------------------------------------------------

def _fields(view: View, language: str):
    title = t("procedures.field", language)
    options = _options(view)
    on_time = data.metric("dossier_on_time_rate", view.period, by=("field",), **options)
    online = data.metric("dossier_online_rate", view.period, by=("field",), **options)
    frame = on_time.merge(online, on="field", how="outer", suffixes=("_on_time", "_online"))
    frame = frame[(frame["denominator_on_time"] > 0) | (frame["denominator_online"] > 0)]
    if frame.empty:
        return ui.empty_section(title, _no_dossiers(view, language), "procedures-field")
    frame = frame.sort_values(["value_on_time", "field"], na_position="last").iloc[::-1]
    labels = [("▶ " if field == view.field else "") + ui.field_label(field, language) for field in frame["field"]]
    hrefs = [view.href(screens.path(SCREEN), field=field) for field in frame["field"]]
    fig = go.Figure()
    for number, (column, name, pattern) in enumerate((("on_time", "dossier_on_time_rate", ""),
                                                      ("online", "dossier_online_rate", "/"))):
        label = REGISTRY[name].label(language)
        fig.add_trace(go.Bar(
            x=frame[f"value_{column}"], y=labels, orientation="h", name=label,
            marker={"color": theme.PALETTE[number], "pattern": {"shape": pattern}},
            text=[fmt.percent(v, language) for v in frame[f"value_{column}"]], textposition="outside",
            cliponaxis=False, customdata=hrefs,
            hovertemplate="%{y} · " + label + ": %{text}<extra></extra>",
        ))
    fig.update_layout(barmode="group", bargap=0.25, legend={"traceorder": "normal"})
    fig.update_xaxes(tickformat=".0%", range=[0, 1.0], tickvals=[0, 0.25, 0.5, 0.75, 1.0])
    fig.update_yaxes(ticksuffix=" ")
    figures.styled(fig, language, height=max(260, 48 * len(frame) + 90))
    fig.update_layout(margin={"r": figures.VALUE_ROOM})
    return ui.section(title, figures.graph(fig, "procedures-field", drill=True), name="procedures-field",
                      note=t("procedures.field.note", language))


# -- Decision 766 ----------------------------------------------------------------------

@exports.table("procedures-d766", screen=SCREEN, filters=CONTROLS)
def d766_sheet(view: View, language: str) -> exports.Sheet:
    """The Decision 766 points the dossiers give, each with the rate it comes from."""
    rows = []
    for name in D766:
        total = _total(name, view.period, view)
        rows.append({"metric": name, "group": REGISTRY[name].label(language), "points": total["value"],
                     "maximum": REGISTRY[name].points.maximum,
                     "rate": _total(rate_of(REGISTRY[name]).name, view.period, view)["value"],
                     "numerator": total["numerator"], "denominator": total["denominator"]})
    return exports.Sheet(t("exports.title.procedures-d766", language), exports.columns(
        language, ("group", "procedures.d766.col.group"), ("points", "exports.col.points", "decimal"),
        ("maximum", "exports.col.maximum", "count"), ("rate", "exports.col.rate", "percent"),
        ("numerator", "exports.col.numerator", "count"), ("denominator", "exports.col.denominator", "count"),
    ), pd.DataFrame(rows))


def _d766(view: View, language: str):
    title = t("procedures.d766", language)
    sheet = d766_sheet(view, language)
    written = sheet.texts(language)
    rows = [[
        html.Th(row.group, scope="row", title=REGISTRY[row.metric].description(language),
                className="row-head"),
        html.Td(t("procedures.d766.of", language, value=written["points"][number],
                  maximum=written["maximum"][number]),
                className="num total nowrap", id=f"procedures-{row.metric}"),
        t("procedures.d766.rate", language, rate=written["rate"][number],
          numerator=written["numerator"][number], denominator=written["denominator"][number]),
    ] for number, row in enumerate(sheet.rows.itertuples())]
    rest = sum(points for _, points in D766_OTHER)
    other = html.Ul([html.Li(t("procedures.d766.other.item", language, group=t(f"procedures.d766.{key}", language),
                                 points=points)) for key, points in D766_OTHER])
    body = html.Div([
        ui.table([(t("procedures.d766.col.group", language), False), (t("procedures.d766.col.points", language), True),
               (t("procedures.d766.col.basis", language), True)], rows, "procedures-d766-table"),
        exports.links("procedures-d766"),
        html.P(t("procedures.d766.other", language, rest=rest, total=D766_TOTAL), className="section-note",
               id="procedures-d766-other"),
        other,
    ])
    return ui.section(title, body, name="procedures-d766",
                      note=t("procedures.d766.note", language) + " " + _scope_note(view, language))


# -- unit × month ----------------------------------------------------------------------

def _heatmap(view: View, language: str):
    window = periods.months_back(view.period.end, 12)
    title = t("procedures.heatmap", language)
    frame = _cut("dossier_on_time_rate", window, view, ("unit", "month"))
    frame = frame[frame["denominator"] > 0]
    if frame.empty:
        return ui.empty_section(title, t("procedures.heatmap.none", language, start=fmt.day(window.start, language),
                                         end=fmt.day(window.end, language)), "procedures-heatmap")
    months = [(label, first, last) for label, first, last in buckets(window, "month")]
    # worst over the 12 months on top
    sums = frame.groupby("unit_code")[["numerator", "denominator"]].sum().sort_index()
    codes = list((sums["numerator"] / sums["denominator"]).sort_values(kind="stable").index)
    names = [data.unit_name(code, language) for code in codes]
    labels = [f"{name} ({code})" if names.count(name) > 1 else name for name, code in zip(names, codes)]
    columns = [fmt.month(label, language) for label, _, _ in months]
    values = frame.pivot(index="unit_code", columns="month", values="value").reindex(
        index=codes, columns=[label for label, _, _ in months])
    texts = values.apply(lambda col: col.map(lambda v: fmt.percent(v, language)))
    hrefs = pd.DataFrame([[_unit_href(view, code, Period(first, last)) for _, first, last in months]
                          for code in codes])
    values.index, values.columns = labels, columns
    low = float(frame["value"].min())
    zmin = max(0.0, min(0.8, math.floor(low * 10) / 10))
    fig = figures.heatmap(values, texts, hrefs, language, zmin=zmin, zmax=1.0)
    fig.update_yaxes(ticksuffix=" ")
    fig.update_traces(colorbar={"tickformat": ".0%", "thickness": 12,
                                "title": {"text": t("procedures.heatmap.scale", language), "side": "right"}})
    return ui.section(title, figures.graph(fig, "procedures-heatmap", drill=True), name="procedures-heatmap",
                      note=t("procedures.heatmap.note", language, start=fmt.month(months[0][0], language),
                             end=fmt.month(months[-1][0], language), low=fmt.percent(zmin, language))
                      + " " + _scope_note(view, language))


# -- by procedure ----------------------------------------------------------------------

def procedure_rows(view: View) -> pd.DataFrame:
    """Every procedure with dossiers not on time or overdue, the most not on time first (then the lowest on-time rate)."""
    options = _options(view)
    by = ("procedure", "field")
    on_time = data.metric("dossier_on_time_rate", view.period, by=by, **options)
    overdue = data.metric("dossier_overdue_open", view.period, by=by, **options)
    frame = on_time.rename(columns={"value": "rate", "numerator": "on_time", "denominator": "handled"}).merge(
        overdue[["procedure_code", "field", "numerator"]].rename(columns={"numerator": "overdue_open"}),
        on=["procedure_code", "field"], how="outer")
    if view.field:
        frame = frame[frame["field"] == view.field]
    frame = frame.fillna({"on_time": 0, "handled": 0, "overdue_open": 0})
    frame = frame.assign(late=frame["handled"] - frame["on_time"])
    frame = frame[(frame["handled"] > 0) | (frame["overdue_open"] > 0)]
    return frame.sort_values(["late", "overdue_open", "rate", "procedure_code"],
                             ascending=[False, False, True, True], na_position="last")


@exports.table("procedures-procedure", screen=SCREEN, filters=CONTROLS)
def procedure_sheet(view: View, language: str) -> exports.Sheet:
    """The procedures with the most late dossiers, by name and field (the first ``TOP``)."""
    every = procedure_rows(view)
    frame = every.head(TOP)
    rows = frame.assign(
        name=[data.procedure_name(code, language) for code in frame["procedure_code"]],
        field=[ui.field_label(field, language) if isinstance(field, str) else None
               for field in frame["field"]])
    counts = [(key, f"procedures.col.{key}", "count")
              for key in ("handled", "on_time", "late", "overdue_open")]
    return exports.Sheet(t("exports.title.procedures-procedure", language), exports.columns(
        language, ("procedure_code", "procedures.col.code"), ("name", "exports.col.procedure"),
        ("field", "procedures.col.field"), *counts, ("rate", "procedures.col.rate", "percent"),
    ), rows, notes=exports.cut(len(frame), len(every), language))


def _procedures(view: View, language: str):
    title = t("procedures.procedure", language)
    sheet = procedure_sheet(view, language)
    if sheet.rows.empty:
        return ui.empty_section(title, _no_dossiers(view, language), "procedures-procedure")
    written = sheet.texts(language)
    columns = sheet.headers("procedure_code", "field", "handled", "on_time", "late", "overdue_open", "rate")
    cells = [[html.Span([html.B(row.procedure_code), " · ", row.name]), row.field or fmt.NO_DATA,
              *[written[key][number] for key in ("handled", "on_time", "late", "overdue_open")],
              f"{theme.STATUS_GLYPH[theme.level(row.status)]} {written['rate'][number]}"]
             for number, row in enumerate(sheet.rows.itertuples())]
    return ui.section(title, ui.table(columns, cells, "procedures-procedure-table"),
                      exports.links("procedures-procedure"), name="procedures-procedure",
                      note=" ".join([t("procedures.procedure.note", language, top=TOP), _scope_note(view, language),
                                     ui.status_legend(language, "dossier_on_time_rate")]))


# -- overdue open by unit --------------------------------------------------------------

def _overdue(view: View, language: str):
    title = t("procedures.overdue", language, date=fmt.day(view.period.end, language))
    frame = _cut("dossier_overdue_open", view.period, view, ("unit",))
    frame = frame[frame["numerator"] > 0]
    if frame.empty:
        return ui.empty_section(title, t("procedures.overdue.none", language, date=fmt.day(view.period.end, language)),
                                "procedures-overdue")
    top = frame.sort_values(["value", "unit_code"], ascending=[False, True]).head(TOP)
    levels = [theme.level(status) for status in top["status"]]
    rows = pd.DataFrame({
        "label": [data.unit_name(c, language) for c in top["unit_code"]],
        "value": top["value"].to_numpy(),
        "text": [f"{theme.STATUS_GLYPH[level]} {fmt.count(v, language)}" for level, v in zip(levels, top["value"])],
        "href": [_unit_href(view, c) for c in top["unit_code"]],
        "status": levels,
    })
    fig = figures.unit_bars(rows, language, tickformat=",d", range_max=float(rows["value"].max()))
    fig.update_layout(margin={"r": figures.VALUE_ROOM})
    return ui.section(title, figures.graph(fig, "procedures-overdue", drill=True), name="procedures-overdue",
                      note=" ".join([t("procedures.overdue.note", language, shown=len(top), units=len(frame)),
                                     _scope_note(view, language),
                                     ui.status_legend(language, "dossier_overdue_open")]))


@ui.screen
def layout(view: View, language: str):
    """Where dossiers are late, in which fields and procedures, and what it costs in points."""
    return ui.page(view, SCREEN, language, [
        _cards(view, language),
        _unit_rates(view, language),
        html.Div(tilemap.panels(view, SCREEN, language), className="grid-2 map-grid"),
        html.Div([_fields(view, language), _d766(view, language)], className="grid-2"),
        _heatmap(view, language),
        html.Div([_procedures(view, language), _overdue(view, language)], className="grid-2"),
    ], controls=CONTROLS)


dash.register_page(__name__, path="/procedures", name=SCREEN, order=10, right="view",
                   title=t("app.title"), layout=layout)
