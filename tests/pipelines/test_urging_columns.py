"""The optional columns of DOMAIN.md for urging: units ``contact_email``, tasks
``supervising_leader`` and ``coordinating_units``: loaded when given, a bad e-mail or an
unknown coordinating unit quarantined with its reason, and absent columns load as before."""
from __future__ import annotations

from pipelines.ingest import ingest_files
from warehouse.db import writer

UNITS = """unit_code,name_vi,kind,contact_email
U1,Cục Môi trường,ministry_unit,cmt@mae.gov.vn
U2,Cục Quản lý đất đai,ministry_unit,
U3,Cục Địa chất,ministry_unit,not-an-address
U4,Cục Biển,ministry_unit,cb@mae.gov.vn;x@y.vn
"""
TASKS = """task_id,title,source,lead_unit_code,assigned_on,due_on,updated_at,supervising_leader,coordinating_units
T1,Báo cáo,government,U1,2026-03-01,2026-03-10,2026-03-01 08:00,Thứ trưởng Trần Quý Kiên,U2; U1
T2,Báo cáo,government,U1,2026-03-01,2026-03-10,2026-03-01 08:00,,U2;NOPE;ZZ
T3,Báo cáo,government,U1,2026-03-01,2026-03-10,2026-03-01 08:00,,
"""
PLAIN_TASKS = """task_id,title,source,lead_unit_code,assigned_on,updated_at
T9,Báo cáo,other,U1,2026-03-01,2026-03-01 08:00
"""


def test_contacts_leaders_and_coordination_load_and_bad_ones_are_quarantined(settings, tmp_path):
    (tmp_path / "units.csv").write_text(UNITS, encoding="utf-8")
    (tmp_path / "tasks.csv").write_text(TASKS, encoding="utf-8")
    (tmp_path / "plain.csv").write_text(PLAIN_TASKS, encoding="utf-8")
    with writer(settings) as con:
        units = ingest_files(con, "units", [tmp_path / "units.csv"])
        tasks = ingest_files(con, "tasks", [tmp_path / "tasks.csv"])
        plain = ingest_files(con, "tasks", [tmp_path / "plain.csv"])
        stored_units = dict(con.execute("select unit_code, contact_email from units").fetchall())
        stored_tasks = {row[0]: row[1:] for row in con.execute(
            "select task_id, supervising_leader, coordinating_units from tasks").fetchall()}
        reasons = dict(con.execute("select row_number, reason from quarantine order by row_number").fetchall())
    assert (units.loaded, units.quarantined) == (2, 2)
    assert stored_units == {"U1": "cmt@mae.gov.vn", "U2": None}
    assert "contact_email: not an e-mail address 'not-an-address'" in reasons[4]
    assert "contact_email" in reasons[5]
    assert (tasks.loaded, tasks.quarantined) == (2, 1)
    assert "coordinating_units: unknown unit 'NOPE', 'ZZ'" in reasons[3]
    assert stored_tasks["T1"] == ("Thứ trưởng Trần Quý Kiên", "U2; U1")
    assert stored_tasks["T3"] == (None, None)
    assert plain.loaded == 1 and stored_tasks["T9"] == (None, None)
