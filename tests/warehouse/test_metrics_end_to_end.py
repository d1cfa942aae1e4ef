"""Demo → ingest → each indicator equals a count computed here from the generated files.

The expected values are computed independently with pandas and plain Python, following
DOMAIN.md line by line; nothing here calls the warehouse's SQL or calendar.
"""
from __future__ import annotations

import json
import subprocess
import sys
import tomllib
from datetime import date, datetime, time, timedelta
from functools import cache
from zoneinfo import ZoneInfo

import holidays
import pandas as pd
import pytest

from config.settings import CONFIG_DIR
from warehouse.metrics import Period, query
from warehouse.snapshots import Reader
from warehouse import reference
from warehouse.scope import Scope

VN = ZoneInfo("Asia/Ho_Chi_Minh")
CLOSED = {"finished", "rejected", "withdrawn"}
PERIODS = [
    Period(date(2026, 2, 1), date(2026, 2, 28)),  # Tết 2026
    Period(date(2025, 1, 1), date(2025, 12, 31)),  # the year of the mergers
    Period(date(2026, 11, 1), date(2026, 11, 20)),  # the current month, many dossiers open
]

_overrides = tomllib.loads((CONFIG_DIR / "calendar.toml").read_text(encoding="utf-8"))
_vn_holidays = holidays.country_holidays("VN", years=range(2023, 2029))
_worked = {date.fromisoformat(d) for d in _overrides["working_days"]}
_off = {date.fromisoformat(d) for d in _overrides["extra_days_off"]}


def _is_working(day: date) -> bool:
    if day in _worked:
        return True
    return day.weekday() < 5 and day not in _vn_holidays and day not in _off


@cache
def _nth_working_day_after(day: date, n: int) -> date:
    while n > 0:
        day += timedelta(days=1)
        n -= _is_working(day)
    return day


def _local(text: str) -> datetime | None:
    if not text:
        return None
    value = datetime.fromisoformat(text)
    if value.tzinfo is not None:
        value = value.astimezone(VN).replace(tzinfo=None)
    return value


@pytest.fixture(scope="module")
def files(demo):
    settings, files, results = demo
    raw = {name: pd.read_csv(path, dtype=str, keep_default_na=False) for name, path in files.items()}
    for name, result in results.items():
        assert result.quarantined == 0, f"demo {name} has quarantined rows"
        assert result.read == result.loaded == len(raw[name])
    return settings, raw


def _rollup(units: pd.DataFrame):
    successor = {r.unit_code: r.successor_code or None for r in units.itertuples()}

    def current(code):
        while successor.get(code):
            code = successor[code]
        return code

    return current


def _dossiers(raw) -> list[dict]:
    """Each dossier's times: received, effective due, closed (None while open) and, for one
    waiting for the citizen, the moment it was sent back (its request time, else its last
    update)."""
    legal = dict(zip(raw["procedures"]["procedure_code"], raw["procedures"]["legal_days"].astype(int)))
    out = []
    for r in raw["dossiers"].itertuples():
        received = _local(r.received_at)
        due = _local(r.due_at) or datetime.combine(
            _nth_working_day_after(received.date(), legal[r.procedure_code]), time(23, 59, 59))
        out.append({
            "unit_code": r.unit_code, "received": received,
            "effective_due": due + timedelta(days=float(r.supplement_days or 0)),
            "closed_at": _local(r.finished_at) if r.status in CLOSED else None,
            "sent_back": (_local(r.supplement_requested_at) or _local(r.updated_at)) if r.status == "supplement"
            else None,
            "late_anyway": int(r.supplement_count or 0) > 1,
        })
    return out


def _expected_on_time(raw, period: Period, structure: str) -> dict:
    current = _rollup(raw["units"])
    start = datetime.combine(period.start, time.min)
    end = datetime.combine(period.end, time(23, 59, 59))
    counts: dict = {}
    for d in _dossiers(raw):
        closed_at = d["closed_at"]
        if d["received"] > end or (closed_at is not None and closed_at < start):
            continue  # not handled in the period
        if d["late_anyway"]:
            on_time = False
        elif closed_at is not None and closed_at <= end:
            on_time = closed_at <= d["effective_due"]
        elif d["sent_back"] is not None and d["sent_back"] <= end:  # waiting: judged when sent back
            on_time = d["sent_back"] <= d["effective_due"]
        else:
            on_time = d["effective_due"] >= end
        unit = current(d["unit_code"]) if structure == "current" else d["unit_code"]
        num, den = counts.get(unit, (0, 0))
        counts[unit] = (num + on_time, den + 1)
    return counts


