"""Waiting for the citizen (DOMAIN.md, Indicators > Dossiers) on a small hand-made warehouse:
a dossier in status 'supplement' is judged at the moment it was sent back, on time when
that is on or before its effective due, and is never overdue while it waits unless that
moment was after its due (or it has more than one supplement request).

The records go through the real pipeline (CSV → validation → writer → marts → snapshot),
one file with the canonical column ``supplement_requested_at`` and one without it.
"""
from __future__ import annotations

import json
from datetime import date

import pandas as pd
import pytest

from pipelines.ingest import ingest_files
from tests.warehouse.test_rules import config_without_minimum
from warehouse.db import writer
from warehouse.lists import overdue_dossiers
from warehouse.metrics import Period, query
from warehouse.scope import Scope
from warehouse.snapshots import Reader, publish

UNITS = """unit_code,name_vi,kind
U1,Cục thử nghiệm,ministry_unit
"""
PROCEDURES = """procedure_code,name_vi,field,level,legal_days,has_fee
P5,Thủ tục năm ngày,land,central,5,false
"""
# Every dossier is received on Monday 2 March 2026 and due at the end of Monday 9 March
# (W3 on 20 March; W6 has 3 days of earlier pauses: effective due 12 March 23:59:59).
WITH_REQUEST = """\
dossier_id,procedure_code,unit_code,channel,received_at,due_at,finished_at,status,supplement_count,supplement_days,supplement_requested_at,paid_online,updated_at
W1,P5,U1,online,2026-03-02 09:00:00,2026-03-09 23:59:59,,supplement,1,0,2026-03-05 10:00:00,false,2026-03-05 10:00:00
W2,P5,U1,online,2026-03-02 09:00:00,2026-03-09 23:59:59,,supplement,1,0,2026-03-12 10:00:00,false,2026-03-12 10:00:00
W3,P5,U1,online,2026-03-02 09:00:00,2026-03-20 23:59:59,,supplement,2,2,2026-03-04 10:00:00,false,2026-03-04 10:00:00
W4,P5,U1,online,2026-03-02 09:00:00,2026-03-09 23:59:59,,supplement,1,0,,false,2026-03-06 15:00:00
W6,P5,U1,online,2026-03-02 09:00:00,2026-03-09 23:59:59,,supplement,1,3,2026-03-11 16:00:00,false,2026-03-11 16:00:00
Q1,P5,U1,online,2026-03-02 09:00:00,2026-03-09 23:59:59,,supplement,1,0,2026-03-01 10:00:00,false,2026-03-02 10:00:00
"""
WITHOUT_REQUEST = """\
dossier_id,procedure_code,unit_code,channel,received_at,due_at,finished_at,status,supplement_count,supplement_days,paid_online,updated_at
W5,P5,U1,direct,2026-03-02 09:00:00,2026-03-09 23:59:59,,supplement,1,0,false,2026-03-13 08:00:00
C1,P5,U1,direct,2026-03-02 09:00:00,2026-03-09 23:59:59,,processing,0,0,false,2026-03-03 08:00:00
"""
MARCH = Period(date(2026, 3, 1), date(2026, 3, 31))
EVERYONE = Scope.everything()


@pytest.fixture(scope="module")
def loaded(tmp_path_factory):
    """(reader, {file name: run result})."""
    from tests.conftest import make_settings

    folder = tmp_path_factory.mktemp("waiting")
    settings = make_settings(folder / "var", config_dir=config_without_minimum(folder / "config"))
    runs = {}
    with writer(settings) as con:
        for name, dataset, text in (("units", "units", UNITS), ("procedures", "procedures", PROCEDURES),
                                    ("with", "dossiers", WITH_REQUEST), ("without", "dossiers", WITHOUT_REQUEST)):
            path = folder / f"{name}.csv"
            path.write_text(text, encoding="utf-8")
            runs[name] = ingest_files(con, dataset, [path])
        publish(con, settings)
    return Reader(settings), runs


def _counts(reader, name: str, period: Period) -> tuple[int, int]:
    row = query(name, period, scope=EVERYONE, reader=reader).iloc[0]
    return int(row["numerator"]), int(row["denominator"])


def _until(day: date) -> Period:
    return Period(date(2026, 3, 1), day)


