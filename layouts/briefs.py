"""Báo cáo tuần / Weekly briefs: generate the brief of a week or any period (with its
progress while it is made), and every past brief with its Word and PDF files.

Generation needs the ``export`` right; reading and downloading needs ``view``. A unit
user's briefs cover its own unit and are the only ones it sees.
"""
from __future__ import annotations

from datetime import date

import dash
import dash_mantine_components as dmc
from dash import ALL, Input, Output, State, callback, ctx, dcc, html

from dashboard import components as ui, context, formatting as fmt, periods
from dashboard.briefs import archive, generate as making, web
from dashboard.i18n import LANGUAGES, t
from dashboard.state import View
from warehouse.metrics import Period

SCREEN = "briefs"
WEEKS = 12
POLL_MS = 1000
MAX_DAYS = 366


def _weeks(today: date, language: str) -> list[dict]:
    """The last ``WEEKS`` whole ISO weeks, the latest first."""
    options, period = [], periods.previous_week(today)
    for _ in range(WEEKS):
        options.append({"value": periods.week_label(period), "label": web.week_text(period, language)})
        period = period.previous()
    return options


def _status(row: dict, language: str):
    text = web.status_text(row, language)
    if row["status"] != "running":
        return html.Span(text, className=f"brief-status brief-{row['status']}")
    return html.Div([
        html.Div(text, className="brief-step"),
        dmc.Progress(value=making.percent(row["step"]), animated=True, striped=True, size="lg",
                     **{"aria-label": t("briefs.col.status", language)}),
    ], className="brief-progress", id=f"brief-progress-{row['id']}")


def _files(row: dict, language: str):
    if row["status"] != "done":
        return ""
    return html.Span([html.A(name.rsplit(".", 1)[1].upper(), href=f"/briefs/file/{row['id']}/{name}",
                             title=name, download=name) for name in row["files"]], className="brief-files")


def archive_table(language: str):
    who = context.principal()
    rows = archive.recent(context.db(), context.settings(), who.unit_code)
    if not rows:
        return ui.empty(t("briefs.empty", language), "briefs-archive"), False
    can_generate = who.can("export")
    columns = [(t(f"briefs.col.{key}", language), False)
               for key in ("period", "language", "created", "by", "status", "files")]
    cells = []
    for row in rows:
        status = [_status(row, language)]
        if row["status"] == "failed" and can_generate:
            status.append(html.Button(t("briefs.retry", language), className="small-button",
                                      id={"type": "brief-retry", "id": row["id"]}))
        cells.append([
            web.period_text(row["period"], language), t(f"briefs.lang.{row['language']}", language),
            fmt.moment(row["created_at"], language),
            f"{row['requested_by']} ({t('briefs.trigger.' + row['trigger'], language)})",
            html.Td(status), html.Td(_files(row, language)),
        ])
    active = any(row["status"] in archive.ACTIVE for row in rows)
    return ui.table(columns, cells, "briefs-archive-table"), active


def _form(language: str):
    today = context.today()
    weeks = _weeks(today, language)
    return html.Div([
        dcc.RadioItems(id="briefs-kind", value="week", inline=True, className="briefs-kind",
                       options=[{"label": t(f"briefs.kind.{k}", language), "value": k} for k in ("week", "period")]),
        dcc.Dropdown(id="briefs-week", options=weeks, value=weeks[0]["value"], clearable=False,
                     className="briefs-week"),
        dcc.DatePickerRange(id="briefs-range", display_format="DD/MM/YYYY", first_day_of_week=1, minimum_nights=0,
                            min_date_allowed=periods.EARLIEST, max_date_allowed=today, start_date=today.replace(day=1), end_date=today,
                            className="period-range hidden"),
        ui.form_field(t("briefs.language", language), dcc.Dropdown(
            id="briefs-language", value=language, clearable=False, className="briefs-language",
            options=[{"label": t(f"briefs.lang.{code}", language), "value": code} for code in LANGUAGES])),
        html.Button(t("briefs.generate", language), id="briefs-generate", className="primary-button"),
    ], className="admin-form briefs-form")


