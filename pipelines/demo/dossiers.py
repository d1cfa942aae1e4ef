"""Administrative procedure dossiers: volume, deadlines and lateness that look real.

Every column is drawn for a whole chunk at once (numpy), and the file is written chunk by
chunk so ten million dossiers fit in memory. How a dossier goes:

- received on a day of the window (working days busy, weekends quiet, Tết nearly empty),
  in office hours, by the unit valid that day on its route (a central procedure's
  ministry unit, or a province's department, whichever existed then);
- due at the end of the ``legal_days``-th working day; 8% wait once for the citizen to
  supplement (the clock stops 1 to 15 days), 1% more than once;
- finished on time with the unit's on-time probability (92-99.5%, 65-80% for the
  chronically late, 15 points less around Tết, when on-time work also comes later),
  else some working days after the effective due, a few get stuck for months;
- still open when that finish is after ``today`` (after ``end``: the generation time when
  the demo ends today, nothing happens later than it);
- waiting for the citizen (status ``supplement``): most of the open ones sent back, and a
  quarter of those sent back in the last six months, whose citizen has not answered yet
  (still open, whatever their planned finish); the request was sent between receipt and
  the last update, so on or before the effective due for most and after it for some; 10%
  carry no request time (the one-stop system did not always record it) and are judged at
  their last update.
"""
from __future__ import annotations

from collections.abc import Iterator
from datetime import date

import numpy as np
import pandas as pd

from pipelines.demo.formats import (
    END_OF_DAY, bool_text, half_text, iso_text, padded, timestamp_text,
)
from pipelines.demo.timeline import is_working, near_tet, not_after, office_seconds, tet_holidays, window
from pipelines.demo.units import Organisation
from warehouse import domain
from warehouse.calendar import WorkCalendar

CHUNK = 500_000
CHANNELS = np.array(domain.CHANNELS)
PORTAL_CODES = np.array(list(domain.CHANNEL_CODES))  # the same channels, in the same order, by code
BUSY_PROVINCES = {  # former provinces with more dossiers than a typical one (about people)
    "T-HOCHIMINH": 6.0, "T-HANOI": 6.0, "T-BINHDUONG": 1.8, "T-DONGNAI": 1.8, "T-THANHHOA": 1.6,
    "T-NGHEAN": 1.5, "T-HAIPHONG": 1.5, "T-DANANG": 1.3, "T-CANTHO": 1.2,
}
NAT = np.datetime64("NaT", "s")
UNANSWERED_DAYS = 180  # a dossier sent back this recently may still wait for its citizen
UNANSWERED_P = 0.25
UNRECORDED_P = 0.10  # waiting dossiers whose request time the one-stop system did not keep


def chunks(rng: np.random.Generator, *, n: int, today: date, end: np.datetime64, calendar: WorkCalendar,
           org: Organisation, procedures: pd.DataFrame) -> Iterator[pd.DataFrame]:
    """The dossiers in order of receipt, about ``CHUNK`` at a time (whole days each), none
    with a time after ``end`` (at most the end of ``today``)."""
    days = _received_days(rng, n, today, calendar)
    plan = _Plan(rng, org, procedures, calendar, today, end)
    starts = np.unique(np.searchsorted(days, days[::CHUNK]))
    for start, stop in zip(starts, [*starts[1:], n]):
        yield plan.chunk(rng, days[start:stop])


def _received_days(rng, n, today, calendar) -> np.ndarray:
    """Receipt day of each dossier, sorted: busy working days, a slight rise over time."""
    days = window(today)
    weight = np.where(is_working(calendar, days), 1.0, 0.04)
    weight[np.isin(days, tet_holidays(calendar))] = 0.003
    weight *= np.linspace(0.85, 1.15, len(days))
    return np.repeat(days, rng.multinomial(n, weight / weight.sum()))


