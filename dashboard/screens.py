"""The screens, as their pages registered themselves with Dash: the one place the menu, the
breadcrumbs, the home screen and the access rules read them from, so a screen is added by
its page module alone.

A page says ``dash.register_page(__name__, path=..., name=..., order=..., right=...)``:
``order`` places it on the menu, ``right`` is the capability (``dashboard.auth.roles``)
that opens it, ``menu=False`` keeps it off the menu (the wall). Its menu label is
``nav.<name>`` in the catalogue.
"""
from __future__ import annotations

import importlib
import pkgutil

import dash

from dashboard.auth.roles import CAPABILITIES, Principal


class PageError(ValueError):
    """A page that does not say which right opens it: the app refuses to start rather than
    guess (open to everyone, or to administrators only)."""


def load(package: str) -> None:
    """Import every page module of ``package`` (each registers itself with Dash), then check
    every registered page names a right some role holds."""
    for module in pkgutil.iter_modules(importlib.import_module(package).__path__):
        if not module.name.startswith("_"):
            importlib.import_module(f"{package}.{module.name}")
    for page in dash.page_registry.values():
        if page.get("right") not in CAPABILITIES:
            raise PageError(f"page {page['module']} ({page['path']}) has right={page.get('right')!r}; "
                            f"register it with right= one of {', '.join(sorted(CAPABILITIES))}")
        page.setdefault("menu", True)


def page(name: str) -> dict:
    """The page registered as ``name`` (a KeyError for none: a link to no screen is a bug)."""
    for found in dash.page_registry.values():
        if found["name"] == name:
            return found
    raise KeyError(name)


def path(name: str) -> str:
    return page(name)["path"]


def right(name: str) -> str:
    return page(name)["right"]


def at(address: str) -> dict | None:
    """The page Dash serves at ``address`` (matched as Dash does, trailing slash or not)."""
    wanted = address.strip("/") if isinstance(address, str) else None
    return next((found for found in dash.page_registry.values() if found["path"].strip("/") == wanted), None)


def menu() -> list[dict]:
    """The menu's pages, in their order."""
    return [found for found in dash.page_registry.values() if found["menu"]]


def home(who: Principal) -> str:
    """Where ``who`` lands: the first menu page it may open (the overview for most), else
    the first other page (the wall, for a kiosk)."""
    opens = [found for found in dash.page_registry.values() if who.can(found["right"])]
    first = next((found for found in opens if found["menu"]), opens[0] if opens else None)
    return first["path"] if first else "/logout"
