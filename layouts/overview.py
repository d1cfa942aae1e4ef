"""Tổng quan / Overview: the headline indicators with their change against the previous
period, 12-month trends, the five weakest units and what needs attention."""
from __future__ import annotations

import dash
import pandas as pd
from dash import dcc, html

from dashboard import alerts as attention, components as ui, data, figures, formatting as fmt, periods, screens, theme, tilemap
from dashboard.i18n import t
from dashboard.state import View
from warehouse.metrics import REGISTRY


def _options(view: View) -> dict:
    return {"kind": view.kind, "structure": view.structure}


def _cards(view: View, language: str) -> list:
    options, end = _options(view), view.period.end
    on_time = data.total("dossier_on_time_rate", view.period, **options)
    overdue_open = data.total("dossier_overdue_open", view.period, **options)
    overdue = data.total("task_overdue", view.period, as_of=end, **options)
    budget = data.total("budget_disbursement_rate", view.period, as_of=end, **options)

    def card(name, value, detail, *, change, level, screen):
        metric = REGISTRY[name]
        return ui.kpi_card(name, metric.label(language), value, detail, metric.description(language),
                           change=change, level=level, href=view.href(screens.path(screen), via="overview"))

    return [
        card("dossier_on_time_rate", fmt.percent(on_time["value"], language),
             ui.detail_with_sample(t("kpi.on_time.detail", language, numerator=fmt.count(on_time["numerator"], language),
                                     denominator=fmt.count(on_time["denominator"], language)),
                                   on_time, "dossier_on_time_rate", language)
             if on_time["denominator"] else t("kpi.no_data", language),
             change=ui.change_line("dossier_on_time_rate", view.period, on_time["value"], language, points=True, **options),
             level=theme.level(on_time["status"]), screen="procedures"),
        card("dossier_overdue_open", fmt.count(overdue_open["value"], language),
             t("kpi.overdue_open.detail", language, denominator=fmt.count(overdue_open["denominator"], language),
               date=fmt.day(end, language)),
             change=ui.change_line("dossier_overdue_open", view.period, overdue_open["value"], language, points=False, **options),
             level=theme.level(overdue_open["status"]), screen="procedures"),
        card("task_overdue", fmt.count(overdue["value"], language),
             t("kpi.overdue.detail", language, date=fmt.day(end, language),
               denominator=fmt.count(overdue["denominator"], language)),
             change=ui.change_line("task_overdue", view.period, overdue["value"], language, points=False, **options),
             level=theme.level(overdue["status"]), screen="tasks"),
        card("budget_disbursement_rate", fmt.percent(budget["value"], language),
             [html.Div(t("kpi.budget.detail", language, numerator=fmt.billions(budget["numerator"], language),
                         denominator=fmt.billions(budget["denominator"], language), year=end.year,
                         date=fmt.day(end, language))),
              html.Div(t("kpi.budget.target", language, target=fmt.percent(budget["target"], language),
                         gap=fmt.points_change(budget["gap_pp"], language)), id="kpi-budget-target"),
              html.Div(fmt.reported(budget, language), id="kpi-budget-reported", className="muted")]
             if budget["denominator"] else t("kpi.no_data", language),
             change=None, level=theme.level(budget["status"]), screen="budget"),
    ]


