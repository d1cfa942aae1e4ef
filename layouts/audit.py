"""Nhật ký / Audit log: who signed in or failed to, who was refused what, every export,
download, API call and administrative action, newest first. Read-only: the log has no
edit path in the app, and the database refuses changes to it."""
from __future__ import annotations

import json

import dash
import pandas as pd
from dash import Input, Output, State, callback, dcc, html

from appdb import audit
from dashboard import components as ui, context, exports, formatting as fmt
from dashboard.i18n import t
from dashboard.state import View

SCREEN = "audit"
PAGE = 100
EXPORT_ROWS = 50_000  # the most entries one file holds
OUTCOMES = ("ok", "failed", "refused", "throttled")
COLUMNS = ("at", "actor", "action", "outcome", "target", "ip", "detail")


def entries(action: str | None, actor: str | None, outcome: str | None, offset: int,
            limit: int = PAGE) -> tuple[list[dict], int]:
    """One page of the log, for administrators only (checked here, where it is read)."""
    context.require("admin")
    return audit.read(context.db(), action=action or None, actor=(actor or "").strip() or None,
                      outcome=outcome or None, limit=limit, offset=offset)


def _detail(text: str | None) -> str:
    if not text:
        return ""
    return ", ".join(f"{key}: {value}" for key, value in json.loads(text).items() if value is not None)


def _sheet(rows: list[dict], language: str, notes: tuple[str, ...] = ()) -> exports.Sheet:
    frame = pd.DataFrame(rows, columns=COLUMNS)
    frame = frame.assign(action=frame["action"].map(lambda a: t(f"audit.action.{a}", language)),
                         outcome=frame["outcome"].map(lambda o: t(f"audit.outcome.{o}", language)),
                         detail=frame["detail"].map(_detail, na_action="ignore"))
    return exports.Sheet(t("audit.title", language), [
        exports.Column(key, t(f"audit.col.{key}", language), "datetime" if key == "at" else "text")
        for key in COLUMNS], frame, notes=notes)


@exports.table("audit-log", screen=SCREEN, filters=(), params=("action", "outcome", "actor"))
def log_sheet(view: View, language: str, action: str | None = None, outcome: str | None = None,
              actor: str | None = None) -> exports.Sheet:
    """The entries matching the screen's filters, newest first, at most ``EXPORT_ROWS``."""
    action = action if action in audit.ACTIONS else None
    outcome = outcome if outcome in OUTCOMES else None
    rows, total = entries(action, actor, outcome, 0, limit=EXPORT_ROWS)
    notes = [f"{t('audit.col.action', language)}: {t(f'audit.action.{action}', language)}"] if action else []
    if outcome:
        notes.append(f"{t('audit.col.outcome', language)}: {t(f'audit.outcome.{outcome}', language)}")
    if actor:
        notes.append(f"{t('audit.col.actor', language)}: {actor}")
    return _sheet(rows, language, (*notes, *exports.cut(len(rows), total, language)))


def _table(rows: list[dict], total: int, offset: int, language: str, filters: dict):
    if not rows:
        return ui.empty(t("audit.empty", language), "audit")
    sheet = _sheet(rows, language)
    shown = t("audit.shown", language, first=fmt.count(offset + 1, language),
              last=fmt.count(offset + len(rows), language), total=fmt.count(total, language))
    return html.Div([html.Div(shown, className="section-note", id="audit-shown"),
                     ui.table(sheet.headers(), sheet.written_rows(language), "audit-table"),
                     exports.links("audit-log", **filters)])


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
        _filters(language), html.Div(_table(rows, total, 0, language, {}), id="audit-entries"),
        name="audit")],
        controls=())


@callback(Output("audit-entries", "children"), Output("audit-offset", "data"),
          Input("audit-action", "value"), Input("audit-outcome", "value"), Input("audit-actor", "value"),
          Input("audit-newer", "n_clicks"), Input("audit-older", "n_clicks"), State("audit-offset", "data"),
          prevent_initial_call=True)
def show(action, outcome, actor, _newer, _older, offset):
    trigger = dash.ctx.triggered_id
    offset = ui.whole(offset, "audit-offset", 0, 10**9, default=0)
    if action not in (None, *audit.ACTIONS) or outcome not in (None, *OUTCOMES) \
            or not isinstance(actor, (str, type(None))):
        ui.refuse("audit filter")
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
    filters = {"action": action, "outcome": outcome, "actor": actor}
    return _table(rows, total, offset, context.language(), filters), offset


dash.register_page(__name__, path="/admin/audit", name=SCREEN, order=100, right="admin",
                   title=t("app.title"), layout=layout)
