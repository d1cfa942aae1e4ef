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


def test_overdue_by_lead_unit_drills_to_its_overdue_tasks(render, layout, reader):
    query_ = {"from": "2026-01-01", "to": "2026-11-20"}
    tree = render(layout, **query_)
    bar = find(tree, {"type": "drill", "name": "tasks-units"}).figure.data[0]
    expected = query("task_overdue", Period(date(2026, 1, 1), END), by=("unit",), as_of=END, scope=Scope.everything(), reader=reader)
    expected = expected[expected.numerator > 0].sort_values(["value", "unit_code"], ascending=[False, True]).head(15)
    assert list(bar.x)[::-1] == list(expected.value)
    for href, code in zip(list(bar.customdata)[::-1], expected.unit_code):
        assert params(href) == {"path": "/tasks", "unit": code, "state": "overdue", **query_}


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


def _worklist_ids(tree) -> list[str]:
    table = find(tree, "tasks-worklist-table")
    return [] if table is None else [text(row.children[0]) for row in table.children[1].children]


def test_the_worklist_filters_by_source_state_leader_and_unit(render, layout, reader):
    query_ = {"from": "2026-11-01", "to": "2026-11-20"}
    everything = lists.tasks(END, reader=reader, scope=Scope.everything(), due_soon_days=5, limit=10_000)
    overdue_pm = everything[(everything["state"] == "overdue") & (everything["source"] == "prime_minister")]
    assert len(overdue_pm) > 0
    tree = render(layout, source="prime_minister", state="overdue", **query_)
    rows = find(tree, "tasks-worklist-table").children[1].children
    assert len(rows) == min(50, len(overdue_pm))
    expected = overdue_pm.sort_values(["days_overdue", "due_on", "task_id"], ascending=[False, True, True])
    for row, task in zip(rows, expected.itertuples()):
        assert task.document_ref in text(row.children[0]) and task.title in text(row.children[0])
        assert text(row.children[3]) == f"quá {fmt.count(task.days_overdue)} ngày"
        assert text(row.children[4]) == (task.supervising_leader if isinstance(task.supervising_leader, str) else "—")
        assert text(row.children[6]) == "Quá hạn"
    leader = everything["supervising_leader"].dropna().iloc[0]
    unit = everything["unit_code"].iloc[0]
    tree = render(layout, leader=leader, unit=unit, state="due_soon", **query_)
    table = find(tree, "tasks-worklist-table")
    expected = everything[(everything["supervising_leader"] == leader) & (everything["unit_code"] == unit)
                          & (everything["state"] == "due_soon")]
    assert (0 if table is None else len(table.children[1].children)) == min(50, len(expected))
    pager = text(find(render(layout, **query_), "tasks-worklist-pager"))
    assert f"{fmt.count(len(everything))} nhiệm vụ" in pager


def test_a_source_bar_opens_the_list_filtered_by_its_source_and_state(render, layout):
    tree = render(layout, **{"from": "2026-11-01", "to": "2026-11-20"})
    figure = find(tree, {"type": "drill", "name": "tasks-sources"}).figure
    overdue = next(trace for trace in figure.data if trace.name == "Chưa hoàn thành, quá hạn")
    hrefs = [params(h) for h in overdue.customdata]
    assert {h["source"] for h in hrefs} <= set(SOURCES) and {h["state"] for h in hrefs} == {"overdue"}
    assert all(h["path"] == "/tasks" for h in hrefs)


def test_a_leader_sees_no_worklist_and_a_bad_filter_is_refused_not_an_error(render, layout):
    tree = render(layout, role="leader")
    assert find(tree, "tasks-worklist-table") is None
    tree = render(layout, state="late", source="nobody")
    assert find(tree, "tasks-worklist-table") is not None  # the filters dropped, said so on the page
