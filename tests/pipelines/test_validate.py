"""validate(): typed input (databases, JSON APIs) as well as text, the same reasons as the
scalar parsers give, and the vectorised fast paths agreeing with them cell by cell."""
from __future__ import annotations

import json
import unicodedata
from datetime import date, datetime, timedelta, timezone
from decimal import Decimal
from zoneinfo import ZoneInfo

import numpy as np
import pandas as pd
import pytest

from pipelines import parse
from pipelines.files import ROW_COLUMN, SOURCE_COLUMN
from pipelines.records import DATASETS, DOSSIERS, TASKS, UNITS
from pipelines.validate import validate

KNOWN = {"units": {"U1", "U2"}, "procedures": {"1.004227"}, "unit_successors": {}}
UTC = timezone.utc
PLUS7 = timezone(timedelta(hours=7))
NAME = "Sở Nông nghiệp và Môi trường"

TEXT_DOSSIERS = {
    "dossier_id": ["D1", "D2", "D3"],
    "procedure_code": ["1.004227"] * 3,
    "unit_code": ["U1", "U2", "U1"],
    "channel": ["direct", "online", "postal"],
    "received_at": ["2026-03-02 08:00:00", "2026-03-02T01:00:00+00:00", "02/03/2026 08:30"],
    "due_at": ["2026-03-20 23:59:59", "", ""],
    "finished_at": ["2026-03-10 09:00:00", "", ""],
    "status": ["finished", "processing", "supplement"],
    "supplement_count": ["0", "1", ""],
    "supplement_days": ["0", "2.5", ""],
    "supplement_requested_at": ["", "", "2026-03-03T02:00:00+00:00"],
    "paid_online": ["true", "false", ""],
    "updated_at": ["2026-03-10 09:00:00", "2026-03-03 10:00:00", "2026-03-03 10:00:00"],
}


def _frame(columns: dict, dataset=DOSSIERS, source: str = "a.csv") -> pd.DataFrame:
    """The delivery with the dataset's columns; optional ones not given are empty, as a
    source without them delivers them."""
    rows = len(next(iter(columns.values())))
    frame = pd.DataFrame({name: columns[name] if name in columns else pd.Series([None] * rows, dtype=object)
                          for name in dataset.column_names})
    frame[ROW_COLUMN] = range(2, len(frame) + 2)
    frame[SOURCE_COLUMN] = source
    return frame


def _text(columns: dict, dataset=DOSSIERS) -> pd.DataFrame:
    """Text cells as read_rows gives them."""
    return _frame({k: pd.Series(v, dtype="str") for k, v in columns.items()}, dataset)


def _reasons(checked) -> dict[int, str]:
    return dict(zip(checked.bad["row_number"], checked.bad["reason"]))


def test_text_dossiers_are_typed():
    checked = validate(_text(TEXT_DOSSIERS), DOSSIERS, KNOWN)
    assert checked.bad.empty
    good = checked.good
    assert list(good.columns) == list(DOSSIERS.column_names)
    assert good["channel"].tolist() == ["direct", "online", "postal"]
    assert [str(t) for t in good["received_at"]] == [
        "2026-03-02 08:00:00", "2026-03-02 08:00:00", "2026-03-02 08:30:00"]
    assert str(good["received_at"].dtype) == "datetime64[s]"
    assert str(good["supplement_count"].dtype) == "Int64"
    assert good["supplement_count"].tolist() == [0, 1, 0]
    assert good["supplement_days"].tolist() == [0.0, 2.5, 0.0]
    assert good["paid_online"].tolist() == [True, False, False]
    assert good["due_at"].isna().tolist() == [False, True, True]
    assert [str(t) for t in good["supplement_requested_at"]] == ["NaT", "NaT", "2026-03-03 09:00:00"]


def test_a_source_without_the_request_time_loads_as_before():
    """supplement_requested_at is optional: a delivery without it is typed as before, the
    column empty."""
    without = {k: v for k, v in TEXT_DOSSIERS.items() if k != "supplement_requested_at"}
    checked = validate(_text(without), DOSSIERS, KNOWN)
    assert checked.bad.empty
    assert checked.good["supplement_requested_at"].isna().all()
    full = validate(_text(TEXT_DOSSIERS), DOSSIERS, KNOWN).good
    pd.testing.assert_frame_equal(checked.good.drop(columns="supplement_requested_at"),
                                  full.drop(columns="supplement_requested_at"))


