"""The demo generator writes the canonical files of DOMAIN.md with realistic, valid data."""
from __future__ import annotations

import unicodedata
from datetime import date, datetime
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from pipelines.demo import generate
from warehouse.calendar import WorkCalendar

CONFIG = Path(__file__).resolve().parents[2] / "config"
TODAY = date(2026, 3, 15)
COLUMNS = {
    "units": ["unit_code", "name_vi", "name_en", "kind", "parent_code", "valid_from", "valid_to",
              "successor_code", "contact_email"],
    "procedures": ["procedure_code", "name_vi", "name_en", "field", "level", "legal_days",
                   "has_fee", "full_online"],
    "dossiers": ["dossier_id", "procedure_code", "unit_code", "channel", "received_at", "due_at",
                 "finished_at", "status", "supplement_count", "supplement_days",
                 "supplement_requested_at", "paid_online", "updated_at"],
    "tasks": ["task_id", "title", "source", "document_ref", "lead_unit_code", "assigned_on",
              "due_on", "completed_on", "updated_at", "supervising_leader", "coordinating_units"],
    "budget": ["unit_code", "fiscal_year", "category", "line_code", "line_name", "plan_amount",
               "as_of", "disbursed_amount"],
}
KEYS = {"units": ["unit_code"], "procedures": ["procedure_code"], "dossiers": ["dossier_id"],
        "tasks": ["task_id"], "budget": ["unit_code", "fiscal_year", "category", "line_code", "as_of"]}
END_OF_TODAY = pd.Timestamp(TODAY) + pd.Timedelta("23:59:59")


@pytest.fixture(scope="module")
def calendar() -> WorkCalendar:
    return WorkCalendar.from_config(CONFIG, last_year=TODAY.year + 2)


@pytest.fixture(scope="module")
def files(tmp_path_factory, calendar) -> dict[str, Path]:
    return generate(tmp_path_factory.mktemp("demo"), seed=7, n_dossiers=20_000, today=TODAY,
                    calendar=calendar)


@pytest.fixture(scope="module")
def data(files) -> dict[str, pd.DataFrame]:
    return {name: pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8")
            for name, path in files.items()}


@pytest.fixture(scope="module")
def dossiers(data) -> pd.DataFrame:
    """Dossiers with parsed times (local, naive) and their procedure's legal days."""
    frame = data["dossiers"]
    legal = data["procedures"].set_index("procedure_code")["legal_days"].astype(int)
    return frame.assign(
        received=_local(frame["received_at"]),
        due=pd.to_datetime(frame["due_at"], format="%Y-%m-%d %H:%M:%S"),
        finished=pd.to_datetime(frame["finished_at"], format="%Y-%m-%d %H:%M:%S"),
        updated=pd.to_datetime(frame["updated_at"], format="%Y-%m-%d %H:%M:%S"),
        requested=pd.to_datetime(frame["supplement_requested_at"], format="%Y-%m-%d %H:%M:%S"),
        legal=frame["procedure_code"].map(legal),
        pause=pd.to_timedelta(frame["supplement_days"].astype(float), unit="D"),
    )


def _local(text: pd.Series) -> pd.Series:
    """Naive text is local time; text with an offset is converted to local (UTC+7)."""
    naive = pd.to_datetime(text.where(~text.str.contains("T")), format="%Y-%m-%d %H:%M:%S")
    aware = pd.to_datetime(text.where(text.str.contains("T")), format="ISO8601", utc=True)
    return naive.fillna(aware.dt.tz_convert("Asia/Ho_Chi_Minh").dt.tz_localize(None))


def _days(values: pd.Series) -> np.ndarray:
    return values.to_numpy(dtype="datetime64[ns]").astype("datetime64[D]")


def _valid_on(units: pd.DataFrame, codes: pd.Series, days: pd.Series) -> pd.Series:
    """Whether each unit existed on each day (empty validity dates are open-ended)."""
    table = units.set_index("unit_code")
    start = pd.to_datetime(codes.map(table["valid_from"]).replace("", "1900-01-01"))
    end = pd.to_datetime(codes.map(table["valid_to"]).replace("", "2999-12-31"))
    return (start <= days) & (days <= end)


