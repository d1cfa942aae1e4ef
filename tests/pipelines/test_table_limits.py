"""Values that pass the record's rules but not the table: a whole number past the column's
INTEGER, a decimal past its DECIMAL(9, 3), and keys that differ only in how they are
written (NFC or NFD, 2026-03-31 or 31/03/2026, Investment or investment), which the
table's primary key takes for one. Each such row is quarantined with its reason; the rest
of the delivery loads, the counts reconcile, and a scheduled source moves past the row
instead of failing at it forever."""
from __future__ import annotations

import json
import sqlite3
import unicodedata

import pandas as pd
import pytest

from pipelines.ingest import ingest_files
from pipelines.run import pull
from warehouse.db import writer

UNITS = "unit_code,name_vi,kind\nU1,Cục Một,ministry_unit\nU2,Sở Hai,province_dept\n"
PROCEDURES = """procedure_code,name_vi,legal_days
1.000001,Thủ tục một,20
1.000002,Thủ tục quá lớn,3000000000
1.000003,Thủ tục biên,2147483647
1.000004,Thủ tục vượt biên,2147483648
"""
HEADER = "dossier_id,procedure_code,unit_code,channel,received_at,status,supplement_count,supplement_days,updated_at\n"
OPEN = "1.000001,U1,online,2026-03-02 08:00:00,processing"
DOSSIERS = [
    f"D1,{OPEN},0,0,2026-03-03 10:00:00",
    f"D2,{OPEN},2147483648,0,2026-03-03 10:00:00",  # supplement_count: integer
    f"D3,{OPEN},1,1000000,2026-03-03 10:00:00",  # supplement_days: decimal(9, 3)
    f"D4,{OPEN},1,999999.9996,2026-03-03 10:00:00",  # rounds to 1000000.000
    f"D5,{OPEN},1,999999.999,2026-03-03 10:00:00",  # the largest it holds
    f"{unicodedata.normalize('NFC', 'HỒ-SƠ-1')},{OPEN},0,0,2026-03-03 10:00:00",
    f"{unicodedata.normalize('NFD', 'HỒ-SƠ-1')},{OPEN},0,0,2026-03-03 11:00:00",  # the same key, decomposed
]
BUDGET = """unit_code,fiscal_year,category,line_code,line_name,plan_amount,as_of,disbursed_amount
U1,2026,investment,L1,Dự án A,1000,2026-03-31,100
U1,2026,investment,L1,Dự án A (sửa),1000,31/03/2026,200
U1,2026,Investment,L2,Dự án B,1000,2026-03-31,100
U1,2026,investment,L2,Dự án B,1000,2026-03-31,150
U1,2026,recurrent,L3,Chi lương,1000,2026-03-31,100
U1,2026.0,recurrent,L3,Chi lương,1000,2026-03-31,300
U1,99999999999,recurrent,L4,Năm lạ,1000,2026-03-31,100
U2,2026,recurrent,L5,Chi khác,1000,2026-03-31,100
"""


def _write(path, text):
    path.write_text(text, encoding="utf-8")
    return path


def _reasons(con, dataset: str) -> dict[int, str]:
    return dict(con.execute("select row_number, reason from quarantine where dataset = ? order by row_number",
                            [dataset]).fetchall())


@pytest.fixture
def known(settings, tmp_path):
    with writer(settings) as con:
        ingest_files(con, "units", [_write(tmp_path / "units.csv", UNITS)])
    return settings


def test_integers_past_the_tables_integer_are_quarantined(known, tmp_path):
    with writer(known) as con:
        run = ingest_files(con, "procedures", [_write(tmp_path / "procedures.csv", PROCEDURES)])
        stored = [row[0] for row in con.execute("select procedure_code from procedures order by 1").fetchall()]
        reasons = _reasons(con, "procedures")
        log = con.execute("select status, rows_read, rows_loaded, rows_quarantined from run_log"
                          " where run_id = ?", [run.run_id]).fetchone()
    assert (run.status, run.read, run.loaded, run.quarantined) == ("success", 4, 2, 2)
    assert stored == ["1.000001", "1.000003"]
    assert reasons == {3: "legal_days: out of range: 3000000000 (the table holds at most 2147483647)",
                       5: "legal_days: out of range: 2147483648 (the table holds at most 2147483647)"}
    assert log == ("success", 4, 2, 2)


def test_dossier_counts_and_days_past_their_columns_and_respelled_keys(known, tmp_path):
    with writer(known) as con:
        ingest_files(con, "procedures", [_write(tmp_path / "procedures.csv", PROCEDURES)])
        run = ingest_files(con, "dossiers", [_write(tmp_path / "dossiers.csv", HEADER + "\n".join(DOSSIERS))])
        stored = con.execute("select dossier_id, supplement_days from dossiers order by 1").fetchall()
        reasons = _reasons(con, "dossiers")
    assert (run.status, run.read, run.loaded, run.quarantined) == ("success", 7, 2, 5)
    assert [(dossier_id, str(days)) for dossier_id, days in stored] == [("D1", "0.000"), ("D5", "999999.999")]
    assert reasons[3] == "supplement_count: out of range: 2147483648 (the table holds at most 2147483647)"
    assert reasons[4] == "supplement_days: out of range: 1000000 (the table holds less than 1000000)"
    assert reasons[5] == "supplement_days: out of range: 999999.9996 (the table holds less than 1000000)"
    key = unicodedata.normalize("NFC", "HỒ-SƠ-1")
    assert reasons[7] == reasons[8] == f"duplicate key (dossier_id={key}) in this delivery: rows " \
        f"{tmp_path / 'dossiers.csv'}:7, {tmp_path / 'dossiers.csv'}:8"


