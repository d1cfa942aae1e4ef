"""Exports through the app's own routes: the files hold the metric registry's numbers under
the screens' Vietnamese headers, real numbers and dates in XLSX, the locale's in CSV, a
first line with the filters and the data version; no text cell can become a formula; only
who may export a screen gets its files, within its scope, and each export is logged;
charts come out as real PNG and SVG."""
from __future__ import annotations

import csv
import io
import json
import re
import shutil
from datetime import date
from pathlib import Path
from xml.etree import ElementTree

import openpyxl
import pandas as pd
import pytest

from appdb import audit
from dashboard.exports.files import to_csv, to_xlsx
from dashboard.exports.sheet import Column, Sheet
from tests.conftest import make_settings
from tests.dashboard.conftest import CHROMIUM, client_as, ensure_user, find, text
from tests.pipelines.conftest import write_sources
from warehouse import lists, reference
from warehouse.metrics import Period, family_frame, query
from warehouse.registry import TASK
from warehouse.snapshots import Reader
from warehouse.scope import Scope

VIEW = {"from": "2026-11-01", "to": "2026-11-20"}
PERIOD = Period(date(2026, 11, 1), date(2026, 11, 20))
STATES = ("done_on_time", "done_late", "open_on_track", "open_overdue", "assigned", "no_deadline")
SOURCES = {"government": "Chính phủ", "prime_minister": "Thủ tướng Chính phủ",
           "ministry_leader": "Lãnh đạo Bộ", "other": "Khác"}
FORMULAS = ('=HYPERLINK("http://x","y")', "+1", "-2", "@SUM(A1)", "\tx", "\rx")
LOADED = FORMULAS[:4]  # text from a source is stripped on the way in: a leading tab or CR never arrives


def xlsx(answer) -> openpyxl.worksheet.worksheet.Worksheet:
    assert answer.status_code == 200, answer.get_data(as_text=True)[:300]
    assert answer.mimetype == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    return openpyxl.load_workbook(io.BytesIO(answer.data)).active


def csv_rows(answer) -> list[list[str]]:
    assert answer.status_code == 200, answer.get_data(as_text=True)[:300]
    assert answer.data.startswith("\ufeff".encode())  # Excel reads the diacritics
    return list(csv.reader(io.StringIO(answer.data.decode("utf-8-sig"), newline=""), delimiter=";"))


def export(client, name: str, kind: str, **query):
    return client.get(f"/export/table/{name}.{kind}", query_string=query)


@pytest.fixture
def analyst(app, demo):
    """Signed in anew for each test: signing in again elsewhere ends earlier sessions."""
    return client_as(app, ensure_user(demo[0], "analyst", "analyst"))


@pytest.fixture(scope="module")
def db(app):
    return app.server.extensions["opscenter"]["db"]


# --- the numbers, headers and first line -------------------------------------------------

def test_tasks_by_source_files_hold_the_registry_numbers(analyst, reader):
    facts = family_frame(TASK, PERIOD, ("source",), as_of=PERIOD.end, scope=Scope.everything(), unit=None, kind=None,
                         structure="current", reader=reader).set_index("source")
    headers = ["Nguồn giao", "Hoàn thành đúng hạn", "Hoàn thành quá hạn", "Đang thực hiện trong hạn",
               "Chưa hoàn thành, quá hạn", "Tổng số đã giao", "Trong đó không có thời hạn"]
    first_line = re.compile(r"^Bộ lọc: Kỳ 01/11/2026 – 20/11/2026 · Loại đơn vị: Tất cả"
                            r" · Cơ cấu: Cơ cấu hiện tại · Số liệu tại ngày 20/11/2026"
                            r" · Dữ liệu phiên bản " + re.escape(reader.version)
                            + r", cập nhật lúc \d\d:\d\d \d\d/\d\d/\d{4} · xuất lúc ")
    sheet = xlsx(export(analyst, "tasks-sources", "xlsx", **VIEW))
    assert first_line.match(sheet["A1"].value)
    assert [c.value for c in sheet[2]] == headers and all(c.font.bold for c in sheet[2])
    assert sheet.freeze_panes == "A3" and sheet.auto_filter.ref == f"A2:G{2 + len(SOURCES)}"
    rows = {row[0]: row[1:] for row in sheet.iter_rows(min_row=3, values_only=True)}
    assert set(rows) == set(SOURCES.values())
    for source, label in SOURCES.items():
        assert list(rows[label]) == [facts.at[source, state] for state in STATES], source
        assert all(isinstance(v, int) for v in rows[label])
    assert sheet["B3"].number_format == "#,##0"

    lines = csv_rows(export(analyst, "tasks-sources", "csv", **VIEW))
    assert first_line.match(lines[0][0]) and len(lines[0]) == 1
    assert lines[1] == headers
    for line in lines[2:]:
        source = next(code for code, label in SOURCES.items() if label == line[0])
        assert [int(v) for v in line[1:]] == [facts.at[source, state] for state in STATES]


