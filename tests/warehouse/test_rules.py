"""Every rule of DOMAIN.md on a small hand-made warehouse, against values computed by hand.

The fixture is loaded through the real pipeline (CSV → validation → writer → marts →
snapshot), so each expectation below exercises the path the screens use.
"""
from __future__ import annotations

from datetime import date

import numpy as np
import pandas as pd
import pytest

from pipelines.ingest import ingest_files
from warehouse.db import writer
from warehouse.metrics import Period, query
from warehouse.ranking import composite, rank_within_kind
from warehouse.snapshots import Reader, publish
from warehouse import reference
from warehouse.scope import Scope

UNITS = """unit_code,name_vi,kind,valid_from,valid_to,successor_code
OLD1,Cục cũ thứ nhất,ministry_unit,,2023-12-31,MID
MID,Cục trung gian,ministry_unit,2024-01-01,2025-02-28,NEW
NEW,Cục mới,ministry_unit,2025-03-01,,
PROV,Sở Nông nghiệp và Môi trường Huế,province_dept,,,
"""
PROCEDURES = """procedure_code,name_vi,field,level,legal_days,has_fee
P5,Thủ tục năm ngày,land,central,5,true
P1,Thủ tục một ngày,water,central,1,false
P0,Thủ tục trong ngày,water,central,0,false
"""
D = ("dossier_id,procedure_code,unit_code,channel,received_at,due_at,finished_at,status,"
     "supplement_count,supplement_days,paid_online,updated_at\n")
DOSSIERS = D + """\
D1,P5,OLD1,online,2026-02-12 10:00:00,,2026-02-26 23:59:59,finished,0,0,true,2026-02-26 23:59:59
D2,P5,OLD1,direct,2026-02-12 10:00:00,,2026-02-27 00:00:00,finished,0,0,false,2026-02-27 00:00:00
D3,P5,MID,online,2026-02-12 10:00:00,2026-02-20 17:00:00,2026-02-23 04:00:00,finished,1,2.5,true,2026-02-23 04:00:00
D4,P5,MID,postal,2026-02-12 10:00:00,2026-02-20 17:00:00,2026-02-13 09:00:00,rejected,2,1,false,2026-02-13 09:00:00
D5,P5,NEW,online,2026-02-25 09:00:00,2026-03-10 23:59:59,2026-03-02 10:00:00,finished,0,0,false,2026-03-02 10:00:00
D6,P5,NEW,2,2026-02-02 08:00:00,2026-02-10 23:59:59,,processing,0,0,true,2026-02-02 08:00:00
D7,P5,NEW,online,2026-01-20 08:00:00,,2026-01-30 08:00:00,finished,0,0,false,2026-01-30 08:00:00
D8,P5,NEW,online,2026-02-27T20:00:00+00:00,2026-03-31 23:59:59,,processing,0,0,false,2026-02-28 03:00:00
D9,P5,NEW,online,2026-02-28T17:30:00Z,2026-04-15 23:59:59,,received,0,0,false,2026-03-01 00:30:00
D10,P0,NEW,direct,2026-02-28 23:00:00,,,received,0,0,false,2026-02-28 23:00:00
D11,P5,NEW,online,2026-02-20 09:00:00,2026-03-20 23:59:59,,supplement,2,3,false,2026-02-21 09:00:00
S1,P1,NEW,direct,2025-04-25 09:00:00,,2025-04-26 11:00:00,finished,0,0,false,2025-04-26 11:00:00
S2,P1,NEW,direct,2025-04-25 09:00:00,,2025-04-28 09:00:00,finished,0,0,false,2025-04-28 09:00:00
S3,P1,PROV,direct,2024-06-03 09:00:00,,2024-06-03 15:00:00,finished,0,0,false,2024-06-03 15:00:00
"""
TASKS = """task_id,title,source,lead_unit_code,assigned_on,due_on,completed_on,updated_at
T1,Nhiệm vụ 1,government,NEW,2026-03-01,2026-03-20,2026-03-15,2026-03-15 10:00:00
T2,Nhiệm vụ 2,prime_minister,NEW,2026-03-01,2026-03-10,2026-03-25,2026-03-25 10:00:00
T3,Nhiệm vụ 3,prime_minister,NEW,2026-03-01,2026-03-30,,2026-03-01 10:00:00
T4,Nhiệm vụ 4,ministry_leader,NEW,2026-03-01,2026-03-31,,2026-03-01 10:00:00
T5,Nhiệm vụ 5,ministry_leader,MID,2026-03-01,,,2026-03-01 10:00:00
T6,Nhiệm vụ 6,other,NEW,2026-03-01,,2026-03-05,2026-03-05 10:00:00
T7,Nhiệm vụ 7,government,NEW,2026-04-02,2026-04-30,,2026-04-02 10:00:00
T8,Nhiệm vụ 8,government,NEW,2026-03-01,2026-03-20,2026-04-05,2026-04-05 10:00:00
"""
BUDGET = """unit_code,fiscal_year,category,line_code,line_name,plan_amount,as_of,disbursed_amount
NEW,2026,investment,L1,Dự án 1,1000,2026-01-31,100
NEW,2026,investment,L1,Dự án 1,1200,2026-02-28,300
NEW,2026,investment,L1,Dự án 1,1200,2026-03-31,600
NEW,2026,recurrent,L2,Chi thường xuyên,500,2026-02-15,50
"""
FEB = Period(date(2026, 2, 1), date(2026, 2, 28))