def _expected_overdue_open(raw, as_of: date) -> dict:
    """Open at the end of ``as_of``: not waiting with the effective due passed; more than one
    supplement request; or waiting, sent back after the effective due."""
    current = _rollup(raw["units"])
    end = datetime.combine(as_of, time(23, 59, 59))
    counts: dict = {}
    for d in _dossiers(raw):
        if d["received"] > end or (d["closed_at"] is not None and d["closed_at"] <= end):
            continue  # not open then
        waiting = d["sent_back"] is not None and d["sent_back"] <= end
        overdue = d["late_anyway"] or (d["sent_back"] > d["effective_due"] if waiting
                                       else d["effective_due"] < end)
        unit = current(d["unit_code"])
        num, den = counts.get(unit, (0, 0))
        counts[unit] = (num + overdue, den + 1)
    return counts


def _expected_overdue(raw, as_of: date) -> dict:
    current = _rollup(raw["units"])
    counts: dict = {}
    for r in raw["tasks"].itertuples():
        if date.fromisoformat(r.assigned_on) > as_of:
            continue
        completed = date.fromisoformat(r.completed_on) if r.completed_on else None
        overdue = (completed is None or completed > as_of) and bool(r.due_on) and \
            date.fromisoformat(r.due_on) < as_of
        unit = current(r.lead_unit_code)
        num, den = counts.get(unit, (0, 0))
        counts[unit] = (num + overdue, den + 1)
    return counts


def _latest_budget_rows(raw, as_of: date):
    b = raw["budget"].copy()
    b = b[(b["fiscal_year"].astype(int) == as_of.year) & (b["as_of"] <= as_of.isoformat())]
    return b.sort_values("as_of").groupby(["unit_code", "category", "line_code"]).tail(1)


def _expected_target(raw, as_of: date) -> tuple[float, str, str]:
    """The plan-weighted target, each line at its own report's date on config/targets.toml's
    straight line (0 on 1 January to 95 % on 31 December), and the report dates used."""
    latest = _latest_budget_rows(raw, as_of)
    year_days = (date(as_of.year, 12, 31) - date(as_of.year, 1, 1)).days
    expected = sum(int(r.plan_amount) * 0.95 * (date.fromisoformat(r.as_of[:10]) - date(as_of.year, 1, 1)).days
                   / year_days for r in latest.itertuples())
    return expected / latest["plan_amount"].astype(int).sum(), latest["as_of"].min()[:10], latest["as_of"].max()[:10]


def _expected_budget(raw, as_of: date) -> dict:
    current = _rollup(raw["units"])
    latest = _latest_budget_rows(raw, as_of)
    counts: dict = {}
    for r in latest.itertuples():
        unit = current(r.unit_code)
        num, den = counts.get(unit, (0, 0))
        counts[unit] = (num + int(r.disbursed_amount), den + int(r.plan_amount))
    return counts


def _total(counts: dict) -> tuple[int, int]:
    return sum(n for n, _ in counts.values()), sum(d for _, d in counts.values())


def _as_dict(frame: pd.DataFrame) -> dict:
    return {r.unit_code: (int(r.numerator), int(r.denominator)) for r in frame.itertuples()}


@pytest.mark.parametrize("period", PERIODS, ids=lambda p: f"{p.start}..{p.end}")
def test_dossier_on_time_rate(files, period):
    settings, raw = files
    reader = Reader(settings)
    for structure in ("current", "historical"):
        expected = _expected_on_time(raw, period, structure)
        got = query("dossier_on_time_rate", period, by=["unit"], structure=structure, scope=Scope.everything(), reader=reader)
        assert _as_dict(got) == expected
        for row in got.itertuples():
            assert row.value == pytest.approx(row.numerator / row.denominator)
    total = query("dossier_on_time_rate", period, scope=Scope.everything(), reader=reader).iloc[0]
    num, den = _total(_expected_on_time(raw, period, "current"))
    assert (total.numerator, total.denominator) == (num, den) and den > 0
    assert total.value == pytest.approx(num / den)


@pytest.mark.parametrize("period", PERIODS, ids=lambda p: f"{p.start}..{p.end}")
def test_dossier_overdue_open(files, period):
    settings, raw = files
    expected = _expected_overdue_open(raw, period.end)
    got = query("dossier_overdue_open", period, by=["unit"], scope=Scope.everything(), reader=Reader(settings))
    # units with no open dossier at the end are listed with (0, 0)
    assert {unit: counts for unit, counts in _as_dict(got).items() if counts != (0, 0)} == expected
    assert sum(n for n, _ in expected.values()) > 0


