"""Moving the demo systems forward, so that scheduled runs in demo mode show movement.

A demo clock lives in ``motcua.sqlite`` (table ``demo_clock``: the real time of the last
advance and the demo moment it reached). It starts now, or at the end of the demo's last
day when ``settings.demo_today`` fixes one in the past; each advance moves it on by the real time elapsed
since the previous one, at least a minute and at most a day, so with ``demo_today`` unset
the demo keeps pace with the real clock. It never passes the real time: a step that would
end later ends now and starts a minute before (two steps within a minute overlap), since
a source cannot record what has not happened yet. What happens in the step is drawn from
``(settings.demo_seed, the new demo moment)``, so the same clock gives the same changes:

- ``dossiers``: a handful to a few dozen dossiers received during the step (unit and
  procedure pairs seen recently, units valid that day, due at the end of the
  ``legal_days``-th working day, online outside office hours), some open dossiers finished
  (most within their effective due), a few sent back to the citizen for a supplement (the
  request sent at the new moment, before or after their effective due), a few taken up for
  processing; every row written carries the new moment in ``ngay_cap_nhat``;
- ``tasks``: a few open tasks completed on the demo day, now and then a new task; the feed
  is rewritten whole and swapped in;
- ``budget``: for a few units, this month's report written again as of the demo day with
  a higher cumulative disbursement.

Every change keeps the rules of DOMAIN.md: a dossier is finished after it was received and
carries its finish time exactly when closed; a task is completed on or after its day.
"""
from __future__ import annotations

from datetime import date, datetime, time, timedelta
from pathlib import Path

import numpy as np

from pipelines import parse
from pipelines.demo import systems
from pipelines.demo.systems import (
    FEED_DIR, LEDGER_NAME, SQLITE_NAME, connect, iso_local, local_text, read_feed,
    sort_items, task_item, write_feed, write_report,
)
from pipelines.demo.tasks import DOCUMENTS, MINISTRY_SYMBOLS, SOURCE_P, SOURCES
from pipelines.demo.timeline import AFTERNOON, MORNING
from warehouse.calendar import WorkCalendar

__all__ = ["advance"]

MIN_STEP = timedelta(minutes=1)
MAX_STEP = timedelta(days=1)
EPOCH = datetime(1970, 1, 1)
END_OF_DAY = time(23, 59, 59)
RECENT_DAYS = 60  # unit/procedure pairs and channel shares are taken from this many days
RATE_DAYS = 28  # the daily volume of dossiers is measured over this many days
ON_TIME_SHARE = 0.85  # of the dossiers finished in a step
NEW_TASK_P = 0.3  # chance of a new task in a step (and more for longer steps)


class _Step:
    """The demo step: from ``start`` to ``end`` (local, naive), and the working calendar."""

    def __init__(self, start: datetime, end: datetime, calendar: WorkCalendar):
        self.start, self.end, self.calendar = start, end, calendar
        self.seconds = int((end - start).total_seconds())
        self.days = self.seconds / 86400
        self.day = end.date()

    def moments(self, rng: np.random.Generator, n: int) -> list[datetime]:
        """``n`` moments within the step (after its start, up to its end), in order."""
        offsets = np.sort(rng.integers(1, self.seconds + 1, n))
        return [self.start + timedelta(seconds=int(s)) for s in offsets]

    def due(self, received: datetime, legal_days: int) -> datetime:
        day = self.calendar.add_working_days(np.array([received.date()], dtype="datetime64[D]"),
                                             np.array([legal_days]))[0]
        return datetime.combine(day.astype(date), END_OF_DAY)

    def office_hours(self, moment: datetime) -> bool:
        day = np.datetime64(moment.date(), "D")
        working = self.calendar.working_days_between(day - 1, day) == 1
        seconds = moment.hour * 3600 + moment.minute * 60 + moment.second
        return bool(working) and any(low <= seconds <= high for low, high in (MORNING, AFTERNOON))


