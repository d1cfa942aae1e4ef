"""The demo's source systems: the canonical demo files as production delivers them.

In production nothing arrives as canonical CSV. ``export`` turns the five canonical demo
files into the three systems that ``config/sources.toml`` maps back onto the records:

- ``motcua.sqlite``: the one-stop system's database (Hệ thống thông tin giải quyết TTHC,
  "một cửa") with its own tables and codes: ``dm_don_vi`` (units), ``dm_thu_tuc``
  (procedures), ``hs_ho_so`` (dossiers, indexed on ``ngay_cap_nhat``, the watermark), and
  ``demo_clock``, the demo's clock (see ``advance.py``);
- ``task_feed/page-0001.json``, ...: the Government Office's task API as JSON pages of
  ``PAGE_SIZE`` items sorted by ``cap_nhat_luc``, chained by a relative ``links.next``;
- ``inbox/budget/<unit>_<YYYY-MM>.xlsx``: the finance department's monthly disbursement
  reports, title rows first, then a Vietnamese header row, amounts written as text the
  Vietnamese way (``1.234.567.000``), dates as ``dd/mm/yyyy``; a few files carry their
  headers in decomposed Unicode (NFD) as some office software writes them.

The finance department's ledger behind the reports (the latest figure of every budget
line) is kept in ``taichinh.sqlite`` so that ``advance`` can write later reports.

The conversion is lossless: read back through the mapping, every value is the canonical
one (booleans as 1/0, channels as the portal's 1/2/3, times exactly as given). The same
canonical files give byte-identical systems: nothing reads the clock.
"""
from __future__ import annotations

import json
import os
import shutil
import sqlite3
import unicodedata
import uuid
from collections.abc import Iterable, Sequence
from datetime import date, datetime, time
from pathlib import Path
from zipfile import ZIP_DEFLATED, ZipFile, ZipInfo

import pandas as pd
from openpyxl import Workbook
from openpyxl.writer.excel import ExcelWriter

from pipelines import parse

__all__ = ["export", "SQLITE_NAME", "FEED_DIR", "BUDGET_INBOX", "LEDGER_NAME"]

SQLITE_NAME = "motcua.sqlite"
LEDGER_NAME = "taichinh.sqlite"
FEED_DIR = "task_feed"
BUDGET_INBOX = Path("inbox") / "budget"
PAGE_SIZE = 500
LOCAL_OFFSET = "+07:00"

# Native codes of the one-stop system (canonical -> native); sources.toml maps them back.
UNIT_KINDS = {"ministry_unit": "DON_VI_BO", "province_dept": "SO_TINH"}
LEVELS = {"central": "TRUNG_UONG", "province": "TINH"}
FIELDS = {
    "land": "DAT_DAI", "environment": "MOI_TRUONG", "water": "TAI_NGUYEN_NUOC",
    "minerals": "DIA_CHAT_KHOANG_SAN", "meteorology": "KHI_TUONG_THUY_VAN",
    "sea": "BIEN_HAI_DAO", "survey": "DO_DAC_BAN_DO", "crop": "TRONG_TROT",
    "livestock": "CHAN_NUOI", "fisheries": "THUY_SAN", "forestry": "LAM_NGHIEP",
    "irrigation": "THUY_LOI",
}
CHANNELS = {"direct": 1, "online": 2, "postal": 3, "1": 1, "2": 2, "3": 3}
STATUSES = {
    "received": "DA_TIEP_NHAN", "processing": "DANG_XU_LY", "supplement": "CHO_BO_SUNG",
    "finished": "DA_TRA_KET_QUA", "rejected": "TU_CHOI", "withdrawn": "RUT_HO_SO",
}
OPEN_CODES = ("DA_TIEP_NHAN", "DANG_XU_LY", "CHO_BO_SUNG")
# The task API's codes of who assigned a task.
TASK_SOURCES = {"government": "CHINH_PHU", "prime_minister": "THU_TUONG",
                "ministry_leader": "LANH_DAO_BO", "other": "KHAC"}
