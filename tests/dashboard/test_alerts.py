"""Numbers a minister can act on (issue 17): alerts name their units and link to them,
every status comes from the registry's rule, a change names its comparison period, small
samples are shown and never listed among the lowest."""
from __future__ import annotations

from datetime import date

import pytest

from dashboard import formatting as fmt
from tests.dashboard.conftest import find, params, text
from warehouse import reference
from warehouse.metrics import Period, query
from warehouse.scope import Scope

EVERYTHING = Scope.everything()
MONTH = {"from": "2026-11-01", "to": "2026-11-20"}


@pytest.fixture(scope="module")
def overview(dash_app):
    from layouts.overview import layout

    return layout


def _links(tree) -> list:
    found = []
    children = getattr(tree, "children", None)
    if getattr(tree, "href", None) and "alert-unit" in (getattr(tree, "className", "") or ""):
        found.append(tree)
    for child in children if isinstance(children, (list, tuple)) else [children] if children is not None else []:
        found += _links(child)
    return found


def test_the_late_units_alert_names_each_unit_and_links_to_it(render, overview, reader):
    period = Period(date(2026, 11, 1), date(2026, 11, 20))
    by_unit = query("dossier_on_time_rate", period, by=("unit",), scope=EVERYTHING, reader=reader)
    late = by_unit[by_unit["status"] == "bad"].sort_values(["value", "unit_code"])
    assert not late.empty, "the demo has late units this month"
    assert not late["small_sample"].any()
    alert = find(render(overview, **MONTH), "alert-late_units")
    assert alert is not None
    assert f"{len(late)} đơn vị có tỷ lệ hồ sơ đúng hạn dưới 85,0%" in text(alert)
    links = _links(alert)
    names = reference.units(reader).set_index("unit_code")["name_vi"]
    named = late.head(5)
    for link, row in zip(links, named.itertuples()):
        assert params(link.href)["unit"] == row.unit_code and params(link.href)["path"] == "/unit"
        assert fmt.percent(row.value) in link.children
        assert names[row.unit_code].replace("Sở Nông nghiệp và Môi trường ", "Sở NN&MT ") in link.children
    assert len(links) == len(named) + (1 if len(late) > 5 else 0)


def test_a_unit_on_too_few_records_raises_no_alert(render, overview, reader):
    period = Period(date(2026, 11, 1), date(2026, 11, 20))
    by_unit = query("dossier_on_time_rate", period, by=("unit",), scope=EVERYTHING, reader=reader)
    few = by_unit[by_unit["small_sample"]]
    assert not few.empty, "the demo has units under the minimum this month"
    assert few["status"].isna().all()
    alert = find(render(overview, **MONTH), "alert-late_units")
    links = [params(link.href) for link in _links(alert)] if alert is not None else []
    linked = {link["unit"] for link in links if link["path"] == "/unit"}  # not "and N more", to the screen
    assert not linked & set(few["unit_code"])


def test_the_overdue_counts_have_the_registry_status(render, overview, reader):
    period = Period(date(2026, 11, 1), date(2026, 11, 20))
    tree = render(overview, **MONTH)
    for name in ("task_overdue", "dossier_overdue_open"):
        status = query(name, period, as_of=period.end, scope=EVERYTHING, reader=reader).iloc[0]["status"]
        word = {"good": "Đạt", "watch": "Cần chú ý", "bad": "Chậm"}[status]
        card = find(tree, f"kpi-{name}").children
        assert card == fmt.count(query(name, period, as_of=period.end, scope=EVERYTHING, reader=reader).iloc[0].value)
        assert word in text(tree)


def test_on_the_2nd_this_month_is_compared_with_the_same_days_of_the_last(render, overview, reader):
    tree = render(overview, **{"from": "2026-11-01", "to": "2026-11-02"})
    change = text(find(tree, "kpi-dossier_on_time_rate-change"))
    assert "so với cùng kỳ (01/10/2026 – 02/10/2026)" in change
    other = text(find(render(overview, **{"from": "2026-11-11", "to": "2026-11-20"}), "kpi-dossier_on_time_rate-change"))
    assert "so với 10 ngày trước đó (01/11/2026 – 10/11/2026)" in other


def test_the_budget_card_says_which_reports_it_rests_on(render, overview, reader):
    period = Period(date(2026, 11, 1), date(2026, 11, 20))
    row = query("budget_disbursement_rate", period, as_of=period.end, scope=EVERYTHING, reader=reader).iloc[0]
    shown = text(find(render(overview, **MONTH), "kpi-budget-reported"))
    if row.data_from == row.data_to:
        assert shown == f"Số liệu đến ngày {fmt.day(row.data_to)}"
    else:
        assert shown == f"Số liệu báo cáo từ ngày {fmt.day(row.data_from)} đến ngày {fmt.day(row.data_to)}"
