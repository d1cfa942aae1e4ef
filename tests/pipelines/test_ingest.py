"""File-drop ingest: every bad-row rule of DOMAIN.md, reconciliation, the updated_at rule."""
from __future__ import annotations

import json
import subprocess
import sys

import duckdb
import pandas as pd
import pytest

from pipelines.files import UnreadableFile
from pipelines.ingest import ingest_files
from warehouse.db import writer

UNITS = """unit_code,name_vi,name_en,kind,parent_code,valid_from,valid_to,successor_code
ROOT,Bộ Nông nghiệp và Môi trường,Ministry,ministry_unit,,,,
NEW,Cục Môi trường,Department of Environment,ministry_unit,ROOT,2025-03-01,,
OLD,Cục Kiểm soát ô nhiễm môi trường,,ministry_unit,ROOT,,2025-02-28,NEW
LOOP1,Đơn vị vòng 1,,ministry_unit,,,,LOOP2
LOOP2,Đơn vị vòng 2,,ministry_unit,,,,LOOP1
BADKIND,Đơn vị lạ,,agency,,,,
,Thiếu mã,,ministry_unit,,,,
"""

PROCEDURES = """procedure_code,name_vi,name_en,field,level,legal_days,has_fee,full_online
1.004227,Cấp giấy phép môi trường,Environmental permit,environment,central,20,true,true
1.000002,Thủ tục âm ngày,,environment,central,-3,false,false
"""

HEADER = ("dossier_id,procedure_code,unit_code,channel,received_at,due_at,finished_at,status,"
          "supplement_count,supplement_days,paid_online,updated_at\n")
GOOD = [
    "G1,1.004227,NEW,online,2026-03-02 08:00:00,,2026-03-10 09:00:00,finished,0,0,true,2026-03-10 09:00:00",
    "G2,1.004227,OLD,2,2026-03-02T01:00:00+00:00,,,processing,1,2.5,false,2026-03-03 10:00:00",
    "G3,1.004227,NEW,3,02/03/2026 08:30,,,supplement,1,0,,2026-03-03 10:00:00",
]
BAD = {
    "missing required value: received_at":
        "B1,1.004227,NEW,online,,,,processing,0,0,false,2026-03-03 10:00:00",
    "unit_code: unknown unit 'NOPE'":
        "B2,1.004227,NOPE,online,2026-03-02 08:00:00,,,processing,0,0,false,2026-03-03 10:00:00",
    "procedure_code: unknown procedure '9.999999'":
        "B3,9.999999,NEW,online,2026-03-02 08:00:00,,,processing,0,0,false,2026-03-03 10:00:00",
    "received_at: unparseable date/time '2026-02-30 08:00:00'":
        "B4,1.004227,NEW,online,2026-02-30 08:00:00,,,processing,0,0,false,2026-03-03 10:00:00",
    "supplement_days: negative value -1":
        "B5,1.004227,NEW,online,2026-03-02 08:00:00,,,processing,1,-1,false,2026-03-03 10:00:00",
    "finished_at is before received_at":
        "B6,1.004227,NEW,online,2026-03-02 08:00:00,,2026-03-01 08:00:00,finished,0,0,false,2026-03-03 10:00:00",
    "status 'processing' disagrees with finished_at":
        "B7,1.004227,NEW,online,2026-03-02 08:00:00,,2026-03-04 08:00:00,processing,0,0,false,2026-03-04 10:00:00",
    "status 'finished' disagrees with finished_at":
        "B8,1.004227,NEW,online,2026-03-02 08:00:00,,,finished,0,0,false,2026-03-04 10:00:00",
    "channel: unknown value 'fax'":
        "B9,1.004227,NEW,fax,2026-03-02 08:00:00,,,processing,0,0,false,2026-03-04 10:00:00",
}
DUPLICATES = [
    "DUP,1.004227,NEW,online,2026-03-02 08:00:00,,,processing,0,0,false,2026-03-03 10:00:00",
    "DUP,1.004227,NEW,online,2026-03-02 08:00:00,,,received,0,0,false,2026-03-02 10:00:00",
]

BUDGET = """unit_code,fiscal_year,category,line_code,line_name,plan_amount,as_of,disbursed_amount
NEW,2026,investment,L1,Dự án A,1.000.000.000,2026-03-31,250000000
NEW,2026,investment,L2,Dự án B,-5,2026-03-31,0
NEW,2026,recurrent,L3,Chi thường xuyên,100,2026-03-31,-1
"""


def _write(path, text):
    path.write_text(text, encoding="utf-8")
    return path


@pytest.fixture
def loaded(settings, tmp_path):
    with writer(settings) as con:
        units = ingest_files(con, "units", [_write(tmp_path / "units.csv", UNITS)])
        procedures = ingest_files(con, "procedures", [_write(tmp_path / "procedures.csv", PROCEDURES)])
    return settings, units, procedures


