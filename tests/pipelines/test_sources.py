"""Each source kind against a real server: SQLite and PostgreSQL through SQLAlchemy, a
local HTTP server that misbehaves, and an inbox of files; full and incremental loads,
and the source-down cases, checked against what the source holds."""
from __future__ import annotations

import json
import shutil
import sqlite3
import unicodedata
import uuid

import duckdb
import openpyxl
import pandas as pd
import pytest
import sqlalchemy as sa

from pipelines.run import pull
from tests.pipelines.conftest import read_canonical
from tests.pipelines.http_feed import Feed
from warehouse import freshness
from warehouse.db import writer
from warehouse.snapshots import read_pointer

PG_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/test"
DOSSIER_NATIVE = {"dossier_id": "ma_ho_so", "procedure_code": "ma_thu_tuc", "unit_code": "ma_don_vi",
                  "channel": "kenh_nop", "received_at": "ngay_tiep_nhan", "due_at": "ngay_hen_tra",
                  "finished_at": "ngay_tra_kq", "status": "trang_thai", "supplement_count": "so_lan_bs",
                  "supplement_days": "so_ngay_bs", "paid_online": "tt_truc_tuyen", "updated_at": "ngay_cap_nhat"}
STATUS_CODES = {"DA_TIEP_NHAN": "received", "DANG_XU_LY": "processing", "CHO_BO_SUNG": "supplement",
                "DA_TRA_KQ": "finished", "TU_CHOI": "rejected", "RUT_HS": "withdrawn"}


def _native_dossiers(canonical) -> pd.DataFrame:
    frame = read_canonical(canonical["dossiers"])
    back = {v: k for k, v in STATUS_CODES.items()}
    return frame.assign(status=frame["status"].map(back)).rename(columns=DOSSIER_NATIVE)


def _dossier_source(name: str, **where) -> dict:
    return {"name": name, "dataset": "dossiers", "kind": "sql", "watermark": "ngay_cap_nhat",
            "freshness_minutes": 30, **where, "columns": DOSSIER_NATIVE, "values": {"status": STATUS_CODES}}


def _stored(settings, sql: str) -> pd.DataFrame:
    with writer(settings) as con:
        return con.execute(sql).df()


def _local(text: pd.Series) -> pd.Series:
    """Canonical time text as local naive times (text with an offset converted)."""
    aware = text.str.contains("T", regex=False)
    naive = pd.to_datetime(text.where(~aware & (text != "")), format="%Y-%m-%d %H:%M:%S")
    shifted = pd.to_datetime(text.where(aware), format="ISO8601", utc=True)
    return naive.fillna(shifted.dt.tz_convert("Asia/Ho_Chi_Minh").dt.tz_localize(None))


def _assert_matches_source(settings, expected: pd.DataFrame) -> None:
    """The warehouse holds exactly the source's dossiers, once each, with its values."""
    stored = _stored(settings, "select dossier_id, status, unit_code, received_at, finished_at, updated_at"
                               " from dossiers order by dossier_id").set_index("dossier_id")
    expected = expected.set_index("dossier_id").sort_index()
    assert stored.index.is_unique
    assert list(stored.index) == list(expected.index)
    assert (stored["status"] == expected["status"]).all()
    assert (stored["unit_code"] == expected["unit_code"]).all()
    for column in ("received_at", "finished_at", "updated_at"):
        pd.testing.assert_series_equal(stored[column].astype("datetime64[s]"),
                                       _local(expected[column]).astype("datetime64[s]"), check_names=False)


