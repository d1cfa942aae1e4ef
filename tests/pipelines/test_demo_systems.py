"""The demo systems (one-stop database, task API feed, finance reports) hold the canonical
demo data losslessly under config/sources.toml, and advancing them keeps the rules."""
from __future__ import annotations

import filecmp
import io
import json
import re
import shutil
import sqlite3
import tomllib
import unicodedata
import urllib.parse
import urllib.request
from datetime import datetime, timedelta
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from openpyxl import load_workbook

from pipelines import parse
from pipelines.demo import generate
from pipelines.demo.advance import advance
from pipelines.demo.systems import PAGE_SIZE, export, write_feed
from pipelines.records import DATASETS, DOSSIERS
from pipelines.sources.config import load_sources
from tests.conftest import DEMO_DOSSIERS, DEMO_TODAY, make_settings
from warehouse.calendar import WorkCalendar
from warehouse.domain import CLOSED_STATUSES

CONFIG = Path(__file__).resolve().parents[2] / "config"
SEED = 20250301
VN_AMOUNT = re.compile(r"^\d{1,3}(?:\.\d{3})*$")
NATIVE_TABLES = {"motcua_units": "units", "motcua_procedures": "procedures", "motcua_dossiers": "dossiers"}


@pytest.fixture(scope="module")
def calendar() -> WorkCalendar:
    return WorkCalendar.from_config(CONFIG, last_year=DEMO_TODAY.year + 2)


@pytest.fixture(scope="module")
def canonical_files(tmp_path_factory, calendar) -> dict[str, Path]:
    return generate(tmp_path_factory.mktemp("canonical"), seed=SEED, n_dossiers=DEMO_DOSSIERS,
                    today=DEMO_TODAY, calendar=calendar)


@pytest.fixture(scope="module")
def canonical(canonical_files) -> dict[str, pd.DataFrame]:
    return {name: pd.read_csv(path, dtype=str, keep_default_na=False)
            for name, path in canonical_files.items()}


@pytest.fixture(scope="module")
def exported(tmp_path_factory, canonical_files):
    """Settings whose demo_dir holds the exported systems, and export's answer."""
    settings = make_settings(tmp_path_factory.mktemp("systems") / "var")
    return settings, export(canonical_files, settings.demo_dir)


@pytest.fixture(scope="module")
def sources() -> dict[str, dict]:
    raw = tomllib.loads((CONFIG / "sources.toml").read_text(encoding="utf-8"))
    return {entry["name"]: entry for entry in raw["source"]}


def _text(value) -> str:
    return "" if value is None else unicodedata.normalize("NFC", str(value))


def _translate(value: str, codes: dict[str, str] | None) -> str:
    return (codes or {}).get(value, value)


def _mapped(rows: list[dict], source: dict) -> pd.DataFrame:
    """Native rows (dotted paths resolved by ``get``) through the source's columns and values."""
    columns = DATASETS[source["dataset"]].column_names
    values = source.get("values", {})
    return pd.DataFrame({
        name: [_translate(_text(_get(row, source["columns"][name])), values.get(name)) if name in
               source["columns"] else "" for row in rows]
        for name in columns
    }, columns=list(columns))


def _get(row: dict, path: str):
    if path in row:
        return row[path]
    for part in path.split("."):
        row = row.get(part) if isinstance(row, dict) else None
    return row


def _table(db: Path, table: str) -> list[dict]:
    con = sqlite3.connect(db)
    con.row_factory = sqlite3.Row
    try:
        return [dict(r) for r in con.execute(f"select * from {table} order by rowid")]
    finally:
        con.close()


def _canonical_form(frame: pd.DataFrame, dataset: str) -> pd.DataFrame:
    """Enum inputs as the canonical value they stand for (the portal's 1/2/3 channels)."""
    frame = frame.copy()
    for column in DATASETS[dataset].columns:
        if column.kind == "enum":
            frame[column.name] = frame[column.name].str.lower().map(column.choices)
    return frame.sort_values(list(DATASETS[dataset].keys), ignore_index=True)