def advance(settings, datasets: set[str], now: datetime | None = None) -> dict:
    """Move the demo clock and the named datasets' systems forward; return what changed:
    ``demo_from``/``demo_at`` (the step) and counts per dataset. Datasets without a demo
    system that moves (units, procedures) are ignored."""
    demo_dir = Path(settings.demo_dir)
    if not (demo_dir / SQLITE_NAME).is_file():
        raise FileNotFoundError(f"{demo_dir / SQLITE_NAME}: no demo systems to advance"
                                " (export them first: pipelines.demo.systems.export)")
    real = _local(now)
    con = connect(demo_dir / SQLITE_NAME)
    try:
        con.execute("begin immediate")  # one advance at a time
        row = con.execute("select real_at, demo_at from demo_clock").fetchone()
        if row is None:
            # the end of the demo's last day; now, when that is today (below)
            start = datetime.combine(settings.demo_today or real.date(), END_OF_DAY)
            last_real = None
        else:
            start = parse.timestamp(row[1])
            last_real = datetime.fromisoformat(row[0]) if row[0] else None
        step = MIN_STEP if last_real is None else min(max(real - last_real, MIN_STEP), MAX_STEP)
        end = min(start + timedelta(seconds=int(step.total_seconds())), real)
        start = min(start, end - MIN_STEP)
        span = _Step(start, end, WorkCalendar.from_config(settings.config_dir, last_year=end.year + 2))
        seed = [int(settings.demo_seed), int((end - EPOCH).total_seconds())]
        dossier_rng, task_rng, budget_rng = np.random.default_rng(seed).spawn(3)

        result: dict = {"demo_from": local_text(start), "demo_at": local_text(end)}
        if "tasks" in datasets:
            result["tasks"] = _tasks(con, demo_dir, task_rng, span)
        if "budget" in datasets:
            result["budget"] = _budget(demo_dir, budget_rng, span)
        if "dossiers" in datasets:
            result["dossiers"] = _dossiers(con, dossier_rng, span)
        con.execute("delete from demo_clock")
        con.execute("insert into demo_clock values (?, ?)",
                    (real.isoformat(timespec="seconds"), local_text(end)))
        con.execute("commit")
    except BaseException:
        if con.in_transaction:
            con.execute("rollback")
        raise
    finally:
        con.close()
    return result


def _local(now: datetime | None) -> datetime:
    moment = now or datetime.now(parse.LOCAL_TZ)
    if moment.tzinfo is not None:
        moment = moment.astimezone(parse.LOCAL_TZ).replace(tzinfo=None)
    return moment.replace(microsecond=0)


def _valid_units(con, day: date) -> dict[str, tuple[str, str, str | None]]:
    """Units valid on ``day``: code -> (name, native kind, parent)."""
    text = day.isoformat()
    return {code: (name, kind, parent) for code, name, kind, parent, since, until in con.execute(
        "select ma_don_vi, ten_don_vi, loai_don_vi, ma_don_vi_cha, hieu_luc_tu, hieu_luc_den"
        " from dm_don_vi order by ma_don_vi")
        if (not since or since <= text) and (not until or until >= text)}


# --- dossiers ----------------------------------------------------------------------------

def _dossiers(con, rng: np.random.Generator, span: _Step) -> dict:
    units = _valid_units(con, span.day)
    procedures = {code: (legal, fee) for code, legal, fee in con.execute(
        "select ma_thu_tuc, so_ngay_giai_quyet, co_phi from dm_thu_tuc")}
    recent = con.execute(
        "select ma_thu_tuc, ma_don_vi, kenh_nop, ngay_tiep_nhan from hs_ho_so"
        " where ngay_tiep_nhan >= ? order by rowid",
        ((span.start.date() - timedelta(days=RECENT_DAYS)).isoformat(),)).fetchall()
    rate_since = (span.start.date() - timedelta(days=RATE_DAYS)).isoformat()
    expected = sum(r[3] >= rate_since for r in recent) / RATE_DAYS * span.days

    counts = _move_open(con, rng, span, procedures, expected)
    pairs = [(p, u) for p, u, _, _ in recent if u in units and p in procedures]
    if not pairs:  # nothing recent: any pair ever seen with a unit valid today
        pairs = [(p, u) for p, u in con.execute(
            "select distinct ma_thu_tuc, ma_don_vi from hs_ho_so order by 1, 2")
            if u in units and p in procedures]
    counts["new"] = _receive(con, rng, span, procedures, pairs, [r[2] for r in recent], expected)
    return counts