def test_the_demo_has_dossiers_waiting_on_both_sides_of_their_due(files):
    """Sent back before their effective due and after it, at the demo's end, some with a
    request time and some judged at their last update: the cases the rule tells apart."""
    _, raw = files
    waiting = [d for d in _dossiers(raw) if d["sent_back"] is not None and not d["late_anyway"]]
    before = [d for d in waiting if d["sent_back"] <= d["effective_due"]]
    after = [d for d in waiting if d["sent_back"] > d["effective_due"]]
    assert len(before) >= 5 and len(after) >= 3
    unrecorded = raw["dossiers"][(raw["dossiers"]["status"] == "supplement")
                                 & (raw["dossiers"]["supplement_requested_at"] == "")]
    assert len(unrecorded) >= 2
    # long past their due, some of those sent back in time still wait: on time, not overdue
    end = datetime.combine(PERIODS[2].end, time(23, 59, 59))
    assert any(d["effective_due"] < end for d in before)


@pytest.mark.parametrize("period", PERIODS, ids=lambda p: f"{p.start}..{p.end}")
def test_task_overdue(files, period):
    settings, raw = files
    expected = _expected_overdue(raw, period.end)
    got = query("task_overdue", period, by=["unit"], scope=Scope.everything(), reader=Reader(settings))
    assert _as_dict(got) == expected
    assert (got["value"] == got["numerator"]).all()
    assert sum(n for n, _ in expected.values()) > 0


@pytest.mark.parametrize("period", PERIODS, ids=lambda p: f"{p.start}..{p.end}")
def test_budget_disbursement_rate(files, period):
    settings, raw = files
    expected = _expected_budget(raw, period.end)
    reader = Reader(settings)
    assert _as_dict(query("budget_disbursement_rate", period, by=["unit"], scope=Scope.everything(), reader=reader)) == expected
    total = query("budget_disbursement_rate", period, scope=Scope.everything(), reader=reader).iloc[0]
    num, den = _total(expected)
    assert (total.numerator, total.denominator) == (num, den)
    assert total.value == pytest.approx(num / den)


def test_scope_and_unit_filter(files):
    settings, raw = files
    period = PERIODS[1]
    reader = Reader(settings)
    by_unit = _as_dict(query("dossier_on_time_rate", period, by=["unit"], scope=Scope.everything(), reader=reader))
    some = sorted(by_unit)[:2]
    scoped = _as_dict(query("dossier_on_time_rate", period, by=["unit"], scope=Scope.of(reference.units(reader), set(some)), reader=reader))
    assert scoped == {u: by_unit[u] for u in some}
    one = query("dossier_on_time_rate", period, unit=some[0], scope=Scope.everything(), reader=reader).iloc[0]
    assert (one.unit_code, (one.numerator, one.denominator)) == (some[0], by_unit[some[0]])
    nothing = query("dossier_on_time_rate", period, scope=Scope.of(reference.units(reader), set()), reader=reader).iloc[0]
    assert nothing.denominator == 0 and pd.isna(nothing.value)  # no data, never 0 % or 100 %


def test_rollup_to_current_structure_moves_old_units(files):
    settings, raw = files
    successors = raw["units"][raw["units"]["successor_code"] != ""]
    assert len(successors) > 60  # 63 old provincial departments, predecessor ministry units
    historical = query("dossier_on_time_rate", PERIODS[1], by=["unit"], structure="historical",
                       scope=Scope.everything(), reader=Reader(settings))
    assert set(historical["unit_code"]) & set(successors["unit_code"])


def test_cli_compare_adds_the_comparison_period_and_its_value(files):
    """On the 2nd of a month, "this month" is compared with the 1st-2nd of the month before."""
    settings, raw = files
    env = {"OPSCENTER_DATA_DIR": str(settings.data_dir), "PATH": "/usr/bin:/bin"}
    done = subprocess.run(
        [sys.executable, "-m", "warehouse", "metric", "dossier_on_time_rate", "--from", "2026-11-01",
         "--to", "2026-11-02", "--by", "unit", "--compare", "--format", "json"],
        capture_output=True, text=True, env=env, timeout=120)
    assert done.returncode == 0, done.stderr
    rows = json.loads(done.stdout)
    before = _expected_on_time(raw, Period(date(2026, 10, 1), date(2026, 10, 2)), "current")
    assert rows and {(r["previous_from"], r["previous_to"]) for r in rows} == {("2026-10-01", "2026-10-02")}
    for row in rows:
        num, den = before.get(row["unit_code"], (0, 0))
        assert row["previous_value"] == (pytest.approx(num / den) if den else None)


