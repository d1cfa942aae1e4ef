"""Moving between views: drill-down clicks, filter pickers, menu links that keep the
filters, and the language toggle. The browser does the URL work (clientside callbacks in
``assets/opscenter.js``), so a click costs no server round trip before the page renders.
"""
from __future__ import annotations

from urllib.parse import urlsplit

import flask
from dash import ALL, Dash, Input, Output, State, dcc

from dashboard.context import LANGUAGE_COOKIE
from dashboard.i18n import LANGUAGES

NAV = "nav"  # the frame's dcc.Location that callbacks write to


def location() -> dcc.Location:
    return dcc.Location(id=NAV, refresh="callback-nav")


def register_callbacks(app: Dash) -> None:
    app.clientside_callback(
        "function(clicks) { return window.dash_clientside.opscenter.drill(clicks); }",
        Output(NAV, "href", allow_duplicate=True),
        Input({"type": "drill", "name": ALL}, "clickData"),
        prevent_initial_call=True,
    )
    app.clientside_callback(
        "function(values) { return window.dash_clientside.opscenter.setParam(values); }",
        Output(NAV, "href", allow_duplicate=True),
        Input({"type": "nav-select", "param": ALL}, "value"),
        prevent_initial_call=True,
    )
    app.clientside_callback(
        "function(start, end, shown) { return window.dash_clientside.opscenter.setPeriod(start, end, shown); }",
        Output(NAV, "href", allow_duplicate=True),
        Input("period-range", "start_date"),
        Input("period-range", "end_date"),
        State("period-shown", "data"),
        prevent_initial_call=True,
    )
    app.clientside_callback(
        "function(search, ids) { return window.dash_clientside.opscenter.menuLinks(search, ids); }",
        Output({"type": "menu", "screen": ALL, "path": ALL}, "href"),
        Input(NAV, "search"),
        State({"type": "menu", "screen": ALL, "path": ALL}, "id"),
    )
    app.clientside_callback(
        "function(href, current) { return window.dash_clientside.opscenter.languageLink(href, current); }",
        Output("language-toggle", "href"),
        Input(NAV, "href"),
        State("language-toggle", "href"),
    )


def safe_next(target: str | None) -> str:
    """Only a path on this site: ``//evil.example`` or ``https://...`` go home instead."""
    target = target or "/"
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not parts.path.startswith("/") or target.startswith("//"):
        return "/"
    return parts.path + (f"?{parts.query}" if parts.query else "")


def remember_language(response: flask.Response, code: str | None) -> flask.Response:
    """Keep the reader's language choice in its cookie for a year (an unknown code is ignored)."""
    if code in LANGUAGES:
        response.set_cookie(LANGUAGE_COOKIE, code, max_age=365 * 24 * 3600, samesite="Lax", httponly=True)
    return response


def register_routes(server: flask.Flask) -> None:
    @server.route("/language/<code>")
    def set_language(code: str):
        """The language toggle: remembered for a year in a cookie, back to the same view."""
        return remember_language(flask.redirect(safe_next(flask.request.args.get("next"))), code)