def config_without_minimum(folder):
    """The shipped configuration with no minimum sample: these hand-made records are a few
    of each, and the rules below are about the arithmetic (the minimum has tests of its own)."""
    import shutil

    from config.settings import CONFIG_DIR

    shutil.copytree(CONFIG_DIR, folder)
    ranking = folder / "ranking.toml"
    text = ranking.read_text(encoding="utf-8")
    ranking.write_text(text.replace("dossiers = 20", "dossiers = 0").replace("tasks = 5", "tasks = 0"),
                       encoding="utf-8")
    return folder
MARCH = Period(date(2026, 3, 1), date(2026, 3, 31))


def publish_records(folder, config_dir):
    """The hand-made records above, loaded through the real pipeline and published with
    the configuration in ``config_dir``; the settings of that warehouse."""
    from tests.conftest import make_settings

    settings = make_settings(folder / "var", config_dir=config_dir)
    with writer(settings) as con:
        for name, text in (("units", UNITS), ("procedures", PROCEDURES), ("dossiers", DOSSIERS),
                           ("tasks", TASKS), ("budget", BUDGET)):
            path = folder / f"{name}.csv"
            path.write_text(text, encoding="utf-8")
            assert ingest_files(con, name, [path]).quarantined == 0
        publish(con, settings)
    return settings


@pytest.fixture(scope="module")
def reader(tmp_path_factory):
    folder = tmp_path_factory.mktemp("rules")
    return Reader(publish_records(folder, config_without_minimum(folder / "config")))


def _one(reader, name, period, scope=None, **options):
    scope = Scope.everything() if scope is None else Scope.of(reference.units(reader), scope)
    row = query(name, period, scope=scope, reader=reader, **options).iloc[0]
    value = None if pd.isna(row["value"]) else row["value"]
    return value, int(row["numerator"]), int(row["denominator"])


def test_on_time_rate_by_hand(reader):
    # handled in February: D1-D6, D8, D10, D11 (D7 closed in January, D9 is received on
    # 1 March local time). On time: D1 (finished at its due second, Tết counted), D3 (the
    # clock paused 2.5 days), D5 (closed in March: open at the end of February, not yet
    # due), D8 (offset time: received 28 Feb 03:00 local), D10 (due at the end of its day).
    # Late: D2 (one second after due), D4 (two supplements), D6 (open, due passed), D11
    # (two supplements).
    assert _one(reader, "dossier_on_time_rate", FEB) == (pytest.approx(5 / 9), 5, 9)
    # March: D5 closed on time, D8 and D9 open and not due; D6, D10, D11 late
    assert _one(reader, "dossier_on_time_rate", MARCH) == (pytest.approx(3 / 6), 3, 6)


def test_closed_on_time_rate(reader):
    assert _one(reader, "dossier_closed_on_time_rate", FEB) == (0.5, 2, 4)  # D1, D3 of D1-D4
    assert _one(reader, "dossier_closed_on_time_rate", MARCH) == (1.0, 1, 1)  # D5


def test_compensatory_working_saturday_sets_the_due(reader):
    # Friday 25 April 2025 + 1 working day = Saturday 26 April (worked): S1 on time, S2 late
    april = Period(date(2025, 4, 1), date(2025, 4, 30))
    assert _one(reader, "dossier_closed_on_time_rate", april) == (0.5, 1, 2)


def test_overdue_open(reader):
    # open at the end of February: D5, D6, D8, D10, D11; overdue: D6 (due passed), D11
    assert _one(reader, "dossier_overdue_open", FEB) == (2.0, 2, 5)