def _move_open(con, rng, span: _Step, procedures, expected: float) -> dict:
    """Finish some open dossiers (most on time), ask a few for a supplement, take a few up."""
    stamp = local_text(span.end)
    active = []  # (id, received, effective due, status, supplements)
    for dossier_id, code, received, due, status, count, days in con.execute(
            "select ma_ho_so, ma_thu_tuc, ngay_tiep_nhan, ngay_hen_tra, trang_thai,"
            " so_lan_bo_sung, so_ngay_bo_sung from hs_ho_so"
            " where trang_thai in ('DA_TIEP_NHAN', 'DANG_XU_LY') order by ma_ho_so"):
        received = parse.timestamp(received)
        if received > span.start:
            continue
        due = parse.timestamp(due) if due else span.due(received, procedures[code][0])
        active.append((dossier_id, received, due + timedelta(days=float(days or 0)), status, count))

    in_time = [i for i, a in enumerate(active) if a[2] >= span.end and a[4] <= 1]
    overdue = [i for i, a in enumerate(active) if not (a[2] >= span.end and a[4] <= 1)]
    wanted = int(np.clip(rng.poisson(0.9 * expected), rng.integers(2, 6), 30))
    on_time = _pick(rng, in_time, rng.binomial(wanted, ON_TIME_SHARE))
    late = _pick(rng, overdue, wanted - len(on_time))
    taken_on_time = set(on_time)
    more = _pick(rng, [i for i in in_time if i not in taken_on_time], wanted - len(on_time) - len(late))
    finished = sorted(on_time + late + more)
    done = set(finished)

    finish_rows = []
    for i, moment in zip(finished, span.moments(rng, len(finished))):
        dossier_id, received = active[i][0], active[i][1]
        soonest = received + timedelta(seconds=int(rng.integers(600, 3600)))
        finish_rows.append((local_text(min(max(moment, soonest), span.end)), stamp, dossier_id))
    con.executemany("update hs_ho_so set trang_thai = 'DA_TRA_KET_QUA', ngay_tra_ket_qua = ?,"
                    " ngay_cap_nhat = ? where ma_ho_so = ?", finish_rows)

    waiting = _pick(rng, [i for i, a in enumerate(active) if i not in done and a[4] == 0],
                    int(rng.integers(0, 4)))
    con.executemany("update hs_ho_so set trang_thai = 'CHO_BO_SUNG', so_lan_bo_sung = so_lan_bo_sung + 1,"
                    " ngay_yeu_cau_bo_sung = ?, ngay_cap_nhat = ? where ma_ho_so = ?",
                    [(stamp, stamp, active[i][0]) for i in waiting])
    done.update(waiting)

    taken = _pick(rng, [i for i, a in enumerate(active) if i not in done and a[3] == "DA_TIEP_NHAN"],
                  int(rng.integers(1, 6)))
    con.executemany("update hs_ho_so set trang_thai = 'DANG_XU_LY', ngay_cap_nhat = ?"
                    " where ma_ho_so = ?", [(stamp, active[i][0]) for i in taken])
    return {"finished": len(finished), "finished_late": len(late), "supplement": len(waiting),
            "processing": len(taken)}


def _pick(rng: np.random.Generator, pool: list[int], n: int) -> list[int]:
    n = max(0, min(int(n), len(pool)))
    return sorted(int(i) for i in rng.choice(pool, n, replace=False)) if n else []


def _receive(con, rng, span: _Step, procedures, pairs, channels, expected: float) -> int:
    """New dossiers received during the step, as the portal's counter numbers them."""
    if not pairs:
        return 0
    n = int(np.clip(rng.poisson(expected), rng.integers(3, 8), 40))
    shares = np.bincount(np.asarray(channels or [2], dtype=np.int64), minlength=4)[1:4]
    shares = shares / shares.sum()
    stamp = local_text(span.end)
    numbers: dict[str, int] = {}
    rows = []
    for moment, pick in zip(span.moments(rng, n), rng.integers(0, len(pairs), n)):
        procedure, unit = pairs[pick]
        legal, fee = procedures[procedure]
        channel = int(rng.choice(3, p=shares)) + 1 if span.office_hours(moment) else 2
        paid = int(bool(fee) and channel == 2 and rng.random() < 0.8)
        yymmdd = moment.strftime("%y%m%d")
        if yymmdd not in numbers:
            numbers[yymmdd] = con.execute(
                "select coalesce(max(cast(substr(ma_ho_so, -6) as integer)), 0) from hs_ho_so"
                " where substr(ma_ho_so, -13, 6) = ?", (yymmdd,)).fetchone()[0]
        numbers[yymmdd] += 1
        rows.append((f"{unit}-{yymmdd}-{numbers[yymmdd]:06d}", procedure, unit, channel,
                     local_text(moment), local_text(span.due(moment, legal)), None, "DA_TIEP_NHAN",
                     0, 0, None, paid, stamp))
    con.executemany(f"insert into hs_ho_so values ({', '.join('?' * len(rows[0]))})", rows)
    return len(rows)


# --- tasks -------------------------------------------------------------------------------