def test_sqlite_full_then_incremental(make_warehouse, canonical, tmp_path):
    database = tmp_path / "motcua.sqlite"
    with sqlite3.connect(database) as con:
        _native_dossiers(canonical).to_sql("hs_ho_so", con, index=False)
    settings = make_warehouse(_dossier_source("motcua", url=f"sqlite:///{database}", table="hs_ho_so",
                                              chunk_rows=700))
    first = pull(settings).results[0]
    expected = read_canonical(canonical["dossiers"])
    assert (first.status, first.read, first.loaded, first.quarantined) == ("success", len(expected), len(expected), 0)
    assert first.watermark_before is None and first.watermark_after == expected["updated_at"].max()
    _assert_matches_source(settings, expected)

    # the source moves on: 20 dossiers finish later, 10 new ones arrive
    with sqlite3.connect(database) as con:
        open_ids = [r[0] for r in con.execute(
            "select ma_ho_so from hs_ho_so where trang_thai = 'DANG_XU_LY' order by ma_ho_so limit 20")]
        con.executemany("update hs_ho_so set trang_thai = 'DA_TRA_KQ', ngay_tra_kq = '2026-11-21 09:00:00',"
                        " ngay_cap_nhat = '2026-11-21 09:00:00' where ma_ho_so = ?", [(i,) for i in open_ids])
        template = con.execute("select * from hs_ho_so where trang_thai = 'DA_TIEP_NHAN' limit 1").fetchone()
        columns = [d[0] for d in con.execute("select * from hs_ho_so limit 0").description]
        for n in range(10):
            row = dict(zip(columns, template), ma_ho_so=f"NEW-{n}", ngay_cap_nhat="2026-11-21 10:00:00")
            con.execute(f"insert into hs_ho_so values ({', '.join('?' * len(row))})", list(row.values()))
    second = pull(settings).results[0]
    assert second.watermark_before == first.watermark_after
    assert second.watermark_after == "2026-11-21 10:00:00"
    assert (second.read, second.loaded) == (30 + (expected["updated_at"] == first.watermark_after).sum(), 30)
    with sqlite3.connect(database) as con:
        now = pd.read_sql("select * from hs_ho_so", con).rename(columns={v: k for k, v in DOSSIER_NATIVE.items()})
    _assert_matches_source(settings, now.assign(status=now["status"].map(STATUS_CODES)))

    runs = _stored(settings, "select status, watermark_before, watermark_after, rows_read from run_log"
                             " where source_name = 'motcua' order by started_at")
    assert runs["status"].tolist() == ["success", "success"]
    assert runs["watermark_after"].tolist() == [first.watermark_after, "2026-11-21 10:00:00"]


@pytest.fixture
def pg_schema():
    engine = sa.create_engine(PG_URL)
    try:
        with engine.connect():
            pass
    except sa.exc.OperationalError as exc:
        pytest.skip(f"PostgreSQL not reachable at 127.0.0.1:5432 ({exc.orig})")
    schema = f"opscenter_{uuid.uuid4().hex[:8]}"
    with engine.begin() as con:
        con.execute(sa.text(f"create schema {schema}"))
    yield engine, schema
    with engine.begin() as con:
        con.execute(sa.text(f"drop schema {schema} cascade"))
    engine.dispose()


def test_postgres_typed_columns_streamed_in_chunks(make_warehouse, canonical, pg_schema):
    engine, schema = pg_schema
    native = _native_dossiers(canonical)
    for canon in ("received_at", "due_at", "finished_at", "updated_at"):
        native[DOSSIER_NATIVE[canon]] = _local(native[DOSSIER_NATIVE[canon]])
    native = native.astype({"kenh_nop": "string", "so_lan_bs": "int64", "so_ngay_bs": "float64"})
    native["tt_truc_tuyen"] = native["tt_truc_tuyen"] == "true"
    native.to_sql("ho_so", engine, schema=schema, index=False, chunksize=1000)
    settings = make_warehouse(_dossier_source("motcua_pg", url=PG_URL, table=f"{schema}.ho_so", chunk_rows=500))

    first = pull(settings).results[0]
    expected = read_canonical(canonical["dossiers"])
    assert (first.status, first.loaded, first.quarantined) == ("success", len(expected), 0), first.error
    _assert_matches_source(settings, expected)
    assert first.watermark_after.startswith(expected["updated_at"].max().replace(" ", "T"))

    with engine.begin() as con:
        changed = con.execute(sa.text(
            f"update {schema}.ho_so set trang_thai = 'TU_CHOI', ngay_tra_kq = timestamp '2026-11-21 08:00',"
            f" ngay_cap_nhat = timestamp '2026-11-21 08:00' where ma_ho_so in (select ma_ho_so from"
            f" {schema}.ho_so where trang_thai = 'DANG_XU_LY' order by ma_ho_so limit 15)")).rowcount
    second = pull(settings).results[0]
    assert changed == 15 and second.loaded == 15 and second.read < 30
    assert _stored(settings, "select count(*) as n from dossiers where status = 'rejected'"
                             " and finished_at = timestamp '2026-11-21 08:00'")["n"][0] == 15


