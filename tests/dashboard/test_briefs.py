"""The weekly brief: DOCX and PDF from one content, every number and name as the metric
registry gives it for the period; the archive, retries, the schedule, the CLI, the
Briefs screen and its downloads."""
from __future__ import annotations

import re
import shutil
import subprocess
import sys
import time
import tomllib
from pathlib import Path

import pytest
from docx import Document

from dashboard import context, formatting as fmt, periods
from dashboard.auth.roles import system
from dashboard.briefs import archive, content, generate as briefs
from tests.dashboard.conftest import CHROMIUM, ROOT, ensure_user, sign_in
from warehouse.domain import UNIT_KINDS
from warehouse.metrics import query
from warehouse.scope import Scope

pytestmark = pytest.mark.skipif(not shutil.which("pdftotext") or not Path(CHROMIUM).exists(),
                                reason="briefs need poppler-utils (pdftotext) and Debian's chromium; "
                                       "make test installs them when run as root")
ARTIFACTS = ROOT / "test-artifacts"


@pytest.fixture(scope="module")
def week(demo):
    """The last whole ISO week of the demo data (what Monday's brief would report on)."""
    return periods.previous_week(demo[0].demo_today)


@pytest.fixture(scope="module")
def made(demo, week, tmp_path_factory):
    """The Vietnamese brief of that week, both formats, made as the program itself."""
    settings = demo[0]
    row = briefs.generate(context.standalone(settings), system("test-brief"), week, trigger="cli",
                          out_dir=tmp_path_factory.mktemp("brief"))
    return row, {name.rsplit(".", 1)[1]: (row["directory"], name) for name in row["files"]}


def _path(made, kind):
    directory, name = made[1][kind]
    return Path(directory) / name


def _pdf_text(path) -> str:
    return subprocess.run(["pdftotext", "-enc", "UTF-8", str(path), "-"], check=True, capture_output=True,
                          text=True).stdout


def _flat(text: str) -> str:
    return " ".join(text.split())


def _expected(settings, week):
    """The registry's own numbers for the week and the week before, read without the app."""
    from warehouse.snapshots import Reader

    reader = Reader(settings)
    now = {name: query(name, week, scope=Scope.everything(), reader=reader).iloc[0] for name in content.HEADLINE}
    before = {name: query(name, week.previous(), scope=Scope.everything(), reader=reader).iloc[0] for name in content.HEADLINE}
    by_unit = query("dossier_on_time_rate", week, by=("unit",), scope=Scope.everything(), reader=reader)
    # a rate on too few records is never named among the latest units (DOMAIN.md, Small samples)
    by_unit = by_unit[(by_unit["denominator"] > 0) & ~by_unit["small_sample"]].sort_values(
        ["value", "denominator", "unit_code"], ascending=[True, False, True])
    ranking = query("unit_ranking", week, scope=Scope.everything(), reader=reader)
    units = reader.frame("select unit_code, name_vi from units", {}).set_index("unit_code")["name_vi"]
    return now, before, by_unit.head(5), ranking, units


