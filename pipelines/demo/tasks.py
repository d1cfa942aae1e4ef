"""Tasks assigned to ministry units, in the proportions the Government's task system shows.

In 2017 it held 64% done on time, 9% done late, 26% open within deadline and 1% overdue.
The demo aims near there (about 72 / 10 / 16 / 3 at ``today``): most tasks are done within
their deadline, some late, a few stall (more at the chronically late units), and more
tasks are assigned as use of the system grows, so many recent ones are still open.
Titles are composed from each unit's law and topics (``ministry.py``).
"""
from __future__ import annotations

from datetime import date

import numpy as np
import pandas as pd

from pipelines.demo.formats import DAY, date_text, padded, timestamp_text
from pipelines.demo.timeline import is_working, not_after, office_seconds, window
from pipelines.demo.units import Organisation
from warehouse.calendar import WorkCalendar
from warehouse.domain import TASK_SOURCES

SOURCES = np.array(TASK_SOURCES)
SOURCE_P = [0.2, 0.3, 0.4, 0.1]  # one chance per source, in that order
# Per source, the documents that assign tasks: (kind, symbol, symbol ends with the ministry's)
DOCUMENTS = {
    "government": [("Nghị quyết", "NQ-CP", False), ("Thông báo", "TB-VPCP", False)],
    "prime_minister": [("Văn bản", "VPCP-NN", False), ("Công điện", "CĐ-TTg", False),
                       ("Chỉ thị", "CT-TTg", False), ("Quyết định", "QĐ-TTg", False)],
    "ministry_leader": [("Quyết định", "QĐ-", True), ("Kết luận", "KL-", True),
                        ("Thông báo", "TB-", True)],
    "other": [("Văn bản", "KTNN-TH", False), ("Kết luận", "KL-TTCP", False)],
}
MINISTRY_SYMBOLS = {"BNNMT": "BNNMT", "BTNMT": "BTNMT", "BNNPTNT": "BNN"}  # by parent unit
# The ministry's leaders who supervise tasks (a demo roster), and the share of tasks that
# name one, and that name coordinating units.
LEADERS = (
    "Bộ trưởng Trần Đức Thắng",
    "Thứ trưởng Trần Quý Kiên",
    "Thứ trưởng Lê Công Thành",
    "Thứ trưởng Nguyễn Hoàng Hiệp",
    "Thứ trưởng Phùng Đức Tiến",
    "Thứ trưởng Võ Văn Hưng",
    "Thứ trưởng Nguyễn Thị Phương Hoa",
)
LEADER_P = 0.85
COORDINATING_P = 0.35
LAW_TITLES = (
    "Xây dựng Nghị định quy định chi tiết một số điều của {law}",
    "Xây dựng Thông tư hướng dẫn thi hành {law}",
    "Tổng kết, đánh giá tình hình thi hành {law}",
)
TOPIC_TITLES = (
    "Báo cáo tình hình {topic}",
    "Báo cáo kết quả {topic} năm {year}",
    "Xây dựng kế hoạch {topic} năm {year}",
    "Kiểm tra, đôn đốc việc {topic} tại các địa phương",
    "Tham mưu trả lời kiến nghị của cử tri liên quan đến {topic}",
    "Đề xuất giải pháp tháo gỡ vướng mắc trong {topic}",
)


def build(rng: np.random.Generator, *, n: int, today: date, end: np.datetime64, calendar: WorkCalendar,
          org: Organisation) -> pd.DataFrame:
    """``n`` tasks assigned over the window ending at ``today``, none updated after ``end``
    (at most the end of ``today``)."""
    days = window(today)
    weight = is_working(calendar, days) * np.exp(np.linspace(0.0, 2.0, len(days)))  # growing use
    assigned = np.sort(rng.choice(days, n, p=weight / weight.sum()))
    route = _routes(rng, org, n)
    lead = org.unit_on(route, assigned)
    source = rng.choice(len(SOURCES), n, p=SOURCE_P)

    span = rng.integers(7, 121, n)
    has_due = rng.random(n) >= 0.10
    due = np.where(has_due, assigned + span, np.datetime64("NaT", "D"))
    on_time = rng.random(n) < np.where(org.late[lead], 0.60, 0.88)
    took = np.where(on_time, np.ceil(span * rng.uniform(0.6, 1.0, n)),
                    span + rng.geometric(1 / 20, n)).astype(np.int64)
    took = np.where(has_due, took, rng.geometric(1 / 90, n))
    stalled = rng.random(n) < np.where(org.late[lead], 0.10, 0.03)
    completed = assigned + took * DAY
    completed = np.where(stalled | (completed > np.datetime64(today, "D")),
                         np.datetime64("NaT", "D"), completed)
    done = ~np.isnat(completed)
    since = (end - assigned.astype("datetime64[s]")).astype(np.int64)
    touched = np.where(done, completed.astype("datetime64[s]") + office_seconds(rng, n),
                       assigned.astype("datetime64[s]")
                       + (rng.random(n) * since).astype("timedelta64[s]"))
    touched = not_after(rng, touched, end)

    leaders, coordinating = _people(np.random.default_rng([n, 19]), org, route, lead)
    return pd.DataFrame({
        "supervising_leader": leaders,
        "coordinating_units": coordinating,
        "task_id": _ids(assigned),
        "title": _titles(rng, org, org.current(route), assigned),
        "source": SOURCES[source],
        "document_ref": _documents(rng, org, source, lead),
        "lead_unit_code": org.codes[lead],
        "assigned_on": date_text(assigned),
        "due_on": date_text(due),
        "completed_on": date_text(completed),
        "updated_at": timestamp_text(touched),
    })