# The finance reports' spending categories and header row (canonical column -> header).
CATEGORIES = {"recurrent": "Chi thường xuyên", "investment": "Chi đầu tư phát triển"}
BUDGET_HEADERS = {
    "stt": "STT",
    "unit_code": "Mã đơn vị",
    "fiscal_year": "Năm ngân sách",
    "category": "Loại chi",
    "line_code": "Mã dòng",
    "line_name": "Nội dung",
    "plan_amount": "Dự toán được giao (đồng)",
    "disbursed_amount": "Lũy kế giải ngân (đồng)",
    "rate": "Tỷ lệ giải ngân (%)",
    "as_of": "Ngày số liệu",
}
NFD_EVERY = 25  # every 25th report (and at least one) has its headers in NFD

SCHEMA = """
create table dm_don_vi (                  -- danh mục đơn vị
    ma_don_vi text primary key,
    ten_don_vi text not null,
    ten_tieng_anh text,
    loai_don_vi text not null,            -- DON_VI_BO | SO_TINH
    ma_don_vi_cha text,
    hieu_luc_tu text,                     -- YYYY-MM-DD
    hieu_luc_den text,
    ma_don_vi_ke_thua text,               -- đơn vị kế thừa (successor)
    email_lien_he text                    -- hộp thư nhận công văn (contact e-mail)
);
create table dm_thu_tuc (                 -- danh mục thủ tục hành chính
    ma_thu_tuc text primary key,
    ten_thu_tuc text not null,
    ten_tieng_anh text,
    linh_vuc text,                        -- DAT_DAI, MOI_TRUONG, ...
    cap_thuc_hien text,                   -- TRUNG_UONG | TINH
    so_ngay_giai_quyet integer not null,  -- ngày làm việc
    co_phi integer not null default 0,    -- 0/1
    dvc_toan_trinh integer not null default 0
);
create table hs_ho_so (                   -- hồ sơ
    ma_ho_so text primary key,
    ma_thu_tuc text not null references dm_thu_tuc (ma_thu_tuc),
    ma_don_vi text not null references dm_don_vi (ma_don_vi),
    kenh_nop integer not null,            -- 1 trực tiếp, 2 trực tuyến, 3 bưu chính
    ngay_tiep_nhan text not null,
    ngay_hen_tra text,
    ngay_tra_ket_qua text,
    trang_thai text not null,             -- DA_TIEP_NHAN, DANG_XU_LY, CHO_BO_SUNG,
                                          -- DA_TRA_KET_QUA, TU_CHOI, RUT_HO_SO
    so_lan_bo_sung integer not null default 0,
    so_ngay_bo_sung numeric not null default 0,
    ngay_yeu_cau_bo_sung text,            -- lần yêu cầu bổ sung đang chờ công dân
    thanh_toan_truc_tuyen integer not null default 0,
    ngay_cap_nhat text not null
);
create index ix_hs_ho_so_ngay_cap_nhat on hs_ho_so (ngay_cap_nhat);
create table demo_clock (real_at text, demo_at text not null);
"""
LEDGER_SCHEMA = """
create table so_lieu_giai_ngan (          -- the latest figure of every budget line
    ma_don_vi text not null,
    ten_don_vi text not null,
    nam_ngan_sach integer not null,
    loai_chi text not null,               -- recurrent | investment
    ma_dong text not null,
    noi_dung text,
    du_toan integer not null,
    ngay_so_lieu text not null,           -- YYYY-MM-DD
    luy_ke_giai_ngan integer not null,
    primary key (ma_don_vi, nam_ngan_sach, loai_chi, ma_dong)
);
"""
DOSSIER_COLUMNS = ("ma_ho_so", "ma_thu_tuc", "ma_don_vi", "kenh_nop", "ngay_tiep_nhan",
                   "ngay_hen_tra", "ngay_tra_ket_qua", "trang_thai", "so_lan_bo_sung",
                   "so_ngay_bo_sung", "ngay_yeu_cau_bo_sung", "thanh_toan_truc_tuyen", "ngay_cap_nhat")


