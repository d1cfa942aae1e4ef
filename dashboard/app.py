"""The Dash app factory: the frame around the pages of ``layouts/``."""
from __future__ import annotations

import importlib
import pkgutil
from pathlib import Path

import dash
import dash_mantine_components as dmc
from dash import Dash, html

import layouts
from dashboard.context import EXTENSION
from dashboard.i18n import t
from warehouse.snapshots import Reader

ROOT = Path(__file__).resolve().parent.parent


def _register_pages() -> None:
    """Import every page module of ``layouts/``; each registers itself with Dash.

    Pages are imported by their package name (``layouts.overview``) rather than through
    ``pages_folder``, which would name them after the checkout's absolute path.
    """
    for module in pkgutil.iter_modules(layouts.__path__):
        if not module.name.startswith("_"):
            importlib.import_module(f"layouts.{module.name}")


def _frame(language: str):
    return dmc.MantineProvider(
        html.Div(
            [
                html.Header(
                    [
                        html.Img(src=dash.get_asset_url("logo.svg"), className="logo", alt=""),
                        html.Div(
                            [
                                html.Div(t("app.ministry", language), className="ministry"),
                                html.H1(t("app.title", language), className="app-title"),
                            ]
                        ),
                        html.Nav(
                            [
                                dash.dcc.Link(page["name"], href=page["relative_path"], className="nav-link")
                                for page in dash.page_registry.values()
                            ],
                            className="nav",
                        ),
                    ],
                    className="app-header",
                ),
                html.Main(dash.page_container, className="app-main"),
            ],
            className="app",
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
    _register_pages()
    app.server.extensions[EXTENSION] = {"settings": settings, "reader": reader or Reader(settings)}
    app.layout = _frame(settings.language)
    return app
