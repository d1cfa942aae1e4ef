"""Dữ liệu / Data status: each source with its freshness, the run log, the quarantine."""
from __future__ import annotations

import json
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from tests.dashboard.conftest import find, text
from tests.warehouse.test_runs import quarantined_copy
from warehouse.snapshots import Reader

VN = ZoneInfo("Asia/Ho_Chi_Minh")


@pytest.fixture
def data_status(dash_app):
    """The page module, imported once the app exists (pages register with a Dash app)."""
    import importlib

    return importlib.import_module("layouts.data_status")


@pytest.fixture(scope="module")
def quarantined(demo, tmp_path_factory):
    return quarantined_copy(demo[0], tmp_path_factory.mktemp("quarantined") / "var")


def test_every_source_of_the_demo_is_shown_fresh(render, demo, data_status):
    results = demo[2]
    tree = render(data_status.layout, role="admin")
    assert find(tree, "breadcrumbs") is not None
    for result in results.values():
        row = find(tree, f"data-source-{result.source_name}")
        assert row is not None, result.source_name
        assert text(find(tree, f"data-source-{result.source_name}-status")).startswith("✓ Cập nhật đúng hạn")
    assert "Nguồn dữ liệu" in text(tree)
    assert text(find(tree, "data-summary")) == f"{len(results)} nguồn dữ liệu, 0 nguồn quá hạn cập nhật"
    dossiers = text(find(tree, "data-source-motcua_dossiers"))
    assert "Hồ sơ thủ tục hành chính" in dossiers and "30 phút" in dossiers and "Thành công" in dossiers
    assert "1 tuần" in text(find(tree, "data-source-motcua_units"))


def test_the_run_counts_come_from_the_run_log(render, demo, data_status):
    results = demo[2]
    rows = find(render(data_status.layout, role="admin"), "data-runs-grid").rowData
    assert len(rows) == len(results)
    for result in results.values():
        row = next(r for r in rows if r["source"] == result.source_name)
        assert (row["rows_read"], row["rows_loaded"], row["rows_unchanged"], row["rows_quarantined"]) == (
            result.read, result.loaded, result.unchanged, result.quarantined)
        assert row["status"] == "✓ Thành công"
        assert row["duration_s"] >= 0
    json.dumps(rows)  # what the browser receives


def test_no_quarantine_in_the_demo_says_so(render, data_status):
    tree = render(data_status.layout, role="admin")
    assert "Không có bản ghi nào bị cách ly" in text(find(tree, "data-quarantine-empty"))
    assert find(tree, "data-quarantine-grid") is None


def test_quarantine_counts_and_rows(render, use, quarantined, data_status):
    settings, files = quarantined
    use(settings, Reader(settings))
    tree = render(data_status.layout, role="admin")
    assert "Bản ghi bị cách ly" in text(tree)
    assert "3" in text(find(tree, "data-quarantine-tasks")) and "Nhiệm vụ được giao" in text(
        find(tree, "data-quarantine-tasks"))
    assert "2" in text(find(tree, "data-quarantine-units"))
    assert "5" in text(find(tree, "data-quarantine-counts"))  # the total
    runs = find(tree, "data-runs-grid").rowData
    assert (runs[0]["source"], runs[0]["rows_quarantined"]) == ("nhiem_vu.csv", 3)
    rows = find(tree, "data-quarantine-grid").rowData
    assert len(rows) == 5
    assert {r["source"] for r in rows} == {"nhiem_vu.csv", "don_vi.csv"}
    task = next(r for r in rows if r["row_number"] == 2 and r["source"] == "nhiem_vu.csv")
    assert "NOPE" in task["reason"] and json.loads(task["record"])["task_id"] == "QT1"

    only_units = render(data_status.layout, role="admin", dataset="units")
    rows = find(only_units, "data-quarantine-grid").rowData
    assert len(rows) == 2 and {r["dataset"] for r in rows} == {"Đơn vị"}
    none_in_budget = render(data_status.layout, role="admin", dataset="budget")
    empty = text(find(none_in_budget, "data-quarantined-empty"))
    assert "Không có bản ghi nào của Ngân sách bị cách ly" in empty
    refused = render(data_status.layout, role="admin", dataset="x'; drop table")
    assert len(find(refused, "data-quarantine-grid").rowData) == 5
    assert "không hợp lệ" in text(refused)


