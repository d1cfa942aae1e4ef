"""Screens register themselves: a page module alone adds a screen, with its place on the
menu and the right that opens it (the menu, the gate and the home screen read Dash's page
registry), and a page that names no right stops the app instead of opening to anyone."""
from __future__ import annotations

import sys
import textwrap

import dash
import pytest

from dashboard.auth.roles import CAPABILITIES
from dashboard.i18n import catalogue
from dashboard.screens import PageError
from tests.dashboard.conftest import client_as, ensure_user

REPORTS = """
    import dash
    from dash import Input, Output, html

    dash.register_page(__name__, path="/reports", name="reports", order=25, right="export", title="Reports",
                       layout=lambda **query: html.Div([html.Button(id="reports-go"), html.Div(id="reports-out")]))


    @dash.callback(Output("reports-out", "children"), Input("reports-go", "n_clicks"), prevent_initial_call=True)
    def answer(clicks):
        return f"clicked {clicks}"
"""
HTML = {"Accept": "text/html"}


@pytest.fixture
def pages_package(tmp_path, monkeypatch):
    """``make(package, **modules)``: a package of page modules on the import path. The pages
    it registers leave Dash's registry, and its modules ``sys.modules``, after the test."""
    monkeypatch.syspath_prepend(str(tmp_path))
    registered, made = set(dash.page_registry), []

    def make(package: str, **modules: str) -> str:
        (tmp_path / package).mkdir()
        (tmp_path / package / "__init__.py").write_text("")
        for name, source in modules.items():
            (tmp_path / package / f"{name}.py").write_text(textwrap.dedent(source))
        made.append(package)
        return package

    yield make
    for module in set(dash.page_registry) - registered:
        del dash.page_registry[module]
    for module in [m for m in sys.modules if m.split(".")[0] in made]:
        del sys.modules[module]


def menu(client) -> list[str]:
    """The screens on the menu of the frame ``client`` gets, in their order."""
    found = []

    def walk(node):
        if isinstance(node, list):
            for child in node:
                walk(child)
        elif isinstance(node, dict):
            ident = node.get("props", {}).get("id") if isinstance(node.get("props"), dict) else None
            if isinstance(ident, dict) and ident.get("type") == "menu":
                found.append(ident["screen"])
            for child in node.values():
                walk(child)

    walk(client.get("/_dash-layout").get_json())
    return found


def routed(client, path: str):
    """The page routing callback asked for ``path`` (a click inside the app)."""
    return client.post("/_dash-update-component", json={
        "output": ".._pages_content.children..._pages_store.data..",
        "outputs": [{"id": "_pages_content", "property": "children"}, {"id": "_pages_store", "property": "data"}],
        "inputs": [{"id": "_pages_location", "property": "pathname", "value": path},
                   {"id": "_pages_location", "property": "search", "value": ""}],
        "state": [], "changedPropIds": ["_pages_location.pathname"]})


def clicked(client):
    """The reports page's own callback."""
    return client.post("/_dash-update-component", json={
        "output": "reports-out.children", "outputs": {"id": "reports-out", "property": "children"},
        "inputs": [{"id": "reports-go", "property": "n_clicks", "value": 1}], "state": [],
        "changedPropIds": ["reports-go.n_clicks"]})


def test_a_page_module_alone_adds_a_screen_to_the_menu_behind_its_right(app, demo, pages_package, monkeypatch):
    from dashboard.app import create_app

    settings = demo[0]
    monkeypatch.setitem(catalogue(), "nav.reports", {"vi": "Báo cáo", "en": "Reports"})
    extra = create_app(settings, pages=pages_package("extra_pages", reports=REPORTS))
    analyst = client_as(extra, ensure_user(settings, "analyst", "analyst"))  # holds "export"
    office = client_as(extra, ensure_user(settings, "pages-leader", "leader"))  # does not
    # in the menu at its order (25: after the tasks, 20, and urging, 22, before the budget, 30), for its right only
    assert menu(analyst) == ["overview", "procedures", "tasks", "urging", "reports", "budget", "rankings", "unit",
                             "briefs"]
    assert menu(office) == ["overview", "procedures", "tasks", "budget", "rankings", "unit", "briefs"]
    # the gate: its address, the routing callback that builds it, and its own callback
    assert analyst.get("/reports", headers=HTML).status_code == 200
    assert office.get("/reports", headers=HTML).status_code == 403
    assert office.get("/reports/", headers=HTML).status_code == 403  # as Dash routes it, slash or not
    assert routed(analyst, "/reports").status_code == 200 and "reports-out" in routed(analyst, "/reports").text
    assert routed(office, "/reports").status_code == 403
    assert routed(office, "/procedures").status_code == 200  # the office's own screens still route
    assert clicked(analyst).status_code == 200 and "clicked 1" in clicked(analyst).text
    answer = clicked(office)
    assert answer.status_code == 403 and answer.get_json()["error"]["code"] == "forbidden"


def test_every_page_names_a_right_some_role_holds_and_its_menu_place(dash_app):
    assert len(dash.page_registry) >= 12
    for page in dash.page_registry.values():
        assert page.get("right") in CAPABILITIES, page["module"]
        assert isinstance(page["supplied_order"], int), page["module"]
        assert f"nav.{page['name']}" in catalogue(), page["module"]
    assert [p["name"] for p in dash.page_registry.values() if not p["menu"]] == ["wall"]


@pytest.mark.parametrize("right", [None, "everyone"])
def test_a_page_without_a_known_right_stops_the_app(app, demo, pages_package, right):
    from dashboard.app import create_app

    argument = "" if right is None else f", right={right!r}"
    package = pages_package(f"rightless_{right}", rightless=f"""
        import dash
        from dash import html

        dash.register_page(__name__, path="/rightless", name="rightless", order=5{argument}, layout=html.Div())
    """)
    with pytest.raises(PageError, match=f"rightless.*right={right!r}"):
        create_app(demo[0], pages=package)