class _Plan:
    """What is fixed for the whole run: per procedure, per unit and per route."""

    def __init__(self, rng, org: Organisation, procedures: pd.DataFrame, calendar, today, end):
        self.org, self.calendar = org, calendar
        self.codes = org.codes.astype(str)
        self.first_day, self.today = window(today)[0], np.datetime64(today, "D")
        self.end = end
        self.proc_codes = procedures["procedure_code"].to_numpy(dtype=str)
        weight = procedures["weight"].to_numpy()
        self.proc_p = weight / weight.sum()
        self.legal = procedures["legal_days"].to_numpy(dtype=np.int64)
        self.has_fee = (procedures["has_fee"] == "true").to_numpy()
        self.proc_route = _procedure_routes(rng, org, procedures)
        province_weight = rng.lognormal(0.0, 0.35, len(org.province_routes))
        former = org.codes[org.route_steps[org.province_routes, -2]]  # the old department
        province_weight *= [BUSY_PROVINCES.get(code, 1.0) for code in former]
        self.province_p = province_weight / province_weight.sum()
        self.on_time = np.where(org.late, rng.uniform(0.65, 0.80, len(org.late)),
                                rng.uniform(0.92, 0.995, len(org.late)))

    def chunk(self, rng: np.random.Generator, days: np.ndarray) -> pd.DataFrame:
        m = len(days)
        received = np.sort(not_after(rng, days.astype("datetime64[s]") + office_seconds(rng, m), self.end))
        proc = rng.choice(len(self.proc_p), m, p=self.proc_p)
        province = rng.choice(self.org.province_routes, m, p=self.province_p)
        unit = self.org.unit_on(np.where(self.proc_route[proc] >= 0, self.proc_route[proc], province),
                                days)
        due_day = self.calendar.add_working_days(days, self.legal[proc])
        supplements, halves = _supplements(rng, m)
        finished = self._finished(rng, days, received, unit, self.legal[proc], due_day, halves)
        closed = finished <= self.end
        since = (self.end - received).astype(np.int64)
        touched = received + (rng.random(m) * since).astype("timedelta64[s]")
        channel, paid = self._channels(rng, days, proc)

        frame = pd.DataFrame({
            "dossier_id": _ids(self.codes[unit], days),
            "procedure_code": self.proc_codes[proc],
            "unit_code": self.codes[unit],
            "channel": np.where(rng.random(m) < 0.05, PORTAL_CODES[channel], CHANNELS[channel]),
            "received_at": _received_text(rng, received),
            "due_at": np.where(rng.random(m) < 0.10, "", timestamp_text(due_day + END_OF_DAY)),
            "finished_at": timestamp_text(np.where(closed, finished, NAT)),
            "status": self._status(rng, closed, supplements, days),
            "supplement_count": supplements,
            "supplement_days": half_text(halves),
            "paid_online": bool_text(paid),
            "updated_at": timestamp_text(np.where(closed, finished, touched)),
        })
        self._wait(rng, frame, received, touched, supplements, days)
        return frame

    def _finished(self, rng, days, received, unit, legal, due_day, halves) -> np.ndarray:
        """When each dossier is (or would be) finished. On time: within its working days,
        later into them around Tết; late: 1 to ~15 working days after the effective due,
        0.4% stuck for months. The supplement pause shifts the finish by whole days, down
        when on time and up when late, so the verdict holds against due + pause."""
        m, cal = len(days), self.calendar
        slow = near_tet(cal, days)
        late = rng.random(m) > self.on_time[unit] - 0.15 * slow
        into = rng.random(m) ** np.where(slow, 0.5, 1.5)  # how far into its time it finishes
        on_time_day = cal.add_working_days(days, np.minimum((into * (legal + 1)).astype(np.int64), legal))
        overrun = rng.geometric(0.2, m) + (rng.random(m) < 0.004) * rng.integers(20, 250, m)
        day = np.where(late, cal.add_working_days(due_day, overrun), on_time_day)
        pause_days = np.where(late, halves + 1, halves) // 2
        finished = (day + pause_days).astype("datetime64[s]") + office_seconds(rng, m)
        soonest = received + rng.integers(600, 3600, m).astype("timedelta64[s]")
        return np.maximum(finished, soonest)

    def _channels(self, rng, days, proc) -> tuple[np.ndarray, np.ndarray]:
        """Channel (0 direct, 1 online, 2 postal) with online rising from 45% to 80% over
        the window, postal 3%; online payment for 70-85% of online dossiers with a fee."""
        m = len(days)
        elapsed = (days - self.first_day) / (self.today - self.first_day)
        draw = rng.random(m)
        channel = np.select([draw < 0.45 + 0.35 * elapsed, draw > 0.97], [1, 2], 0)
        paid = self.has_fee[proc] & (channel == 1) & (rng.random(m) < 0.70 + 0.15 * elapsed)
        return channel, paid

    def _wait(self, rng, frame: pd.DataFrame, received, touched, supplements, days) -> None:
        """Who waits for the citizen, and since when (``supplement_requested_at``), drawn
        after the other columns so that their draws do not depend on it. A dossier whose
        citizen has not answered is open, last touched at ``touched``; the request lies
        between its receipt and its last update."""
        m = len(days)
        unanswered = ((supplements > 0) & (days > self.today - UNANSWERED_DAYS)
                      & (rng.random(m) < UNANSWERED_P) & (frame["finished_at"] != "").to_numpy())
        frame.loc[unanswered, ["status", "finished_at"]] = ["supplement", ""]
        frame.loc[unanswered, "updated_at"] = timestamp_text(touched[unanswered])
        into = rng.random(m)
        span = (touched - received).astype(np.int64)
        requested = received + (into * span).astype(np.int64).astype("timedelta64[s]")
        recorded = rng.random(m) >= UNRECORDED_P
        waiting = (frame["status"] == "supplement").to_numpy()
        frame["supplement_requested_at"] = timestamp_text(np.where(waiting & recorded, requested, NAT))

    def _status(self, rng, closed, supplements, days) -> np.ndarray:
        m = len(closed)
        outcome = rng.random(m)
        ended = np.select([outcome < 0.02, outcome < 0.03], ["rejected", "withdrawn"], "finished")
        waiting = (supplements > 0) & (rng.random(m) < 0.6)
        fresh = (days >= self.today - 2) & (rng.random(m) < 0.5)
        still = np.select([waiting, fresh], ["supplement", "received"], "processing")
        return np.where(closed, ended, still)