def test_a_stale_source_shows_the_stale_status(render, use, demo, tmp_path, data_status):
    from tests.conftest import make_settings

    copy = make_settings(tmp_path / "var")
    copy.warehouse_dir.mkdir(parents=True)
    sources = json.loads((demo[0].warehouse_dir / "sources.json").read_text(encoding="utf-8"))
    for source in sources:
        if source["source_name"] == "vpcp_tasks":
            source["last_success_at"] = "2026-01-01T08:00:00"
            source["last_status"], source["last_error"] = "failed", "HTTP 503 sau 5 lần thử"
        if source["source_name"] == "taichinh_budget":
            source["last_success_at"] = None
    (copy.warehouse_dir / "sources.json").write_text(json.dumps(sources), encoding="utf-8")
    use(copy)
    tree = render(data_status.layout, role="admin")
    status = text(find(tree, "data-source-vpcp_tasks-status"))
    assert status.startswith("⚠ Quá hạn cập nhật: lần thành công gần nhất cách đây")
    assert "giới hạn 3 giờ" in status
    assert "✗ Lỗi" in text(find(tree, "data-source-vpcp_tasks"))
    assert "HTTP 503 sau 5 lần thử" in text(find(tree, "data-source-vpcp_tasks"))
    assert find(tree, "data-source-vpcp_tasks").className == "source-stale"
    assert text(find(tree, "data-source-taichinh_budget-status")) == (
        "⚠ Quá hạn cập nhật: chưa có lần chạy thành công nào")
    assert text(find(tree, "data-source-motcua_dossiers-status")).startswith("✓")
    assert text(find(tree, "data-summary")).endswith("2 nguồn quá hạn cập nhật")
    assert "stale-alarm" in str(tree)  # the frame's alarm agrees

    english = render(data_status.layout, "en", role="admin")
    assert text(find(english, "data-source-vpcp_tasks-status")).startswith("⚠ Stale: last success")
    assert "limit 3 hours" in text(find(english, "data-source-vpcp_tasks-status"))


def test_english_labels(render, demo, data_status):
    tree = render(data_status.layout, "en", role="admin")
    words = text(tree)
    for label in ("Data sources", "The last 50 runs", "Quarantined rows per dataset", "Last run",
                  "Last success", "Freshness limit", "Watermark", "Last error"):
        assert label in words, label
    assert "Nguồn dữ liệu" not in words
    assert "Up to date (limit 30 minutes)" in text(find(tree, "data-source-motcua_dossiers"))
    assert "Procedure dossiers" in text(find(tree, "data-source-motcua_dossiers"))
    grid = find(tree, "data-runs-grid")
    assert [c["headerName"] for c in grid.columnDefs][:4] == ["Started", "Source", "Dataset", "Status"]
    assert grid.rowData[0]["status"] == "✓ Succeeded"


def test_a_watermark_later_than_now_is_flagged(data_status):
    now = datetime(2026, 12, 2, 21, 30, tzinfo=VN)
    ahead = "2026-12-02 23:59:40"  # naive: the source's local time
    assert data_status._watermark(ahead, "vi", now) == (
        "23:59 02/12/2026 ⚠ sau thời điểm hiện tại theo đồng hồ của nguồn")
    assert data_status._watermark(ahead, "en", now) == "23:59 02/12/2026 ⚠ later than now by the source's clock"
    assert data_status._watermark("2026-12-02T16:00:00+00:00", "vi", now).endswith("nguồn")  # 23:00 local
    assert data_status._watermark("2026-12-02T21:29:59", "vi", now) == "21:29 02/12/2026"
    assert data_status._watermark("2026-12-02T14:00:00+00:00", "en", now) == "21:00 02/12/2026"
    assert data_status._watermark("v42", "en", now) == "v42"  # not a time: as given