def _feed(first_page: Path) -> tuple[list[dict], list[dict]]:
    """Pages and items, following links.next resolved against each page's file:// URL."""
    url, pages = first_page.as_uri(), []
    while url:
        with urllib.request.urlopen(url) as answer:
            page = json.loads(answer.read().decode("utf-8"))
        pages.append(page)
        url = urllib.parse.urljoin(url, page["links"]["next"]) if page["links"]["next"] else None
    return pages, [item for page in pages for item in page["data"]]


def _report(content, headers: dict[str, str]) -> pd.DataFrame:
    """One XLSX report's data rows under canonical names, found below its header row (the
    first row holding every mapped header, compared as NFC); ``attrs["nfd"]`` says whether
    the header row was written decomposed."""
    wanted = {unicodedata.normalize("NFC", h): name for name, h in headers.items()}
    book = load_workbook(io.BytesIO(content) if isinstance(content, bytes) else content, read_only=True)
    rows = list(book.worksheets[0].iter_rows(values_only=True))
    book.close()
    at = next(i for i, row in enumerate(rows)
              if set(wanted) <= {unicodedata.normalize("NFC", str(c)) for c in row if c is not None})
    names = [wanted.get(unicodedata.normalize("NFC", str(c))) if c is not None else None for c in rows[at]]
    frame = pd.DataFrame([dict((n, v) for n, v in zip(names, row) if n) for row in rows[at + 1:]])
    frame.attrs["nfd"] = any(str(c) != unicodedata.normalize("NFC", str(c)) for c in rows[at] if c)
    return frame


def _reports(inbox: Path, headers: dict[str, str]) -> dict[str, pd.DataFrame]:
    return {path.name: _report(path, headers) for path in sorted(inbox.glob("*.xlsx"))}


# --- export ------------------------------------------------------------------------------

def test_sources_file_is_valid(exported):
    settings, _ = exported
    sources = load_sources(settings)
    assert set(sources) == {"motcua_units", "motcua_procedures", "motcua_dossiers", "vpcp_tasks",
                            "taichinh_budget"}
    assert all(s.demo for s in sources.values())
    assert sources["motcua_dossiers"].freshness_minutes == 30
    first_page = settings.demo_dir.resolve() / "task_feed" / "page-0001.json"
    assert sources["vpcp_tasks"].url == first_page.as_uri()


def test_export_is_deterministic(tmp_path, exported, canonical_files):
    _, paths = exported
    again = export(canonical_files, tmp_path / "again")
    assert set(again) == {"sqlite", "task_feed", "budget_inbox"}
    assert again["sqlite"].read_bytes() == paths["sqlite"].read_bytes()
    compare = filecmp.dircmp(paths["task_feed"].parent, again["task_feed"].parent)
    assert compare.left_list == compare.right_list and not compare.diff_files
    names = sorted(p.name for p in paths["budget_inbox"].glob("*.xlsx"))
    assert names == sorted(p.name for p in again["budget_inbox"].glob("*.xlsx"))
    match, mismatch, errors = filecmp.cmpfiles(paths["budget_inbox"], again["budget_inbox"], names,
                                               shallow=False)
    assert not mismatch and not errors


def test_sqlite_row_counts_equal_the_csv_counts(exported, canonical):
    _, paths = exported
    con = sqlite3.connect(paths["sqlite"])
    counts = {table: con.execute(f"select count(*) from {table}").fetchone()[0]
              for table in ("dm_don_vi", "dm_thu_tuc", "hs_ho_so")}
    indexes = {row[1] for row in con.execute("pragma index_list(hs_ho_so)")}
    con.close()
    assert counts == {"dm_don_vi": len(canonical["units"]), "dm_thu_tuc": len(canonical["procedures"]),
                      "hs_ho_so": len(canonical["dossiers"])}
    assert "ix_hs_ho_so_ngay_cap_nhat" in indexes


@pytest.mark.parametrize("name", sorted(NATIVE_TABLES))
def test_database_reads_back_as_the_canonical_records(exported, canonical, sources, name):
    _, paths = exported
    source, dataset = sources[name], NATIVE_TABLES[name]
    read = _mapped(_table(paths["sqlite"], source["table"]), source)
    expected = canonical[dataset]
    if dataset == "dossiers":  # the native channel is the portal's 1/2/3: compare as records
        read, expected = _canonical_form(read, dataset), _canonical_form(expected, dataset)
        assert (read["received_at"] == expected["received_at"]).all()  # times as given, offsets kept
    else:
        read, expected = (f.sort_values(list(DATASETS[dataset].keys), ignore_index=True)
                          for f in (read, expected))
    pd.testing.assert_frame_equal(read, expected)