def test_online_and_payment_rates_and_points(reader):
    # received in February: 9; online: D1, D3, D5, D6 (portal code 2), D8, D11
    assert _one(reader, "dossier_online_rate", FEB) == (pytest.approx(6 / 9), 6, 9)
    assert _one(reader, "d766_online_points", FEB)[0] == 12  # full points at 50 % or more
    # fee procedure P5 received in February: 8 (D10 is P0); paid online: D1, D3, D6
    assert _one(reader, "dossier_online_payment_rate", FEB) == (0.375, 3, 8)
    assert _one(reader, "d766_online_payment_points", FEB)[0] == pytest.approx(10 * 0.375 / 0.8)
    assert _one(reader, "d766_progress_points", FEB)[0] == pytest.approx(20 * 5 / 9)


def test_three_step_successor_chain(reader):
    current = query("dossier_on_time_rate", FEB, by=["unit"], scope=Scope.everything(), reader=reader)
    assert current[["unit_code", "numerator", "denominator"]].values.tolist() == [["NEW", 5, 9]]
    historical = query("dossier_on_time_rate", FEB, by=["unit"], structure="historical", scope=Scope.everything(), reader=reader)
    assert historical[["unit_code", "numerator", "denominator"]].values.tolist() == [
        ["MID", 1, 2], ["NEW", 3, 5], ["OLD1", 1, 2]]
    # a scope naming only the current unit still sees its predecessors' records
    assert _one(reader, "dossier_on_time_rate", FEB, scope={"NEW"})[1:] == (5, 9)
    assert _one(reader, "dossier_on_time_rate", FEB, scope={"PROV"})[1:] == (0, 0)


def test_tasks_as_of_a_date(reader):
    # as of 31 March: done on time T1, T6; done late T2; overdue T3 and T8 (completed only
    # in April); on track T4 (due that day), T5; T7 is assigned after the date
    assert _one(reader, "task_overdue", MARCH) == (2.0, 2, 7)
    assert _one(reader, "task_overdue_rate", MARCH) == (pytest.approx(2 / 5), 2, 5)
    assert _one(reader, "task_on_time_rate", MARCH) == (pytest.approx(2 / 3), 2, 3)
    assert _one(reader, "task_no_deadline", MARCH) == (2.0, 2, 7)
    # as of 12 March: T2 overdue, T6 done on time, the others on track
    assert _one(reader, "task_overdue_rate", MARCH, as_of=date(2026, 3, 12)) == (0.5, 1, 2)
    by_source = query("task_overdue", MARCH, by=["source"], scope=Scope.everything(), reader=reader)
    assert dict(zip(by_source["source"], by_source["numerator"])) == {
        "government": 1, "ministry_leader": 0, "other": 0, "prime_minister": 1}


def test_latest_budget_row_per_line_and_target(reader):
    # 15 March: L1 at its 28 Feb row (300 of 1,200), L2 at its 15 Feb row (50 of 500)
    rows = query("budget_disbursement_rate", MARCH, as_of=date(2026, 3, 15), scope=Scope.everything(), reader=reader)
    row = rows.iloc[0]
    assert (row.value, row.numerator, row.denominator) == (pytest.approx(350 / 1700), 350, 1700)
    # each line's target at its own report's date (DOMAIN.md, Budget), not at 15 March:
    # L1's 28 Feb (day 58 of the straight line), L2's 15 Feb (day 45)
    target = (1200 * 0.95 * 58 / 364 + 500 * 0.95 * 45 / 364) / 1700
    assert row.target == pytest.approx(target)
    assert row.gap_pp == pytest.approx(100 * (350 / 1700 - target))
    assert (row.data_from, row.data_to) == (date(2026, 2, 15), date(2026, 2, 28))
    assert _one(reader, "budget_disbursement_rate", MARCH, as_of=date(2026, 2, 10)) == (0.1, 100, 1000)
    by_category = query("budget_disbursement_rate", MARCH, by=["category"], scope=Scope.everything(), reader=reader)
    assert by_category[["category", "numerator", "denominator"]].values.tolist() == [
        ["investment", 600, 1200], ["recurrent", 50, 500]]


def test_zero_denominators_are_no_data(reader):
    assert _one(reader, "dossier_on_time_rate", Period(date(2024, 1, 1), date(2024, 1, 31))) == (None, 0, 0)
    assert _one(reader, "task_on_time_rate", Period(date(2026, 2, 1), date(2026, 2, 28))) == (None, 0, 0)
    assert _one(reader, "budget_disbursement_rate", Period(date(2025, 12, 1), date(2025, 12, 31))) == (None, 0, 0)
    assert _one(reader, "d766_progress_points", Period(date(2024, 1, 1), date(2024, 1, 31)))[0] is None