def test_sql_source_down_keeps_published_data(make_warehouse, canonical, tmp_path):
    database = tmp_path / "motcua.sqlite"
    with sqlite3.connect(database) as con:
        _native_dossiers(canonical).to_sql("hs_ho_so", con, index=False)
    settings = make_warehouse(
        _dossier_source("motcua", url=f"sqlite:///{database}", table="hs_ho_so"),
        {**_dossier_source("down", url="postgresql+psycopg://postgres@127.0.0.1:1/test", table="x"),
         "freshness_minutes": 10, "retries": 1, "backoff_seconds": 0.01})  # retried: tests/pipelines/test_sql_retry.py
    report = pull(settings)
    ok, down = report.results
    assert ok.status == "success" and report.version is not None
    assert down.status == "failed" and "127.0.0.1" in down.error and "refused" in down.error.lower()
    pointer = read_pointer(settings)

    again = pull(settings, ["down"])
    assert again.version is None and read_pointer(settings) == pointer  # nothing published
    states = {s["source_name"]: s for s in freshness.read(settings, pd.Timestamp.now().to_pydatetime())}
    assert states["down"]["last_status"] == "failed" and states["down"]["stale"]
    assert states["down"]["last_success_at"] is None and "refused" in states["down"]["last_error"].lower()
    assert states["motcua"]["last_status"] == "success"
    runs = _stored(settings, "select status, error from run_log where source_name = 'down'")
    assert runs["status"].tolist() == ["failed", "failed"] and runs["error"].notna().all()


TASK_NATIVE = {"task_id": "id", "title": "trich_yeu", "source": "nguon_giao", "document_ref": "so_ky_hieu",
               "lead_unit_code": "don_vi_chu_tri.ma", "assigned_on": "ngay_giao", "due_on": "han_xu_ly",
               "completed_on": "ngay_hoan_thanh", "updated_at": "cap_nhat_luc"}
TASK_SOURCES = {"CHINH_PHU": "government", "THU_TUONG": "prime_minister", "LANH_DAO_BO": "ministry_leader",
                "KHAC": "other"}


def _task_items(canonical) -> list[dict]:
    frame = read_canonical(canonical["tasks"])
    back = {v: k for k, v in TASK_SOURCES.items()}
    return [{"id": r.task_id, "trich_yeu": r.title, "nguon_giao": back[r.source], "so_ky_hieu": r.document_ref or None,
             "don_vi_chu_tri": {"ma": r.lead_unit_code, "ten": "…"}, "ngay_giao": r.assigned_on,
             "han_xu_ly": r.due_on or None, "ngay_hoan_thanh": r.completed_on or None,
             "cap_nhat_luc": r.updated_at.replace(" ", "T") + "+07:00"}
            for r in frame.itertuples()]


def _task_source(url: str, **extra) -> dict:
    return {"name": "vpcp", "dataset": "tasks", "kind": "http", "url": url, "pagination": "page",
            "page_param": "page", "page_size_param": "per_page", "page_size": 100, "since_param": "cap_nhat_tu",
            "watermark": "cap_nhat_luc", "auth": "bearer", "token_env": "TEST_VPCP_TOKEN",
            "backoff_seconds": 0.01, "timeout_seconds": 1.0, "retries": 3, **extra,
            "columns": TASK_NATIVE, "values": {"source": TASK_SOURCES}}


def test_http_pages_with_faults_and_since(make_warehouse, canonical, monkeypatch):
    monkeypatch.setenv("TEST_VPCP_TOKEN", "s3cret")
    items = _task_items(canonical)
    with Feed(items) as feed:
        feed.faults = {2: ["500", "500"], 3: ["429"], 4: ["slow"], 5: ["garbage"]}
        settings = make_warehouse(_task_source(feed.url))
        first = pull(settings).results[0]
        assert (first.status, first.read, first.loaded, first.quarantined) == ("success", len(items), len(items), 0), \
            first.error
        pages = [r["page"] for r in feed.requests]
        assert pages.count(2) == 3 and pages.count(3) == 2 and pages.count(4) == 2
        retry_429 = [r["at"] for r in feed.requests if r["page"] == 3]
        assert retry_429[1] - retry_429[0] >= 1.0  # Retry-After: 1 honoured
        assert all(r["auth"] == "Bearer s3cret" for r in feed.requests)
        assert "cap_nhat_tu" not in feed.requests[0]["query"]
        stored = _stored(settings, "select task_id, source, lead_unit_code from tasks order by task_id")
        expected = read_canonical(canonical["tasks"]).sort_values("task_id")
        assert stored["task_id"].tolist() == expected["task_id"].tolist()
        assert stored["source"].tolist() == expected["source"].tolist()

        top = max(items, key=lambda i: i["cap_nhat_luc"])["cap_nhat_luc"]
        items[0] = {**items[0], "ngay_hoan_thanh": "2026-11-21", "cap_nhat_luc": "2026-11-21T09:00:00+07:00"}
        feed.requests.clear()
        second = pull(settings).results[0]
        assert feed.requests[0]["query"]["cap_nhat_tu"] == [top]
        assert second.loaded == 1 and second.watermark_after == "2026-11-21T09:00:00+07:00"
        done = _stored(settings, f"select completed_on from tasks where task_id = '{items[0]['id']}'")
        assert str(done["completed_on"][0].date()) == "2026-11-21"