def export(canonical: dict[str, Path], demo_dir: Path) -> dict[str, Path]:
    """Write the three demo systems from the five canonical CSV files; return their paths:
    ``sqlite`` (the one-stop database), ``task_feed`` (the API's first page) and
    ``budget_inbox`` (the folder of XLSX reports)."""
    demo_dir = Path(demo_dir)
    demo_dir.mkdir(parents=True, exist_ok=True)
    frames = {name: pd.read_csv(canonical[name], dtype=str, keep_default_na=False, encoding="utf-8-sig")
              for name in ("units", "procedures", "dossiers", "tasks", "budget")}
    last_day = _last_day(frames)
    sqlite_path = _write_motcua(frames, demo_dir / SQLITE_NAME, last_day)
    feed = write_feed(task_items(frames["tasks"], frames["units"]), demo_dir / FEED_DIR)
    inbox = _write_budget(frames["budget"], frames["units"], demo_dir)
    return {"sqlite": sqlite_path, "task_feed": feed, "budget_inbox": inbox}


# --- helpers shared with advance.py ------------------------------------------------------

def none_if_empty(values: Iterable[str]) -> list[str | None]:
    return [v if v != "" else None for v in values]


def local_text(moment: datetime) -> str:
    """A local moment as the one-stop system writes it: ``YYYY-MM-DD HH:MM:SS``."""
    return moment.strftime("%Y-%m-%d %H:%M:%S")


def iso_local(moment: datetime) -> str:
    """A local moment as the task API writes it: ISO 8601 with the +07:00 offset."""
    return moment.strftime("%Y-%m-%dT%H:%M:%S") + LOCAL_OFFSET


def vn_amount(value: int) -> str:
    """Whole VND the Vietnamese way: 1234567000 -> ``1.234.567.000``."""
    return f"{int(value):,}".replace(",", ".")


def connect(path: Path) -> sqlite3.Connection:
    """A connection that leaves transactions to the caller (``begin``/``commit``)."""
    return sqlite3.connect(path, isolation_level=None)


# --- the one-stop database -------------------------------------------------------------

def _last_day(frames: dict[str, pd.DataFrame]) -> date:
    """The demo's last day: the latest date the data speaks of (budget reports are as of the
    generator's ``today``; the times of dossiers and tasks never pass its end)."""
    days = [parse.day(v) for v in frames["budget"]["as_of"] if v]
    for name in ("dossiers", "tasks"):
        stamps = frames[name]["updated_at"]
        if len(stamps):
            days.append(max(parse.timestamp(v) for v in stamps if v).date())
    return max(days) if days else date.today()