def test_by_month_each_bucket_is_its_own_period(reader):
    months = query("dossier_on_time_rate", Period(date(2026, 2, 1), date(2026, 3, 31)), by=["month"],
                   scope=Scope.everything(), reader=reader)
    assert months[["month", "numerator", "denominator"]].values.tolist() == [
        ["2026-02", 5, 9], ["2026-03", 3, 6]]
    gov = query("dossier_online_rate", Period(date(2026, 2, 1), date(2026, 3, 31)), by=["gov_month"],
                scope=Scope.everything(), reader=reader)
    # Government months: 1-14 Feb (D1-D4, D6: online D1, D3, D6), 15 Feb-14 Mar (D5, D8-D11:
    # all online but D10), 15-31 Mar (nothing received)
    assert gov[["gov_month", "numerator", "denominator"]].values.tolist() == [
        ["2026-02", 3, 5], ["2026-03", 4, 5], ["2026-04", 0, 0]]


def test_ranking_ties_share_a_rank_and_skip_the_next():
    scores = pd.DataFrame({"kind": ["ministry_unit"] * 4 + ["province_dept"],
                           "composite": [99.0, 95.004, 94.996, 90.0, 50.0]})
    assert rank_within_kind(scores).tolist() == [1, 2, 2, 4, 1]


def test_composite_rescales_weights_when_a_component_has_no_data():
    scores = pd.DataFrame({"procedures": [80.0, 80.0, np.nan], "tasks": [90.0, np.nan, np.nan],
                           "budget": [100.0, 100.0, np.nan]})
    weights = {"procedures": 0.4, "tasks": 0.4, "budget": 0.2}
    result = composite(scores, weights)
    assert result[0] == pytest.approx(0.4 * 80 + 0.4 * 90 + 0.2 * 100)
    assert result[1] == pytest.approx((0.4 * 80 + 0.2 * 100) / 0.6)
    assert np.isnan(result[2])


def test_unit_ranking_rows(reader):
    ranking = query("unit_ranking", MARCH, scope=Scope.everything(), reader=reader)
    row = ranking.set_index("unit_code").loc["NEW"]
    # procedures: March on-time 3/6; tasks: done on time 2 of 5 done or fallen due;
    # budget: 650/1700 against the target of each line at its report's date (31 March, 15 Feb)
    target = (1200 * 0.95 * 89 / 364 + 500 * 0.95 * 45 / 364) / 1700
    budget = 100 * min(1, (650 / 1700) / target)
    assert row.procedures == pytest.approx(50) and row.tasks == pytest.approx(40)
    assert row.budget == pytest.approx(budget)
    assert row.composite == pytest.approx(0.4 * 50 + 0.4 * 40 + 0.2 * budget)
    assert row["rank"] == 1 and row.previous_rank == 1  # February: only NEW has data


def test_unit_ranking_leaves_out_components_without_data(reader):
    # June 2024: PROV closed one dossier on time and has no tasks and no budget
    [row] = query("unit_ranking", Period(date(2024, 6, 1), date(2024, 6, 30)), scope=Scope.everything(), reader=reader).to_dict("records")
    assert (row["unit_code"], row["procedures"], row["composite"], row["rank"]) == ("PROV", 100, 100, 1)
    assert pd.isna(row["tasks"]) and pd.isna(row["budget"]) and pd.isna(row["previous_rank"])


def test_overdue_lists_count_working_days(reader):
    from warehouse.lists import overdue_dossiers, overdue_tasks

    dossiers = overdue_dossiers(date(2026, 2, 28), scope=Scope.everything(), reader=reader)
    # D6 due Tue 10 Feb: 11-13 Feb and 23-27 Feb are working days, Tết week 16-20 is not
    assert dossiers[["dossier_id", "days_overdue"]].values.tolist() == [["D6", 8], ["D11", 0]]
    assert set(dossiers["unit_code"]) == {"NEW"}
    assert overdue_dossiers(date(2026, 2, 28), reader=reader, scope=Scope.of(reference.units(reader), {"PROV"})).empty
    assert len(overdue_dossiers(date(2026, 2, 28), scope=Scope.everything(), reader=reader, limit=1)) == 1
    tasks = overdue_tasks(date(2026, 3, 31), scope=Scope.everything(), reader=reader)
    # T8 due Fri 20 Mar: 23-27 and 30-31 Mar; T3 due Mon 30 Mar: 31 Mar
    assert tasks[["task_id", "days_overdue"]].values.tolist() == [["T8", 7], ["T3", 1]]
    # the list agrees with the indicator
    assert len(tasks) == _one(reader, "task_overdue", MARCH)[1]
    assert len(dossiers) == _one(reader, "dossier_overdue_open", FEB)[1]
