"""The Dash app factory: the frame around the pages it is handed (``layouts/`` by default)."""
from __future__ import annotations

from pathlib import Path

import dash
import dash_mantine_components as dmc
from dash import Dash, dcc, html

from dashboard import context, data, exports, live, navigation, screens
from dashboard.api import routes as api
from dashboard.auth import web
from dashboard.auth.signin import csrf_token
from dashboard.briefs import web as briefs_web
from dashboard.urging import web as urging_web
from dashboard.i18n import t
from warehouse.snapshots import NoSnapshot, Reader

ROOT = Path(__file__).resolve().parent.parent


def _unit_label(code: str, language: str) -> str:
    try:
        return data.unit_name(code, language, short=True)
    except NoSnapshot:
        return code


def _account(who, language: str):
    """Who is signed in, in what role, and the sign-out button (a form post, with its token)."""
    role = t(f"role.{who.role}", language) if who.role else t("role.kiosk", language)
    unit = f" · {_unit_label(who.unit_code, language)}" if who.unit_code else ""
    return html.Form(
        [html.Span(who.display_name or who.name, className="account-name", title=f"{role}{unit}"),
         html.Span(f"{role}{unit}", className="account-role"),
         dcc.Input(type="hidden", name="csrf_token", value=csrf_token()),
         html.Button(t("auth.sign_out", language), type="submit", className="sign-out")],
        method="POST", action="/logout", className="account")


def _portal(who, language: str):
    """The Government Operation Center's portal (configured), for people at a desk; not on a wall."""
    url = context.settings().goc_portal_url
    if not url or who is None or who.kind == "kiosk":
        return None
    return html.A(t("goc.portal", language) + " ↗", href=url, target="_blank", rel="noopener noreferrer",
                  className="portal-link", id="goc-portal", title=t("goc.portal_title", language))


def _frame():
    """Built for each page load, in the reader's language (the toggle's cookie), with the
    menu of the screens the signed-in principal may open (none when Dash builds it at
    start-up to check it)."""
    language = context.language()
    who = context.signed_in()
    other = "en" if language == "vi" else "vi"
    return dmc.MantineProvider(
        html.Div(
            [
                navigation.location(),
                html.A(t("app.skip", language), href="#main", className="skip-link"),
                html.Header(
                    [
                        html.Img(src=dash.get_asset_url("logo.svg"), className="logo", alt=""),
                        html.Div(
                            [
                                html.Div(t("app.ministry", language), className="ministry"),
                                html.Div(t("app.title", language), className="app-title"),
                            ]
                        ),
                        html.Nav(
                            [dcc.Link(t(f"nav.{page['name']}", language), href=page["path"], className="nav-link",
                                      id={"type": "menu", "screen": page["name"], "path": page["path"]})
                             for page in screens.menu() if who is not None and who.can(page["right"])],
                            className="nav",
                        ),
                        _portal(who, language),
                        html.A(t("language.switch", language), href=f"/language/{other}", id="language-toggle",
                               className="language-toggle", lang=other, title=t("language.switch_title", language)),
                        _account(who, language) if who is not None else None,
                    ],
                    className="app-header",
                ),
                html.Main(dash.page_container, className="app-main", id="main"),
            ],
            className="app",
            lang=language,
        )
    )


def create_app(settings, reader: Reader | None = None, pages: str = "layouts") -> Dash:
    """The web app serving the page modules of the package named ``pages``.

    Pages are imported by their package name (``layouts.overview``) rather than through
    Dash's ``pages_folder``, which would name them after the checkout's absolute path; a
    page that names no right stops the app here (``screens.PageError``).
    """
    app = Dash(
        __name__,
        use_pages=True,
        pages_folder="",
        assets_folder=str(ROOT / "assets"),
        title=t("app.title", settings.language),
        update_title=None,
        suppress_callback_exceptions=True,
    )
    context.install(app.server, settings, reader)["dash"] = app
    screens.load(pages)
    navigation.register_callbacks(app)
    navigation.register_routes(app.server)
    briefs_web.register_routes(app.server)
    urging_web.register_routes(app.server)
    live.register_routes(app.server)
    exports.register_routes(app.server)
    api.register_routes(app.server)
    app.layout = _frame
    web.init_app(app, settings)
    return app