def test_the_screen_flags_a_source_whose_watermark_is_ahead_of_now(render, use, demo, tmp_path, data_status):
    from tests.conftest import make_settings

    copy = make_settings(tmp_path / "var")
    copy.warehouse_dir.mkdir(parents=True)
    sources = json.loads((demo[0].warehouse_dir / "sources.json").read_text(encoding="utf-8"))
    ahead = (datetime.now(VN) + timedelta(hours=3)).replace(tzinfo=None).isoformat(timespec="seconds")
    for source in sources:
        if source["source_name"] == "motcua_dossiers":
            source["watermark"] = ahead
    (copy.warehouse_dir / "sources.json").write_text(json.dumps(sources), encoding="utf-8")
    use(copy)
    tree = render(data_status.layout, role="admin")
    assert "⚠ sau thời điểm hiện tại theo đồng hồ của nguồn" in text(find(tree, "data-source-motcua_dossiers"))
    assert "theo đồng hồ của nguồn" not in text(find(tree, "data-source-vpcp_tasks"))


def test_spans_read_naturally(data_status):
    assert [data_status.duration(m, "vi") for m in (30, 180, 2880, 10080, 90, 1)] == [
        "30 phút", "3 giờ", "2 ngày", "1 tuần", "90 phút", "1 phút"]
    assert [data_status.duration(m, "en") for m in (1, 60, 1440 * 3 + 5)] == ["1 minute", "1 hour", "3 days"]


def test_the_push_to_the_government_operation_center_is_shown(render, use, demo, dash_app, data_status, tmp_path,
                                                               monkeypatch):
    from appdb import outbox
    from appdb.engine import open_db
    from pipelines.goc import messages
    from warehouse.indicators import periods

    db = open_db(f"sqlite:///{tmp_path / 'app.db'}")
    monkeypatch.setitem(dash_app.server.extensions["opscenter"], "db", db)
    off = text(find(render(data_status.layout, role="admin"), "panel-data-goc"))
    assert "Chưa cấu hình địa chỉ nhận (OPSCENTER_GOC_PUSH_URL)" in off and "Chưa có bản tin nào" not in off
    use(demo[0].model_copy(update={"goc_push_url": "http://user:secret@goc.example:8443/receive"}))
    plain = text(find(render(data_status.layout, role="admin"), "panel-data-goc"))
    assert "không dùng https" in plain and "Chưa có bản tin nào" in plain
    assert "goc.example:8443" in plain and "secret" not in plain

    use(demo[0].model_copy(update={"goc_push_url": "https://goc.example.gov.vn/api/receive?x=1"}))
    reader = Reader(demo[0])
    october, november = periods("month", demo[0].demo_today.replace(month=10), demo[0].demo_today,
                                demo[0].demo_today)
    for period in (october, november):
        assert outbox.enqueue(db, messages.build(reader, period), trigger="publish")
    first, second = sorted(outbox.recent(db, 5), key=lambda row: row.id)
    outbox.acknowledge(db, first.id, 200, '{"receipt": "GOC-7"}')
    outbox.postpone(db, second.id, "HTTP 503: busy", 60)
    tree = render(data_status.layout, role="admin")
    assert text(find(tree, "data-goc-summary")).startswith(
        "Gửi tới goc.example.gov.vn: 1 bản tin đang chờ xác nhận, bản cũ nhất từ ")
    rows = text(find(tree, "data-goc-table"))
    assert "Tháng 10/2026" in rows and "✓ Đã nhận lúc" in rows and '{"receipt": "GOC-7"}' in rows
    assert "Tháng 11/2026 (đến 20/11/2026)" in rows and "⚠ Lần gửi thứ 1 không thành công; gửi lại lúc" in rows
    assert "HTTP 503: busy" in rows and f"{first.rows}" in rows
    english = text(find(render(data_status.layout, language="en", role="admin"), "panel-data-goc"))
    assert "Link to the Government Operation Center" in english and "Month 11/2026 (to 20/11/2026)" in english
