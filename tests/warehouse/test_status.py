"""One status rule per indicator, small samples and unranked units (DOMAIN.md, Status of a
value; Dossiers, Small samples; Unit ranking), on the hand-made records of test_rules
published with the shipped configuration (minimum 20 dossiers, 5 tasks)."""
from __future__ import annotations

import shutil
from datetime import date

import pandas as pd
import pytest

from tests.warehouse import test_rules
from warehouse import published
from warehouse.db import writer
from warehouse.metrics import Period, query
from warehouse.registry import REGISTRY
from warehouse.scope import Scope
from warehouse.snapshots import Reader, publish

EVERYTHING = Scope.everything()


@pytest.fixture(scope="module")
def shipped(tmp_path_factory):
    from config.settings import CONFIG_DIR

    folder = tmp_path_factory.mktemp("status")
    shutil.copytree(CONFIG_DIR, folder / "config")
    settings = test_rules.publish_records(folder, folder / "config")
    return settings, Reader(settings)


def test_a_rate_under_the_minimum_is_a_small_sample_without_status(shipped):
    _, reader = shipped
    row = query("dossier_on_time_rate", test_rules.FEB, scope=EVERYTHING, by=["unit"], reader=reader).iloc[0]
    assert (row.unit_code, row.numerator, row.denominator) == ("NEW", 5, 9)
    assert row.value == pytest.approx(5 / 9)  # still shown, with "ít số liệu (n = 9)"
    assert bool(row.small_sample) and row.status is None
    counts = query("dossier_overdue_open", test_rules.FEB, scope=EVERYTHING, reader=reader).iloc[0]
    assert not counts.small_sample and counts.status is not None  # counts are never a sample


def test_a_component_under_the_minimum_is_left_out_of_the_ranking(shipped):
    _, reader = shipped
    row = query("unit_ranking", test_rules.MARCH, scope=EVERYTHING, reader=reader).set_index("unit_code").loc["NEW"]
    # March: 6 dossiers (< 20) leave procedures out; 5 tasks done or fallen due are enough
    assert pd.isna(row.procedures) and row.tasks == pytest.approx(40)
    assert row["rank"] == 1


def test_a_unit_with_no_component_left_is_unranked_not_dropped(shipped):
    _, reader = shipped
    june = Period(date(2024, 6, 1), date(2024, 6, 30))  # PROV closed one dossier, nothing else
    [row] = query("unit_ranking", june, scope=EVERYTHING, reader=reader).to_dict("records")
    assert row["unit_code"] == "PROV" and pd.isna(row["rank"]) and pd.isna(row["composite"])
    assert row["ranked"] == 0 and row["status"] is None


def _status(reader, name, values, units=1, **columns):
    frame = pd.DataFrame({"value": values, "numerator": columns.get("numerator", values),
                          "denominator": columns.get("denominator", [1] * len(values)),
                          **{k: v for k, v in columns.items() if k not in ("numerator", "denominator")}})
    return published.status(REGISTRY[name], frame, reader, units).tolist()


def test_each_status_at_its_thresholds(shipped):
    _, reader = shipped
    assert _status(reader, "dossier_on_time_rate", [0.95, 0.9499, 0.85, 0.8499, None]) == [
        "good", "watch", "watch", "bad", None]
    assert _status(reader, "task_on_time_rate", [0.95, 0.84]) == ["good", "bad"]
    assert _status(reader, "dossier_online_rate", [0.5, 0.3, 0.29]) == ["good", "watch", "bad"]
    assert _status(reader, "dossier_online_payment_rate", [0.8, 0.5, 0.49]) == ["good", "watch", "bad"]
    assert _status(reader, "task_overdue_rate", [0.02, 0.0201, 0.05, 0.0501]) == ["good", "watch", "watch", "bad"]
    assert _status(reader, "budget_disbursement_rate", [0.5] * 4, gap_pp=[-2.0, -2.1, -5.0, -5.1]) == [
        "good", "watch", "watch", "bad"]
    assert _status(reader, "dossier_overdue_open", [0, 3, 4]) == ["good", "watch", "bad"]
    assert _status(reader, "task_overdue", [0, 3, 4], units=2) == ["good", "watch", "watch"]  # 3 a unit
    assert _status(reader, "unit_ranking", [90.0, 75.0, 74.9]) == ["good", "watch", "bad"]
    # points are judged on their rate: 19 of 20 on time is 95 %
    assert _status(reader, "d766_progress_points", [19.0, 16.0], numerator=[19, 16], denominator=[20, 20]) == [
        "good", "bad"]
    assert _status(reader, "dossier_on_time_rate", [0.99], small_sample=[True]) == [None]


def test_a_bad_thresholds_file_stops_the_publish(shipped):
    settings, reader = shipped
    before = reader.version
    config = settings.config_dir / "thresholds.toml"
    text = config.read_text(encoding="utf-8")
    try:
        config.write_text(text.replace("good = 0.95\nwatch = 0.85", "good = 0.85\nwatch = 0.95", 1),
                          encoding="utf-8")
        with pytest.raises(ValueError, match=r"\[on_time\] watch must be looser than good"):
            with writer(settings) as con:
                publish(con, settings)
        assert Reader(settings).version == before  # readers keep what was published
    finally:
        config.write_text(text, encoding="utf-8")