def _write_motcua(frames: dict[str, pd.DataFrame], path: Path, last_day: date) -> Path:
    units, procedures, dossiers = frames["units"], frames["procedures"], frames["dossiers"]
    unit_rows = zip(
        units["unit_code"], units["name_vi"], none_if_empty(units["name_en"]),
        units["kind"].str.lower().map(UNIT_KINDS), none_if_empty(units["parent_code"]),
        none_if_empty(units["valid_from"]), none_if_empty(units["valid_to"]),
        none_if_empty(units["successor_code"]), none_if_empty(units["contact_email"]),
    )
    procedure_rows = zip(
        procedures["procedure_code"], procedures["name_vi"], none_if_empty(procedures["name_en"]),
        [FIELDS.get(f, f) or None for f in procedures["field"]],
        [LEVELS.get(v.lower()) if v else None for v in procedures["level"]],
        procedures["legal_days"].astype(int).tolist(),
        _flags(procedures["has_fee"]), _flags(procedures["full_online"]),
    )
    dossier_rows = zip(
        dossiers["dossier_id"], dossiers["procedure_code"], dossiers["unit_code"],
        dossiers["channel"].str.lower().map(CHANNELS).astype(int).tolist(),
        dossiers["received_at"], none_if_empty(dossiers["due_at"]),
        none_if_empty(dossiers["finished_at"]),
        dossiers["status"].str.lower().map(STATUSES),
        dossiers["supplement_count"].replace("", "0").astype(int).tolist(),
        [_number(v) for v in dossiers["supplement_days"]],
        none_if_empty(dossiers["supplement_requested_at"]),
        _flags(dossiers["paid_online"]), dossiers["updated_at"],
    )
    scratch = path.with_name(f".{path.name}.{uuid.uuid4().hex[:8]}.tmp")
    con = connect(scratch)
    try:
        con.execute("pragma journal_mode = off")  # a new file, swapped in whole at the end
        con.execute("pragma synchronous = off")
        con.executescript(SCHEMA)
        con.execute("begin")
        con.executemany("insert into dm_don_vi values (?, ?, ?, ?, ?, ?, ?, ?, ?)", unit_rows)
        con.executemany("insert into dm_thu_tuc values (?, ?, ?, ?, ?, ?, ?, ?)", procedure_rows)
        con.executemany(f"insert into hs_ho_so values ({', '.join('?' * len(DOSSIER_COLUMNS))})",
                        dossier_rows)
        # The clock starts at the end of the data's last day; it has not run yet.
        con.execute("insert into demo_clock values (null, ?)",
                    (local_text(datetime.combine(last_day, time(23, 59, 59))),))
        con.execute("commit")
    finally:
        con.close()
    Path(f"{path}-journal").unlink(missing_ok=True)  # never replay a stale journal on the new file
    os.replace(scratch, path)
    return path


def _flags(values: Sequence[str]) -> list[int]:
    return [int(parse.boolean(v)) if v else 0 for v in values]


def _number(text: str) -> int | float:
    """A decimal count of days as stored in a NUMERIC column: ``3`` -> 3, ``3.5`` -> 3.5."""
    if text == "":
        return 0
    value = float(text)
    return int(value) if value.is_integer() else value


# --- the task API ----------------------------------------------------------------------

def task_items(tasks: pd.DataFrame, units: pd.DataFrame) -> list[dict]:
    """Tasks in the API's own shape, sorted by ``cap_nhat_luc`` (then id)."""
    names = dict(zip(units["unit_code"], units["name_vi"]))
    items = [
        task_item(task_id, title, source, ref, unit, names.get(unit, ""), assigned, due, done,
                  parse.timestamp(updated), leader, coordinating)
        for task_id, title, source, ref, unit, assigned, due, done, updated, leader, coordinating in zip(
            tasks["task_id"], tasks["title"], tasks["source"], tasks["document_ref"],
            tasks["lead_unit_code"], tasks["assigned_on"], tasks["due_on"],
            tasks["completed_on"], tasks["updated_at"], tasks["supervising_leader"],
            tasks["coordinating_units"])
    ]
    return sort_items(items)


def task_item(task_id: str, title: str, source: str, ref: str, unit: str, unit_name: str,
              assigned: str, due: str, done: str, updated: datetime, leader: str = "",
              coordinating: str = "") -> dict:
    return {
        "id": task_id,
        "trich_yeu": title,
        "nguon_giao": TASK_SOURCES[source.lower()],
        "so_ky_hieu": ref or None,
        "don_vi_chu_tri": {"ma": unit, "ten": unit_name},
        "ngay_giao": _iso_day(assigned),
        "han_xu_ly": _iso_day(due),
        "ngay_hoan_thanh": _iso_day(done),
        "tinh_trang": "DA_HOAN_THANH" if done else "DANG_THUC_HIEN",
        "cap_nhat_luc": iso_local(updated),
        "lanh_dao_chi_dao": leader or None,
        "don_vi_phoi_hop": coordinating or None,
    }


def _iso_day(text: str) -> str | None:
    return parse.day(text).isoformat() if text else None


def sort_items(items: list[dict]) -> list[dict]:
    return sorted(items, key=lambda item: (parse.timestamp(item["cap_nhat_luc"]), item["id"]))