def test_typed_columns_load_like_their_text():
    """The same records from a database: typed dtypes, the same good frame."""
    typed = _frame({
        "dossier_id": pd.Series(["D1", "D2", "D3"], dtype="string"),
        "procedure_code": ["1.004227"] * 3,
        "unit_code": pd.Series(["U1", "U2", "U1"], dtype=object),
        "channel": pd.Series([1, 2, 3], dtype="int64"),  # the portal's codes
        "received_at": pd.Series(pd.to_datetime(
            ["2026-03-02 01:00:00", "2026-03-02 01:00:00", "2026-03-02 01:30:00"]).tz_localize("UTC")),
        "due_at": pd.Series([pd.Timestamp("2026-03-20 23:59:59.250"), pd.NaT, pd.NaT],
                            dtype="datetime64[ns]"),
        "finished_at": pd.Series([datetime(2026, 3, 10, 9), None, None], dtype="datetime64[us]"),
        "status": ["finished", "processing", "supplement"],
        "supplement_count": pd.Series([0, 1, None], dtype="Int64"),
        "supplement_days": [0.0, 2.5, np.nan],
        "supplement_requested_at": pd.Series([None, None, datetime(2026, 3, 3, 9)], dtype="datetime64[ns]"),
        "paid_online": pd.Series([True, False, None], dtype="boolean"),
        "updated_at": pd.to_datetime(["2026-03-10 09:00:00", "2026-03-03 10:00:00", "2026-03-03 10:00:00"]),
    })
    from_text = validate(_text(TEXT_DOSSIERS), DOSSIERS, KNOWN)
    from_typed = validate(typed, DOSSIERS, KNOWN)
    assert from_typed.bad.empty
    pd.testing.assert_frame_equal(from_typed.good, from_text.good)


def test_typed_python_values_in_object_columns():
    """JSON APIs and DB drivers give Python objects: datetimes naive and aware, Decimals,
    bools, numpy scalars, None for missing."""
    frame = _frame({
        "dossier_id": ["D1", "D2", "D3", "D4"],
        "procedure_code": ["1.004227"] * 4,
        "unit_code": ["U1"] * 4,
        "channel": [1, np.int64(2), "POSTAL", 2.0],  # codes, a numpy int, text, a whole float
        "received_at": [datetime(2026, 3, 2, 8, 0, 0, 999999),  # naive: local; to the second
                        datetime(2026, 3, 2, 1, 0, tzinfo=UTC),
                        pd.Timestamp("2026-03-02 08:30:00", tz="Asia/Ho_Chi_Minh"),
                        datetime(2026, 3, 1, 20, 0, tzinfo=timezone(timedelta(hours=-5)))],
        "due_at": [None, np.nan, pd.NaT, pd.NA],
        "finished_at": [None, None, None, None],
        "status": ["processing"] * 4,
        "supplement_count": [Decimal("2"), 3.0, np.int64(1), None],
        "supplement_days": [Decimal("2.5"), Decimal("1.0"), 3, None],
        "paid_online": [True, np.bool_(False), 1, None],
        "updated_at": [date(2026, 3, 3), "2026-03-03 10:00", pd.Timestamp("2026-03-03 10:00"),
                       np.datetime64("2026-03-03T10:00:00")],
    })
    checked = validate(frame, DOSSIERS, KNOWN)
    assert checked.bad.empty, checked.bad["reason"].tolist()
    good = checked.good
    assert good["channel"].tolist() == ["direct", "online", "postal", "online"]
    assert [str(t) for t in good["received_at"]] == [
        "2026-03-02 08:00:00", "2026-03-02 08:00:00", "2026-03-02 08:30:00", "2026-03-02 08:00:00"]
    assert good["due_at"].isna().all()
    assert good["supplement_count"].tolist() == [2, 3, 1, 0]
    assert good["supplement_days"].tolist() == [2.5, 1.0, 3.0, 0.0]
    assert good["paid_online"].tolist() == [True, False, True, False]
    assert [str(t) for t in good["updated_at"]] == ["2026-03-03 00:00:00"] + ["2026-03-03 10:00:00"] * 3
    assert str(good["updated_at"].dtype) == "datetime64[s]"