def test_a_request_before_receipt_is_quarantined_and_a_file_without_the_column_loads(loaded):
    reader, runs = loaded
    assert (runs["with"].read, runs["with"].loaded, runs["with"].quarantined) == (6, 5, 1)
    [(reason, record)] = reader.frame("select reason, record from wh.quarantine", {}).values.tolist()
    assert reason == "supplement_requested_at is before received_at" and json.loads(record)["dossier_id"] == "Q1"
    assert (runs["without"].read, runs["without"].loaded, runs["without"].quarantined) == (2, 2, 0)
    stored = reader.frame("select dossier_id, supplement_requested_at from wh.dossiers order by dossier_id", {})
    assert stored.set_index("dossier_id")["supplement_requested_at"].isna().to_dict() == {
        "C1": True, "W1": False, "W2": False, "W3": False, "W4": True, "W5": True, "W6": False}


def test_waiting_dossiers_are_judged_when_sent_back(loaded):
    reader, _ = loaded
    # at the end of March: on time W1 (sent back 5 March, due 9 March), W4 (no request time:
    # its last update, 6 March), W6 (11 March, before its effective due of 12 March); late
    # W2 (sent back 12 March, after its due), W3 (two requests), W5 (last update 13 March),
    # C1 (processing, due passed)
    assert _counts(reader, "dossier_on_time_rate", MARCH) == (3, 7)
    assert _counts(reader, "dossier_overdue_open", MARCH) == (4, 7)


def test_a_waiting_dossier_never_becomes_overdue_while_it_waits(loaded):
    reader, _ = loaded
    # months after their due, those sent back in time still count on time, not overdue
    for end in (date(2026, 4, 30), date(2026, 9, 30), date(2027, 6, 30)):
        period = Period(end.replace(day=1), end)
        assert _counts(reader, "dossier_on_time_rate", period) == (3, 7), end
        assert _counts(reader, "dossier_overdue_open", period) == (4, 7), end


def test_before_it_is_sent_back_a_dossier_is_judged_as_any_open_one(loaded):
    reader, _ = loaded
    # 8 March: nothing is due yet, only W3 (two requests) is late
    assert _counts(reader, "dossier_overdue_open", _until(date(2026, 3, 8))) == (1, 7)
    assert _counts(reader, "dossier_on_time_rate", _until(date(2026, 3, 8))) == (6, 7)
    # 10 March: W2 and W5 are not sent back yet and their due has passed, as C1's has
    assert _counts(reader, "dossier_overdue_open", _until(date(2026, 3, 10))) == (4, 7)
    assert _counts(reader, "dossier_on_time_rate", _until(date(2026, 3, 10))) == (3, 7)


def test_the_overdue_list_flags_the_waiting_ones(loaded):
    reader, _ = loaded
    rows = overdue_dossiers(date(2026, 3, 31), scope=EVERYONE, reader=reader)
    listed = rows.set_index("dossier_id")[["waiting", "days_overdue"]]
    # days overdue stop when the clock stopped: W2 10-12 March, W5 10-13 March; C1 runs to
    # 31 March (16 working days); W3, late by its requests only, was sent back before its due
    assert listed.to_dict("index") == {
        "C1": {"waiting": False, "days_overdue": 16}, "W5": {"waiting": True, "days_overdue": 4},
        "W2": {"waiting": True, "days_overdue": 3}, "W3": {"waiting": True, "days_overdue": 0}}
    assert rows["dossier_id"].tolist() == ["C1", "W5", "W2", "W3"]  # most days overdue first
    assert len(rows) == _counts(reader, "dossier_overdue_open", MARCH)[0]
    # on 10 March W2 and W5 had not been sent back yet: overdue like C1, not waiting
    early = overdue_dossiers(date(2026, 3, 10), scope=EVERYONE, reader=reader).set_index("dossier_id")
    assert early[["waiting", "days_overdue"]].to_dict("index") == {
        "C1": {"waiting": False, "days_overdue": 1}, "W2": {"waiting": False, "days_overdue": 1},
        "W5": {"waiting": False, "days_overdue": 1}, "W3": {"waiting": True, "days_overdue": 0}}
    assert len(early) == _counts(reader, "dossier_overdue_open", _until(date(2026, 3, 10)))[0]


def test_the_marts_keep_one_state_per_day(loaded):
    """The day-state running totals agree with the list at the end of every day."""
    reader, _ = loaded
    for day in pd.date_range("2026-03-02", "2026-04-15").date:
        listed = len(overdue_dossiers(day, scope=EVERYONE, reader=reader))
        assert listed == _counts(reader, "dossier_overdue_open", Period(day, day))[0], day