def test_http_down_forever_then_back(make_warehouse, canonical, monkeypatch):
    monkeypatch.setenv("TEST_VPCP_TOKEN", "s3cret")
    items = _task_items(canonical)
    with Feed(items) as feed:
        feed.always_fail = True
        settings = make_warehouse(_task_source(feed.url))
        failed = pull(settings).results[0]
        assert failed.status == "failed"
        assert "failed after 4 attempts: HTTP 500" in failed.error and feed.url in failed.error
        assert len(feed.requests) == 4
        assert _stored(settings, "select count(*) as n from tasks")["n"][0] == 0

        feed.always_fail = False  # the next scheduled run tries again and succeeds
        back = pull(settings).results[0]
        assert back.status == "success" and back.loaded == len(items) and back.watermark_before is None


def test_http_refused_token_and_timeouts(make_warehouse, canonical, monkeypatch):
    monkeypatch.setenv("TEST_VPCP_TOKEN", "wrong")
    with Feed(_task_items(canonical)) as feed:
        settings = make_warehouse(_task_source(feed.url))
        refused = pull(settings).results[0]
        assert refused.status == "failed" and "HTTP 401" in refused.error
        assert len(feed.requests) == 1  # a refusal is not retried
        monkeypatch.setenv("TEST_VPCP_TOKEN", "s3cret")
        feed.faults = {1: ["slow"] * 4}
        slow = pull(settings).results[0]
        assert slow.status == "failed" and "timed out after 1 s" in slow.error


BUDGET_HEADERS = {"unit_code": "Mã đơn vị", "fiscal_year": "Năm ngân sách", "category": "Loại chi",
                  "line_code": "Mã dòng", "line_name": "Nội dung", "plan_amount": "Dự toán được giao (đồng)",
                  "as_of": "Ngày số liệu", "disbursed_amount": "Lũy kế giải ngân (đồng)"}
CATEGORIES = {"Chi thường xuyên": "recurrent", "Chi đầu tư phát triển": "investment"}


def _vn_amount(value: str) -> str:
    return f"{int(value):,}".replace(",", ".")


def _budget_report(path, rows: pd.DataFrame, *, decomposed: bool = False) -> None:
    nfd = (lambda s: unicodedata.normalize("NFD", s)) if decomposed else (lambda s: s)
    book = openpyxl.Workbook(write_only=True)
    sheet = book.create_sheet("Báo cáo")
    sheet.append(["BỘ NÔNG NGHIỆP VÀ MÔI TRƯỜNG"])
    sheet.append(["BÁO CÁO TÌNH HÌNH GIẢI NGÂN VỐN NGÂN SÁCH NHÀ NƯỚC"])
    sheet.append([])
    sheet.append(["STT"] + [nfd(h) for h in BUDGET_HEADERS.values()])
    back = {v: k for k, v in CATEGORIES.items()}
    for n, r in enumerate(rows.itertuples(), start=1):
        day = pd.Timestamp(r.as_of).strftime("%d/%m/%Y")
        sheet.append([n, r.unit_code, int(r.fiscal_year), nfd(back[r.category]), r.line_code, nfd(r.line_name),
                      _vn_amount(r.plan_amount), day, _vn_amount(r.disbursed_amount)])
    book.save(path)