def _quarantine(settings, dataset):
    with writer(settings) as con:
        return con.execute(
            "select row_number, reason, record from quarantine where dataset = ? order by row_number",
            [dataset],
        ).df()


def test_units_and_procedures_rules(loaded):
    settings, units, procedures = loaded
    assert (units.read, units.loaded, units.quarantined) == (7, 3, 4)
    reasons = _quarantine(settings, "units").set_index("row_number")["reason"]
    assert "successor cycle: LOOP1 → LOOP2 → LOOP1" in reasons[5]
    assert "successor cycle: LOOP2 → LOOP1 → LOOP2" in reasons[6]
    assert "kind: unknown value 'agency'" in reasons[7]
    assert "missing required value: unit_code" in reasons[8]
    assert (procedures.loaded, procedures.quarantined) == (1, 1)
    assert "legal_days: negative value -3" in _quarantine(settings, "procedures")["reason"][0]


def test_every_bad_dossier_is_quarantined_with_its_reason(loaded, tmp_path):
    settings, _, _ = loaded
    rows = GOOD + list(BAD.values()) + DUPLICATES
    path = _write(tmp_path / "dossiers.csv", HEADER + "\n".join(rows) + "\n")
    with writer(settings) as con:
        result = ingest_files(con, "dossiers", [path])
        stored = con.execute("select dossier_id, unit_code, channel, received_at, status "
                             "from dossiers order by dossier_id").df()
    assert result.read == len(rows)
    assert result.loaded == len(GOOD)
    assert result.quarantined == len(BAD) + len(DUPLICATES)
    assert result.read == result.loaded + result.unchanged + result.quarantined

    quarantined = _quarantine(settings, "dossiers")
    by_row = quarantined.set_index("row_number")["reason"]
    for offset, expected in enumerate(BAD):
        row_number = 2 + len(GOOD) + offset  # header is row 1
        assert expected in by_row[row_number], (row_number, by_row[row_number])
    for row_number in (2 + len(GOOD) + len(BAD), 3 + len(GOOD) + len(BAD)):
        assert "duplicate key (dossier_id=DUP) in this delivery" in by_row[row_number]
    record = json.loads(quarantined["record"].iloc[0])
    assert record["dossier_id"] == "B1"  # the raw row is kept as it came

    assert stored["dossier_id"].tolist() == ["G1", "G2", "G3"]
    # portal channel codes map to names; an offset time is converted to Vietnam time
    assert stored.set_index("dossier_id").loc["G2", "channel"] == "online"
    assert stored.set_index("dossier_id").loc["G3", "channel"] == "postal"
    assert str(stored.set_index("dossier_id").loc["G2", "received_at"]) == "2026-03-02 08:00:00"
    assert str(stored.set_index("dossier_id").loc["G3", "received_at"]) == "2026-03-02 08:30:00"


def test_same_file_again_changes_nothing_and_newer_versions_win(loaded, tmp_path):
    settings, _, _ = loaded
    path = _write(tmp_path / "d.csv", HEADER + "\n".join(GOOD) + "\n")
    with writer(settings) as con:
        first = ingest_files(con, "dossiers", [path])
        before = con.execute("select * from dossiers order by dossier_id").df()
        again = ingest_files(con, "dossiers", [path])
        after = con.execute("select * from dossiers order by dossier_id").df()
    assert (first.loaded, first.unchanged) == (3, 0)
    assert (again.read, again.loaded, again.unchanged, again.quarantined) == (3, 0, 3, 0)
    pd.testing.assert_frame_equal(before, after)

    newer = GOOD[1].replace("processing,1,2.5,false,2026-03-03 10:00:00",
                            "supplement,1,2.5,false,2026-03-05 10:00:00")
    older = GOOD[0].replace("2026-03-10 09:00:00,finished,0,0,true,2026-03-10 09:00:00",
                            ",processing,0,0,true,2026-03-05 09:00:00")
    path2 = _write(tmp_path / "d2.csv", HEADER + newer + "\n" + older + "\n")
    with writer(settings) as con:
        update = ingest_files(con, "dossiers", [path2])
        status = dict(con.execute("select dossier_id, status from dossiers").fetchall())
    assert (update.loaded, update.unchanged) == (1, 1)
    assert status == {"G1": "finished", "G2": "supplement", "G3": "supplement"}