def test_same_seed_same_bytes(tmp_path, calendar):
    first = generate(tmp_path / "a", seed=11, n_dossiers=3_000, today=TODAY, calendar=calendar)
    second = generate(tmp_path / "b", seed=11, n_dossiers=3_000, today=TODAY, calendar=calendar)
    other = generate(tmp_path / "c", seed=12, n_dossiers=3_000, today=TODAY, calendar=calendar)
    assert list(first) == list(COLUMNS)
    for name in COLUMNS:
        assert first[name].read_bytes() == second[name].read_bytes(), name
    assert first["dossiers"].read_bytes() != other["dossiers"].read_bytes()


def test_columns_keys_and_sizes(files, data):
    for name, columns in COLUMNS.items():
        assert files[name].name == f"{name}.csv"
        assert files[name].read_text(encoding="utf-8").splitlines()[0] == ",".join(columns)
        assert list(data[name].columns) == columns
        assert not data[name].duplicated(KEYS[name]).any(), name
    assert len(data["dossiers"]) == 20_000
    assert len(data["tasks"]) == 500
    assert 250 <= len(data["procedures"]) <= 350
    assert len(data["budget"]) > 1_000


def test_units_chains_end_at_current_units(data):
    units = data["units"].set_index("unit_code")
    assert set(units["kind"]) == {"ministry_unit", "province_dept"}
    assert set(units["parent_code"]) - {""} <= set(units.index)
    successors = units["successor_code"]
    assert set(successors) - {""} <= set(units.index)
    lengths = []
    for code in units.index:
        seen = [code]
        while successors[seen[-1]]:
            seen.append(successors[seen[-1]])
            assert len(seen) == len(set(seen)), f"cycle through {seen}"
        assert units.loc[seen[-1], "valid_to"] == "", f"{code} ends at a closed unit"
        lengths.append(len(seen))
    assert max(lengths) == 3  # the one three-step chain
    current = units[units["valid_to"] == ""]
    assert (current["kind"] == "ministry_unit").sum() == 27  # the root and its 26 units
    assert (current["kind"] == "province_dept").sum() == 34
    assert (units["kind"] == "province_dept").sum() == 34 + 63
    assert units.loc["S-HOCHIMINH", "name_vi"] == "Sở Nông nghiệp và Môi trường Thành phố Hồ Chí Minh"
    assert units.loc["T-HAGIANG", "successor_code"] == "S-TUYENQUANG"


def test_vietnamese_text_is_nfc_with_diacritics(data):
    texts = pd.concat([data["units"]["name_vi"], data["procedures"]["name_vi"],
                       data["tasks"]["title"], data["budget"]["line_name"]])
    assert all(unicodedata.is_normalized("NFC", t) for t in texts)
    assert texts.map(lambda t: not t.isascii()).mean() > 0.95
    assert data["units"]["unit_code"].map(str.isascii).all()


def test_procedures_follow_the_catalogue_shape(data):
    procedures = data["procedures"]
    assert procedures["procedure_code"].str.fullmatch(r"1\.\d{6}").all()
    assert set(procedures["level"]) == {"central", "province"}
    assert 0.2 < (procedures["level"] == "central").mean() < 0.45
    legal = procedures["legal_days"].astype(int)
    assert legal.min() >= 0 and legal.between(3, 45).mean() > 0.8
    assert set(procedures["has_fee"]) | set(procedures["full_online"]) == {"true", "false"}


def test_dossier_units_exist_and_were_valid_when_received(data, dossiers):
    units = data["units"].set_index("unit_code")
    assert dossiers["unit_code"].isin(units.index).all()
    assert dossiers["procedure_code"].isin(data["procedures"]["procedure_code"]).all()
    day = dossiers["received"].dt.normalize()
    assert _valid_on(data["units"], dossiers["unit_code"], day).all()
    level = dossiers["procedure_code"].map(data["procedures"].set_index("procedure_code")["level"])
    kind = dossiers["unit_code"].map(units["kind"])
    assert ((level == "central") == (kind == "ministry_unit")).all()
    assert not dossiers["unit_code"].isin(["BNNMT", "BTNMT", "BNNPTNT"]).any()