def _supplements(rng, m: int) -> tuple[np.ndarray, np.ndarray]:
    """Supplement requests (8% once, 1% two or three times) and the days the clock stopped,
    counted in halves: 1 to 15 days a request."""
    draw = rng.random(m)
    count = (draw < 0.09).astype(np.int64) + (draw < 0.01) * rng.integers(1, 3, m)
    halves = np.where(count > 0, rng.integers(2, 31, m), 0)
    return count, halves + np.where(count > 1, rng.integers(2, 31, m), 0)


def _procedure_routes(rng, org: Organisation, procedures: pd.DataFrame) -> np.ndarray:
    """The route of each central procedure (-1 for provincial ones): a ministry unit that
    handles its field, and one of that unit's former units for dossiers before 2025."""
    current = org.current(org.ministry_routes)
    fields = {row: org.profile(row).fields for row in np.unique(current)}
    routes = np.full(len(procedures), -1)
    for number, (field, level) in enumerate(zip(procedures["field"], procedures["level"])):
        if level == "central":
            unit = rng.choice([row for row, handled in fields.items() if field in handled])
            routes[number] = rng.choice(org.ministry_routes[current == unit])
    return routes


def _received_text(rng, received: np.ndarray) -> np.ndarray:
    """Local time as the portal writes it; 1% as ISO with an offset (half UTC, half +07:00)."""
    text = timestamp_text(received).astype("U25")
    iso = np.flatnonzero(rng.random(len(received)) < 0.01)
    text[iso] = iso_text(received[iso], rng.random(len(iso)) < 0.5)
    return text


def _ids(unit_codes: np.ndarray, days: np.ndarray) -> np.ndarray:
    """``<unit>-<yymmdd>-<n>``, n the running number of the day in the ministry's system."""
    month = days.astype("datetime64[M]")
    yymmdd = ((days.astype("datetime64[Y]").astype(np.int64) + 1970) % 100 * 10000
              + (month.astype(np.int64) % 12 + 1) * 100 + (days - month).astype(np.int64) + 1)
    number = np.arange(len(days)) - np.searchsorted(days, days) + 1
    return np.strings.add(np.strings.add(np.strings.add(unit_codes, "-"), padded(yymmdd, 6)),
                          np.strings.add("-", padded(number, 6)))