def test_the_docx_holds_the_registry_numbers_in_the_official_form(demo, week, made):
    settings = demo[0]
    row, _ = made
    assert row["status"] == "done" and row["attempts"] == 1 and row["label"] == periods.week_label(week)
    document = Document(_path(made, "docx"))
    header = document.tables[0]
    left, right = (cell.text for cell in header.rows[0].cells)
    week_number = week.start.isocalendar()[1]
    assert "BỘ NÔNG NGHIỆP VÀ MÔI TRƯỜNG" in left and f"Số: {week_number}/BC-VP" in left
    today = settings.demo_today
    month = f"{today.month:02d}" if today.month < 3 else str(today.month)
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in right and "Độc lập - Tự do - Hạnh phúc" in right
    assert f"Hà Nội, ngày {today.day:02d} tháng {month} năm {today.year}" in right
    paragraphs = [p.text for p in document.paragraphs]
    assert "BÁO CÁO" in paragraphs
    assert any(f"tuần {week_number} năm {week.start.year}" in p and fmt.day(week.start) in p for p in paragraphs)

    now, before, late, ranking, units = _expected(settings, week)
    # the summary sentence, written from the numbers
    rate, previous = now["dossier_on_time_rate"]["value"], before["dossier_on_time_rate"]["value"]
    delta = (rate - previous) * 100
    words = ("tăng" if delta > 0 else "giảm") + f" {fmt.decimal(abs(delta))} điểm phần trăm so với tuần trước"
    assert any(f"Tỷ lệ hồ sơ giải quyết đúng hạn đạt {fmt.percent(rate)}, {words}" in p for p in paragraphs)

    tables = {table.rows[0].cells[0].text: table for table in document.tables[1:]}
    headline = tables["Chỉ tiêu"]
    assert headline.rows[0].cells[1].text == "Tuần này"
    for number, name in enumerate(content.HEADLINE, start=1):
        cells = [cell.text for cell in headline.rows[number].cells]
        shown = fmt.percent if name.endswith("_rate") else fmt.count
        assert cells[1:3] == [shown(now[name]["value"]), shown(before[name]["value"])], name

    late_table = tables["Đơn vị"]
    assert [r.cells[0].text for r in late_table.rows[1:]] == [units[code] for code in late["unit_code"]]
    assert [r.cells[3].text for r in late_table.rows[1:]] == [fmt.percent(v) for v in late["value"]]

    rank_tables = [table for table in document.tables if table.rows[0].cells[0].text == "Hạng"]
    assert len(rank_tables) == 2
    for table, kind in zip(rank_tables, UNIT_KINDS):
        expected = ranking[ranking["kind"] == kind].sort_values(["rank", "unit_code"])
        assert [r.cells[1].text for r in table.rows[1:]] == [units[code] for code in expected["unit_code"]]
        assert [r.cells[2].text for r in table.rows[1:]] == [fmt.decimal(v) for v in expected["composite"]]
        # a long table repeats its header row on every page it runs onto
        assert table.rows[0]._tr.trPr.find("{http://schemas.openxmlformats.org/wordprocessingml/2006/main}tblHeader") \
            is not None
    assert len(document.inline_shapes) == 3  # the trend, the late units, the disbursement curve
    footer = document.sections[0].footer.paragraphs[0].text
    assert row["data_version"] in footer and fmt.day(week.start) in footer and "toàn Bộ" in footer


def test_the_pdf_says_the_same_and_renders_every_diacritic(demo, week, made):
    settings = demo[0]
    path = _path(made, "pdf")
    text = _flat(_pdf_text(path))
    now, before, late, ranking, units = _expected(settings, week)
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in text and "Độc lập - Tự do - Hạnh phúc" in text
    assert f"Tỷ lệ hồ sơ giải quyết đúng hạn đạt {fmt.percent(now['dossier_on_time_rate']['value'])}" in text
    for name in content.HEADLINE:
        value = now[name]["value"]
        assert (fmt.percent(value) if name.endswith("_rate") else fmt.count(value)) in text, name
    leaders = [ranking[ranking["kind"] == kind].sort_values(["rank", "unit_code"]).iloc[0]["unit_code"]
               for kind in UNIT_KINDS]
    for code in leaders:  # named in the summary, a paragraph that wraps freely
        assert units[code] in text
    assert made[0]["data_version"] in text.replace(" ", "")
    assert re.search(r"Trang 1/\d+", text)
    fonts = subprocess.run(["pdffonts", str(path)], check=True, capture_output=True, text=True).stdout.splitlines()[2:]
    assert fonts and all(line.split()[-5] == "yes" for line in fonts), "every font is embedded"
    ARTIFACTS.mkdir(exist_ok=True)
    subprocess.run(["pdftoppm", "-png", "-r", "80", "-f", "1", "-l", "1", "-singlefile", str(path),
                    str(ARTIFACTS / "brief-page-1")], check=True)
    page = (ARTIFACTS / "brief-page-1.png").read_bytes()
    assert page[:8] == b"\x89PNG\r\n\x1a\n" and len(page) > 20_000


def test_an_english_brief_of_any_period(demo, tmp_path):
    settings = demo[0]
    period = content.Period(settings.demo_today.replace(day=1), settings.demo_today)
    row = briefs.generate(context.standalone(settings), system("test-brief"), period, language="en",
                          formats=("docx",), trigger="cli", out_dir=tmp_path)
    assert row["files"] == [f"brief_{period.start}_{period.end}.docx"] and row["label"] is None
    document = Document(tmp_path / row["files"][0])
    text = "\n".join(p.text for p in document.paragraphs)
    assert "REPORT" in text and "This period" in document.tables[1].rows[0].cells[1].text
    assert "SOCIALIST REPUBLIC OF VIET NAM" in document.tables[0].rows[0].cells[1].text
    assert re.search(r"No\. +/BC-VP", document.tables[0].rows[0].cells[0].text)  # numbered at registration