def test_percents_are_numbers_and_dates_are_dates(analyst, reader):
    """XLSX: a fraction with a percent format, a real date; CSV: 93,94% and dd/mm/yyyy."""
    rates = query("dossier_on_time_rate", PERIOD, by=("procedure",), scope=Scope.everything(), reader=reader)
    rates = rates.set_index("procedure_code")
    sheet = xlsx(export(analyst, "procedures-procedure", "xlsx", **VIEW))
    assert [c.value for c in sheet[2]][:3] == ["Mã thủ tục", "Tên thủ tục", "Lĩnh vực"]
    assert sheet["H2"].value == "Tỷ lệ đúng hạn"
    rated = rates[rates["denominator"] > 0]["value"]
    rows = [row for row in sheet.iter_rows(min_row=3) if row[0].value in rated.index]
    assert rows and all(row[7].number_format == "0.0%" and row[7].data_type == "n" for row in rows)
    assert [row[7].value for row in rows] == pytest.approx([rated[row[0].value] for row in rows])
    lines = csv_rows(export(analyst, "procedures-procedure", "csv", **VIEW))
    written = {line[0]: line[7] for line in lines[2:] if line[0] in rated.index}
    assert written and all(re.fullmatch(r"\d+(,\d{1,2})?%", v) for v in written.values())
    assert [float(v[:-1].replace(",", ".")) / 100 for v in written.values()] == pytest.approx(
        [rated[code] for code in written], abs=5e-5)

    expected = lists.overdue_tasks(PERIOD.end, scope=Scope.everything(), reader=reader, limit=20)
    tasks = xlsx(export(analyst, "tasks-list", "xlsx", **VIEW))
    due = [c for c in tasks[2] if c.value == "Hạn hoàn thành"][0].column
    cells = [row[due - 1] for row in tasks.iter_rows(min_row=3)]
    assert [c.value for c in cells] == [pd.Timestamp(d).to_pydatetime() for d in expected.due_on]
    assert all(c.is_date and c.number_format == "dd/mm/yyyy" for c in cells)
    lines = csv_rows(export(analyst, "tasks-list", "csv", **VIEW))
    assert [line[due - 1] for line in lines[2:]] == [pd.Timestamp(d).strftime("%d/%m/%Y")
                                                      for d in expected.due_on]


def test_english_files_use_the_english_conventions(analyst):
    analyst.set_cookie("opscenter_lang", "en")
    answer = export(analyst, "procedures-d766", "csv", **VIEW)
    lines = list(csv.reader(io.StringIO(answer.data.decode("utf-8-sig"), newline="")))
    assert lines[0][0].startswith("Filters: Period 01/11/2026 – 20/11/2026 · Unit kind: All")
    assert lines[1][:3] == ["Indicator group", "Points", "Maximum"]
    assert re.fullmatch(r"\d+(\.\d+)?%", lines[2][3])  # a decimal point, comma-separated fields


def test_download_links_follow_the_rights(render, dash_app):
    from layouts.tasks import layout

    analyst = render(layout, **VIEW)
    links = [a for a in _anchors(analyst) if a.href.startswith("/export/")]
    hrefs = {a.href for a in links}
    assert "/export/table/tasks-list.xlsx?from=2026-11-01&to=2026-11-20" in hrefs
    assert "/export/chart/tasks/tasks-units.svg?from=2026-11-01&to=2026-11-20" in hrefs
    assert all(a.download == "" for a in links)
    assert "Tải xuống: CSV · XLSX" in " ".join(text(find(analyst, "panel-tasks-list")).split())
    assert not [a for a in _anchors(render(layout, role="leader", **VIEW)) if a.href.startswith("/export/")]


def _anchors(tree) -> list:
    if isinstance(tree, (list, tuple)):
        return [a for child in tree for a in _anchors(child)]
    found = [tree] if type(tree).__name__ == "A" else []
    children = getattr(tree, "children", None)
    return found + (_anchors(children) if children is not None and not isinstance(children, str) else [])