def test_budget_keys_compare_as_values(known, tmp_path):
    with writer(known) as con:
        run = ingest_files(con, "budget", [_write(tmp_path / "budget.csv", BUDGET)])
        stored = con.execute("select line_code from budget").fetchall()
        reasons = _reasons(con, "budget")
    assert (run.status, run.read, run.loaded, run.quarantined) == ("success", 8, 1, 7)
    assert stored == [("L5",)]
    where = str(tmp_path / "budget.csv")
    assert reasons[2] == reasons[3] == (
        "duplicate key (unit_code=U1, fiscal_year=2026, category=investment, line_code=L1, as_of=2026-03-31)"
        f" in this delivery: rows {where}:2, {where}:3")
    assert reasons[4] == reasons[5] and "category=investment, line_code=L2" in reasons[4]
    assert reasons[6] == reasons[7] and "fiscal_year=2026, category=recurrent, line_code=L3" in reasons[6]
    assert reasons[8] == "fiscal_year: out of range: 99999999999 (the table holds at most 2147483647)"


def test_a_scheduled_source_moves_past_a_row_the_table_cannot_hold(make_warehouse, canonical, tmp_path):
    from tests.pipelines.test_sources import _dossier_source, _native_dossiers

    database = tmp_path / "motcua.sqlite"
    native = _native_dossiers(canonical).head(200).copy()
    native.loc[native.index[5], "so_lan_bs"] = str(2**31)
    native.loc[native.index[6], "so_ngay_bs"] = "1234567.5"
    with sqlite3.connect(database) as con:
        native.to_sql("hs_ho_so", con, index=False)
    settings = make_warehouse(_dossier_source("motcua", url=f"sqlite:///{database}", table="hs_ho_so"))
    first = pull(settings).results[0]
    assert first.status == "success", first.error
    assert (first.read, first.loaded, first.quarantined) == (200, 198, 2)
    assert first.watermark_after == max(native["ngay_cap_nhat"])
    with writer(settings) as con:
        reasons = [row[0] for row in con.execute("select reason from quarantine order by row_number").fetchall()]
        record = json.loads(con.execute("select record from quarantine order by row_number").fetchone()[0])
    assert reasons == ["supplement_count: out of range: 2147483648 (the table holds at most 2147483647)",
                       "supplement_days: out of range: 1234567.5 (the table holds less than 1000000)"]
    assert record["dossier_id"] == native["ma_ho_so"].iloc[5]
    # the next run starts at the new watermark: it is not stuck behind the row
    second = pull(settings).results[0]
    assert second.status == "success" and second.watermark_before == first.watermark_after
    assert second.read < first.read


def test_an_inbox_file_with_such_a_row_is_taken_and_archived(make_warehouse, canonical, tmp_path):
    inbox, archive = tmp_path / "inbox", tmp_path / "archive"
    inbox.mkdir()
    budget = pd.read_csv(canonical["budget"], dtype=str, keep_default_na=False).head(10)
    budget.loc[3, "fiscal_year"] = "3000000000"
    budget.to_csv(inbox / "report.csv", index=False)
    settings = make_warehouse({"name": "taichinh", "dataset": "budget", "kind": "files", "inbox": str(inbox),
                               "archive": str(archive), "pattern": "*.csv",
                               "columns": {name: name for name in budget.columns}})
    run = pull(settings).results[0]
    assert (run.status, run.read, run.loaded, run.quarantined) == ("success", 10, 9, 1), run.error
    assert not any(inbox.iterdir()) and len(list(archive.rglob("*.csv"))) == 1
    with writer(settings) as con:
        assert con.execute("select outcome, rows_read from file_ledger").fetchall() == [("loaded", 10)]


def test_text_no_table_holds_is_quarantined(settings):
    """A JSON API may send a lone surrogate ("\\ud800"): no UTF-8 text holds it."""
    from pipelines.files import ROW_COLUMN, SOURCE_COLUMN
    from pipelines.ingest import load_run
    from pipelines.sources.batch import Batch

    from pipelines.records import DATASETS

    given = {"unit_code": ["U1", "U2", "U3"], "name_vi": ["Cục Một", "Cục \ud800 lỗi", "Sở Ba"],
             "kind": ["ministry_unit", "ministry_unit", "x\udfff"]}
    frame = pd.DataFrame({name: given.get(name, [None] * 3) for name in DATASETS["units"].column_names})
    frame[ROW_COLUMN], frame[SOURCE_COLUMN] = [1, 2, 3], "api"
    with writer(settings) as con:
        run = load_run(con, "units", [Batch(frame)], label="api")
        reasons = _reasons(con, "units")
        records = [json.loads(r[0]) for r in con.execute("select record from quarantine order by row_number")
                   .fetchall()]
    assert (run.status, run.read, run.loaded, run.quarantined) == ("success", 3, 1, 2)
    assert reasons[2] == "name_vi: not valid Unicode text: '\\ud800' at position 4"
    assert reasons[3].startswith("kind: unknown value 'x\\udfff'")
    assert records[0]["name_vi"] == "Cục \\ud800 lỗi"