def test_files_inbox_vietnamese_reports(make_warehouse, canonical, tmp_path):
    inbox, archive = tmp_path / "inbox", tmp_path / "archive"
    inbox.mkdir()
    budget = read_canonical(canonical["budget"])
    first, second = budget.iloc[:40], budget.iloc[40:80]
    _budget_report(inbox / "B01_2026-10.xlsx", first)
    _budget_report(inbox / "B02_2026-10.xlsx", second, decomposed=True)
    (inbox / "ghi_chu.xlsx").write_bytes(b"not a workbook")
    (inbox / "~$B01_2026-10.xlsx").write_bytes(b"excel lock file")
    settings = make_warehouse({"name": "taichinh", "dataset": "budget", "kind": "files", "inbox": str(inbox),
                               "archive": str(archive), "pattern": "*.xlsx", "columns": BUDGET_HEADERS,
                               "values": {"category": CATEGORIES}})
    run = pull(settings).results[0]
    assert run.status == "success", run.error
    assert (run.read, run.loaded, run.quarantined) == (81, 80, 1)
    stored = _stored(settings, "select * from budget order by unit_code, fiscal_year, category, line_code, as_of")
    expected = pd.concat([first, second]).sort_values(["unit_code", "fiscal_year", "category", "line_code", "as_of"])
    assert stored["plan_amount"].tolist() == expected["plan_amount"].astype(int).tolist()
    assert stored["disbursed_amount"].tolist() == expected["disbursed_amount"].astype(int).tolist()
    assert stored["category"].tolist() == expected["category"].tolist()
    assert stored["line_name"].tolist() == [unicodedata.normalize("NFC", s) for s in expected["line_name"]]
    reason = _stored(settings, "select reason, record from quarantine")
    assert reason["reason"][0].startswith("unreadable file:") and "ghi_chu.xlsx" in reason["record"][0]

    assert sorted(p.name for p in inbox.iterdir()) == ["~$B01_2026-10.xlsx"]
    archived = sorted(archive.rglob("*.xlsx"))
    assert len(archived) == 3 and any(p.parent.name == "rejected" for p in archived)
    loaded_copy = next(p for p in archived if p.name.endswith("_B01_2026-10.xlsx"))
    with writer(settings) as con:
        digests = {r[0] for r in con.execute("select sha256 from file_ledger where outcome = 'loaded'").fetchall()}
    assert any(loaded_copy.name.startswith(d[:12]) for d in digests)

    shutil.copy(loaded_copy, inbox / "B01_2026-10 (gửi lại).xlsx")  # the same report sent again
    again = pull(settings)
    assert (again.results[0].read, again.results[0].loaded) == (0, 0) and again.version is None
    assert not (inbox / "B01_2026-10 (gửi lại).xlsx").exists()
    with duckdb.connect(str(settings.snapshots_dir / read_pointer(settings)["file"]), read_only=True) as con:
        assert con.execute("select count(*) from budget").fetchone()[0] == 80


def test_status_cli_reports_sources(make_warehouse, canonical, tmp_path):
    import subprocess
    import sys

    database = tmp_path / "motcua.sqlite"
    with sqlite3.connect(database) as con:
        _native_dossiers(canonical).head(50).to_sql("hs_ho_so", con, index=False)
    settings = make_warehouse(_dossier_source("motcua", url=f"sqlite:///{database}", table="hs_ho_so"))
    env = {"OPSCENTER_DATA_DIR": str(settings.data_dir), "OPSCENTER_SOURCES_FILE": str(settings.sources_path),
           "OPSCENTER_DEMO": "false", "PATH": "/usr/bin:/bin"}
    run = subprocess.run([sys.executable, "-m", "pipelines", "run", "motcua", "--json"], capture_output=True,
                         text=True, env=env, timeout=120)
    assert run.returncode == 0, run.stderr
    assert json.loads(run.stdout)["runs"][0]["loaded"] == 50
    unknown = subprocess.run([sys.executable, "-m", "pipelines", "run", "nope"], capture_output=True, text=True,
                             env=env, timeout=120)
    assert unknown.returncode == 2 and "unknown source(s): nope" in unknown.stderr
    status = json.loads(subprocess.run([sys.executable, "-m", "pipelines", "status", "--json"], capture_output=True,
                                       text=True, env=env, timeout=120).stdout)
    source = next(s for s in status["sources"] if s["source_name"] == "motcua")
    assert source["last_status"] == "success" and source["stale"] is False and source["freshness_minutes"] == 30
    assert status["runs"][0]["watermark_after"] == source["watermark"]