def _tasks(con, demo_dir: Path, rng: np.random.Generator, span: _Step) -> dict:
    feed = demo_dir / FEED_DIR
    items = read_feed(feed)
    day, stamp = span.day.isoformat(), iso_local(span.end)
    open_tasks = [i for i, item in enumerate(items)
                  if not item["ngay_hoan_thanh"] and item["ngay_giao"] <= day]
    weight = np.array([3.0 if (items[i]["han_xu_ly"] or day) >= day else 1.0 for i in open_tasks])
    count = min(len(open_tasks), int(rng.integers(1, 5)))
    chosen = rng.choice(open_tasks, count, replace=False, p=weight / weight.sum()) if count else []
    for i in sorted(int(i) for i in chosen):
        items[i] = {**items[i], "ngay_hoan_thanh": day, "tinh_trang": "DA_HOAN_THANH",
                    "cap_nhat_luc": stamp}
    new = 0
    if rng.random() < NEW_TASK_P + span.days:
        task = _new_task(con, rng, span, items)
        if task:
            items.append(task)
            new = 1
    write_feed(sort_items(items), feed)
    return {"completed": count, "new": new}


def _new_task(con, rng, span: _Step, items: list[dict]) -> dict | None:
    """A task assigned today to a ministry unit valid today, titled like its earlier ones."""
    units = _valid_units(con, span.day)
    ministry = systems.UNIT_KINDS["ministry_unit"]
    templates = [item for item in items
                 if units.get(item["don_vi_chu_tri"]["ma"], ("", "", None))[1] == ministry]
    if not templates:
        return None
    template = templates[int(rng.integers(len(templates)))]
    unit = template["don_vi_chu_tri"]["ma"]
    source = str(SOURCES[rng.choice(len(SOURCES), p=SOURCE_P)])
    kind, symbol, of_ministry = DOCUMENTS[source][int(rng.integers(len(DOCUMENTS[source])))]
    if of_ministry:
        symbol += MINISTRY_SYMBOLS.get(units[unit][2] or "", "BNNMT")
    year = span.day.year
    prefix = f"NV-{year}-"
    number = max((int(item["id"][len(prefix):]) for item in items
                  if item["id"].startswith(prefix) and item["id"][len(prefix):].isdigit()), default=0)
    due = span.day + timedelta(days=int(rng.integers(7, 121))) if rng.random() >= 0.10 else None
    return task_item(f"{prefix}{number + 1:05d}", template["trich_yeu"], source,
                     f"{kind} {int(rng.integers(1, 3000))}/{symbol}", unit, units[unit][0],
                     span.day.isoformat(), due.isoformat() if due else "", "", span.end,
                     template.get("lanh_dao_chi_dao") or "", template.get("don_vi_phoi_hop") or "")


# --- budget ------------------------------------------------------------------------------

def _budget(demo_dir: Path, rng: np.random.Generator, span: _Step) -> dict:
    """This month's report again for a few units: as of the demo day, more disbursed."""
    ledger = connect(demo_dir / LEDGER_NAME)
    try:
        lines = ledger.execute(
            "select ma_don_vi, ten_don_vi, nam_ngan_sach, loai_chi, ma_dong, noi_dung, du_toan,"
            " ngay_so_lieu, luy_ke_giai_ngan from so_lieu_giai_ngan where nam_ngan_sach = ?"
            " order by ma_don_vi, loai_chi, ma_dong", (span.day.year,)).fetchall()
        day = span.day.isoformat()
        units = sorted({line[0] for line in lines})
        behind = [u for u in units if max(line[7] for line in lines if line[0] == u) < day]
        chosen = [behind[i] for i in _pick(rng, list(range(len(behind))), int(rng.integers(2, 6)))]
        inbox = demo_dir / systems.BUDGET_INBOX
        inbox.mkdir(parents=True, exist_ok=True)
        updates, rows_written = [], 0
        for unit in chosen:
            report = []
            for code, name, year, category, line, line_name, plan, _, disbursed in lines:
                if code != unit:
                    continue
                step = int(plan * rng.uniform(0.0005, 0.004)) // 1_000_000 * 1_000_000
                disbursed = min(plan, disbursed + max(step, 1_000_000))
                report.append((year, category, line, line_name, plan, disbursed, span.day))
                updates.append((day, disbursed, code, year, category, line))
            write_report(inbox / f"{unit}_{systems.month_of(span.day)}.xlsx", unit,
                         next(line[1] for line in lines if line[0] == unit),
                         systems.month_of(span.day), report)
            rows_written += len(report)
        ledger.execute("begin")
        ledger.executemany("update so_lieu_giai_ngan set ngay_so_lieu = ?, luy_ke_giai_ngan = ?"
                           " where ma_don_vi = ? and nam_ngan_sach = ? and loai_chi = ? and ma_dong = ?",
                           updates)
        ledger.execute("commit")
    finally:
        ledger.close()
    return {"files": len(chosen), "rows": rows_written}