def test_native_codes(exported):
    _, paths = exported
    con = sqlite3.connect(paths["sqlite"])
    statuses = {r[0] for r in con.execute("select distinct trang_thai from hs_ho_so")}
    channels = {r[0] for r in con.execute("select distinct kenh_nop from hs_ho_so")}
    kinds = {r[0] for r in con.execute("select distinct typeof(kenh_nop) from hs_ho_so")}
    con.close()
    assert statuses <= {"DA_TIEP_NHAN", "DANG_XU_LY", "CHO_BO_SUNG", "DA_TRA_KET_QUA", "TU_CHOI",
                        "RUT_HO_SO"} and "DA_TRA_KET_QUA" in statuses
    assert channels == {1, 2, 3} and kinds == {"integer"}


def test_feed_pages_chain_and_hold_every_task_once(tmp_path, exported, canonical, sources):
    _, paths = exported
    pages, items = _feed(paths["task_feed"])
    assert len(pages) == -(-len(canonical["tasks"]) // PAGE_SIZE)
    assert all(len(p["data"]) == PAGE_SIZE for p in pages[:-1]) and pages[-1]["links"]["next"] is None
    # 500 tasks fill one page of the API's size: the same items in pages of 64 chain too
    small = write_feed(items, tmp_path / "task_feed", page_size=64)
    small_pages, small_items = _feed(small)
    assert len(small_pages) == -(-len(items) // 64) > 1 and small_items == items
    assert [p["links"]["next"] for p in small_pages] == [
        f"page-{n:04d}.json" for n in range(2, len(small_pages) + 1)] + [None]
    assert [p["meta"]["current_page"] for p in small_pages] == list(range(1, len(small_pages) + 1))
    assert sorted(p.name for p in small.parent.iterdir()) == [
        f"page-{n:04d}.json" for n in range(1, len(small_pages) + 1)]
    ids = [item["id"] for item in items]
    assert len(ids) == len(set(ids)) and set(ids) == set(canonical["tasks"]["task_id"])
    stamps = [parse.timestamp(item["cap_nhat_luc"]) for item in items]
    assert stamps == sorted(stamps)
    assert all(item["cap_nhat_luc"].endswith("+07:00") for item in items)

    read = _mapped(items, sources["vpcp_tasks"]).set_index("task_id").sort_index()
    expected = canonical["tasks"].set_index("task_id").sort_index()
    same_text = [c for c in expected.columns if c != "updated_at"]
    pd.testing.assert_frame_equal(read[same_text], expected[same_text])
    assert (read["updated_at"].map(parse.timestamp) == expected["updated_at"].map(parse.timestamp)).all()


def test_every_budget_row_is_in_exactly_one_report(exported, canonical, sources):
    _, paths = exported
    source = sources["taichinh_budget"]
    reports = _reports(paths["budget_inbox"], source["columns"])
    assert all(re.fullmatch(r"[A-Z0-9-]+_\d{4}-\d{2}\.xlsx", name) for name in reports)
    assert 0 < sum(r.attrs["nfd"] for r in reports.values()) < len(reports) / 10
    rows = pd.concat([r.assign(_file=name) for name, r in reports.items()], ignore_index=True)
    for column in ("plan_amount", "disbursed_amount"):
        assert rows[column].map(lambda v: isinstance(v, str) and bool(VN_AMOUNT.match(v))).all()
    assert (rows["unit_code"] == rows["_file"].str.rsplit("_", n=1).str[0]).all()

    values = source["values"]
    read = pd.DataFrame({
        "unit_code": rows["unit_code"],
        "fiscal_year": rows["fiscal_year"].astype(str),
        "category": rows["category"].map(lambda v: _translate(v, values["category"])),
        "line_code": rows["line_code"],
        "line_name": rows["line_name"],
        "plan_amount": rows["plan_amount"].map(parse.amount).astype(str),
        "as_of": rows["as_of"].map(lambda v: parse.day(v).isoformat()),
        "disbursed_amount": rows["disbursed_amount"].map(parse.amount).astype(str),
    })
    keys = list(DATASETS["budget"].keys)
    assert not read.duplicated(keys).any()
    month = rows["_file"].str.extract(r"_(\d{4})-(\d{2})\.xlsx$")
    assert (rows["as_of"].str[6:] == month[0]).all() and (rows["as_of"].str[3:5] == month[1]).all()
    pd.testing.assert_frame_equal(read.sort_values(keys, ignore_index=True),
                                  canonical["budget"].sort_values(keys, ignore_index=True))


# --- advance -----------------------------------------------------------------------------

def _state(settings) -> dict:
    demo = settings.demo_dir
    return {
        "dossiers": {r["ma_ho_so"]: r for r in _table(demo / "motcua.sqlite", "hs_ho_so")},
        "units": _table(demo / "motcua.sqlite", "dm_don_vi"),
        "procedures": _table(demo / "motcua.sqlite", "dm_thu_tuc"),
        "clock": _table(demo / "motcua.sqlite", "demo_clock"),
        "tasks": {item["id"]: item for item in _feed(demo / "task_feed" / "page-0001.json")[1]},
        "budget": {p.name: p.read_bytes() for p in (demo / "inbox" / "budget").glob("*.xlsx")},
    }


@pytest.fixture(scope="module")
def advanced(tmp_path_factory, exported):
    """Two advances of a copy of the systems: the states before, after one and after two."""
    source_settings, _ = exported
    settings = make_settings(tmp_path_factory.mktemp("advanced") / "var")
    shutil.copytree(source_settings.demo_dir, settings.demo_dir)
    t0 = datetime(2026, 11, 23, 9, 0, 0)
    states, results = [_state(settings)], []
    for now in (t0, t0 + timedelta(minutes=40)):
        results.append(advance(settings, {"units", "procedures", "dossiers", "tasks", "budget"}, now=now))
        states.append(_state(settings))
    return settings, states, results


def test_the_clock_moves(advanced):
    _, states, results = advanced
    end = f"{DEMO_TODAY.isoformat()} 23:59:59"
    assert states[0]["clock"] == [{"real_at": None, "demo_at": end}]
    first, second = (parse.timestamp(r["demo_at"]) for r in results)
    assert results[0]["demo_from"] == end
    assert first == parse.timestamp(end) + timedelta(minutes=1)  # first step: the minimum
    assert second == first + timedelta(minutes=40)  # then the real time elapsed
    assert states[2]["clock"] == [{"real_at": "2026-11-23T09:40:00", "demo_at": results[1]["demo_at"]}]


def test_the_clock_never_passes_now(tmp_path, exported):
    """Advanced on the demo's last day, before the end the clock was set to, and then again
    within a minute: each step ends now, and every row it writes is stamped no later."""
    source_settings, _ = exported
    settings = make_settings(tmp_path / "var")
    shutil.copytree(source_settings.demo_dir, settings.demo_dir)
    t0 = datetime.combine(DEMO_TODAY, datetime.min.time()) + timedelta(hours=15)
    before = _state(settings)
    for now in (t0, t0 + timedelta(seconds=20)):
        result = advance(settings, {"dossiers", "tasks", "budget"}, now=now)
        stamp = now.strftime("%Y-%m-%d %H:%M:%S")
        assert (result["demo_from"], result["demo_at"]) == (
            (now - timedelta(minutes=1)).strftime("%Y-%m-%d %H:%M:%S"), stamp)
        state = _state(settings)
        written = [r for k, r in state["dossiers"].items() if r != before["dossiers"].get(k)]
        assert written and {r["ngay_cap_nhat"] for r in written} == {stamp}
        assert all(r["ngay_tiep_nhan"] <= stamp and (r["ngay_tra_ket_qua"] or "") <= stamp
                   and (r["ngay_yeu_cau_bo_sung"] or "") <= stamp for r in written)
        tasks = [t for k, t in state["tasks"].items() if t != before["tasks"].get(k)]
        assert tasks and {t["cap_nhat_luc"] for t in tasks} == {now.isoformat() + "+07:00"}
        before = state


def test_advance_changes_only_what_it_reports(advanced, calendar):
    _, states, results = advanced
    assert states[0]["units"] == states[2]["units"] and states[0]["procedures"] == states[2]["procedures"]
    for before, after, result in zip(states, states[1:], results):
        moment, previous = result["demo_at"], result["demo_from"]
        old, new = before["dossiers"], after["dossiers"]
        added = sorted(set(new) - set(old))
        changed = [k for k in old if new[k] != old[k]]
        assert set(old) <= set(new)
        counts = result["dossiers"]
        assert 3 <= len(added) == counts["new"] <= 40
        assert len(changed) == counts["finished"] + counts["supplement"] + counts["processing"] > 0
        assert max(r["ngay_cap_nhat"] for r in old.values()) < moment
        assert all(new[k]["ngay_cap_nhat"] == moment for k in added + changed)
        for k in added:
            row = new[k]
            assert previous < row["ngay_tiep_nhan"] <= moment and row["trang_thai"] == "DA_TIEP_NHAN"
            assert row["ngay_tra_ket_qua"] is None and row["kenh_nop"] in (1, 2, 3)
        finished = [k for k in changed if new[k]["trang_thai"] == "DA_TRA_KET_QUA"]
        assert len(finished) == counts["finished"]
        assert all(previous < new[k]["ngay_tra_ket_qua"] <= moment for k in finished)
        for k in changed:  # only the status, its finish time, supplements and the stamp move
            moved = {c for c in old[k] if old[k][c] != new[k][c]}
            assert moved <= {"trang_thai", "ngay_tra_ket_qua", "so_lan_bo_sung", "ngay_yeu_cau_bo_sung",
                             "ngay_cap_nhat"}
            assert old[k]["trang_thai"] in ("DA_TIEP_NHAN", "DANG_XU_LY")
        sent_back = [k for k in changed if new[k]["trang_thai"] == "CHO_BO_SUNG"]
        assert len(sent_back) == counts["supplement"]
        assert all(new[k]["ngay_yeu_cau_bo_sung"] == moment for k in sent_back)  # the request, now

        tasks_before, tasks_after = before["tasks"], after["tasks"]
        stamp = datetime.fromisoformat(moment).isoformat() + "+07:00"
        changed_tasks = [k for k in tasks_before if tasks_after[k] != tasks_before[k]]
        new_tasks = set(tasks_after) - set(tasks_before)
        assert len(changed_tasks) == result["tasks"]["completed"] >= 1
        assert len(new_tasks) == result["tasks"]["new"]
        for k in changed_tasks + sorted(new_tasks):
            assert tasks_after[k]["cap_nhat_luc"] == stamp
        for k in changed_tasks:
            assert tasks_before[k]["ngay_hoan_thanh"] is None
            assert tasks_after[k]["ngay_hoan_thanh"] == moment[:10]

        rewritten = {n for n in after["budget"] if before["budget"].get(n) != after["budget"][n]}
        assert len(rewritten) == result["budget"]["files"] >= 2
        assert all(n.endswith(f"_{moment[:7]}.xlsx") for n in rewritten)
    # the new dossiers' numbers continue the day's counter
    added = sorted(set(states[2]["dossiers"]) - set(states[0]["dossiers"]))
    numbers = sorted(int(k[-6:]) for k in added if k[-13:-7] == "261121")
    assert numbers == list(range(1, len(added) + 1))  # the data ends on the 20th


def test_advanced_data_keeps_the_rules(advanced, sources, calendar, canonical):
    settings, states, _ = advanced
    rows = list(states[2]["dossiers"].values())
    frame = _mapped(rows, sources["motcua_dossiers"])
    known = {"units": set(canonical["units"]["unit_code"]),
             "procedures": set(canonical["procedures"]["procedure_code"])}
    assert _broken(frame, known) == []

    units = {u["ma_don_vi"]: u for u in states[2]["units"]}
    legal = {p["ma_thu_tuc"]: p["so_ngay_giai_quyet"] for p in states[2]["procedures"]}
    for key in set(states[2]["dossiers"]) - set(states[0]["dossiers"]):
        row = states[2]["dossiers"][key]
        received = parse.timestamp(row["ngay_tiep_nhan"])
        unit = units[row["ma_don_vi"]]
        day = received.date().isoformat()
        assert (unit["hieu_luc_tu"] or day) <= day <= (unit["hieu_luc_den"] or day)
        due = calendar.add_working_days(np.array([received.date()], dtype="datetime64[D]"),
                                        np.array([legal[row["ma_thu_tuc"]]]))[0]
        assert row["ngay_hen_tra"] == f"{due} 23:59:59"
    finished = [r for r in rows if r["ngay_cap_nhat"] > f"{DEMO_TODAY.isoformat()} 23:59:59"
                and r["trang_thai"] == "DA_TRA_KET_QUA"]
    on_time = [r for r in finished if r["ngay_hen_tra"] is None or r["ngay_tra_ket_qua"] <= r["ngay_hen_tra"]]
    assert len(on_time) >= len(finished) / 2  # most on time

    tasks = list(states[2]["tasks"].values())
    assert all(t["ngay_hoan_thanh"] is None or t["ngay_hoan_thanh"] >= t["ngay_giao"] for t in tasks)
    assert len({t["id"] for t in tasks}) == len(tasks)

    headers = sources["taichinh_budget"]["columns"]
    for before, after, result in zip(states, states[1:], advanced[2]):
        demo_day = datetime.fromisoformat(result["demo_at"]).strftime("%d/%m/%Y")
        for name in (n for n in after["budget"] if before["budget"].get(n) != after["budget"][n]):
            report = _report(after["budget"][name], headers)
            assert (report["as_of"] == demo_day).all()
            plan, disbursed = (report[c].map(parse.amount) for c in ("plan_amount", "disbursed_amount"))
            assert (disbursed <= plan).all()
            if name in before["budget"]:  # this month's report again: more disbursed, same lines
                earlier = _report(before["budget"][name], headers).set_index("line_code")
                previous = earlier["disbursed_amount"].map(parse.amount)[report["line_code"]].to_numpy()
                assert set(report["line_code"]) == set(earlier.index)
                assert ((disbursed.to_numpy() > previous) | (disbursed == plan).to_numpy()).all()


def _broken(frame: pd.DataFrame, known: dict[str, set[str]]) -> list[str]:
    """Every rule of DOMAIN.md a mapped dossier breaks, as ``<id>: <rule>``."""
    problems = []
    for record in frame.to_dict("records"):
        typed = {}
        for column in DOSSIERS.columns:
            raw = record[column.name]
            if raw == "":
                if column.required:
                    problems.append(f"{record['dossier_id']}: missing {column.name}")
                typed[column.name] = None
            elif column.kind == "enum":
                typed[column.name] = column.choices.get(raw.lower())
                if typed[column.name] is None:
                    problems.append(f"{record['dossier_id']}: {column.name} '{raw}'")
            else:
                try:
                    typed[column.name] = parse.PARSERS[column.kind](raw)
                except parse.BadValue as exc:
                    problems.append(f"{record['dossier_id']}: {exc}")
            if column.references and raw and raw not in known[column.references]:
                problems.append(f"{record['dossier_id']}: unknown {column.name} '{raw}'")
        closed = typed["status"] in CLOSED_STATUSES
        if closed != (typed["finished_at"] is not None):
            problems.append(f"{record['dossier_id']}: status {typed['status']} and finished_at disagree")
        if typed["finished_at"] and typed["received_at"] and typed["finished_at"] < typed["received_at"]:
            problems.append(f"{record['dossier_id']}: finished before received")
    if frame["dossier_id"].duplicated().any():
        problems.append("duplicate dossier ids")
    return problems


def test_advance_is_deterministic(tmp_path, exported, advanced):
    source_settings, _ = exported
    _, states, results = advanced
    settings = make_settings(tmp_path / "var")
    shutil.copytree(source_settings.demo_dir, settings.demo_dir)
    t0 = datetime(2026, 11, 23, 9, 0, 0)
    again = [advance(settings, {"dossiers", "tasks", "budget"}, now=now)
             for now in (t0, t0 + timedelta(minutes=40))]
    assert again == results
    state = _state(settings)
    assert state["dossiers"] == states[2]["dossiers"] and state["tasks"] == states[2]["tasks"]
    assert state["budget"] == states[2]["budget"]
