"""The budget screen shows the registry's disbursement rates for the fiscal year of the
period's end: cards per category, the monthly curve against the dashed target path, and
the units worst gap first, each bar a link to the unit screen."""
from __future__ import annotations

from datetime import date

import pytest

from dashboard import formatting as fmt
from tests.dashboard.conftest import find, params, text
from warehouse import reference
from warehouse.metrics import Period, query
from warehouse.scope import Scope

METRIC = "budget_disbursement_rate"
VIEW = {"from": "2026-10-01", "to": "2026-10-31"}
YEAR = Period(date(2026, 1, 1), date(2026, 10, 31))  # the fiscal year to the period's end


@pytest.fixture(scope="module")
def layout(dash_app):
    from layouts.budget import layout

    return layout


def test_cards_are_the_registry_values_per_category(render, layout, reader):
    tree = render(layout, **VIEW)
    total = query(METRIC, YEAR, scope=Scope.everything(), reader=reader).iloc[0]
    assert total.denominator > 0
    assert find(tree, "kpi-budget-total").children == fmt.percent(total.value)
    assert find(tree, "budget-total-gap").children == (
        f"Mục tiêu theo lộ trình {fmt.percent(total.target)}; chênh lệch {fmt.points_change(total.gap_pp)} điểm %")
    categories = query(METRIC, YEAR, by=("category",), scope=Scope.everything(), reader=reader).set_index("category")
    for category in ("recurrent", "investment"):
        row = categories.loc[category]
        assert find(tree, f"kpi-budget-{category}").children == fmt.percent(row.value)
        assert find(tree, f"budget-{category}-amounts").children == (
            f"Đã giải ngân {fmt.billions(row.numerator)} / kế hoạch vốn {fmt.billions(row.denominator)}")
        assert find(tree, f"budget-{category}-gap").children.endswith(
            f"chênh lệch {fmt.points_change(row.gap_pp)} điểm %")
    shown = text(tree)
    assert "Chi thường xuyên" in shown and "Chi đầu tư phát triển" in shown


def test_the_curve_is_cumulative_by_month_against_the_dashed_target(render, layout, reader):
    figure = find(render(layout, **VIEW), "budget-curve").figure
    months = query(METRIC, YEAR, by=("month",), scope=Scope.everything(), reader=reader)
    rate, target = figure.data
    assert list(rate.x) == [f"T{m:02d}/2026" for m in range(1, 11)]
    assert list(rate.y) == pytest.approx(list(months.value))
    assert list(target.y) == pytest.approx(list(months.target))
    assert rate.line.dash == "solid" and target.line.dash == "dash"
    # cumulative: never goes down within the year
    assert all(b >= a for a, b in zip(rate.y, rate.y[1:]))
    assert rate.text[-1].startswith(fmt.percent(months.value.iloc[-1]))


def test_the_category_curves_are_the_registry_values(render, layout, reader):
    figure = find(render(layout, **VIEW), "budget-categories").figure
    months = query(METRIC, YEAR, by=("month", "category"), scope=Scope.everything(), reader=reader)
    traces = {trace.name: trace for trace in figure.data}
    for category, label in (("recurrent", "Chi thường xuyên"), ("investment", "Chi đầu tư phát triển")):
        expected = months[months.category == category].sort_values("month")
        assert list(traces[label].y) == pytest.approx(list(expected.value))
        assert traces[label].line.dash == "solid"
    assert any(trace.line.dash == "dash" for trace in figure.data)


def test_units_are_worst_gap_first_with_amounts_and_drill_to_the_unit(render, layout, reader):
    figure = find(render(layout, **VIEW), {"type": "drill", "name": "budget-units"}).figure
    bars, targets, texts = figure.data
    expected = query(METRIC, YEAR, by=("unit",), scope=Scope.everything(), reader=reader)
    expected = expected[expected.denominator > 0].sort_values(["gap_pp", "unit_code"])
    names = reference.units(reader).set_index("unit_code")["name_vi"]
    # unit_bars draws the first row on top, i.e. last in the trace
    assert list(bars.y)[::-1] == [names[code] for code in expected.unit_code]
    assert list(bars.x)[::-1] == pytest.approx(list(expected.value))
    assert list(targets.x)[::-1] == pytest.approx(list(expected.target))
    for shown, row in zip(list(texts.text)[::-1], expected.itertuples()):
        assert shown.split(" ", 1)[1] == (
            f"{fmt.percent(row.value)} ({fmt.points_change(row.gap_pp)} điểm %) · "
            f"{fmt.billions(row.numerator)} / {fmt.billions(row.denominator)}")
    gaps = list(expected.gap_pp)
    assert gaps == sorted(gaps)
    for href, code in zip(list(bars.customdata)[::-1], expected.unit_code):
        assert params(href) == {"path": "/unit", "unit": code, "via": "budget", **VIEW}


def test_the_kind_filter_restricts_the_units(render, layout, reader):
    kinds = reference.units(reader).set_index("unit_code")["kind"]
    tree = render(layout, kind="ministry_unit", **VIEW)
    figure = find(tree, {"type": "drill", "name": "budget-units"}).figure
    codes = [params(href)["unit"] for href in figure.data[0].customdata]
    assert codes and all(kinds[code] == "ministry_unit" for code in codes)
    assert all(params(href)["kind"] == "ministry_unit" for href in figure.data[0].customdata)
    total = query(METRIC, YEAR, kind="ministry_unit", scope=Scope.everything(), reader=reader).iloc[0]
    assert find(tree, "kpi-budget-total").children == fmt.percent(total.value)

    provinces = query(METRIC, YEAR, kind="province_dept", scope=Scope.everything(), reader=reader).iloc[0]
    tree = render(layout, kind="province_dept", **VIEW)
    if provinces.denominator:
        assert find(tree, "kpi-budget-total").children == fmt.percent(provinces.value)
    else:
        assert find(tree, "budget-units-empty") is not None
        assert find(tree, "kpi-budget-total").children == fmt.NO_DATA


def test_english_labels(render, layout, reader):
    tree = render(layout, "en", **VIEW)
    shown = text(tree)
    for label in ("Recurrent spending", "Development investment", "Disbursement rate by unit against the target"):
        assert label in shown
    total = query(METRIC, YEAR, scope=Scope.everything(), reader=reader).iloc[0]
    assert find(tree, "kpi-budget-total").children == fmt.percent(total.value, "en")
    assert find(tree, "budget-total-amounts").children == (
        f"Disbursed {fmt.billions(total.numerator, 'en')} of a plan of {fmt.billions(total.denominator, 'en')}")
    figure = find(tree, "budget-curve").figure
    assert figure.data[0].x[0] == "Jan 2026" and figure.data[1].name == "Target path"


def test_a_year_without_a_plan_says_why(render, layout):
    tree = render(layout, **{"from": "2001-01-01", "to": "2001-03-31"})
    for name in ("budget-curve", "budget-categories", "budget-units"):
        assert "Chưa có kế hoạch vốn năm 2001" in text(find(tree, f"{name}-empty"))
    assert find(tree, "kpi-budget-total").children == fmt.NO_DATA