def test_dossier_times_follow_the_rules(dossiers, calendar):
    received = dossiers["received"]
    assert received.min() >= pd.Timestamp(TODAY) - pd.Timedelta(days=730)
    assert received.max() <= END_OF_TODAY
    has_due = dossiers["due"].notna()
    assert 0.05 < 1 - has_due.mean() < 0.15
    expected = calendar.add_working_days(_days(received[has_due]), dossiers["legal"][has_due])
    assert (_days(dossiers["due"][has_due]) == expected).all()
    assert (dossiers["due"][has_due].dt.strftime("%H:%M:%S") == "23:59:59").all()
    assert 0.005 < dossiers["received_at"].str.contains("T").mean() < 0.02

    closed = dossiers["status"].isin(["finished", "rejected", "withdrawn"])
    assert (closed == dossiers["finished"].notna()).all()
    assert dossiers["status"][~closed].isin(["received", "processing", "supplement"]).all()
    assert (dossiers["finished"][closed] >= received[closed]).all()
    assert (dossiers["finished"][closed] <= END_OF_TODAY).all()
    assert (dossiers["updated"] >= received.dt.floor("s")).all()
    assert (dossiers["updated"] <= END_OF_TODAY).all()
    assert (dossiers["updated"][closed] == dossiers["finished"][closed]).all()
    count = dossiers["supplement_count"].astype(int)
    assert (dossiers["status"][count == 0] != "supplement").all()
    assert ((count == 0) == (dossiers["pause"] == pd.Timedelta(0))).all()


def test_waiting_dossiers_carry_the_moment_they_were_sent_back(dossiers):
    waiting = dossiers["status"] == "supplement"
    requested = dossiers["requested"]
    assert requested[~waiting].isna().all()  # meaningful only while waiting
    assert 0.05 < requested[waiting].isna().mean() < 0.2  # some not recorded: judged at updated_at
    sent = waiting & requested.notna()
    assert (requested[sent] >= dossiers["received"][sent].dt.floor("s")).all()
    assert (requested[sent] <= dossiers["updated"][sent]).all()
    # judged at that moment (or at the last update): on time for most, late for some
    judged = requested.fillna(dossiers["updated"])
    effective = dossiers["due"] + dossiers["pause"]
    once = waiting & (dossiers["supplement_count"].astype(int) == 1) & effective.notna()
    assert (judged[once] <= effective[once]).sum() > (judged[once] > effective[once]).sum() >= 5


def test_a_demo_ending_today_stops_at_the_generation_time(tmp_path, calendar):
    """Generated at 09:30 on its last day, the demo holds nothing that happens later; ending
    on a past day, it runs to that day's end."""
    now = datetime(2026, 3, 15, 9, 30)
    files = generate(tmp_path / "now", seed=7, n_dossiers=5_000, today=TODAY, calendar=calendar, now=now)
    late = generate(tmp_path / "later", seed=7, n_dossiers=5_000, today=TODAY, calendar=calendar,
                    now=datetime(2026, 3, 16, 8, 0))
    for folder, limit in ((files, pd.Timestamp(now)), (late, END_OF_TODAY)):
        dossiers = pd.read_csv(folder["dossiers"], dtype=str, keep_default_na=False)
        tasks = pd.read_csv(folder["tasks"], dtype=str, keep_default_na=False)
        moments = pd.concat([_local(dossiers[c].replace("", None).dropna()) for c in
                             ("received_at", "finished_at", "supplement_requested_at", "updated_at")]
                            + [pd.to_datetime(tasks["updated_at"], format="%Y-%m-%d %H:%M:%S")])
        assert moments.max() <= limit
        assert (moments.dt.date == TODAY).sum() > 10  # the last day is not left empty
    assert (moments > pd.Timestamp(now)).any()  # ending on a past day: its afternoon too


def test_dossier_shares_and_late_units(data, dossiers):
    count = dossiers["supplement_count"].astype(int)
    assert 0.06 < (count == 1).mean() < 0.10 and 0.005 < (count > 1).mean() < 0.02
    status = dossiers["status"].value_counts(normalize=True)
    assert 0.01 < status["rejected"] < 0.03 and 0.005 < status["withdrawn"] < 0.02
    channel = dossiers["channel"].replace({"1": "direct", "2": "online", "3": "postal"})
    assert set(channel) == {"direct", "online", "postal"}
    assert 0.02 < dossiers["channel"].isin(["1", "2", "3"]).mean() < 0.08
    online = channel == "online"
    early = dossiers["received"] < dossiers["received"].quantile(0.2)
    assert online[early].mean() + 0.15 < online[~early].mean()
    fee = dossiers["procedure_code"].map(data["procedures"].set_index("procedure_code")["has_fee"])
    paid = dossiers["paid_online"] == "true"
    assert not paid[fee == "false"].any() and not paid[~online].any()
    assert 0.65 < paid[online & (fee == "true")].mean() < 0.9

    effective = dossiers["due"] + dossiers["pause"]
    open_ = dossiers["finished"].isna()
    assert ((effective < END_OF_TODAY) & open_).sum() > 0  # overdue open dossiers exist
    on_time = (dossiers["finished"] <= effective) & (count <= 1)
    closed_with_due = ~open_ & dossiers["due"].notna()
    current = _current(data["units"], dossiers["unit_code"])
    rate = on_time[closed_with_due].groupby(current[closed_with_due]).agg(["mean", "size"])
    rate = rate[rate["size"] >= 50]["mean"]
    assert (rate < 0.82).sum() >= 2, rate.sort_values().head()
    assert (rate > 0.9).mean() > 0.7


