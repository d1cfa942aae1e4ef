"""Drill-down, URL state and the language toggle, in a real browser."""
from __future__ import annotations

from datetime import date
from urllib.parse import parse_qs, urlsplit

import pytest

from dashboard import formatting as fmt
from warehouse.metrics import Period, query
from tests.dashboard.conftest import sign_in
from warehouse.snapshots import Reader
from warehouse.scope import Scope

pytestmark = pytest.mark.browser


def _open(browser, url):
    page = sign_in(browser, "/".join(url.split("/")[:3]), viewport={"width": 1600, "height": 1000})
    errors = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.goto(url)
    page.wait_for_selector("#breadcrumbs", timeout=20_000)
    return page, errors


def test_a_click_on_a_unit_bar_opens_that_unit_for_the_same_period(server, browser):
    settings, url = server
    page, errors = _open(browser, url + "/procedures?from=2026-01-01&to=2026-10-31")
    page.wait_for_selector(".graph.drillable .point", timeout=20_000)
    bar = page.locator(".graph.drillable .point").first
    bar.scroll_into_view_if_needed()
    box = bar.bounding_box()  # plotly's drag layer is on top of the bars: click where the bar is
    page.mouse.click(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    page.wait_for_function("location.pathname === '/unit'", timeout=10_000)
    page.wait_for_selector("#unit-rank, #panel-unit-ranking", timeout=20_000)
    params = parse_qs(urlsplit(page.url).query)
    assert params["from"] == ["2026-01-01"] and params["to"] == ["2026-10-31"]
    assert params["via"] == ["procedures"]
    unit = params["unit"][0]
    crumbs = page.inner_text("#breadcrumbs")
    assert "Thủ tục hành chính" in crumbs and "Đơn vị" in crumbs
    assert page.inner_text("#period-label") == "Kỳ báo cáo: 01/01/2026 – 31/10/2026"
    # the unit's own number, as the registry gives it, for the same period
    period = Period(date(2026, 1, 1), date(2026, 10, 31))
    expected = query("dossier_on_time_rate", period, unit=unit, scope=Scope.everything(), reader=Reader(settings)).iloc[0]
    assert page.inner_text("#kpi-dossier_on_time_rate") == fmt.percent(expected.value)
    # from the unit, its late dossiers are on the same screen, one click away, a page at a time
    page.click("#unit-jump-dossiers")
    assert page.url.endswith("#panel-unit-dossiers")
    late = query("dossier_overdue_open", period, unit=unit, scope=Scope.everything(), reader=Reader(settings)).iloc[0].value
    if late:
        page.wait_for_selector("#unit-dossiers-grid .ag-row", timeout=10_000)
        first = page.inner_text("#unit-dossiers-grid .ag-row[row-index='0'] [col-id='dossier_id']")
        assert first.startswith(unit) or first  # a real dossier id from the warehouse
        assert str(int(late)) in page.inner_text("#unit-jump-dossiers")
    assert not errors
    page.close()


def test_a_copied_url_restores_the_view_and_back_works(server, browser):
    settings, url = server
    link = url + "/procedures?from=2025-01-01&to=2025-12-31&kind=province_dept&field=land"
    page, errors = _open(browser, link)
    assert page.inner_text("#period-label") == "Kỳ báo cáo: 01/01/2025 – 31/12/2025"
    assert page.inner_text("#filter-kind .chip.active") == "Sở NN&MT"
    assert "Đất đai" in page.inner_text("#filter-field")
    # another view, then back: the first one returns
    page.click("#filter-period >> text=Tháng này")
    page.wait_for_function("!location.search.includes('2025-01-01')")
    page.wait_for_selector("text=Kỳ báo cáo: 01/11/2026 – 20/11/2026")
    page.go_back()
    page.wait_for_selector("text=Kỳ báo cáo: 01/01/2025 – 31/12/2025", timeout=10_000)
    assert "kind=province_dept" in page.url and "field=land" in page.url
    assert not errors
    page.close()


def test_the_language_toggle_changes_labels_and_number_formats_and_persists(server, browser):
    settings, url = server
    page = sign_in(browser, url, viewport={"width": 1600, "height": 1000})
    context = page.context
    page.goto(url + "/?from=2026-01-01&to=2026-06-30")
    page.wait_for_selector("#kpi-dossier_on_time_rate", timeout=20_000)
    period = Period(date(2026, 1, 1), date(2026, 6, 30))
    value = query("dossier_on_time_rate", period, scope=Scope.everything(), reader=Reader(settings)).iloc[0].value
    assert page.inner_text("#kpi-dossier_on_time_rate") == fmt.percent(value, "vi")
    assert "," in fmt.percent(value, "vi")
    page.click("#language-toggle")
    page.wait_for_selector("text=Overview", timeout=20_000)
    page.wait_for_selector("#kpi-dossier_on_time_rate")
    assert "from=2026-01-01" in page.url  # back to the same view
    assert page.inner_text("#kpi-dossier_on_time_rate") == fmt.percent(value, "en")
    assert page.inner_text("#period-label") == "Period: 01/01/2026 – 30/06/2026"
    page.wait_for_selector(".js-plotly-plot")
    assert page.evaluate("document.querySelector('.js-plotly-plot')._fullLayout.separators") == ".,"
    # persists: a new page in the same browser session is still in English
    page.goto(url + "/tasks")
    page.wait_for_selector("#breadcrumbs")
    assert "Overview" in page.inner_text("#breadcrumbs")
    page.click("#language-toggle")
    page.wait_for_selector("text=Tổng quan", timeout=20_000)
    page.wait_for_selector(".js-plotly-plot")
    assert page.evaluate("document.querySelector('.js-plotly-plot')._fullLayout.separators") == ",."
    context.close()
