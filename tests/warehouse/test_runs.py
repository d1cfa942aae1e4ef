"""warehouse.runs: the run log and the quarantine as the published snapshot holds them."""
from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from pipelines.ingest import ingest_files
from tests.conftest import make_settings
from warehouse import runs
from warehouse.db import writer
from warehouse.snapshots import Reader, publish

BAD_UNITS = """unit_code,name_vi,name_en,kind,parent_code,valid_from,valid_to,successor_code
QX1,Đơn vị lạ,,agency,,,,
,Thiếu mã,,ministry_unit,,,,
"""
BAD_TASKS = """task_id,title,source,document_ref,lead_unit_code,assigned_on,due_on,completed_on,updated_at
QT1,Nhiệm vụ của đơn vị không có,government,,NOPE,2026-10-01,2026-10-20,,2026-10-01 08:00:00
QT2,Nhiệm vụ ngày sai,government,,NOPE,2026-02-30,,,2026-10-01 08:00:00
QT3,,other,,NOPE,2026-10-01,,,2026-10-01 08:00:00
"""


def quarantined_copy(demo_settings, data_dir: Path):
    """A copy of the demo warehouse with 2 unit rows and 3 task rows quarantined by one
    file-drop run each, published: (settings of the copy, the files dropped)."""
    settings = make_settings(data_dir)
    shutil.copytree(demo_settings.warehouse_dir, settings.warehouse_dir,
                    ignore=shutil.ignore_patterns("*.lock"))
    inbox = data_dir / "drop"
    inbox.mkdir()
    files = {"units": inbox / "don_vi.csv", "tasks": inbox / "nhiem_vu.csv"}
    files["units"].write_text(BAD_UNITS, encoding="utf-8")
    files["tasks"].write_text(BAD_TASKS, encoding="utf-8")
    with writer(settings) as con:
        ingest_files(con, "units", [files["units"]])
        ingest_files(con, "tasks", [files["tasks"]])
        publish(con, settings)
    return settings, files


@pytest.fixture(scope="module")
def quarantined(demo, tmp_path_factory):
    return quarantined_copy(demo[0], tmp_path_factory.mktemp("quarantined") / "var")


def test_last_runs_are_the_demo_runs(demo):
    settings, _, results = demo
    frame = runs.last_runs(Reader(settings))
    assert set(frame["source_name"]) == {result.source_name for result in results.values()}
    for result in results.values():
        row = frame[frame["source_name"] == result.source_name].iloc[0]  # newest first
        assert (row["status"], row["rows_read"], row["rows_loaded"], row["rows_quarantined"]) == (
            "success", result.read, result.loaded, result.quarantined)
        assert row["rows_read"] == row["rows_loaded"] + row["rows_unchanged"] + row["rows_quarantined"]
    assert (frame["duration_s"] >= 0).all()
    assert list(frame["started_at"]) == sorted(frame["started_at"], reverse=True)


def test_last_runs_is_bounded(demo):
    reader = Reader(demo[0])
    assert len(runs.last_runs(reader, limit=2)) == 2
    assert len(runs.last_runs(reader, limit=10**9)) <= runs.MAX_RUNS


def test_the_demo_quarantines_nothing(demo):
    reader = Reader(demo[0])
    assert runs.quarantine_counts(reader).empty
    assert runs.quarantined_rows(reader).empty


def test_quarantine_counts_and_rows(quarantined):
    settings, files = quarantined
    reader = Reader(settings)
    counts = runs.quarantine_counts(reader).set_index("dataset")["rows"].to_dict()
    assert counts == {"tasks": 3, "units": 2}

    latest = runs.last_runs(reader, limit=2)
    assert list(latest["dataset"]) == ["tasks", "units"]
    assert list(latest["rows_quarantined"]) == [3, 2]
    assert latest["source_name"].isna().all() and latest["source"].iloc[0] == str(files["tasks"])

    rows = runs.quarantined_rows(reader)
    assert len(rows) == 5
    assert list(rows["quarantined_at"]) == sorted(rows["quarantined_at"], reverse=True)
    tasks = runs.quarantined_rows(reader, dataset="tasks").set_index("row_number")
    assert sorted(tasks.index) == [2, 3, 4]  # the header is row 1
    assert set(tasks["source"]) == {str(files["tasks"])}
    assert "NOPE" in tasks.at[2, "reason"]
    assert json.loads(tasks.at[2, "record"])["task_id"] == "QT1"
    assert runs.quarantined_rows(reader, dataset="budget").empty
    assert len(runs.quarantined_rows(reader, limit=1)) == 1
