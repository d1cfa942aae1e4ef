"""Due soon (DOMAIN.md, Urging): not completed and D <= due <= the N-th working day after
D, N = 5. Hand-made tasks at its edges (due on D, the 5th and 6th working day, a Saturday
in between, across Tết 2026, completed on D, assigned after D), counted by the registry's
``task_due_soon`` from the mart and listed by ``lists.tasks`` from the facts: both agree."""
from __future__ import annotations

from datetime import date

import pytest

from pipelines.ingest import ingest_files
from warehouse import lists
from warehouse.db import writer
from warehouse.metrics import Period, query
from warehouse.scope import Scope
from warehouse.snapshots import Reader, publish

UNITS = """unit_code,name_vi,name_en,kind,parent_code,valid_from,valid_to,successor_code,contact_email
ROOT,Bộ Nông nghiệp và Môi trường,Ministry,ministry_unit,,,,,vanthu@mae.gov.vn
U1,Cục Môi trường,Environment,ministry_unit,ROOT,,,,cmt@mae.gov.vn
U2,Cục Quản lý đất đai,Land,ministry_unit,ROOT,,,,
"""
TASK_HEADER = ("task_id,title,source,document_ref,lead_unit_code,assigned_on,due_on,completed_on,updated_at,"
               "supervising_leader,coordinating_units\n")
# D1 = Monday 2 March 2026: working days after it are 3, 4, 5, 6, 9 (the 5th), 10 (the 6th).
# D2 = Friday 13 February 2026, before Tết (16-20 Feb off): 23, 24, 25, 26, 27 (the 5th), 2 March.
TASKS = {
    "ON_D": ("2026-02-01", "2026-03-02", ""),  # due on D1: due soon, not overdue
    "DAY5": ("2026-02-01", "2026-03-09", ""),  # the 5th working day after D1
    "DAY6": ("2026-02-01", "2026-03-10", ""),  # the 6th: on track
    "SAT": ("2026-02-01", "2026-03-07", ""),  # a Saturday before the 5th working day
    "LATE": ("2026-02-01", "2026-02-27", ""),  # overdue at D1
    "DONE_ON_D": ("2026-02-01", "2026-03-05", "2026-03-02"),  # completed on D1: done
    "DONE_AFTER": ("2026-02-01", "2026-03-05", "2026-03-04"),  # completed after D1: due soon at D1
    "FUTURE": ("2026-03-03", "2026-03-04", ""),  # assigned after D1: does not exist yet
    "UNDATED": ("2026-02-01", "", ""),  # no deadline: on track
    "TET5": ("2026-02-01", "2026-02-27", ""),  # at D2, the 5th working day across Tết
    "TET6": ("2026-02-01", "2026-03-02", "2026-03-20"),  # at D2 the 6th
}
D1, D2 = date(2026, 3, 2), date(2026, 2, 13)


@pytest.fixture(scope="module")
def warehouse(tmp_path_factory):
    from tests.conftest import make_settings

    folder = tmp_path_factory.mktemp("due_soon")
    settings = make_settings(folder / "var")
    (folder / "units.csv").write_text(UNITS, encoding="utf-8")
    rows = [f"{task_id},Nhiệm vụ {task_id},prime_minister,Văn bản {i}/VPCP-NN,U1,{assigned},{due},{done},"
            f"2026-03-01 08:00:00,Thứ trưởng Trần Quý Kiên,U2" for i, (task_id, (assigned, due, done))
            in enumerate(TASKS.items(), start=1)]
    (folder / "tasks.csv").write_text(TASK_HEADER + "\n".join(rows) + "\n", encoding="utf-8")
    with writer(settings) as con:
        assert ingest_files(con, "units", [folder / "units.csv"]).quarantined == 0
        assert ingest_files(con, "tasks", [folder / "tasks.csv"]).quarantined == 0
        publish(con, settings)
    return Reader(settings)