@ui.screen(cache=False)
def layout(view: View, language: str):
    """The form (for those who may generate) and the archive, refreshed while a brief is made."""
    table, active = archive_table(language)
    new = ([_form(language), html.Div(id="briefs-result")] if context.principal().can("export")
           else [ui.notice(t("briefs.no_export", language))])
    return ui.page(view, SCREEN, language, [
        html.P(t("briefs.intro", language), className="section-note"),
        ui.section(t("briefs.new", language), *new, name="briefs-new"),
        ui.section(t("briefs.archive", language), html.Div(table, id="briefs-archive"), name="briefs-archive",
                   note=t("briefs.archive.note", language)),
        dcc.Interval(id="briefs-poll", interval=POLL_MS, disabled=not active),
    ], controls=())


def _chosen(kind: str, week: str | None, start: str | None, end: str | None) -> Period | None:
    """The period the form asks for, or None when it is not one a brief can cover."""
    try:
        period = (periods.iso_week(week) if kind == "week"
                  else Period(date.fromisoformat(start[:10]), date.fromisoformat(end[:10])))
    except (TypeError, ValueError, AttributeError, KeyError):  # not a week or dates (a crafted value too)
        return None
    if period.days > MAX_DAYS or period.end > context.today() or period.start < periods.EARLIEST:
        return None
    return period


@callback(Output("briefs-week", "className"), Output("briefs-range", "className"),
          Input("briefs-kind", "value"), prevent_initial_call=True)
def choose(kind):
    """Show the week list or the date range, whichever the brief is for."""
    return "briefs-week" + (" hidden" if kind != "week" else ""), "period-range" + (" hidden" if kind == "week" else "")


@callback(Output("briefs-archive", "children"), Output("briefs-poll", "disabled"),
          Input("briefs-poll", "n_intervals"), prevent_initial_call=True)
def poll(_tick):
    """The archive as it is now; polling stops once no brief is being made."""
    table, active = archive_table(context.language())
    return table, not active


@callback(Output("briefs-archive", "children", allow_duplicate=True),
          Output("briefs-poll", "disabled", allow_duplicate=True), Output("briefs-result", "children"),
          Input("briefs-generate", "n_clicks"), Input({"type": "brief-retry", "id": ALL}, "n_clicks"),
          State("briefs-kind", "value"), State("briefs-week", "value"), State("briefs-range", "start_date"),
          State("briefs-range", "end_date"), State("briefs-language", "value"), prevent_initial_call=True)
def generate(_generate, _retries, kind, week, start, end, brief_language):
    """Start a brief (Generate, or Try again on a failed one) and show it in the archive."""
    if not ui.clicked():
        return dash.no_update, dash.no_update, dash.no_update
    language = context.language()
    who = context.require("export")
    if isinstance(ctx.triggered_id, dict):
        row = archive.get(context.db(), ui.whole(ctx.triggered_id.get("id"), "brief id", 1, 2**31 - 1))
        period, brief_language = (row["period"], row["language"]) if row and web.may_see(who, row) else (None, None)
    else:
        period = _chosen(kind, week, start, end)
    if period is None:
        result = ui.notice(t("briefs.bad_period", language), "warning")
    elif any(row["status"] in archive.ACTIVE and row["requested_by"] == who.label
             for row in archive.recent(context.db(), context.settings(), who.unit_code, limit=10)):
        result = ui.notice(t("briefs.busy", language), "warning")
    else:
        web.start(who, period, brief_language if brief_language in LANGUAGES else language)
        result = ui.notice(t("briefs.started", language, period=web.period_text(period, language)))
    table, active = archive_table(language)
    return table, not active, result


dash.register_page(__name__, path="/briefs", name=SCREEN, order=60, right="view",
                   title=t("app.title"), layout=layout)