def test_decomposed_vietnamese_is_normalised_to_nfc():
    decomposed = unicodedata.normalize("NFD", NAME)
    assert decomposed != NAME
    units = _frame({
        "unit_code": ["SNN", unicodedata.normalize("NFD", "SỞ-1")],
        "name_vi": [f"  {decomposed} ", pd.Series([decomposed], dtype="string")[0]],
        "name_en": [None, np.nan],
        "kind": ["province_dept", "PROVINCE_DEPT"],
        "parent_code": ["", None],
        "valid_from": ["2025-07-01", date(2025, 7, 1)],
        "valid_to": ["", None],
        "successor_code": ["", None],
    }, UNITS)
    checked = validate(units, UNITS, KNOWN)
    assert checked.bad.empty
    assert checked.good["name_vi"].tolist() == [NAME, NAME]
    assert checked.good["unit_code"].tolist() == ["SNN", "SỞ-1"]
    assert checked.good["name_en"].tolist() == [None, None]
    assert checked.good["kind"].tolist() == ["province_dept", "province_dept"]


def test_mixed_offsets_are_converted_to_vietnam_time():
    """One column mixing naive, UTC, Z, +07:00, other offsets and dd/mm/yyyy text."""
    cells = ["2026-03-01 08:30:00", "2026-03-01T01:30:00+00:00", "2026-03-01T01:30:00Z",
             "2026-03-01T08:30:00+07:00", "2026-02-28T20:30:00-05:00", "2026-03-01 01:30:00Z",
             "01/03/2026 08:30", "1/3/2026 8:30", "2026-03-01T10:30:00+09:00", "2026-03-01T01:30:00+0000",
             "2026-03-01T08:30:00.750", "2026-03-01 08:30"]
    n = len(cells)
    columns = {**{k: [v[0]] * n for k, v in TEXT_DOSSIERS.items()},
               "dossier_id": [f"D{i}" for i in range(n)], "received_at": cells,
               "finished_at": [""] * n, "status": ["processing"] * n}
    checked = validate(_text(columns), DOSSIERS, KNOWN)
    assert checked.bad.empty
    assert set(str(t) for t in checked.good["received_at"]) == {"2026-03-01 08:30:00"}
    # an old instant takes Vietnam's offset of the time (+08:00 in 1970)
    columns["received_at"] = ["1970-01-01T00:00:00+00:00"] * n
    columns["updated_at"] = ["1970-01-02 00:00:00"] * n
    old = validate(_text(columns), DOSSIERS, KNOWN)
    assert set(str(t) for t in old.good["received_at"]) == {"1970-01-01 08:00:00"}


def test_aware_python_datetimes_of_several_zones():
    n = 4
    columns = {**{k: [v[0]] * n for k, v in TEXT_DOSSIERS.items()},
               "dossier_id": [f"D{i}" for i in range(n)], "finished_at": [None] * n,
               "status": ["processing"] * n}
    columns["received_at"] = [datetime(2026, 3, 1, 1, 30, tzinfo=UTC),
                              datetime(2026, 3, 1, 8, 30, tzinfo=PLUS7),
                              datetime(2026, 3, 1, 10, 30, tzinfo=ZoneInfo("Asia/Tokyo")),
                              datetime(2026, 3, 1, 8, 30)]
    checked = validate(_frame(columns), DOSSIERS, KNOWN)
    assert checked.bad.empty
    assert set(str(t) for t in checked.good["received_at"]) == {"2026-03-01 08:30:00"}


