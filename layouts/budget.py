"""Ngân sách / Budget: the disbursement of the fiscal year of the period's end against the
target path: headline rates per category, the cumulative curve month by month, and the
units ordered by how far they are behind the path (click a unit for its screen).

Budget figures are point in time: every number is the latest report of each budget line
on or before the day it is measured at (the period's end, or each month's end), over the
plan of the fiscal year of that day. The period's start does not change them.
"""
from __future__ import annotations

from datetime import date

import dash
import pandas as pd
import plotly.graph_objects as go
from dash import html

from dashboard import components as ui, data, exports, figures, formatting as fmt, screens, theme
from dashboard.i18n import t
from dashboard.state import View
from warehouse.domain import BUDGET_CATEGORIES
from warehouse.metrics import REGISTRY, Period

METRIC = "budget_disbursement_rate"
TARGET_MARK = "#1b1f24"


def fiscal_year(view: View) -> Period:
    """1 January of the year of the period's end to the period's end."""
    end = view.period.end
    return Period(date(end.year, 1, 1), end)


def _options(view: View) -> dict:
    return {"kind": view.kind, "structure": view.structure}


def _missing(value) -> bool:
    return value is None or pd.isna(value)


def _gap_text(gap, language: str) -> str:
    return t("budget.gap", language, gap=fmt.points_change(gap, language))


# --- headline cards -------------------------------------------------------------------

def _card(key: str, row: dict | None, view: View, language: str):
    """One rate: disbursed over plan, the target at the period's end and the gap."""
    metric = REGISTRY[METRIC]
    title = t(f"budget.card.{key}", language)
    if row is None or not row.get("denominator"):
        return ui.kpi_card(f"budget-{key}", title, fmt.NO_DATA, t("budget.no_plan_short", language),
                           metric.description(language), level="none")
    detail = [
        html.Div(t("budget.card.amounts", language, disbursed=fmt.billions(row["numerator"], language),
                   plan=fmt.billions(row["denominator"], language)), id=f"budget-{key}-amounts"),
        html.Div(t("budget.card.target", language, target=fmt.percent(row["target"], language),
                   gap=fmt.points_change(row["gap_pp"], language)), id=f"budget-{key}-gap"),
    ]
    detail.append(html.Div(fmt.reported(row, language), id=f"budget-{key}-reported", className="muted"))
    return ui.kpi_card(f"budget-{key}", title, fmt.percent(row["value"], language), detail,
                       metric.description(language), level=theme.level(row["status"]))


def _cards(view: View, year: Period, language: str) -> list:
    options = _options(view)
    total = data.total(METRIC, year, as_of=year.end, **options)
    by_category = data.metric(METRIC, year, by=("category",), as_of=year.end, **options)
    rows = {row["category"]: row for row in by_category.to_dict("records")}
    return ([_card("total", total, view, language)]
            + [_card(category, rows.get(category), view, language) for category in BUDGET_CATEGORIES])


# --- the curve --------------------------------------------------------------------------

def _curve_frame(frame: pd.DataFrame, language: str) -> pd.DataFrame:
    """Month label, rate, target and their texts from a metric frame cut by month."""
    out = pd.DataFrame({
        "month": frame["month"].map(lambda m: fmt.month(m, language)),
        "value": frame["value"].astype("float64"),
        "target": frame["target"].astype("float64"),
    })
    out["value_text"] = [
        fmt.percent(v, language) + ("" if _missing(g) else " (" + _gap_text(g, language) + ")")
        + ("" if to is None or pd.isna(to) else " · " + t("budget.reported", language, day=fmt.day(to, language)))
        for v, g, to in zip(frame["value"], frame["gap_pp"], frame["data_to"])]
    out["target_text"] = out["target"].map(lambda v: fmt.percent(v, language))
    return out


def _total_curve(view: View, year: Period, language: str):
    title = t("budget.curve.title", language, year=year.end.year)
    months = data.metric(METRIC, year, by=("month",), **_options(view))
    if not (months["denominator"] > 0).any():
        return ui.empty_section(title, t("budget.no_plan", language, year=year.end.year), "budget-curve")
    months = data.reported_months(months)
    frame = _curve_frame(months, language)
    fig = figures.trend(frame, "month", [
        ("value", t("budget.line.disbursed", language), "value_text"),
        ("target", t("budget.line.target", language), "target_text"),
    ], language, dashed=("target",), height=340)
    last = months["data_to"].iloc[-1] if len(months) else None
    return ui.section(title, figures.graph(fig, "budget-curve"), name="budget-curve",
                      note=t("budget.curve.note", language, date=fmt.day(last, language) if last else fmt.NO_DATA))


def _category_curve(view: View, year: Period, language: str):
    title = t("budget.categories.title", language)
    months = data.metric(METRIC, year, by=("month", "category"), **_options(view))
    months = data.reported_months(months[months["denominator"] > 0])
    if months.empty:
        return ui.empty_section(title, t("budget.no_plan", language, year=year.end.year), "budget-categories")
    labels = [m for m in dict.fromkeys(months["month"])]
    frame = pd.DataFrame({"month": [fmt.month(m, language) for m in labels]})
    lines, targets = [], {}
    for category in BUDGET_CATEGORIES:
        part = months[months["category"] == category].set_index("month").reindex(labels).reset_index()
        if part["denominator"].isna().all():
            continue
        curve = _curve_frame(part.assign(month=labels), language)
        frame[category] = curve["value"].to_numpy()
        frame[category + "_text"] = curve["value_text"].to_numpy()
        frame[category + "_target"] = curve["target"].to_numpy()
        frame[category + "_target_text"] = curve["target_text"].to_numpy()
        lines.append((category, t(f"budget.card.{category}", language), category + "_text"))
        targets[category] = curve["target"]
    # one dashed target line when the categories share the path, else one per category
    paths = list(targets.values())
    same = len(paths) < 2 or all((p.fillna(-1).round(6) == paths[0].fillna(-1).round(6)).all() for p in paths)
    dashed = []
    for category in (list(targets)[:1] if same else targets):
        name = (t("budget.line.target", language) if same
                else t("budget.line.target_of", language, category=t(f"budget.card.{category}", language)))
        lines.append((category + "_target", name, category + "_target_text"))
        dashed.append(category + "_target")
    fig = figures.trend(frame, "month", lines, language, dashed=tuple(dashed), height=340)
    return ui.section(title, figures.graph(fig, "budget-categories"), name="budget-categories",
                      note=t("budget.categories.note", language))


