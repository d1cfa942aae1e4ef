"""Khóa API / API clients: administrators issue the keys with which the Government
Operation Center (or another system) reads ``/api/v1``, choose what each may read, and
revoke them.

Every action goes through ``dashboard.auth.manage`` (the administrator's right checked
again, the audit log written); a key is shown once, only its digest is kept.
"""
from __future__ import annotations

import dash
import pandas as pd
from dash import ALL, Input, State, ctx, dcc, html

from appdb.engine import utc
from dashboard import components as ui, context, data, exports, formatting as fmt
from dashboard.api import clients
from dashboard.auth import manage
from dashboard.auth.signin import ip
from dashboard.i18n import t
from dashboard.state import View
from warehouse.registry import REGISTRY

SCREEN = "api_clients"


def _scope_text(codes: list[str] | None, language: str, name) -> str:
    return t("api_clients.all", language) if not codes else ", ".join(name(code) for code in codes)


@exports.table("api-clients", screen=SCREEN, filters=())
def clients_sheet(view: View | None, language: str) -> exports.Sheet:
    """Every client key: what it may read, its limit, when it was made and last used, revoked or not."""
    context.require("admin")
    rows = clients.all_clients(context.db())
    last = clients.last_calls(context.db())
    default = context.settings().api_rate_limit
    frame = pd.DataFrame({
        "id": [str(row.id) for row in rows], "name": [row.name for row in rows],
        "key": [row.key_prefix + "…" for row in rows],
        "indicators": [_scope_text(clients.indicators(row), language, lambda c: REGISTRY[c].label(language))
                       for row in rows],
        "units": [_scope_text(clients.units(row), language, lambda c: data.unit_label(c, language, short=True))
                  for row in rows],
        "rate": [fmt.count(row.rate_limit or default, language) for row in rows],
        "created": [utc(row.created_at) for row in rows],
        "last_call": [last.get(row.id) for row in rows],
        "state": [t("api_clients.revoked_at", language, at=fmt.moment(utc(row.revoked_at), language))
                  if row.revoked_at else t("access.state.active", language) for row in rows],
        "client": [row.id for row in rows], "revoked": [bool(row.revoked_at) for row in rows],
    }, columns=["id", "name", "key", "indicators", "units", "rate", "created", "last_call", "state", "client",
                "revoked"])
    kinds = {"created": "datetime", "last_call": "datetime"}
    return exports.Sheet(t("api_clients.title", language), [
        exports.Column(key, t(f"api_clients.col.{key}", language), kinds.get(key, "text"))
        for key in ("id", "name", "key", "indicators", "units", "rate", "created", "last_call", "state")], frame)


def clients_table(language: str):
    return ui.revocable_table(clients_sheet(None, language), "api-clients",
                              lambda row: {"type": "api-client-revoke", "client": row.client}, language,
                              none=t("api_clients.none", language), links=exports.links("api-clients"))


def _form(language: str):
    field = ui.form_field
    return html.Div([
        field(t("api_clients.col.name", language), dcc.Input(id="api-client-name", type="text", maxLength=120)),
        field(t("api_clients.col.indicators", language), dcc.Dropdown(
            id="api-client-indicators", multi=True, placeholder=t("api_clients.all", language),
            options=[{"label": m.label(language), "value": m.name} for m in REGISTRY.values()])),
        field(t("api_clients.col.units", language), dcc.Dropdown(
            id="api-client-units", multi=True, placeholder=t("api_clients.all", language),
            options=ui.unit_options(language))),
        field(t("api_clients.col.rate", language), dcc.Input(
            id="api-client-rate", type="number", min=1, max=clients.MAX_RATE, step=1,
            placeholder=fmt.count(context.settings().api_rate_limit, language))),
        html.Button(t("api_clients.add", language), id="api-client-add", className="primary-button"),
    ], className="admin-form")


@ui.screen(cache=False)
def layout(view: View, language: str):
    """The client keys of the indicator API; the admin's own screen."""
    base = context.settings().base_url
    note = t("api_clients.note", language, openapi=f"{base}/api/v1/openapi.json")
    body = [
        ui.section(t("api_clients.add.title", language), html.P(note, className="section-note"),
                   _form(language), html.Div(id="api-clients-result"), name="api-client-add"),
        ui.section(t("api_clients.title", language), html.Div(clients_table(language), id="api-clients"),
                   name="api-clients"),
    ]
    return ui.page(view, SCREEN, language, body, controls=())


@ui.admin_callback("api-clients", clients_table,
                   Input("api-client-add", "n_clicks"),
                   Input({"type": "api-client-revoke", "client": ALL}, "submit_n_clicks"),
                   State("api-client-name", "value"), State("api-client-indicators", "value"),
                   State("api-client-units", "value"), State("api-client-rate", "value"))
def client_action(language, who, db, name, chosen_indicators, chosen_units, rate):
    name = ui.text(name, "name")
    chosen_indicators, chosen_units = ui.texts(chosen_indicators, "indicators"), ui.texts(chosen_units, "units")
    if ctx.triggered_id == "api-client-add":
        _, key = manage.add_api_client(
            db, who, name or "", indicators=chosen_indicators or None, units=chosen_units or None,
            rate_limit=rate or None, known_indicators=set(REGISTRY),
            known_units=set(data.current_units().index), ip=ip())
        return ui.shown_once(t("api_clients.added", language, name=(name or "").strip()), key, "api-client-key")
    manage.revoke_api_client(db, who, ui.whole(ctx.triggered_id["client"], "client", 1, 2**31 - 1), ip=ip())
    return ui.notice(t("api_clients.revoked", language))


dash.register_page(__name__, path="/admin/api", name=SCREEN, order=90, right="admin",
                   title=t("app.title"), layout=layout)