def _current(units: pd.DataFrame, codes: pd.Series) -> pd.Series:
    successor = units.set_index("unit_code")["successor_code"]
    current = codes.copy()
    for _ in range(len(units)):
        following = current.map(successor)
        if (following == "").all():
            return current
        current = following.where(following != "", current)
    raise AssertionError("successor chain does not end")


def test_tasks(data):
    tasks = data["tasks"]
    units = data["units"]
    assigned = pd.to_datetime(tasks["assigned_on"], format="%Y-%m-%d")
    due = pd.to_datetime(tasks["due_on"], format="%Y-%m-%d")
    completed = pd.to_datetime(tasks["completed_on"], format="%Y-%m-%d")
    updated = pd.to_datetime(tasks["updated_at"], format="%Y-%m-%d %H:%M:%S")
    kind = tasks["lead_unit_code"].map(units.set_index("unit_code")["kind"])
    assert (kind == "ministry_unit").all()
    assert not tasks["lead_unit_code"].isin(["BNNMT", "BTNMT", "BNNPTNT"]).any()
    assert _valid_on(units, tasks["lead_unit_code"], assigned).all()
    assert set(tasks["source"]) == {"government", "prime_minister", "ministry_leader", "other"}
    span = (due - assigned).dt.days.dropna()
    assert span.between(7, 120).all() and 0.05 < due.isna().mean() < 0.15
    assert (completed.dropna() >= assigned[completed.notna()]).all()
    assert (completed.dropna() <= pd.Timestamp(TODAY)).all()
    assert (updated >= assigned).all() and (updated <= END_OF_TODAY).all()
    done_on_time = completed.notna() & (due.isna() | (completed <= due))
    overdue = completed.isna() & (due < pd.Timestamp(TODAY))
    assert 0.55 < done_on_time.mean() < 0.85 and 0.005 < overdue.mean() < 0.08
    assert tasks["document_ref"].str.fullmatch(r"\S+( \S+)? \d+/\S+").all()


def test_budget(data):
    budget = data["budget"]
    units = data["units"]
    plan = budget["plan_amount"].astype("int64")
    disbursed = budget["disbursed_amount"].astype("int64")
    assert (disbursed >= 0).all() and (disbursed <= plan).all()
    assert set(budget["category"]) == {"recurrent", "investment"}
    assert budget["unit_code"].isin(units["unit_code"]).all()
    assert (budget["unit_code"].map(units.set_index("unit_code")["kind"]) == "ministry_unit").all()
    as_of = pd.to_datetime(budget["as_of"], format="%Y-%m-%d")
    assert as_of.max() == pd.Timestamp(TODAY)
    assert (as_of.dt.year == budget["fiscal_year"].astype(int)).all()
    ordered = budget.assign(disbursed=disbursed, as_of=as_of).sort_values(["line_code", "as_of"])
    assert (ordered.groupby("line_code")["disbursed"].diff().dropna() >= 0).all()
    assert ordered.groupby("line_code")["plan_amount"].nunique().eq(1).all()
    year_end = ordered[(ordered["as_of"].dt.month == 12) & (ordered["category"] == "investment")]
    march = ordered[(ordered["as_of"].dt.month == 3) & (ordered["category"] == "investment")]
    rate_end = year_end["disbursed"].sum() / year_end["plan_amount"].astype("int64").sum()
    rate_march = march["disbursed"].sum() / march["plan_amount"].astype("int64").sum()
    assert rate_march < 0.15 and rate_end > 0.85