def test_reasons_for_bad_cells_are_unchanged():
    bad = {
        "B1": ({"received_at": ""}, "missing required value: received_at"),
        "B2": ({"received_at": "2026-02-30 08:00:00"},
               "received_at: unparseable date/time '2026-02-30 08:00:00'"),
        "B3": ({"channel": "fax"}, "channel: unknown value 'fax' (expected direct, online, postal)"),
        "B4": ({"supplement_days": "-1"}, "supplement_days: negative value -1"),
        "B5": ({"supplement_count": "1.5"}, "supplement_count: not an integer: '1.5'"),
        "B6": ({"supplement_days": "abc"}, "supplement_days: not a number: 'abc'"),
        "B7": ({"paid_online": "maybe"}, "paid_online: not true/false: 'maybe'"),
        "B8": ({"unit_code": "NOPE"}, "unit_code: unknown unit 'NOPE'"),
        "B9": ({"procedure_code": "9.999999"}, "procedure_code: unknown procedure '9.999999'"),
        "B10": ({"finished_at": "2026-03-01 08:00:00"}, "finished_at is before received_at"),
        "B11": ({"finished_at": "", "status": "finished"},
                "status 'finished' disagrees with finished_at: a closed dossier needs finished_at"),
        "B12": ({"status": "processing"},
                "status 'processing' disagrees with finished_at: an open dossier has no finished_at"),
        "B13": ({"channel": "", "received_at": "hôm qua", "supplement_count": "-2", "unit_code": "NOPE",
                 "finished_at": "2026-03-01 08:00:00", "status": "received"},
                "missing required value: channel; received_at: unparseable date/time 'hôm qua'; "
                "supplement_count: negative value -2; unit_code: unknown unit 'NOPE'; "
                "status 'received' disagrees with finished_at: an open dossier has no finished_at"),
    }
    rows = [{k: v[0] for k, v in TEXT_DOSSIERS.items()}]  # one good row: D1
    for dossier_id, (changes, _) in bad.items():
        rows.append({**rows[0], "dossier_id": dossier_id, **changes})
    rows += [{**rows[0], "dossier_id": key} for key in ("DUP", "X", "DUP")]
    frame = _text({k: [r[k] for r in rows] for k in DOSSIERS.column_names})
    checked = validate(frame, DOSSIERS, KNOWN)
    reasons = _reasons(checked)
    assert checked.good["dossier_id"].tolist() == ["D1", "X"]
    for offset, (_, expected) in enumerate(bad.values()):
        assert reasons[3 + offset] == expected
    dup = "duplicate key (dossier_id=DUP) in this delivery: rows a.csv:16, a.csv:18"
    assert reasons[16] == reasons[18] == dup
    assert json.loads(checked.bad["record"].iloc[0])["dossier_id"] == "B1"
    assert checked.bad.columns.tolist() == ["source", "row_number", "reason", "record"]


def test_a_supplement_request_before_receipt_is_quarantined():
    waiting = {k: v[2] for k, v in TEXT_DOSSIERS.items()}  # D3, received 02/03/2026 08:30
    cases = {"R1": "2026-03-02 08:30:00", "R2": "2026-03-02 08:29:59", "R3": "sáng nay", "R4": ""}
    rows = [{**waiting, "dossier_id": key, "supplement_requested_at": value} for key, value in cases.items()]
    checked = validate(_text({k: [r[k] for r in rows] for k in DOSSIERS.column_names}), DOSSIERS, KNOWN)
    assert checked.good["dossier_id"].tolist() == ["R1", "R4"]
    assert _reasons(checked) == {3: "supplement_requested_at is before received_at",
                                 4: "supplement_requested_at: unparseable date/time 'sáng nay'"}


def test_reasons_for_other_datasets():
    units = _text({"unit_code": ["A", "B", "C", "D"], "name_vi": ["a", "b", "c", "d"], "name_en": [""] * 4,
                   "kind": ["ministry_unit", "agency", "ministry_unit", "ministry_unit"],
                   "parent_code": ["", "", "ZZZ", ""],
                   "valid_from": ["2026-03-01 08:30:00", "", "", "31/12/2025"],
                   "valid_to": [""] * 4, "successor_code": ["B", "A", "", ""]}, UNITS)
    reasons = _reasons(validate(units, UNITS, KNOWN))
    assert reasons == {
        2: "valid_from: expected a date, got a time of day in '2026-03-01 08:30:00'; "
           "successor cycle: A → B → A",
        3: "kind: unknown value 'agency' (expected ministry_unit, province_dept); successor cycle: B → A → B",
        4: "parent_code: unknown unit 'ZZZ'",
    }
    budget = _text({"unit_code": ["U1"] * 4, "fiscal_year": ["2026", "2026", "2026", "2026.0"],
                    "category": ["investment"] * 4, "line_code": ["L1", "L2", "L3", "L4"],
                    "line_name": [""] * 4,
                    "plan_amount": ["1.000.000.000", "-5", "1.5", "1.234"], "as_of": ["2026-03-31"] * 4,
                    "disbursed_amount": ["250000000", "0", "1,5", "-1.234"]}, DATASETS["budget"])
    checked = validate(budget, DATASETS["budget"], KNOWN)
    assert checked.good["plan_amount"].tolist() == [1_000_000_000]
    assert _reasons(checked) == {
        3: "plan_amount: negative amount -5",
        4: "plan_amount: not a whole amount of VND: '1.5'; disbursed_amount: not an amount: '1,5'",
        5: "disbursed_amount: negative amount -1.234",
    }
    tasks = _text({"task_id": ["T1", "T2"], "title": ["x", "y"], "source": ["government", "other"],
                   "document_ref": ["", ""], "lead_unit_code": ["U1", "U1"],
                   "assigned_on": ["2026-03-05", "2026-03-05"],
                   "due_on": ["", ""], "completed_on": ["2026-03-01", "2026-03-06"],
                   "updated_at": ["2026-03-06 10:00:00"] * 2}, TASKS)
    assert _reasons(validate(tasks, TASKS, KNOWN)) == {2: "completed_on is before assigned_on"}


