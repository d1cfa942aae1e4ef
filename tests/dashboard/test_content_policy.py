"""The content security policy holds in a real browser: every screen, the unit grid and
the wall draw with scripts from this server only and no eval, and the browser reports
no violation (the other browser tests bypass the policy for Playwright's own helpers)."""
from __future__ import annotations

import pytest

from tests.dashboard.conftest import kiosk_page, sign_in
from warehouse.scope import Scope

pytestmark = pytest.mark.browser
WATCH = "window.__violations = []; document.addEventListener('securitypolicyviolation', " \
        "e => window.__violations.push(e.violatedDirective + ' ' + e.blockedURI));"


def _visit(page, url: str, ready: str) -> list[str]:
    page.goto(url)
    page.wait_for_selector(ready, timeout=30000)
    page.wait_for_timeout(500)
    return page.evaluate("window.__violations")


def test_desk_screens_draw_under_the_policy(server, browser):
    settings, url = server
    page = sign_in(browser, url, viewport={"width": 1440, "height": 900}, bypass_csp=False)
    page.add_init_script(WATCH)
    errors = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    screens = {"/": ".main-svg", "/procedures": ".main-svg", "/tasks": ".main-svg", "/budget": ".main-svg",
               "/rankings": ".ag-row", "/unit?unit=" + _a_unit(settings): "#unit-dossiers-grid .ag-row"}
    for path, ready in screens.items():
        assert _visit(page, url + path, ready) == [], path
    assert errors == []


def test_the_wall_draws_under_the_policy(server, browser):
    settings, url = server
    page = kiosk_page(browser, settings, url, viewport={"width": 1920, "height": 1080}, bypass_csp=False)
    page.add_init_script(WATCH)
    assert _visit(page, url + "/wall", ".wall-slide.active") == []
    page.wait_for_selector(".wall-slide .main-svg", state="attached", timeout=30000)  # its charts drew too
    assert page.evaluate("window.__violations") == []


def _a_unit(settings) -> str:
    """A provincial department with overdue dossiers (its grid has rows to draw)."""
    from datetime import date

    from warehouse import lists, reference
    from warehouse.snapshots import Reader

    reader = Reader(settings)
    units = reference.units(reader)
    for code in units.loc[(units["kind"] == "province_dept") & units["is_current"], "unit_code"]:
        if len(lists.overdue_dossiers(date(2026, 11, 20), scope=Scope.everything(), reader=reader, unit=code, limit=1)):
            return code
    pytest.fail("no department with overdue dossiers in the demo warehouse")
