"""The tasks screen: states by source from the task facts, the Government Office's overdue
rate beside the share of all tasks, overdue tasks by lead unit and the most overdue."""
from __future__ import annotations

from datetime import date

import pytest

from dashboard import formatting as fmt
from tests.dashboard.conftest import find, params, text
from warehouse import lists
from warehouse.metrics import Period, family_frame, query
from warehouse.registry import TASK
from warehouse.scope import Scope

PERIOD = Period(date(2026, 11, 1), date(2026, 11, 20))
END = PERIOD.end
STATES = ("done_on_time", "done_late", "open_on_track", "open_overdue", "assigned", "no_deadline")
SOURCES = {"government": "Chính phủ", "prime_minister": "Thủ tướng Chính phủ",
           "ministry_leader": "Lãnh đạo Bộ", "other": "Khác"}


@pytest.fixture(scope="module")
def layout(dash_app):
    from layouts.tasks import layout

    return layout


def test_kpis_are_the_registry_values(render, layout, reader):
    tree = render(layout)
    overdue = query("task_overdue", PERIOD, as_of=END, scope=Scope.everything(), reader=reader).iloc[0]
    rate = query("task_overdue_rate", PERIOD, as_of=END, scope=Scope.everything(), reader=reader).iloc[0]
    on_time = query("task_on_time_rate", PERIOD, as_of=END, scope=Scope.everything(), reader=reader).iloc[0]
    assert overdue.value > 0
    assert find(tree, "kpi-task_overdue").children == fmt.count(overdue.value)
    assert find(tree, "kpi-task_overdue_rate").children == fmt.percent(rate.value)
    assert find(tree, "kpi-task_on_time_rate").children == fmt.percent(on_time.value)
    shown = text(tree)
    assert "Tỷ lệ nhiệm vụ quá hạn (cách tính của Văn phòng Chính phủ)" in shown
    # beside it, the share of all assigned tasks, which is a different number
    share = text(find(tree, "tasks-overdue-share"))
    assert share.startswith("Trên tổng số nhiệm vụ đã giao: " + fmt.percent(overdue.numerator / overdue.denominator))
    assert fmt.percent(overdue.numerator / overdue.denominator) != fmt.percent(rate.value)


def test_states_by_source_are_the_task_facts(render, layout, reader):
    facts = family_frame(TASK, PERIOD, ("source",), as_of=END, scope=Scope.everything(), unit=None, kind=None,
                         structure="current", reader=reader).set_index("source")
    table = find(render(layout), "tasks-sources-table")
    rows = {text(row.children[0]): [text(cell) for cell in row.children[1:]] for row in table.children[1].children}
    for source, label in SOURCES.items():
        assert rows[label] == [fmt.count(facts.at[source, state]) for state in STATES], source
    assert rows["Tổng cộng"] == [fmt.count(facts[state].sum()) for state in STATES]
    # the four states add up to the tasks assigned
    assert (facts[list(STATES[:4])].sum(axis=1) == facts["assigned"]).all()


def test_overdue_by_lead_unit_drills_to_the_unit(render, layout, reader):
    query_ = {"from": "2026-01-01", "to": "2026-11-20"}
    tree = render(layout, **query_)
    bar = find(tree, {"type": "drill", "name": "tasks-units"}).figure.data[0]
    expected = query("task_overdue", Period(date(2026, 1, 1), END), by=("unit",), as_of=END, scope=Scope.everything(), reader=reader)
    expected = expected[expected.numerator > 0].sort_values(["value", "unit_code"], ascending=[False, True]).head(15)
    assert list(bar.x)[::-1] == list(expected.value)
    for href, code in zip(list(bar.customdata)[::-1], expected.unit_code):
        assert params(href) == {"path": "/unit", "unit": code, "via": "tasks", **query_}


def test_the_most_overdue_tasks(render, layout, reader):
    tree = render(layout)
    rows = find(tree, "tasks-list-table").children[1].children
    expected = lists.overdue_tasks(END, scope=Scope.everything(), reader=reader, limit=20)
    assert len(rows) == len(expected) > 0
    for row, task in zip(rows, expected.itertuples()):
        cells = row.children
        assert text(cells[0]) == fmt.count(task.days_overdue)
        assert task.title in text(cells[1])
        link = cells[3].children
        assert params(link.href)["unit"] == task.unit_code and params(link.href)["via"] == "tasks"
    assert list(expected.days_overdue) == sorted(expected.days_overdue, reverse=True)


def test_the_kind_filter_keeps_the_list_to_that_kind(render, layout, reader, dash_app):
    from warehouse import reference

    kinds = reference.units(reader).set_index("unit_code")["kind"]
    rows = find(render(layout, kind="province_dept"), "tasks-list-table")
    overdue = query("task_overdue", PERIOD, as_of=END, kind="province_dept", scope=Scope.everything(), reader=reader).iloc[0].value
    if rows is None:
        assert overdue == 0
        return
    for row in rows.children[1].children:
        assert kinds[params(row.children[3].children.href)["unit"]] == "province_dept"


def test_english_labels(render, layout):
    shown = text(render(layout, "en"))
    for label in ("Government", "Prime Minister", "Ministry leaders", "Overdue rate (Government Office convention)",
                  "Days overdue (working days)", "Lead unit"):
        assert label in shown


def test_a_period_before_any_task_shows_why(render, layout):
    tree = render(layout, **{"from": "2010-01-01", "to": "2010-01-31"})
    for name in ("tasks-sources", "tasks-units", "tasks-list"):
        assert find(tree, f"{name}-empty") is not None, name
    assert "Chưa có nhiệm vụ nào được giao đến ngày 31/01/2010" in text(tree)
