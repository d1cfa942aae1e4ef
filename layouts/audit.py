"""Nhật ký / Audit log: who signed in or failed to, who was refused what, every export,
download, API call and administrative action, newest first. Read-only: the log has no
edit path in the app, and the database refuses changes to it."""
from __future__ import annotations

import json

import dash
from dash import Input, Output, State, callback, dcc, html

from dashboard import components as ui, context, formatting as fmt
from dashboard.auth import audit
from dashboard.i18n import t
from dashboard.state import View

SCREEN = "audit"
PAGE = 100
OUTCOMES = ("ok", "failed", "refused", "throttled")


def entries(action: str | None, actor: str | None, outcome: str | None, offset: int) -> tuple[list[dict], int]:
    """One page of the log, for administrators only (checked here, where it is read)."""
    context.require("admin")
    return audit.read(context.db(), action=action or None, actor=(actor or "").strip() or None,
                      outcome=outcome or None, limit=PAGE, offset=offset)


def _detail(text: str | None) -> str:
    if not text:
        return ""
    return ", ".join(f"{key}: {value}" for key, value in json.loads(text).items() if value is not None)


def _table(rows: list[dict], total: int, offset: int, language: str):
    if not rows:
        return ui.empty(t("audit.empty", language), "audit")
    columns = [(t(f"audit.col.{key}", language), False)
               for key in ("at", "actor", "action", "outcome", "target", "ip", "detail")]
    body = [[fmt.moment(row["at"], language), row["actor"], t(f"audit.action.{row['action']}", language),
             t(f"audit.outcome.{row['outcome']}", language), row["target"] or "", row["ip"] or "",
             _detail(row["detail"])] for row in rows]
    shown = t("audit.shown", language, first=fmt.count(offset + 1, language),
              last=fmt.count(offset + len(rows), language), total=fmt.count(total, language))
    return html.Div([html.Div(shown, className="section-note", id="audit-shown"),
                     ui.table(columns, body, "audit-table")])


def _filters(language: str):
    return html.Div([
        dcc.Dropdown(id="audit-action", placeholder=t("audit.filter.action", language), className="audit-filter",
                     options=[{"label": t(f"audit.action.{a}", language), "value": a} for a in audit.ACTIONS]),
        dcc.Dropdown(id="audit-outcome", placeholder=t("audit.filter.outcome", language), className="audit-filter",
                     options=[{"label": t(f"audit.outcome.{o}", language), "value": o} for o in OUTCOMES]),
        dcc.Input(id="audit-actor", type="search", placeholder=t("audit.filter.actor", language), debounce=True,
                  className="audit-actor"),
        html.Button(t("audit.newer", language), id="audit-newer", className="small-button"),
        html.Button(t("audit.older", language), id="audit-older", className="small-button"),
        dcc.Store(id="audit-offset", data=0),
    ], className="admin-form")


@ui.screen(cache=False)
def layout(view: View, language: str):
    """The audit log with its filters; the table itself is filled by ``show``."""
    rows, total = entries(None, None, None, 0)
    return ui.page(view, SCREEN, language, [ui.section(
        t("audit.title", language), html.P(t("audit.note", language), className="section-note"),
        _filters(language), html.Div(_table(rows, total, 0, language), id="audit-entries"), name="audit")],
        controls=())


@callback(Output("audit-entries", "children"), Output("audit-offset", "data"),
          Input("audit-action", "value"), Input("audit-outcome", "value"), Input("audit-actor", "value"),
          Input("audit-newer", "n_clicks"), Input("audit-older", "n_clicks"), State("audit-offset", "data"),
          prevent_initial_call=True)
def show(action, outcome, actor, _newer, _older, offset):
    trigger = dash.ctx.triggered_id
    offset = int(offset or 0)
    if trigger == "audit-older":
        offset += PAGE
    elif trigger == "audit-newer":
        offset = max(0, offset - PAGE)
    else:
        offset = 0
    rows, total = entries(action, actor, outcome, offset)
    if offset and offset >= total:  # past the oldest entry: stay on the last page
        offset = max(0, offset - PAGE)
        rows, total = entries(action, actor, outcome, offset)
    return _table(rows, total, offset, context.language()), offset


dash.register_page(__name__, path=ui.SCREENS[SCREEN], name=SCREEN, title=t("app.title"), layout=layout)
