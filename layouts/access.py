"""Tài khoản / Accounts: administrators add accounts, disable them, issue one-time links
to set a password, and add or revoke the kiosk tokens of wall screens.

Every action goes through ``dashboard.auth.manage``, which checks the administrator's
right again and writes the audit log, so a crafted callback does no more than the form.
"""
from __future__ import annotations

import dash
import pandas as pd
from dash import ALL, Input, State, ctx, dcc, html

from appdb.engine import utc
from dashboard import components as ui, context, data, exports, formatting as fmt
from dashboard.auth import accounts, kiosk, manage
from dashboard.auth.roles import ROLES
from dashboard.auth.signin import ip
from dashboard.i18n import t
from dashboard.state import View

SCREEN = "access"


@exports.table("access-users", screen=SCREEN, filters=())
def users_sheet(view: View | None, language: str) -> exports.Sheet:
    """Every account: role, unit, whether it is active and has a password, its last sign-in."""
    context.require("admin")
    users = accounts.all_users(context.db())
    rows = pd.DataFrame({
        "username": [row.username for row in users], "name": [row.display_name for row in users],
        "role": [t(f"role.{row.role}", language) for row in users],
        "unit": [data.unit_label(row.unit_code, language, short=True) for row in users],
        "state": [t("access.state.active" if row.active else "access.state.disabled", language)
                  for row in users],
        "password": [t("access.password.set" if row.password_hash else "access.password.unset", language)
                     for row in users],
        "last": [utc(row.last_sign_in_at) if row.last_sign_in_at else None for row in users],
        "active": [row.active for row in users],
    })
    return exports.Sheet(t("access.users.title", language), [
        exports.Column(key, t(f"access.col.{key}", language), "datetime" if key == "last" else "text")
        for key in ("username", "name", "role", "unit", "state", "password", "last")], rows)


def users_table(language: str) -> html.Div:
    sheet = users_sheet(None, language)
    rows = []
    for cells, row in zip(sheet.written_rows(language), sheet.rows.itertuples()):
        toggle = "enable" if not row.active else "disable"
        rows.append(cells + [html.Td([
            html.Button(t(f"access.action.{toggle}", language), className="small-button",
                        id={"type": "access-user", "action": toggle, "user": row.username}),
            html.Button(t("access.action.reset", language), className="small-button",
                        id={"type": "access-user", "action": "reset", "user": row.username}),
        ], className="actions")])
    columns = sheet.headers() + [(t("access.col.actions", language), False)]
    return html.Div([ui.table(columns, rows, "access-users-table"), exports.links("access-users")])


@exports.table("access-kiosk", screen=SCREEN, filters=())
def kiosk_sheet(view: View | None, language: str) -> exports.Sheet:
    """Every kiosk token: its wall's name, who made it and when, whether it is revoked."""
    context.require("admin")
    tokens = kiosk.all_tokens(context.db())
    rows = pd.DataFrame({
        "id": [str(row.id) for row in tokens], "name": [row.name for row in tokens],
        "by": [row.created_by for row in tokens], "created": [utc(row.created_at) for row in tokens],
        "state": [fmt.moment(utc(row.revoked_at), language) if row.revoked_at
                  else t("access.state.active", language) for row in tokens],
        "token": [row.id for row in tokens], "revoked": [bool(row.revoked_at) for row in tokens],
    })
    kinds = {"created": "datetime"}
    return exports.Sheet(t("access.kiosk.title", language), [
        exports.Column(key, t(f"access.kiosk.col.{key}", language), kinds.get(key, "text"))
        for key in ("id", "name", "by", "created", "state")], rows)


def kiosk_table(language: str):
    return ui.revocable_table(kiosk_sheet(None, language), "access-kiosk",
                              lambda row: {"type": "access-kiosk", "token": row.token}, language,
                              none=t("access.kiosk.none", language), links=exports.links("access-kiosk"))


