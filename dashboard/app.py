"""The Dash app factory: the frame around the pages of ``layouts/``."""
from __future__ import annotations

import importlib
import pkgutil
from pathlib import Path

import dash
import dash_mantine_components as dmc
from dash import Dash, dcc, html

import layouts
from dashboard import context, live, navigation
from dashboard.cache import make_cache
from dashboard.components import SCREENS
from dashboard.context import EXTENSION
from dashboard.i18n import t
from warehouse.snapshots import Reader

ROOT = Path(__file__).resolve().parent.parent
MENU = ("overview", "procedures", "tasks", "budget", "rankings", "unit", "data")


def _register_pages() -> None:
    """Import every page module of ``layouts/``; each registers itself with Dash.

    Pages are imported by their package name (``layouts.overview``) rather than through
    ``pages_folder``, which would name them after the checkout's absolute path.
    """
    for module in pkgutil.iter_modules(layouts.__path__):
        if not module.name.startswith("_"):
            importlib.import_module(f"layouts.{module.name}")


def _frame():
    """Built for each page load, in the reader's language (the toggle's cookie)."""
    language = context.language()
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
                            [dcc.Link(t(f"nav.{key}", language), href=SCREENS[key], className="nav-link",
                                      id={"type": "menu", "screen": key, "path": SCREENS[key]})
                             for key in MENU],
                            className="nav",
                        ),
                        html.A(t("language.switch", language), href=f"/language/{other}", id="language-toggle",
                               className="language-toggle", lang=other, title=t("language.switch_title", language)),
                    ],
                    className="app-header",
                ),
                html.Main(dash.page_container, className="app-main", id="main"),
            ],
            className="app",
            lang=language,
        )
    )


def create_app(settings, reader: Reader | None = None) -> Dash:
    app = Dash(
        __name__,
        use_pages=True,
        pages_folder="",
        assets_folder=str(ROOT / "assets"),
        title=t("app.title", settings.language),
        update_title=None,
        suppress_callback_exceptions=True,
    )
    app.server.extensions[EXTENSION] = {"settings": settings, "reader": reader or Reader(settings),
                                        "cache": make_cache(app.server, settings)}
    _register_pages()
    navigation.register_callbacks(app)
    navigation.register_routes(app.server)
    live.register_routes(app.server)
    app.layout = _frame
    return app