def _trends(view: View, language: str) -> list:
    window = periods.months_back(view.period.end, 12)
    options = _options(view)
    dossiers = data.metric("dossier_on_time_rate", window, by=("month",), **options)
    online = data.metric("dossier_online_rate", window, by=("month",), **options)
    tasks_on_time = data.metric("task_on_time_rate", window, by=("month",), **options)
    tasks_overdue = data.metric("task_overdue_rate", window, by=("month",), **options)
    if not dossiers["denominator"].any():
        return [ui.section(t("overview.trend.dossiers", language), ui.empty(t("overview.no_trend", language)),
                           name="trend-dossiers")]
    frame = pd.DataFrame({
        "month": dossiers["month"].map(lambda m: fmt.month(m, language)),
        "on_time": dossiers["value"], "online": online["value"],
        "task_on_time": tasks_on_time["value"], "task_overdue": tasks_overdue["value"],
    })
    for column in ("on_time", "online", "task_on_time", "task_overdue"):
        frame[column + "_text"] = frame[column].map(lambda v: fmt.percent(v, language))
    dossier_fig = figures.trend(frame, "month", [
        ("on_time", REGISTRY["dossier_on_time_rate"].label(language), "on_time_text"),
        ("online", REGISTRY["dossier_online_rate"].label(language), "online_text"),
    ], language)
    task_fig = figures.trend(frame, "month", [
        ("task_on_time", REGISTRY["task_on_time_rate"].label(language), "task_on_time_text"),
        ("task_overdue", REGISTRY["task_overdue_rate"].label(language), "task_overdue_text"),
    ], language)
    note = t("overview.trend.note", language)
    return [
        ui.section(t("overview.trend.dossiers", language), figures.graph(dossier_fig, "overview-trend-dossiers"),
                   name="trend-dossiers", note=note),
        ui.section(t("overview.trend.tasks", language), figures.graph(task_fig, "overview-trend-tasks"),
                   name="trend-tasks", note=note),
    ]


def _worst(view: View, language: str):
    ranking = data.metric("unit_ranking", view.period, **_options(view))
    title = t("overview.worst", language)
    if ranking.empty:
        return ui.section(title, ui.empty(t("overview.no_units", language)), name="worst")
    worst = ranking[ranking["rank"].notna()].sort_values(["composite", "unit_code"]).head(5)  # ranked only
    items = [
        html.Li([
            dcc.Link(data.unit_name(row.unit_code, language),
                     href=view.href(screens.path("unit"), unit=row.unit_code, via="overview")),
            html.Span(fmt.decimal(row.composite, language), className="num"),
            html.Span(t("overview.worst.rank", language, rank=row.rank, of=row.ranked), className="num muted"),
        ])
        for row in worst.itertuples()
    ]
    return ui.section(title, html.Ol(items, className="worst-list", id="overview-worst"), name="worst",
                      note=t("overview.worst.note", language))


def _alert(alert: attention.Alert, view: View, language: str) -> html.Li:
    """One alert: its status, what is wrong, and the units it names, each a link to its screen."""
    units = [dcc.Link(f"{u.name} — {u.figure}", href=view.href(screens.path("unit"), unit=u.unit_code,
                                                               via="overview"), className="alert-unit")
             for u in alert.units]
    if alert.more:
        units.append(dcc.Link(t("alerts.more", language, count=alert.more),
                              href=view.href(screens.path(alert.screen), via="overview"), className="alert-unit"))
    return html.Li([html.Span(theme.status_text(alert.level, language), className=f"status status-{alert.level}"),
                    html.Span(alert.text), html.Div(units, className="alert-units") if units else None],
                   id=f"alert-{alert.key}")


def _alerts(view: View, language: str):
    found = attention.current(view, language)
    body = (html.Ul([_alert(a, view, language) for a in found], className="alerts", id="overview-alerts")
            if found else ui.empty(t("overview.alerts.none", language), "overview-alerts"))
    return ui.section(t("overview.alerts", language), body, name="alerts")


@ui.screen
def layout(view: View, language: str):
    """The minister's first screen: four numbers, where they are heading, who is behind."""
    return ui.page(view, "overview", language, [
        html.Div(_cards(view, language), className="kpi-grid"),
        html.Div([_alerts(view, language), _worst(view, language)], className="grid-2"),
        html.Div(tilemap.panels(view, "overview", language), className="grid-2 map-grid"),
        html.Div(_trends(view, language), className="grid-2"),
    ])


dash.register_page(__name__, path="/", name="overview", order=0, right="view",
                   title=t("app.title"), layout=layout)