def test_reasons_for_bad_typed_values_and_json_records():
    frame = _frame({
        **{k: [v[0]] * 4 for k, v in TEXT_DOSSIERS.items()},
        "dossier_id": ["T1", "T2", "T3", "T4"],
        "channel": [7, "online", "online", "online"],
        "received_at": [datetime(2026, 3, 2, 8), "2026-03-02 08:00:00", datetime(2026, 3, 2, 8), 20260302],
        "supplement_count": [0, 3.5, True, 0],
        "supplement_days": [Decimal("0"), Decimal("-1.50"), float("inf"), Decimal("0")],
        "paid_online": [False, 2, False, False],
        "updated_at": [pd.Timestamp("2026-03-10 09:00:00", tz="UTC")] * 4,
    })
    frame.loc[0, "updated_at"] = pd.NaT
    checked = validate(frame, DOSSIERS, KNOWN)
    assert _reasons(checked) == {
        2: "channel: unknown value '7' (expected direct, online, postal); missing required value: updated_at",
        3: "supplement_count: not an integer: '3.5'; supplement_days: negative value -1.50; "
           "paid_online: not true/false: '2'",
        4: "supplement_count: not an integer: 'True'; supplement_days: not a number: 'inf'",
        5: "received_at: unparseable date/time '20260302'",
    }
    first = json.loads(checked.bad["record"].iloc[0])
    assert first["channel"] == 7 and first["received_at"] == "2026-03-02 08:00:00"
    assert first["updated_at"] is None and first["supplement_days"] == "0"
    second = json.loads(checked.bad["record"].iloc[1])
    assert second["supplement_count"] == 3.5 and second["supplement_days"] == "-1.50"
    assert second["updated_at"] == "2026-03-10 09:00:00+00:00"
    assert json.loads(checked.bad["record"].iloc[2])["supplement_days"] == "inf"

    tasks = _frame({"task_id": ["T1"], "title": ["x"], "source": ["other"], "document_ref": [None],
                    "lead_unit_code": ["U1"], "assigned_on": [pd.Timestamp("2026-03-01 08:30")],
                    "due_on": [datetime(2026, 3, 1, 17, 0, tzinfo=UTC)], "completed_on": [None],
                    "updated_at": [datetime(2026, 3, 1)]}, TASKS)
    assert _reasons(validate(tasks, TASKS, KNOWN)) == {
        2: "assigned_on: expected a date, got a time of day in '2026-03-01 08:30:00'"}  # due_on: fine


