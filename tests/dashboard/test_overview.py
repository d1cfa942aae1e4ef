"""The overview in a real browser shows the three indicators of the metric registry."""
from __future__ import annotations

from datetime import date

import pytest

from dashboard import formatting as fmt
from warehouse.metrics import Period, query
from tests.dashboard.conftest import sign_in
from warehouse.snapshots import Reader
from warehouse.scope import Scope

def _expected_cards(settings, period: Period) -> dict:
    reader = Reader(settings)
    on_time = query("dossier_on_time_rate", period, scope=Scope.everything(), reader=reader).iloc[0]
    overdue = query("task_overdue", period, scope=Scope.everything(), reader=reader).iloc[0]
    budget = query("budget_disbursement_rate", period, scope=Scope.everything(), reader=reader).iloc[0]
    return {
        "dossier_on_time_rate": fmt.percent(on_time.value),
        "task_overdue": fmt.count(overdue.value),
        "budget_disbursement_rate": fmt.percent(budget.value),
    }


@pytest.mark.browser
@pytest.mark.parametrize("path, period", [
    ("/", Period(date(2026, 11, 1), date(2026, 11, 20))),  # default: this month to date
    ("/?from=2025-01-01&to=2025-12-31", Period(date(2025, 1, 1), date(2025, 12, 31))),
])
def test_overview_shows_the_registry_values(server, browser, path, period, tmp_path_factory):
    settings, url = server
    page = sign_in(browser, url, viewport={"width": 1440, "height": 900})
    errors, scripts = [], []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.on("request", lambda request: scripts.append(request.url) if request.resource_type == "script" else None)
    page.goto(url + path)
    page.wait_for_selector("#kpi-dossier_on_time_rate", timeout=20_000)
    page.wait_for_selector(".js-plotly-plot .main-svg", timeout=20_000)
    # the charts are drawn by the cartesian bundle of assets/vendor, not Plotly's full 4.8 MB one
    assert any("plotly-cartesian" in s for s in scripts)
    assert not any("package_data/plotly" in s for s in scripts)
    shown = {name: page.inner_text(f"#kpi-{name}") for name in
             ("dossier_on_time_rate", "task_overdue", "budget_disbursement_rate")}
    assert shown == _expected_cards(settings, period)
    assert all(value != fmt.NO_DATA for value in shown.values())
    budget = query("budget_disbursement_rate", period, scope=Scope.everything(), reader=Reader(settings)).iloc[0]
    assert page.inner_text("#kpi-budget-target") == (
        f"Mục tiêu theo lộ trình {fmt.percent(budget.target)}; "
        f"chênh lệch {fmt.points_change(budget.gap_pp)} điểm %")
    assert "Tỷ lệ hồ sơ giải quyết đúng hạn" in page.inner_text("body")
    assert page.inner_text("#data-as-of").startswith("Dữ liệu cập nhật lúc")
    assert page.inner_text("#period-label") == (
        f"Kỳ báo cáo: {fmt.day(period.start)} – {fmt.day(period.end)}")
    out = tmp_path_factory.getbasetemp() / f"overview{path.replace('/', '_').replace('?', '_')}.png"
    page.screenshot(path=str(out), full_page=True)
    assert not errors
    page.close()


@pytest.mark.browser
def test_a_bad_period_in_the_url_is_explained(server, browser):
    settings, url = server
    page = sign_in(browser, url)
    page.goto(url + "/?from=2026-13-01&to=2026-11-20")
    page.wait_for_selector("#kpi-dossier_on_time_rate", timeout=20_000)
    assert "Kỳ báo cáo trong địa chỉ không hợp lệ" in page.inner_text("body")
    page.close()
