"""Tổng quan / Overview: the headline indicators for a period."""
from __future__ import annotations

import dash
from dash import dcc, html

from dashboard import context, formatting as fmt, periods
from dashboard.components import kpi_card, notice
from dashboard.data import total
from dashboard.i18n import t
from warehouse.metrics import REGISTRY
from warehouse.snapshots import NoSnapshot


def _period_links(today, current, language):
    links = []
    for key, preset in periods.PRESETS.items():
        period = preset(today)
        links.append(dcc.Link(
            t(key, language), href="/" + periods.to_query(period),
            className="period-link" + (" active" if period == current else ""),
        ))
    return html.Div(links, className="period-links")


def _cards(period, language):
    as_of = period.end
    on_time = total("dossier_on_time_rate", period)
    overdue = total("task_overdue", period, as_of=as_of)
    budget = total("budget_disbursement_rate", period, as_of=as_of)
    return [
        kpi_card(
            "dossier_on_time_rate",
            REGISTRY["dossier_on_time_rate"].label(language),
            fmt.percent(on_time["value"], language),
            t("kpi.on_time.detail", language, numerator=fmt.count(on_time["numerator"], language),
              denominator=fmt.count(on_time["denominator"], language))
            if on_time["denominator"] else t("kpi.no_data", language),
            REGISTRY["dossier_on_time_rate"].description(language),
        ),
        kpi_card(
            "task_overdue",
            REGISTRY["task_overdue"].label(language),
            fmt.count(overdue["value"], language),
            t("kpi.overdue.detail", language, date=fmt.day(as_of, language),
              denominator=fmt.count(overdue["denominator"], language)),
            REGISTRY["task_overdue"].description(language),
        ),
        kpi_card(
            "budget_disbursement_rate",
            REGISTRY["budget_disbursement_rate"].label(language),
            fmt.percent(budget["value"], language),
            [
                html.Div(t("kpi.budget.detail", language, numerator=fmt.billions(budget["numerator"], language),
                           denominator=fmt.billions(budget["denominator"], language), year=as_of.year,
                           date=fmt.day(as_of, language))),
                html.Div(t("kpi.budget.target", language, target=fmt.percent(budget["target"], language),
                           gap=fmt.points_change(budget["gap_pp"], language)), id="kpi-budget-target"),
            ]
            if budget["denominator"] else t("kpi.no_data", language),
            REGISTRY["budget_disbursement_rate"].description(language),
        ),
    ]


def layout(**query):
    language = context.language()
    today = context.today()
    period, problem = periods.from_query(query, today)
    header = [
        _period_links(today, period, language),
        html.Div(t("period.label", language, start=fmt.day(period.start, language),
                   end=fmt.day(period.end, language)), className="period-label", id="overview-period"),
    ]
    if problem:
        header.append(notice(t("period.invalid", language, problem=problem), "warning"))
    try:
        cards = _cards(period, language)
        as_of = t("data.as_of", language, time=fmt.moment(context.reader().published_at, language))
    except NoSnapshot:
        return html.Div(header + [notice(t("data.none", language), "warning")])
    return html.Div(
        header + [
            html.Div(as_of, className="data-as-of", id="overview-data-as-of"),
            html.Div(cards, className="kpi-grid"),
        ]
    )


dash.register_page(__name__, path="/", name=t("nav.overview"), title=t("app.title"), layout=layout)