def test_amounts_the_vietnamese_way_and_negative_amounts(loaded, tmp_path):
    settings, _, _ = loaded
    with writer(settings) as con:
        result = ingest_files(con, "budget", [_write(tmp_path / "b.csv", BUDGET)])
        plan = con.execute("select plan_amount from budget").fetchone()[0]
    assert (result.loaded, result.quarantined) == (1, 2)
    assert plan == 1_000_000_000
    reasons = _quarantine(settings, "budget")["reason"].tolist()
    assert "plan_amount: negative amount -5" in reasons[0]
    assert "disbursed_amount: negative amount -1" in reasons[1]


def test_xlsx_and_bom_csv_load_the_same(loaded, tmp_path):
    settings, _, _ = loaded
    frame = pd.read_csv(pd.io.common.StringIO(HEADER + "\n".join(GOOD)), dtype=str, keep_default_na=False)
    frame.to_excel(tmp_path / "d.xlsx", index=False)
    (tmp_path / "d.csv").write_bytes(b"\xef\xbb\xbf" + (HEADER + "\n".join(GOOD)).encode())
    with writer(settings) as con:
        from_xlsx = ingest_files(con, "dossiers", [tmp_path / "d.xlsx"])
        from_csv = ingest_files(con, "dossiers", [tmp_path / "d.csv"])
    assert (from_xlsx.loaded, from_xlsx.quarantined) == (3, 0)
    assert (from_csv.unchanged, from_csv.quarantined) == (3, 0)


def test_failed_run_is_logged_and_loads_nothing(loaded, tmp_path):
    settings, _, _ = loaded
    good = _write(tmp_path / "good.csv", HEADER + "\n".join(GOOD) + "\n")
    wrong = _write(tmp_path / "wrong.csv", "a,b\n1,2\n")
    with writer(settings) as con:
        with pytest.raises(UnreadableFile, match="missing required column"):
            ingest_files(con, "dossiers", [good, wrong])
        assert con.execute("select count(*) from dossiers").fetchone()[0] == 0
        status, error = con.execute(
            "select status, error from run_log where dataset = 'dossiers'").fetchone()
    assert status == "failed" and "wrong.csv" in error


def _cli(settings, *args):
    env = {"OPSCENTER_DATA_DIR": str(settings.data_dir), "PATH": "/usr/bin:/bin"}
    return subprocess.run([sys.executable, "-m", "pipelines", *args], capture_output=True,
                          text=True, env=env, timeout=120)


def test_cli_json_and_unreadable_files(loaded, tmp_path):
    settings, _, _ = loaded
    path = _write(tmp_path / "d.csv", HEADER + "\n".join(GOOD + [BAD["finished_at is before received_at"]]) + "\n")
    done = _cli(settings, "ingest", "dossiers", str(path), "--json")
    assert done.returncode == 0, done.stderr
    out = json.loads(done.stdout)
    assert {k: out[k] for k in ("dataset", "read", "loaded", "unchanged", "quarantined")} == {
        "dataset": "dossiers", "read": 4, "loaded": 3, "unchanged": 0, "quarantined": 1}
    assert out["data_version"] == json.loads(settings.pointer_path.read_text())["version"]
    snapshot = settings.snapshots_dir / f"{out['data_version']}.duckdb"
    with duckdb.connect(str(snapshot), read_only=True) as con:
        assert con.execute("select count(*) from dossiers").fetchone()[0] == 3

    text = _write(tmp_path / "notes.txt", "hello")
    done = _cli(settings, "ingest", "dossiers", str(text))
    assert done.returncode != 0 and "notes.txt" in done.stderr and "not a CSV or XLSX" in done.stderr
    wrong = _write(tmp_path / "units_as_dossiers.csv", UNITS)
    done = _cli(settings, "ingest", "dossiers", str(wrong))
    assert done.returncode != 0 and "units_as_dossiers.csv" in done.stderr
    assert "dossier_id" in done.stderr
    latin = tmp_path / "latin.csv"
    latin.write_bytes((HEADER + GOOD[0].replace("G1", "Gé")).encode("latin-1"))
    done = _cli(settings, "ingest", "dossiers", str(latin))
    assert done.returncode != 0 and "latin.csv" in done.stderr and "not UTF-8" in done.stderr

    status = _cli(settings, "status", "--json")
    assert status.returncode == 0, status.stderr
    report = json.loads(status.stdout)
    assert [r["status"] for r in report["runs"][:4]] == ["failed", "failed", "failed", "success"]
    assert {q["dataset"]: q["rows"] for q in report["quarantine"]} == {"units": 4, "procedures": 1,
                                                                      "dossiers": 1}
    again = _cli(settings, "ingest", "dossiers", str(path), "--json")
    assert json.loads(again.stdout)["quarantined"] == 1  # the run counts its own bad rows ...
    report = json.loads(_cli(settings, "status", "--json").stdout)
    assert {q["dataset"]: q["rows"] for q in report["quarantine"]}["dossiers"] == 1  # ... listed once