# Texts the fast paths must read exactly as the scalar parsers do, value or reason.
TIMES = ["2026-03-01 08:30:00", "2026-03-01T08:30:00", "2026-03-01 08:30", "2026-03-01",
         "2026-03-01T01:30:00Z", "2026-03-01T01:30:00+00:00", "2026-02-28T20:30:00-05:00",
         "2026-03-01T08:30:00+0700", "2026-03-01T08:30", "02/03/2026", "02/03/2026 08:30",
         "02/03/2026T08:30:15", "2/3/2026 8:30", "29/02/2024", "29/02/2025", "2024-02-29 00:00:00",
         "2025-02-29", "2026-13-01", "2026-01-00", "0000-01-01", "0001-01-01 00:00:00",
         "9999-12-31 23:59:59", "1975-06-01T00:00:00+00:00", "1976-01-01T00:00:00Z", "2026-03-01 24:00:00",
         "2026-03-01 23:60:00", "2026-03-01 23:59:60", "2026-03-01T08:30:00+24:00",
         "2026-03-01T08:30:00+07:60", "2026-03-01t08:30:00", "2026-03-01T08:30:00z",
         "2026-03-01  08:30:00", "2026-3-1 08:30:00", "2026-03-01 08:30:00.999999", "２０２６-03-01",
         "2026-03-01 08:30:00\x00", "hello", "2026/03/01", "20260301"]
INTS = ["0", "5", "-3", "+4", "007", "5.0", "5.5", "1e3", "٣", "1_000", "-0", "+-1", "1.", ".5",
        "123456789012345678", "99999999999999999999", "abc"]
DECIMALS = ["2.5", "2,5", "-1", "0", "1,234.5", "inf", "NaN", "1e3", ".5", "5.", "-0.0", "0.1",
            "123456789012345.6", "1.2345678901234567", "+2.5", "1_0", "0.30000000000000004",
            "9999999999999999", "1,2,3", "-", "٣.5"]
AMOUNTS = ["1.234.567", "1.234", "-1.234", "+1.234", "1.23", "12.345.67", "1000", "1000.00", "1,000", "-5",
           "0", "1.000.000.000.000.000", "123.456.789.012.345.678", "1234.567", ".123", "1.234.", "5e3",
           "00.000"]


def _scalar(kind: str, name: str, text: str):
    """What the per-cell parsers make of one text: (value, None) or (None, reason)."""
    if not text.strip():
        return None, None
    try:
        value = parse.PARSERS[kind](text)
        if kind in ("int", "amount", "decimal") and value < 0:
            raise parse.BadValue(f"negative {'amount' if kind == 'amount' else 'value'} {text}")
        if kind != "decimal" and isinstance(value, int) and value > np.iinfo(np.int64).max:
            raise parse.BadValue(f"out of range: {text}")
    except parse.BadValue as exc:
        return None, f"{name}: {exc}"
    return value, None


@pytest.mark.parametrize("dataset, name, texts", [
    (DOSSIERS, "updated_at", TIMES), (TASKS, "assigned_on", TIMES), (DOSSIERS, "supplement_count", INTS),
    (DOSSIERS, "supplement_days", DECIMALS), (DATASETS["budget"], "plan_amount", AMOUNTS),
])
def test_fast_paths_agree_with_the_scalar_parsers(dataset, name, texts):
    col = next(c for c in dataset.columns if c.name == name)
    good_row = {
        "dossiers": {k: v[0] for k, v in TEXT_DOSSIERS.items()},
        "tasks": {"task_id": "T", "title": "x", "source": "other", "document_ref": "", "lead_unit_code": "U1",
                  "assigned_on": "2026-03-01", "due_on": "", "completed_on": "",
                  "updated_at": "2026-03-01 10:00:00"},
        "budget": {"unit_code": "U1", "fiscal_year": "2026", "category": "recurrent", "line_code": "L",
                   "line_name": "", "plan_amount": "1", "as_of": "2026-03-31", "disbursed_amount": "0"},
    }[dataset.name]
    cells = texts * 3  # enough rows for the vectorised paths, and repeats
    key = {"dossiers": "dossier_id", "tasks": "task_id", "budget": "line_code"}[dataset.name]
    rows = [{**good_row, key: f"K{i}", name: text} for i, text in enumerate(cells)]
    frame = _text({k: [r[k] for r in rows] for k in dataset.column_names if k in good_row}, dataset)
    checked = validate(frame, dataset, KNOWN)
    reasons = _reasons(checked)
    good = iter(checked.good[name].tolist())
    for number, text in enumerate(cells, start=2):
        value, reason = _scalar(col.kind, name, text)
        if reason:
            assert reasons.get(number) == reason, text
        else:
            assert number not in reasons, (text, reasons.get(number))
            got = next(good)
            if col.kind in ("date", "timestamp"):
                assert got == pd.Timestamp(value), text
            else:
                assert got == value and str(got) == str(value), text
