"""The procedures screen shows the registry's numbers, drills to the unit screen, and
follows the field filter."""
from __future__ import annotations

from datetime import date

import pytest

from dashboard import formatting as fmt
from tests.dashboard.conftest import find, params, text
from warehouse.metrics import Period, query
from warehouse.scope import Scope

PERIOD = Period(date(2026, 11, 1), date(2026, 11, 20))  # the default: this month to the demo's today
YEAR = {"from": "2026-01-01", "to": "2026-11-20"}


@pytest.fixture(scope="module")
def layout(dash_app):
    from layouts.procedures import layout

    return layout


def drill(tree, name):
    graph = find(tree, {"type": "drill", "name": name})
    assert graph is not None, name
    return graph.figure


def test_headline_numbers_are_the_registry_values(render, layout, reader):
    tree = render(layout)
    for name, form in (("dossier_on_time_rate", fmt.percent), ("dossier_online_rate", fmt.percent),
                       ("dossier_overdue_open", fmt.count)):
        expected = query(name, PERIOD, scope=Scope.everything(), reader=reader).iloc[0]
        assert expected.denominator > 0
        assert find(tree, f"kpi-{name}").children == form(expected.value)
    for name, maximum in (("d766_progress_points", 20), ("d766_online_points", 12),
                          ("d766_online_payment_points", 10)):
        value = query(name, PERIOD, scope=Scope.everything(), reader=reader).iloc[0].value
        assert find(tree, f"procedures-{name}").children == f"{fmt.decimal(value)} / {maximum}"
    assert "58 trong 100 điểm" in text(find(tree, "procedures-d766-other"))


def test_unit_bars_are_worst_first_and_drill_to_the_unit(render, layout, reader):
    figure = drill(render(layout, **YEAR), "procedures-unit-on_time")
    bar = figure.data[0]
    expected = query("dossier_on_time_rate", Period(date(2026, 1, 1), date(2026, 11, 20)), by=("unit",),
                     scope=Scope.everything(), reader=reader)
    worst = expected[expected.denominator > 0].sort_values(["value", "unit_code"]).head(15)
    # unit_bars draws the first row on top, i.e. last in the trace
    assert list(bar.x)[::-1] == pytest.approx(list(worst.value))
    assert [t.split(" ", 1)[1] for t in bar.text][::-1] == [fmt.percent(v) for v in worst.value]
    for href, code in zip(list(bar.customdata)[::-1], worst.unit_code):
        assert params(href) == {"path": "/unit", "unit": code, "via": "procedures", **YEAR}


def test_heatmap_cells_drill_to_the_unit_in_that_month(render, layout, reader):
    figure = drill(render(layout), "procedures-heatmap")
    cells = figure.data[0]
    assert len(cells.x) == 12 and cells.x[0] == "T12/2025" and cells.x[-1] == "T11/2026"
    first = params(cells.customdata[0][0])
    last = params(cells.customdata[0][-1])
    assert first["path"] == "/unit" and first["via"] == "procedures"
    assert (first["from"], first["to"]) == ("2025-12-01", "2025-12-31")
    assert (last["from"], last["to"]) == ("2026-11-01", "2026-11-20")
    # the cell shows that unit's rate in that month
    month = query("dossier_on_time_rate", Period(date(2026, 11, 1), date(2026, 11, 20)), by=("unit",),
                  scope=Scope.everything(), reader=reader).set_index("unit_code")
    for row, hrefs in enumerate(cells.customdata):
        unit = params(hrefs[-1])["unit"]
        value = month.at[unit, "value"] if unit in month.index else None
        assert cells.text[row][-1] == fmt.percent(value)


def test_the_field_filter_changes_the_numbers(render, layout, reader):
    rates = query("dossier_on_time_rate", PERIOD, by=("field",), scope=Scope.everything(), reader=reader).set_index("field")
    total = query("dossier_on_time_rate", PERIOD, scope=Scope.everything(), reader=reader).iloc[0].value
    field = next(f for f in rates.index if fmt.percent(rates.at[f, "value"]) != fmt.percent(total))
    tree = render(layout, field=field)
    assert find(tree, "kpi-dossier_on_time_rate").children == fmt.percent(rates.at[field, "value"])
    points = query("d766_progress_points", PERIOD, by=("field",), scope=Scope.everything(), reader=reader).set_index("field")
    assert find(tree, "procedures-d766_progress_points").children == (
        f"{fmt.decimal(points.at[field, 'value'])} / 20")
    # unit bars within the field only
    by_unit = query("dossier_on_time_rate", PERIOD, by=("unit", "field"), scope=Scope.everything(), reader=reader)
    # a unit on too few records is not listed among the lowest (DOMAIN.md, Small samples)
    by_unit = by_unit[(by_unit.field == field) & (by_unit.denominator > 0) & ~by_unit.small_sample]
    bar = drill(tree, "procedures-unit-on_time").data[0]
    assert sorted(bar.x) == pytest.approx(sorted(by_unit.value)[:15])
    assert all(params(h).get("field") == field for h in bar.customdata)


def test_procedure_view_lists_the_most_late(render, layout, reader):
    frame = query("dossier_on_time_rate", PERIOD, by=("procedure",), scope=Scope.everything(), reader=reader)
    frame = frame.assign(late=frame.denominator - frame.numerator)
    top_late = frame.late.max()
    table = find(render(layout), "procedures-procedure-table")
    rows = table.children[1].children
    assert 0 < len(rows) <= 15
    first = [text(cell) for cell in rows[0].children]
    assert first[4] == fmt.count(top_late)
    code = first[0].split(" ")[0]
    assert code in set(frame[frame.late == top_late].procedure_code)
    name = reader.frame("select name_vi from procedures where procedure_code = $code", {"code": code})
    assert name.name_vi.iloc[0] in first[0]  # the code comes with the procedure's name


def test_english_labels(render, layout):
    shown = text(render(layout, "en"))
    assert "Dossiers handled on time, by unit" in shown
    assert "Decision 766 points computed from this data" in shown
    assert "Procedures with the most late dossiers" in shown


def test_a_period_before_any_data_shows_why(render, layout):
    tree = render(layout, **{"from": "2010-01-01", "to": "2010-01-31"})
    for name in ("procedures-unit-on_time", "procedures-unit-online", "procedures-field", "procedures-heatmap",
                 "procedures-procedure", "procedures-overdue"):
        assert find(tree, f"{name}-empty") is not None, name
    assert find(tree, {"type": "drill", "name": "procedures-heatmap"}) is None
    assert "Không có hồ sơ nào phải giải quyết" in text(tree)