def _add_form(language: str):
    field = ui.form_field
    return html.Div([
        field(t("auth.username", language), dcc.Input(id="access-new-username", type="text", maxLength=120)),
        field(t("auth.display_name", language), dcc.Input(id="access-new-name", type="text", maxLength=200)),
        field(t("access.col.role", language), dcc.Dropdown(
            id="access-new-role", options=[{"label": t(f"role.{r}", language), "value": r} for r in ROLES],
            value="office", clearable=False)),
        field(t("access.col.unit", language), dcc.Dropdown(id="access-new-unit", options=ui.unit_options(language),
                                                           placeholder=t("access.unit.placeholder", language))),
        html.Button(t("access.add", language), id="access-add", className="primary-button"),
    ], className="admin-form")


@ui.screen(cache=False)
def layout(view: View, language: str):
    """Accounts and kiosk tokens; the admin's own screen."""
    body = [
        ui.section(t("access.add.title", language), html.P(t("access.add.note", language), className="section-note"),
                   _add_form(language), name="access-add"),
        ui.section(t("access.users.title", language), html.Div(id="access-users-result"),
                   html.Div(users_table(language), id="access-users"), name="access-users"),
        ui.section(t("access.kiosk.title", language), html.P(t("access.kiosk.note", language),
                                                             className="section-note"),
                   html.Div([dcc.Input(id="access-kiosk-name", type="text", maxLength=200, className="kiosk-name",
                                       placeholder=t("access.kiosk.placeholder", language)),
                             html.Button(t("access.kiosk.add", language), id="access-kiosk-add",
                                         className="primary-button")], className="admin-form"),
                   html.Div(id="access-kiosk-result"),
                   html.Div(kiosk_table(language), id="access-kiosk"), name="access-kiosk"),
    ]
    return ui.page(view, SCREEN, language, body, controls=())


@ui.admin_callback("access-users", users_table,
                   Input("access-add", "n_clicks"),
                   Input({"type": "access-user", "action": ALL, "user": ALL}, "n_clicks"),
                   State("access-new-username", "value"), State("access-new-name", "value"),
                   State("access-new-role", "value"), State("access-new-unit", "value"))
def user_action(language, who, db, username, name, role, unit):
    base = context.settings().base_url
    username, name = ui.text(username, "username"), ui.text(name, "display name")
    role, unit = ui.text(role, "role"), ui.text(unit, "unit")
    if ctx.triggered_id == "access-add":
        token = manage.add_user(db, who, username or "", role, display_name=name,
                                known_units=set(data.current_units().index),  # as the CLI
                                unit_code=unit if role == "unit" else None, ip=ip())
        return ui.shown_once(t("access.added", language, name=(username or "").strip().lower()),
                            f"{base}/password/{token}", "access-link")
    action, target = ctx.triggered_id["action"], ui.text(ctx.triggered_id["user"], "user")
    if action not in ("reset", "enable", "disable"):
        ui.refuse("user action")
    if action == "reset":
        token = manage.reset(db, who, target, ip=ip())
        return ui.shown_once(t("access.reset", language, name=target), f"{base}/password/{token}", "access-link")
    manage.set_active(db, who, target, action == "enable", ip=ip())
    return ui.notice(t(f"access.{action}d", language, name=target))


@ui.admin_callback("access-kiosk", kiosk_table,
                   Input("access-kiosk-add", "n_clicks"),
                   Input({"type": "access-kiosk", "token": ALL}, "submit_n_clicks"),
                   State("access-kiosk-name", "value"))
def kiosk_action(language, who, db, name):
    name = ui.text(name, "kiosk name")
    if ctx.triggered_id == "access-kiosk-add":
        _, token = manage.add_kiosk(db, who, name or "", ip=ip())
        return ui.shown_once(t("access.kiosk.added", language, name=(name or "").strip()),
                             f"{context.settings().base_url}/kiosk/{token}", "access-link")
    manage.revoke_kiosk(db, who, ui.whole(ctx.triggered_id["token"], "kiosk token", 1, 2**31 - 1), ip=ip())
    return ui.notice(t("access.kiosk.revoked", language))


dash.register_page(__name__, path="/admin/access", name=SCREEN, order=80, right="admin",
                   title=t("app.title"), layout=layout)