# --- units ------------------------------------------------------------------------------

@exports.table("budget-units", screen="budget")
def units_sheet(view: View, language: str) -> exports.Sheet:
    """Each unit with a plan in the fiscal year: plan, disbursed, rate, target and gap,
    worst gap to the target first (ties by code)."""
    year = fiscal_year(view)
    units = data.metric(METRIC, year, by=("unit",), as_of=year.end, **_options(view))
    units = units[units["denominator"] > 0].sort_values(["gap_pp", "unit_code"], kind="stable")
    rows = units.assign(unit=[data.unit_name(code, language) for code in units["unit_code"]])
    return exports.Sheet(t("exports.title.budget-units", language, year=year.end.year), exports.columns(
        language, ("unit", "rankings.col.unit"), ("unit_code", "exports.col.unit_code"),
        ("denominator", "exports.col.plan", "money"), ("numerator", "exports.col.disbursed", "money"),
        ("value", "budget.line.disbursed", "percent"), ("target", "budget.line.target", "percent"),
        ("gap_pp", "exports.col.gap", "decimal"), ("data_from", "exports.col.data_from", "date"),
        ("data_to", "exports.col.data_to", "date"),
    ), rows.reset_index(drop=True), notes=(t("exports.year_to_date", language, year=year.end.year,
                                              day=fmt.day(year.end, language)),))


def unit_rows(view: View, language: str) -> pd.DataFrame:
    """The bars of ``units_sheet``: one per unit, with the values written on them."""
    rows = []
    for row in units_sheet(view, language).rows.itertuples():
        status = theme.level(row.status)
        rows.append({
            "unit_code": row.unit_code,
            "label": row.unit,
            "value": row.value,
            "target": row.target,
            "text": t("budget.bar.text", language, status=theme.STATUS_GLYPH[status],
                      rate=fmt.percent(row.value, language), gap=fmt.points_change(row.gap_pp, language),
                      disbursed=fmt.billions(row.numerator, language),
                      plan=fmt.billions(row.denominator, language)),
            "target_text": fmt.percent(row.target, language),
            "href": view.href(screens.path("unit"), unit=row.unit_code, via="budget"),
            "status": status,
        })
    return pd.DataFrame(rows, columns=["unit_code", "label", "value", "target", "text", "target_text",
                                       "href", "status"])


def _units(view: View, year: Period, language: str):
    title = t("budget.units.title", language)
    rows = unit_rows(view, language)
    if rows.empty:
        return ui.empty_section(title, t("budget.no_plan", language, year=year.end.year), "budget-units")
    # the written values stand in one column right of every bar and target mark, so the
    # target marks never cross them
    top = float(max(rows["value"].max(), rows["target"].max(), 0.01))
    column = top * 1.04
    fig = figures.unit_bars(rows, language, range_max=column + top * 0.95)
    fig.update_traces(selector={"type": "bar"}, textposition="none", name=t("budget.line.disbursed", language))
    ordered = rows.iloc[::-1]
    fig.add_trace(go.Scatter(
        x=ordered["target"], y=ordered["label"], mode="markers", name=t("budget.line.target", language),
        marker={"symbol": "line-ns-open", "size": 24, "line": {"width": 3, "color": TARGET_MARK},
                "color": TARGET_MARK},
        text=ordered["target_text"], customdata=ordered["href"],
        hovertemplate="%{y}: " + t("budget.line.target", language) + " %{text}<extra></extra>",
    ))
    fig.add_trace(go.Scatter(
        x=[column] * len(ordered), y=ordered["label"], mode="text", text=ordered["text"],
        textposition="middle right", customdata=ordered["href"], showlegend=False, cliponaxis=False,
        hovertemplate="%{y}: %{text}<extra></extra>",
    ))
    ticks = [x / 10 for x in range(0, int(top * 10) + 2, 2)]
    fig.update_xaxes(tickvals=ticks)
    fig.update_layout(showlegend=True)
    return ui.section(title, figures.graph(fig, "budget-units", drill=True), exports.links("budget-units"),
                      name="budget-units",
                      note=t("budget.units.note", language, date=fmt.day(year.end, language)))


@ui.screen
def layout(view: View, language: str):
    """Is the money going out on time? The year's curve against the path, and who is behind."""
    year = fiscal_year(view)
    return ui.page(view, "budget", language, [
        html.Div(t("budget.scope", language, year=year.end.year, date=fmt.day(year.end, language)),
                 className="section-note", id="budget-scope"),
        html.Div(_cards(view, year, language), className="kpi-grid"),
        html.Div([_total_curve(view, year, language), _category_curve(view, year, language)],
                 className="grid-2"),
        _units(view, year, language),
    ])


dash.register_page(__name__, path="/budget", name="budget", order=30, right="view",
                   title=t("app.title"), layout=layout)