# --- formula-like text stays text -----------------------------------------------------------

@pytest.fixture(scope="module")
def formula_tasks(demo, tmp_path_factory):
    """A copy of the demo warehouse where a file dropped into a task inbox brought titles and
    document numbers that look like formulas, published: (settings, lead unit)."""
    from pipelines.run import pull

    columns = ("task_id", "title", "source", "document_ref", "lead_unit_code", "assigned_on", "due_on",
               "completed_on", "updated_at")
    root = tmp_path_factory.mktemp("formulas")
    inbox = root / "inbox"
    inbox.mkdir()
    sources = write_sources(root / "sources.toml", {
        "name": "drop_tasks", "dataset": "tasks", "kind": "files", "inbox": str(inbox),
        "archive": str(root / "archive"), "pattern": "*.csv",
        "columns": {name: name for name in columns}})
    settings = make_settings(root / "var", sources_file=sources)
    shutil.copytree(demo[0].warehouse_dir, settings.warehouse_dir, ignore=shutil.ignore_patterns("*.lock"))
    lead = "B09"
    with open(inbox / "nhiem_vu_bo_sung.csv", "w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(columns)
        for number, title in enumerate(LOADED):
            writer.writerow([f"XF-{number}", title, "government", LOADED[-1 - number], lead, "2024-12-02",
                             "2024-12-20", "", "2026-11-19 08:00:00"])
    report = pull(settings, ["drop_tasks"], advance_demo=False)
    assert report.version and report.results[0].loaded == len(LOADED), report.results
    return settings, lead


def _inert_xlsx(sheet, originals) -> int:
    """Every cell holding one of ``originals`` is a string, not a formula, kept exactly."""
    found = 0
    for row in sheet.iter_rows():
        for cell in row:
            assert cell.data_type != "f", (cell.coordinate, cell.value)
            if cell.value in originals:
                assert cell.data_type == "s" and cell.quotePrefix, (cell.coordinate, cell.value)
                found += 1
    return found


def _inert_csv(lines, originals) -> int:
    found = 0
    for line in lines:
        for value in line:
            assert not value.startswith(("=", "+", "-", "@", "\t", "\r")), value
            if value.startswith("'") and value[1:] in originals:
                found += 1
    return found


def test_formula_like_text_from_a_source_is_inert_in_both_files(analyst, use, formula_tasks):
    settings, lead = formula_tasks
    use(settings, Reader(settings))
    titles = xlsx(export(analyst, "tasks-list", "xlsx", **VIEW))
    assert {c.value for c in titles["B"]} >= set(LOADED)  # the most overdue: the dropped tasks lead the list
    assert _inert_xlsx(titles, LOADED) == 2 * len(LOADED)  # each as a title and as a document number
    assert _inert_csv(csv_rows(export(analyst, "tasks-list", "csv", **VIEW)), LOADED) == 2 * len(LOADED)
    grid = {**VIEW, "unit": lead}
    assert _inert_xlsx(xlsx(export(analyst, "unit-tasks", "xlsx", **grid)), LOADED) == 2 * len(LOADED)
    assert _inert_csv(csv_rows(export(analyst, "unit-tasks", "csv", **grid)), LOADED) == 2 * len(LOADED)


def test_formula_like_text_in_the_audit_log_is_inert(app, demo, analyst, db):
    """The audit log holds what anyone typed: a user name at a failed sign-in, the query of
    an export (whose parameter names are not stripped, so a tab or CR can lead a cell)."""
    stranger = app.server.test_client()
    stranger.get("/login")
    for name in LOADED:
        stranger.post("/login", data={"username": name, "password": "x", "csrf_token": stranger.get_cookie(
            "_csrf_token").value})
    for key in FORMULAS[4:]:
        assert analyst.get("/export/table/tasks-sources.csv", query_string={key: "1"}).status_code == 200
    admin = client_as(app, ensure_user(demo[0], "export-admin", "admin"))
    originals = {name.lower() for name in LOADED} | {f"{key}: 1" for key in FORMULAS[4:]}
    sheet = xlsx(export(admin, "audit-log", "xlsx"))
    assert _inert_xlsx(sheet, originals) >= len(originals)
    lines = csv_rows(export(admin, "audit-log", "csv"))
    assert _inert_csv(lines, originals) >= len(originals)


@pytest.mark.parametrize("kind", ["csv", "xlsx"])
def test_every_formula_start_is_inert_in_the_writers(kind):
    sheet = Sheet("Thử", [Column("text", "Văn bản"), Column("count", "Số", "count")],
                  pd.DataFrame({"text": FORMULAS, "count": [-2] * len(FORMULAS)}))
    if kind == "xlsx":
        book = openpyxl.load_workbook(io.BytesIO(to_xlsx(sheet, "Bộ lọc: không có")))
        assert _inert_xlsx(book.active, FORMULAS) == len(FORMULAS)
        assert [c.value for c in book.active["B"][2:]] == [-2] * len(FORMULAS)  # numbers stay numbers
    else:
        lines = list(csv.reader(io.StringIO(to_csv(sheet, "Bộ lọc: không có", "vi").decode("utf-8-sig"),
                                            newline=""), delimiter=";"))
        assert [line[0] for line in lines[2:]] == ["'" + f for f in FORMULAS]
        assert [line[1] for line in lines[2:]] == ["-2"] * len(FORMULAS)


# --- who gets what ----------------------------------------------------------------------------

def test_anonymous_unknown_and_refused_requests(app, demo, analyst, db):
    anonymous = app.server.test_client()
    for path in ("/export/table/tasks-list.csv", "/export/chart/tasks/tasks-units.png"):
        answer = anonymous.get(path)
        assert answer.status_code == 401 and answer.get_json()["error"]["code"] == "unauthenticated"
    leader = client_as(app, ensure_user(demo[0], "leader", "leader"))
    answer = export(leader, "tasks-list", "xlsx", **VIEW)
    assert answer.status_code == 403 and answer.get_json()["error"]["code"] == "forbidden"
    entry = audit.read(db, action="export", limit=1)[0][0]
    assert (entry["actor"], entry["outcome"], entry["target"]) == ("leader", "refused", "tasks-list.xlsx")
    assert leader.get("/export/chart/tasks/tasks-units.png").status_code == 403
    assert export(analyst, "data-runs", "csv").status_code == 403  # an administrator's table
    admin = client_as(app, ensure_user(demo[0], "export-admin", "admin"))
    assert export(admin, "tasks-list", "csv").status_code == 403  # administrators hold no "export"
    assert export(admin, "data-runs", "xlsx").status_code == 200
    for path in ("/export/table/no-such-table.csv", "/export/table/tasks-list.pdf",
                 "/export/chart/tasks/no-such-chart.png", "/export/chart/wall/wall-dossiers.png"):
        answer = analyst.get(path, query_string=VIEW)
        assert answer.status_code == 404 and answer.get_json()["error"]["code"] == "not_found", path


def test_a_file_holds_what_was_asked_or_says_why_not(analyst, db):
    def get(name: str, kind: str, query: dict):
        return analyst.get(f"/export/table/{name}.{kind}", query_string=query)

    for query in ({"from": "2026-13-01", "to": "2026-11-20"}, {**VIEW, "kind": "evil"}):
        answer = get("tasks-sources", "csv", query)  # never this month in its place
        assert answer.status_code == 400 and answer.get_json()["error"]["code"] == "bad_query", query
    assert analyst.get("/export/chart/tasks/tasks-units.png", query_string={"from": "x"}).status_code == 400
    for unit in ({}, {"unit": "NO-SUCH"}):  # a unit's list needs a unit: not every unit's at once
        answer = get("unit-tasks", "csv", {**unit, **VIEW})
        assert answer.status_code == 404 and "đơn vị" in answer.get_json()["error"]["message"]
    empty = csv_rows(get("unit-tasks", "csv", {"unit": "S-CANTHO", "from": "2020-01-01", "to": "2020-01-31"}))
    assert len(empty) == 2 and "Không có dòng nào" in empty[0][0]
    ranking = get("rankings", "xlsx", {**VIEW, "kind": "province_dept"})
    assert "_province_dept_2026-11-01_2026-11-20.xlsx" in ranking.headers["Content-Disposition"]
    entry = audit.read(db, action="export", limit=1)[0][0]
    assert json.loads(entry["detail"]) == {**VIEW, "kind": "province_dept"}


def test_an_export_is_logged_with_its_file_and_query(analyst, db):
    answer = export(analyst, "unit-dossiers", "xlsx", unit="S-CANTHO", **VIEW)
    name = "ho-so-qua-han_S-CANTHO_2026-11-01_2026-11-20.xlsx"
    assert answer.headers["Content-Disposition"] == (
        f"attachment; filename=\"{name}\"; filename*=UTF-8''H%E1%BB%93%20s%C6%A1%20qu%C3%A1%20h%E1%BA%A1n"
        "_S-CANTHO_2026-11-01_2026-11-20.xlsx")
    assert answer.headers["Cache-Control"] == "private, no-store"
    entry = audit.read(db, action="export", limit=1)[0][0]
    assert (entry["actor"], entry["outcome"], entry["target"]) == ("analyst", "ok", name)
    assert json.loads(entry["detail"]) == {"unit": "S-CANTHO", **VIEW}


def test_a_unit_user_exports_its_own_units_only(app, demo, reader, two_units):
    own, other = two_units
    client = client_as(app, ensure_user(demo[0], "unit-user", "unit", own))
    mine = xlsx(export(client, "unit-dossiers", "xlsx", unit=own, **VIEW))
    codes = [row[-1] for row in mine.iter_rows(min_row=3, values_only=True)]
    expected = lists.overdue_dossiers(PERIOD.end, scope=Scope.everything(), reader=reader, unit=own, limit=10_000)
    assert len(codes) == len(expected) > 0 and set(codes) == {own}
    theirs = xlsx(export(client, "unit-dossiers", "xlsx", unit=other, **VIEW))
    assert theirs.max_row == 2  # the first line and the headers, no row of the other unit
    ranking = csv_rows(export(client, "rankings", "csv", **VIEW))
    assert [line[2] for line in ranking[2:]] == [own]  # its own position, not the league table
    name = reference.units(reader).set_index("unit_code").at[own, "name_vi"]
    assert f"Phạm vi: {name} ({own}), các đơn vị trực thuộc" in ranking[0][0]  # the first line says whose
    tasks = csv_rows(export(client, "tasks-list", "csv", **VIEW))
    assert {line[5] for line in tasks[2:]} <= {own}


# --- charts ---------------------------------------------------------------------------------------

@pytest.mark.skipif(not Path(CHROMIUM).exists(),
                    reason="Debian's chromium is not installed: kaleido draws the images in it")
def test_charts_export_as_png_and_svg(analyst, tmp_path):
    from PIL import Image

    png = analyst.get("/export/chart/tasks/tasks-sources.png", query_string=VIEW)
    assert png.status_code == 200 and png.mimetype == "image/png", png.get_data(as_text=True)[:300]
    assert png.data.startswith(b"\x89PNG\r\n\x1a\n")
    image = Image.open(io.BytesIO(png.data))
    assert image.size[0] == 2000 and image.size[1] > 400  # 1000 px wide at twice the pixels
    (tmp_path / "tasks-sources.png").write_bytes(png.data)
    svg = analyst.get("/export/chart/tasks/tasks-units.svg", query_string=VIEW)
    assert svg.status_code == 200 and svg.mimetype == "image/svg+xml"
    root = ElementTree.fromstring(svg.data)
    assert root.tag.endswith("svg")
    words = " ".join(root.itertext())
    assert "Cục Lâm nghiệp và Kiểm lâm" in words  # a unit of the bars, written in the image


def test_a_file_says_when_it_is_cut_or_year_to_date(analyst):
    procedures = csv_rows(export(analyst, "procedures-procedure", "csv", **VIEW))
    assert re.search(r"· Chỉ gồm 15 dòng đầu trong [\d.]+ dòng ·", procedures[0][0])
    assert len(procedures) == 2 + 15  # the heading, the column names, the fifteen rows
    budget = csv_rows(export(analyst, "budget-units", "csv", **VIEW))[0][0]
    assert budget.startswith("Bộ lọc: Kỳ 01/11/2026 – 20/11/2026") and "· Lũy kế năm 2026 đến hết ngày 20/11/2026 ·" in budget


def test_an_unknown_dataset_is_refused_and_the_newest_runs_say_so(app, demo):
    ensure_user(demo[0], "export-admin", "admin")
    admin = client_as(app, "export-admin")
    answer = export(admin, "data-quarantined", "csv", dataset="bogus")
    assert answer.status_code == 400 and answer.get_json()["error"]["code"] == "bad_query"
    runs = csv_rows(export(admin, "data-runs", "csv"))
    assert len(runs) - 2 == len(demo[2]) < 50 and "mới nhất" not in runs[0][0]  # all runs: not cut