def test_cli_json(files):
    settings, raw = files
    env = {"OPSCENTER_DATA_DIR": str(settings.data_dir), "PATH": "/usr/bin:/bin"}
    done = subprocess.run(
        [sys.executable, "-m", "warehouse", "metric", "dossier_on_time_rate", "--from", "2025-01-01",
         "--to", "2025-12-31", "--by", "unit", "--format", "json"],
        capture_output=True, text=True, env=env, timeout=120)
    assert done.returncode == 0, done.stderr
    rows = json.loads(done.stdout)
    expected = _expected_on_time(raw, PERIODS[1], "current")
    assert {r["unit_code"]: (r["numerator"], r["denominator"]) for r in rows} == expected
    assert set(rows[0]) == {"unit_code", "value", "numerator", "denominator", "small_sample", "status"}
    done = subprocess.run(
        [sys.executable, "-m", "warehouse", "metric", "budget_disbursement_rate", "--from", "2026-01-01",
         "--to", "2026-11-20", "--as-of", "2026-03-31", "--format", "json"],
        capture_output=True, text=True, env=env, timeout=120)
    [total] = json.loads(done.stdout)
    num, den = _total(_expected_budget(raw, date(2026, 3, 31)))
    assert {k: total[k] for k in ("unit_code", "value", "numerator", "denominator")} == {
        "unit_code": None, "value": pytest.approx(num / den), "numerator": num, "denominator": den}
    # the target of each line at its own report's date (DOMAIN.md, Budget), not at 31 March
    target, first, last = _expected_target(raw, date(2026, 3, 31))
    assert total["target"] == pytest.approx(target)
    assert total["gap_pp"] == pytest.approx(100 * (num / den - target))
    assert (total["data_from"], total["data_to"]) == (first, last)


@pytest.mark.parametrize("name", ["dossier_on_time_rate", "dossier_closed_on_time_rate",
                                  "dossier_overdue_open", "dossier_online_rate",
                                  "dossier_online_payment_rate"])
def test_procedure_level_mart_adds_up_to_the_unit_level_one(files, name):
    settings, raw = files
    reader = Reader(settings)
    period = PERIODS[1]
    total = query(name, period, scope=Scope.everything(), reader=reader).iloc[0]
    for cut in ("procedure", "field"):
        parts = query(name, period, by=[cut], scope=Scope.everything(), reader=reader)
        assert (parts["numerator"].sum(), parts["denominator"].sum()) == (total.numerator, total.denominator)
    by_unit = query(name, period, by=["unit"], scope=Scope.everything(), reader=reader)
    by_unit_field = query(name, period, by=["unit", "field"], scope=Scope.everything(), reader=reader)
    summed = by_unit_field.groupby("unit_code")[["numerator", "denominator"]].sum()
    assert summed.loc[by_unit["unit_code"]].values.tolist() == by_unit[["numerator", "denominator"]].values.tolist()


def test_by_kind_and_kind_filter(files):
    settings, raw = files
    reader = Reader(settings)
    by_kind = query("dossier_on_time_rate", PERIODS[1], by=["kind"], scope=Scope.everything(), reader=reader)
    assert set(by_kind["kind"]) == {"ministry_unit", "province_dept"}
    provinces = query("dossier_on_time_rate", PERIODS[1], kind="province_dept", scope=Scope.everything(), reader=reader).iloc[0]
    row = by_kind.set_index("kind").loc["province_dept"]
    assert (provinces.numerator, provinces.denominator) == (row.numerator, row.denominator)


@pytest.mark.parametrize("period", PERIODS, ids=lambda p: f"{p.start}..{p.end}")
def test_overdue_lists_agree_with_the_indicators(files, period):
    from warehouse.lists import overdue_dossiers, overdue_tasks

    settings, raw = files
    reader = Reader(settings)
    dossiers = overdue_dossiers(period.end, scope=Scope.everything(), reader=reader, limit=10_000)
    assert len(dossiers) == query("dossier_overdue_open", period, scope=Scope.everything(), reader=reader).iloc[0].numerator
    assert (dossiers["days_overdue"] >= 0).all()
    tasks = overdue_tasks(period.end, scope=Scope.everything(), reader=reader, limit=10_000)
    assert len(tasks) == query("task_overdue", period, scope=Scope.everything(), reader=reader).iloc[0].numerator > 0
    assert (tasks["days_overdue"] >= 0).all()
