"""A hostile spreadsheet: a few kilobytes whose one stray cell at XFD1048576 would make
calamine allocate the whole 1,048,576 × 16,384 grid (about 512 GB) and abort the process.
The reader looks at the sheet's used range first and refuses it with the reason; the inbox
moves it aside so it is not read again at every run. The risky reads run in a child
process, so a reader that still crashes fails the test instead of killing it."""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import openpyxl
import pytest

from pipelines.files import MAX_CELLS, MAX_COLUMNS, UnreadableFile, read_rows, xlsx_extent
from pipelines.records import DATASETS
from tests.pipelines.conftest import read_canonical

ROOT = Path(__file__).resolve().parents[2]
BUDGET = DATASETS["budget"]
READ = """
import sys
from pipelines.files import UnreadableFile, read_rows
from pipelines.records import DATASETS
try:
    frame = read_rows(sys.argv[1], DATASETS["budget"])
except UnreadableFile as exc:
    print("unreadable:", exc.problem)
else:
    print("rows:", len(frame))
"""


def _workbook(path: Path, rows: list[list], stray: str | None = None) -> Path:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "Báo cáo"
    for row in rows:
        sheet.append(row)
    if stray:
        sheet[stray] = "x"
    book.save(path)
    return path


def _budget_rows(canonical, n: int) -> list[list]:
    budget = read_canonical(canonical["budget"]).head(n)
    return [list(BUDGET.column_names)] + budget[list(BUDGET.column_names)].values.tolist()


def _child(*args: str, env: dict | None = None, timeout: float = 120) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, *args], cwd=ROOT, capture_output=True, text=True, timeout=timeout,
                          env=env)


def test_a_stray_cell_at_the_last_cell_is_refused_not_allocated(canonical, tmp_path):
    hostile = _workbook(tmp_path / "hostile.xlsx", _budget_rows(canonical, 3), stray="XFD1048576")
    assert hostile.stat().st_size < 8_000  # a few kilobytes on disk
    assert xlsx_extent(hostile, 0) == (1_048_576, 16_384)

    done = _child("-c", READ, str(hostile))
    assert done.returncode == 0, f"the reader died (signal {-done.returncode}): {done.stderr[-500:]}"
    assert done.stdout.startswith("unreadable:"), done.stdout
    assert "1,048,576 rows × 16,384 columns" in done.stdout and f"{MAX_COLUMNS:,} columns" in done.stdout


def test_the_used_range_counts_only_cells_with_a_value(canonical, tmp_path):
    """A styled but empty cell far away allocates nothing in calamine: it is no reason to refuse."""
    path = _workbook(tmp_path / "styled.xlsx", _budget_rows(canonical, 3))
    book = openpyxl.load_workbook(path)
    book.active["XFD1048576"].font = openpyxl.styles.Font(bold=True)
    book.save(path)
    assert xlsx_extent(path, 0) == (4, len(BUDGET.column_names))
    assert len(read_rows(path, BUDGET)) == 3
    # a named sheet, and a sheet within the bounds but far down
    _workbook(tmp_path / "tall.xlsx", _budget_rows(canonical, 3), stray="B40000")
    assert xlsx_extent(tmp_path / "tall.xlsx", "Báo cáo") == (40_000, len(BUDGET.column_names))
    large = _workbook(tmp_path / "large.xlsx", _budget_rows(canonical, 3), stray=f"A{MAX_CELLS // 20 + 1}")
    large_book = openpyxl.load_workbook(large)
    large_book.active.cell(row=1, column=20, value="extra")  # 20 columns × 500,001 rows: past the cells' bound
    large_book.save(large)
    with pytest.raises(UnreadableFile, match="500,001 rows × 20 columns"):
        read_rows(large, BUDGET)


def test_the_inbox_quarantines_the_hostile_file_and_moves_it_aside(make_warehouse, canonical, tmp_path):
    inbox, archive = tmp_path / "inbox", tmp_path / "archive"
    inbox.mkdir()
    _workbook(inbox / "A_hostile.xlsx", _budget_rows(canonical, 3), stray="XFD1048576")
    _workbook(inbox / "B_good.xlsx", _budget_rows(canonical, 5))
    settings = make_warehouse({"name": "taichinh", "dataset": "budget", "kind": "files", "inbox": str(inbox),
                               "archive": str(archive), "pattern": "*.xlsx",
                               "columns": {name: name for name in BUDGET.column_names}})
    env = {"OPSCENTER_DATA_DIR": str(settings.data_dir), "OPSCENTER_SOURCES_FILE": str(settings.sources_path),
           "OPSCENTER_DEMO": "false", "PATH": "/usr/bin:/bin"}
    done = _child("-m", "pipelines", "run", "taichinh", "--json", env=env, timeout=300)
    assert done.returncode == 0, f"the pull died (signal {-done.returncode}): {done.stderr[-500:]}"
    run = json.loads(done.stdout)["runs"][0]
    assert (run["status"], run["read"], run["loaded"], run["quarantined"]) == ("success", 6, 5, 1)
    assert sorted(p.name for p in inbox.iterdir()) == []  # nothing left to be read again
    rejected = list((archive / "rejected").iterdir())
    assert len(rejected) == 1 and rejected[0].name.endswith("_A_hostile.xlsx")

    from warehouse.db import writer

    with writer(settings) as con:
        reason, record = con.execute("select reason, record from quarantine").fetchone()
        outcome = con.execute("select outcome from file_ledger where file_name = 'A_hostile.xlsx'").fetchone()
    assert reason.startswith("unreadable file: sheet 'Báo cáo' spans 1,048,576 rows × 16,384 columns")
    assert json.loads(record)["file"] == "A_hostile.xlsx" and outcome == ("rejected",)
    again = _child("-m", "pipelines", "run", "taichinh", "--json", env=env, timeout=300)
    assert json.loads(again.stdout)["runs"][0]["read"] == 0