def _people(rng, org: Organisation, route: np.ndarray, lead: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The supervising leader (each current unit has its own, as a leader supervises a
    sector) and one or two coordinating units among the other units valid with the lead
    one. Drawn from their own stream so the other columns do not change."""
    n = len(route)
    current = org.current(route)
    # the Minister supervises the Office and a few units; each deputy minister a sector
    leader_of = {row: LEADERS[0] if i % 9 == 0 else LEADERS[1 + i % (len(LEADERS) - 1)]
                 for i, row in enumerate(np.unique(current).tolist())}
    leaders = np.where(rng.random(n) < LEADER_P, [leader_of[row] for row in current.tolist()], "")
    valid_to = org.units["valid_to"].to_numpy(dtype=str)
    kinds = org.units["kind"].to_numpy(dtype=str)
    codes = org.codes
    peers: dict[str, list[str]] = {}
    for to in np.unique(valid_to).tolist():
        peers[to] = [c for c, t, k in zip(codes, valid_to, kinds) if t == to and k == "ministry_unit"
                     and "-" not in c.removeprefix("B") and c.startswith("B") and c[1:3].isdigit()]
    with_coordination = rng.random(n) < COORDINATING_P
    count = rng.integers(1, 3, n)
    coordinating = []
    for i in range(n):
        pool = [c for c in peers.get(valid_to[lead[i]], []) if c != codes[lead[i]]]
        if not with_coordination[i] or not pool:
            coordinating.append("")
            continue
        picks = rng.choice(len(pool), min(count[i], len(pool)), replace=False)
        coordinating.append(";".join(pool[j] for j in sorted(picks)))
    return leaders, np.array(coordinating, dtype=object)


def _routes(rng, org: Organisation, n: int) -> np.ndarray:
    """A route per task: a current ministry unit (some busier), then one of its chains."""
    routes = org.ministry_routes
    current = org.current(routes)
    units, first, count = np.unique(current, return_index=True, return_counts=True)
    load = rng.lognormal(0.0, 0.5, len(units))
    pick = rng.choice(len(units), n, p=load / load.sum())
    return routes[first[pick] + (rng.random(n) * count[pick]).astype(np.int64)]


def _titles(rng, org: Organisation, current: np.ndarray, assigned: np.ndarray) -> np.ndarray:
    """A title among those of the task's current unit and year, all composed up front."""
    years = assigned.astype("datetime64[Y]").astype(np.int64) + 1970
    keys, key_of_task = np.unique(np.stack([current, years], axis=1), axis=0, return_inverse=True)
    titles, first, count = [], [], []
    for row, year in keys:
        profile = org.profile(row)
        composed = [t.format(law=profile.law) for t in LAW_TITLES] + [
            t.format(topic=topic, year=year) for t in TOPIC_TITLES for topic in profile.topics]
        first.append(len(titles))
        count.append(len(composed))
        titles.extend(composed)
    first, count = np.array(first)[key_of_task], np.array(count)[key_of_task]
    return np.array(titles)[first + (rng.random(len(current)) * count).astype(np.int64)]


def _documents(rng, org: Organisation, source: np.ndarray, lead: np.ndarray) -> np.ndarray:
    """``<kind> <number>/<symbol>``; ministry documents carry the symbol of the ministry of
    the day (the lead unit's parent: BTNMT or BNN before the merger, BNNMT after)."""
    patterns = [(s, *doc) for s, name in enumerate(SOURCES) for doc in DOCUMENTS[name]]
    owner = np.array([p[0] for p in patterns])
    first = np.searchsorted(owner, np.arange(len(SOURCES)))
    count = np.bincount(owner, minlength=len(SOURCES))
    pick = first[source] + (rng.random(len(source)) * count[source]).astype(np.int64)
    kind, symbol, ministry = (np.array([p[i] for p in patterns]) for i in (1, 2, 3))
    of_ministry = org.units["parent_code"].map(MINISTRY_SYMBOLS).fillna("").to_numpy(dtype=str)
    symbol = np.strings.add(symbol[pick], np.where(ministry[pick], of_ministry[lead], ""))
    number = rng.integers(1, 3000, len(source)).astype(str)
    return np.strings.add(np.strings.add(kind[pick], " "),
                          np.strings.add(np.strings.add(number, "/"), symbol))


def _ids(assigned: np.ndarray) -> np.ndarray:
    """``NV-<year>-<n>``, n the running number of the year (tasks are sorted by date)."""
    year = assigned.astype("datetime64[Y]")
    number = np.arange(len(assigned)) - np.searchsorted(year, year) + 1
    return np.strings.add(np.strings.add("NV-", np.datetime_as_string(year)),
                          np.strings.add("-", padded(number, 5)))