def test_control_characters_from_a_source_cannot_break_the_documents(demo, week, tmp_path, monkeypatch):
    from dashboard import data

    real = data.overdue

    def odd_titles(*args, **kwargs):
        frame = real(*args, **kwargs).copy()
        frame.loc[frame.index[0], "title"] = "Báo cáo\x0bquý\x01 III <b>&</b>"
        return frame

    monkeypatch.setattr(data, "overdue", odd_titles)
    row = briefs.generate(context.standalone(demo[0]), system("test-brief"), week, trigger="cli", out_dir=tmp_path)
    assert row["status"] == "done"
    document = Document(tmp_path / row["files"][0])
    oldest = next(table for table in document.tables if table.rows[0].cells[0].text == "Số ngày quá hạn")
    assert oldest.rows[1].cells[1].text.startswith("Báo cáo quý  III <b>&</b>")  # as text, never markup
    assert "Báo cáo quý III <b>&</b>" in _flat(_pdf_text(tmp_path / row["files"][1]))


def test_a_failed_attempt_is_retried_and_a_last_failure_is_shown(demo, week, tmp_path, monkeypatch):
    settings = demo[0]
    server = context.standalone(settings)
    real, calls = content.build, []

    def flaky(*args, **kwargs):
        calls.append(1)
        if len(calls) == 1:
            raise OSError("warehouse busy")
        return real(*args, **kwargs)

    monkeypatch.setattr(content, "build", flaky)
    row = briefs.generate(server, system("test-retry"), week, formats=("docx",), trigger="schedule", attempts=3,
                          out_dir=tmp_path)
    assert (row["status"], row["attempts"], row["error"]) == ("done", 2, None) and len(calls) == 2

    monkeypatch.setattr(content, "build", lambda *a, **k: (_ for _ in ()).throw(OSError("disk full")))
    with pytest.raises(briefs.BriefFailed, match="disk full"):
        briefs.generate(server, system("test-retry"), week, formats=("docx",), trigger="schedule", attempts=2,
                        out_dir=tmp_path)
    failed = archive.recent(server.extensions["opscenter"]["db"], settings, None, limit=1)[0]
    assert (failed["status"], failed["attempts"], failed["files"]) == ("failed", 2, [])
    assert "OSError: disk full" in failed["error"]
    from appdb import audit

    entries, _ = audit.read(server.extensions["opscenter"]["db"], action="brief", outcome="failed", limit=1)
    assert entries and "disk full" in entries[0]["detail"]


def test_monday_at_seven_the_previous_week(demo, week):
    settings = demo[0]
    jobs = {job["name"]: job for job in tomllib.loads(settings.schedule_path.read_text())["job"]}
    assert jobs["weekly_brief"]["cron"] == "0 7 * * mon"
    from pipelines.scheduler import load_jobs, run_job

    job = next(job for job in load_jobs(settings) if job.name == "weekly_brief")
    assert job.target() is briefs.weekly
    outcome = run_job(settings, job)
    row = archive.recent(context.standalone(settings).extensions["opscenter"]["db"], settings, None, limit=1)[0]
    assert (row["trigger"], row["label"], row["status"]) == ("schedule", periods.week_label(week), "done")
    assert outcome == f"brief {row['label']}: {', '.join(row['files'])}"
    assert (settings.briefs_dir / f"{row['id']:05d}" / row["files"][1]).stat().st_size > 10_000


def test_data_status_shows_an_administrator_a_failed_scheduled_brief(demo, week, render, monkeypatch):
    from tests.dashboard.conftest import find, text
    from layouts import data_status

    monkeypatch.setattr(content, "build", lambda *a, **k: (_ for _ in ()).throw(OSError("no space left")))
    with pytest.raises(briefs.BriefFailed):
        briefs.generate(context.standalone(demo[0]), system("weekly-brief"), week, trigger="schedule", attempts=1)
    panel = text(find(render(data_status.layout, role="admin"), "panel-data-briefs"))
    assert "Báo cáo tuần theo lịch" in panel and periods.week_label(week)[-2:] in panel
    assert "Lỗi sau 1 lần thử: OSError: no space left" in panel