def _listed(reader, day):
    frame = lists.tasks(day, reader=reader, scope=Scope.everything(), due_soon_days=5, limit=100)
    return dict(zip(frame["task_id"], frame["state"])), frame


def _due_soon_count(reader, day, **options):
    frame = query("task_due_soon", Period(day, day), scope=Scope.everything(), reader=reader, **options)
    return int(frame["value"].iloc[0])


def test_the_states_at_the_edges(warehouse):
    states, frame = _listed(warehouse, D1)
    assert states == {
        "ON_D": "due_soon", "DAY5": "due_soon", "DAY6": "on_track", "SAT": "due_soon", "LATE": "overdue",
        "DONE_ON_D": "done", "DONE_AFTER": "due_soon", "UNDATED": "on_track", "TET5": "overdue",
        "TET6": "due_soon",
    }
    by_id = frame.set_index("task_id")
    assert by_id.loc["LATE", "days_overdue"] == 1  # due Friday 27 Feb, as of Monday 2 March
    assert by_id.loc["ON_D", "days_left"] == 0 and by_id.loc["DAY5", "days_left"] == 5
    assert by_id.loc["DAY6", "days_left"] == 6
    assert by_id.loc["ON_D", "supervising_leader"] == "Thứ trưởng Trần Quý Kiên"
    assert by_id.loc["ON_D", "coordinating_units"] == "U2"


def test_the_metric_counts_what_the_list_lists(warehouse):
    states, _ = _listed(warehouse, D1)
    assert _due_soon_count(warehouse, D1) == sum(s == "due_soon" for s in states.values()) == 5


def test_across_tet_the_fifth_working_day_is_due_soon_and_the_sixth_not(warehouse):
    states, _ = _listed(warehouse, D2)
    assert states["TET5"] == "due_soon" and states["TET6"] == "on_track"
    # without Tết, 27 Feb would be ten working days after 13 Feb; with it, the fifth
    assert _due_soon_count(warehouse, D2) == sum(s == "due_soon" for s in states.values())
    states, _ = _listed(warehouse, date(2026, 2, 27))  # TET5 and LATE on their due day, not overdue
    assert {t for t, s in states.items() if s == "due_soon"} == {"TET5", "LATE", "TET6", "ON_D", "DONE_AFTER",
                                                                  "DONE_ON_D"}
    assert _due_soon_count(warehouse, date(2026, 2, 27)) == 6


def test_a_day_later_due_soon_moves_on(warehouse):
    states, _ = _listed(warehouse, date(2026, 3, 3))
    assert states["ON_D"] == "overdue" and states["DAY6"] == "due_soon" and states["FUTURE"] == "due_soon"
    assert _due_soon_count(warehouse, date(2026, 3, 3)) == sum(s == "due_soon" for s in states.values())


def test_filters_and_scope(warehouse):
    frame = lists.tasks(D1, reader=warehouse, scope=Scope.everything(), due_soon_days=5,
                        filters={"q_state": "overdue", "q_source": "prime_minister",
                                 "q_leader": "Thứ trưởng Trần Quý Kiên"})
    assert sorted(frame["task_id"]) == ["LATE", "TET5"]
    assert lists.tasks(D1, reader=warehouse, scope=Scope(frozenset({"U2"})), due_soon_days=5).empty
    assert lists.tasks(D1, reader=warehouse, scope=Scope.everything(), due_soon_days=5,
                       filters={"q_leader": "Bộ trưởng"}).empty
    with pytest.raises(ValueError):
        lists.tasks(D1, reader=warehouse, scope=Scope.everything(), due_soon_days=5, filters={"q_state": "late"})
    with pytest.raises(TypeError):
        lists.tasks(D1, reader=warehouse, scope=None, due_soon_days=5)
    assert lists.supervising_leaders(reader=warehouse, scope=Scope.everything()) == ["Thứ trưởng Trần Quý Kiên"]