def page_name(number: int) -> str:
    return f"page-{number:04d}.json"


def write_feed(items: list[dict], feed_dir: Path, page_size: int = PAGE_SIZE) -> Path:
    """Write the pages into a new folder, then swap it in for the old one; return the path
    of the first page. A reader sees the old feed or the new one, never a half-written page."""
    feed_dir = Path(feed_dir)
    fresh = feed_dir.with_name(f".{feed_dir.name}.{uuid.uuid4().hex[:8]}.new")
    fresh.mkdir(parents=True)
    pages = max(1, -(-len(items) // page_size))
    for number in range(1, pages + 1):
        page = {
            "data": items[(number - 1) * page_size:number * page_size],
            "links": {"next": page_name(number + 1) if number < pages else None},
            "meta": {"current_page": number, "last_page": pages, "per_page": page_size,
                     "total": len(items)},
        }
        (fresh / page_name(number)).write_text(
            json.dumps(page, ensure_ascii=False, separators=(",", ":")), encoding="utf-8")
    old = feed_dir.with_name(f".{feed_dir.name}.{uuid.uuid4().hex[:8]}.old")
    if feed_dir.exists():
        os.replace(feed_dir, old)
    os.replace(fresh, feed_dir)
    shutil.rmtree(old, ignore_errors=True)
    return feed_dir / page_name(1)


def read_feed(feed_dir: Path) -> list[dict]:
    """Every item of the feed, following the pages' links from the first."""
    items, name = [], page_name(1)
    while name:
        page = json.loads((Path(feed_dir) / name).read_text(encoding="utf-8"))
        items.extend(page["data"])
        name = page["links"]["next"]
    return items


# --- the finance reports ---------------------------------------------------------------

def _write_budget(budget: pd.DataFrame, units: pd.DataFrame, demo_dir: Path) -> Path:
    inbox = demo_dir / BUDGET_INBOX
    inbox.mkdir(parents=True, exist_ok=True)
    for old in inbox.glob("*.xlsx"):  # a new demo replaces the reports of the previous one
        old.unlink()
    names = dict(zip(units["unit_code"], units["name_vi"]))
    frame = budget.assign(
        _day=[parse.day(v) for v in budget["as_of"]],
        _plan=[parse.amount(v) for v in budget["plan_amount"]],
        _disbursed=[parse.amount(v) for v in budget["disbursed_amount"]],
        _year=budget["fiscal_year"].astype(int),
        _category=budget["category"].str.lower(),
    )
    frame["_month"] = [d.strftime("%Y-%m") for d in frame["_day"]]
    frame = frame.sort_values(["unit_code", "_month", "_day", "_category", "line_code"], kind="stable")
    reports: dict[tuple[str, str], list[tuple]] = {}
    for unit, month, *row in zip(frame["unit_code"], frame["_month"], frame["_year"],
                                 frame["_category"], frame["line_code"], frame["line_name"],
                                 frame["_plan"], frame["_disbursed"], frame["_day"]):
        reports.setdefault((unit, month), []).append(tuple(row))
    for number, ((unit, month), rows) in enumerate(reports.items()):
        write_report(inbox / f"{unit}_{month}.xlsx", unit, names.get(unit, unit), month, rows,
                     nfd=number % NFD_EVERY == NFD_EVERY // 2 or len(reports) == 1)
    _write_ledger(frame, names, demo_dir / LEDGER_NAME)
    return inbox


def _write_ledger(frame: pd.DataFrame, names: dict[str, str], path: Path) -> None:
    latest = frame.sort_values("_day", kind="stable").drop_duplicates(
        ["unit_code", "_year", "_category", "line_code"], keep="last")
    scratch = path.with_name(f".{path.name}.{uuid.uuid4().hex[:8]}.tmp")
    con = connect(scratch)
    try:
        con.executescript(LEDGER_SCHEMA)
        con.execute("begin")
        con.executemany("insert into so_lieu_giai_ngan values (?, ?, ?, ?, ?, ?, ?, ?, ?)", zip(
            latest["unit_code"], [names.get(u, u) for u in latest["unit_code"]],
            latest["_year"].tolist(), latest["_category"], latest["line_code"],
            latest["line_name"], latest["_plan"].tolist(),
            [d.isoformat() for d in latest["_day"]], latest["_disbursed"].tolist()))
        con.execute("commit")
    finally:
        con.close()
    Path(f"{path}-journal").unlink(missing_ok=True)
    os.replace(scratch, path)


class _FixedTimeZip(ZipFile):
    """A zip whose members carry a fixed time, so the same report gives the same bytes."""

    def __init__(self, path, moment: datetime):
        super().__init__(path, "w", ZIP_DEFLATED)
        self._moment = (max(moment.year, 1980),) + moment.timetuple()[1:6]

    def writestr(self, zinfo_or_arcname, data, compress_type=None, compresslevel=None):
        if not isinstance(zinfo_or_arcname, ZipInfo):
            zinfo_or_arcname = ZipInfo(zinfo_or_arcname, date_time=self._moment)
            zinfo_or_arcname.compress_type = self.compression
            zinfo_or_arcname.external_attr = 0o600 << 16
        super().writestr(zinfo_or_arcname, data, compress_type, compresslevel)

    def write(self, filename, arcname=None, compress_type=None, compresslevel=None):
        with open(filename, "rb") as handle:
            self.writestr(arcname or os.path.basename(filename), handle.read())


def write_report(path: Path, unit: str, unit_name: str, month: str, rows: Sequence[tuple], *,
                 nfd: bool = False) -> Path:
    """One monthly report of a unit: title rows, the header row, one row per budget line.

    ``rows`` are (fiscal_year, category, line_code, line_name, plan, disbursed, as_of date).
    Written under a temporary name and renamed, so an inbox scan never takes half a file.
    """
    year, number = (int(part) for part in month.split("-"))
    headers = list(BUDGET_HEADERS.values())
    if nfd:
        headers = [unicodedata.normalize("NFD", h) for h in headers]
    book = Workbook(write_only=True)
    stamp = datetime.combine(max((r[6] for r in rows), default=date(year, number, 1)), time(17, 0))
    book.properties.creator = "Vụ Kế hoạch - Tài chính"
    book.properties.title = f"Báo cáo giải ngân tháng {number:02d}/{year} - {unit}"
    book.properties.created = book.properties.modified = stamp
    sheet = book.create_sheet("Báo cáo")
    for letter, width in zip("ABCDEFGHIJ", (6, 14, 10, 22, 24, 60, 24, 24, 12, 14)):
        sheet.column_dimensions[letter].width = width
    sheet.append(["BỘ NÔNG NGHIỆP VÀ MÔI TRƯỜNG"])
    sheet.append(["BÁO CÁO TÌNH HÌNH GIẢI NGÂN VỐN NGÂN SÁCH NHÀ NƯỚC"])
    sheet.append([f"Tháng {number} năm {year} — Đơn vị: {unit_name}"])
    sheet.append([])
    sheet.append(headers)
    for stt, (fiscal_year, category, line_code, line_name, plan, disbursed, as_of) in enumerate(rows, 1):
        rate = f"{100 * disbursed / plan:.2f}".replace(".", ",") if plan else ""
        sheet.append([stt, unit, int(fiscal_year), CATEGORIES[category], line_code, line_name,
                      vn_amount(plan), vn_amount(disbursed), rate, as_of.strftime("%d/%m/%Y")])
    path = Path(path)
    scratch = path.with_name(f".{path.name}.{uuid.uuid4().hex[:8]}.part")
    try:
        ExcelWriter(book, _FixedTimeZip(scratch, stamp)).save()
        os.replace(scratch, path)
    finally:
        scratch.unlink(missing_ok=True)
    return path


def month_of(day: date) -> str:
    return day.strftime("%Y-%m")