def test_the_cli_prints_the_paths(demo, tmp_path):
    settings = demo[0]
    env = {"OPSCENTER_DATA_DIR": str(settings.data_dir), "OPSCENTER_DEMO_TODAY": settings.demo_today.isoformat(),
           "PATH": "/usr/bin:/bin"}
    done = subprocess.run([sys.executable, "-m", "dashboard", "brief", "--week", "2026-W45", "--format", "pdf",
                           "--out", str(tmp_path)], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == [str(tmp_path / "bao-cao-tuan_2026-W45.pdf")]
    assert "09/11/2026" not in _pdf_text(tmp_path / "bao-cao-tuan_2026-W45.pdf")  # week 45 is 2–8 November
    assert "02/11/2026" in _pdf_text(tmp_path / "bao-cao-tuan_2026-W45.pdf")
    bad = subprocess.run([sys.executable, "-m", "dashboard", "brief", "--week", "2026-47"], cwd=ROOT, env=env,
                         capture_output=True, text=True, timeout=60)
    assert bad.returncode == 1 and "not an ISO week" in bad.stderr
    running = subprocess.run([sys.executable, "-m", "dashboard", "brief", "--week", "2026-W47"], cwd=ROOT, env=env,
                             capture_output=True, text=True, timeout=60)  # 16-22 November; the data ends on the 20th
    assert running.returncode == 1 and "2026-W47 is not over yet (the data is as of 20/11/2026)" in running.stderr


def _wait_done(db, brief_id, seconds=90):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        row = archive.get(db, brief_id)
        if row["status"] not in archive.ACTIVE:
            return row
        time.sleep(0.3)
    raise AssertionError(f"brief {brief_id} still {row['status']} after {seconds} s")


def test_downloads_follow_rights_and_scope(dash_app, demo, week):
    from tests.dashboard.conftest import client_as

    settings = demo[0]
    for name, role, unit in (("analyst", "analyst", None), ("leader", "leader", None), ("canbo", "unit", "S-CANTHO")):
        ensure_user(settings, name, role, unit)
    db = dash_app.server.extensions["opscenter"]["db"]
    with dash_app.server.test_request_context("/"), context.acting_as(system("screen", "analyst")):
        from dashboard.briefs import web

        brief_id = web.start(system("screen", "analyst"), week, "vi")
    row = _wait_done(db, brief_id)
    assert row["status"] == "done", row["error"]
    pdf_name = next(name for name in row["files"] if name.endswith(".pdf"))
    url = f"/briefs/file/{brief_id}/{pdf_name}"

    assert dash_app.server.test_client().get(url).status_code == 401
    for user in ("analyst", "leader"):  # reading a brief needs no export right
        answer = client_as(dash_app, user).get(url)
        assert answer.status_code == 200 and answer.mimetype == "application/pdf"
        assert answer.data[:5] == b"%PDF-" and "attachment" in answer.headers["Content-Disposition"]
    assert client_as(dash_app, "canbo").get(url).status_code == 403  # a ministry brief is outside its unit
    escape = client_as(dash_app, "analyst").get(f"/briefs/file/{brief_id}/..%2F..%2Fapp.db")
    assert b"SQLite format" not in escape.data  # not a brief route at all: the app's page frame answers
    assert client_as(dash_app, "analyst").get(f"/briefs/file/{brief_id}/other.pdf").status_code == 404
    from appdb import audit

    entries, _ = audit.read(db, action="download", actor="leader", limit=1)
    assert entries and entries[0]["target"] == pdf_name


def test_the_briefs_screen_generates_with_progress(server, browser):
    settings, url = server
    ensure_user(settings, "leader", "leader")
    page = sign_in(browser, url)
    page.goto(url + "/briefs")
    page.wait_for_selector("#briefs-generate")
    assert "Tuần" in page.inner_text("#briefs-week")
    page.click("#briefs-generate")
    page.wait_for_selector(".brief-progress", timeout=10_000)  # shown while the brief is made
    newest = "#briefs-archive-table tbody tr:first-child"
    page.wait_for_selector(newest + " .brief-files a", timeout=90_000)  # the archive refreshes by itself
    assert "analyst" in page.inner_text(newest) and page.locator(".brief-progress").count() == 0
    links = page.locator(newest + " .brief-files a")
    assert [links.nth(i).inner_text() for i in range(links.count())][:2] == ["DOCX", "PDF"]
    with page.expect_download() as download:
        links.nth(1).click()
    assert download.value.suggested_filename.endswith(".pdf")
    leader = sign_in(browser, url, "leader")
    leader.goto(url + "/briefs")
    leader.wait_for_selector("#briefs-archive-table")
    assert leader.locator("#briefs-generate").count() == 0  # may read and download, not generate
    assert "không có quyền tạo" in leader.inner_text("#panel-briefs-new")
