"""Readers answer from the published snapshot, never from a run in progress."""
from __future__ import annotations

import json
import threading

import pytest

from pipelines.ingest import ingest_files
from warehouse.db import writer
from warehouse.snapshots import NoSnapshot, Reader, publish, read_pointer

UNITS = "unit_code,name_vi,kind\nA,Cục A,ministry_unit\n"
MORE_UNITS = "unit_code,name_vi,kind\nB,Cục B,ministry_unit\nC,Cục C,province_dept\n"


def _publish_units(settings, tmp_path, name, text):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    with writer(settings) as con:
        ingest_files(con, "units", [path])
        return publish(con, settings)


def _count(reader):
    return int(reader.frame("select count(*) as n from units")["n"][0])


def test_reader_without_snapshot_says_so(settings):
    with pytest.raises(NoSnapshot):
        Reader(settings).version


def test_readers_keep_the_old_snapshot_during_a_publish(settings, tmp_path):
    first = _publish_units(settings, tmp_path, "u1.csv", UNITS)
    reader = Reader(settings)
    assert (reader.version, _count(reader)) == (first, 1)

    seen_during = []
    with reader.cursor() as (version, cur):
        # a query that started before the publish ...
        publisher = threading.Thread(
            target=lambda: seen_during.append(_publish_units(settings, tmp_path, "u2.csv", MORE_UNITS)))
        publisher.start()
        publisher.join()
        # ... still reads the snapshot it started on, after the pointer has moved
        assert version == first
        assert cur.execute("select count(*) from units").fetchone()[0] == 1
    second = seen_during[0]
    assert second != first and read_pointer(settings)["version"] == second
    # the next query sees the new snapshot
    assert (reader.version, _count(reader)) == (second, 3)


def test_writer_changes_are_invisible_until_published(settings, tmp_path):
    _publish_units(settings, tmp_path, "u1.csv", UNITS)
    reader = Reader(settings)
    path = tmp_path / "u2.csv"
    path.write_text(MORE_UNITS, encoding="utf-8")
    with writer(settings) as con:
        ingest_files(con, "units", [path])
        assert _count(reader) == 1  # loaded in the writer, not yet published
    assert _count(reader) == 1


def test_old_snapshots_are_removed_but_the_last_ones_kept(settings, tmp_path):
    versions = [_publish_units(settings, tmp_path, f"u{i}.csv", UNITS) for i in range(5)]
    kept = sorted(p.stem for p in settings.snapshots_dir.glob("*.duckdb"))
    assert kept == sorted(versions)[-settings.snapshots_keep:]


def test_a_broken_model_check_blocks_the_publish(settings, tmp_path):
    from warehouse.models import ModelCheckError

    first = _publish_units(settings, tmp_path, "u1.csv", UNITS)
    with writer(settings) as con:
        # a fact that bypassed validation: its unit does not exist, so the mart's
        # relationship check to units fails
        con.execute("insert into procedures (procedure_code, name_vi, legal_days) values ('P', 'Thủ tục', 3)")
        con.execute("insert into dossiers (dossier_id, procedure_code, unit_code, channel, received_at, "
                    "status, updated_at) values ('X', 'P', 'GHOST', 'online', '2026-03-02 08:00', "
                    "'received', '2026-03-02 08:00')")
        with pytest.raises(ModelCheckError, match=r"mart_dossier_unit_day.unit_code: \d+ rows not in units.unit_code"):
            publish(con, settings)
    assert read_pointer(settings)["version"] == first
    assert len(list(settings.snapshots_dir.glob("*.duckdb"))) == 1


def test_a_snapshot_of_older_models_is_rebuilt_at_start(settings, tmp_path):
    from pipelines.bootstrap import ensure_data

    first = _publish_units(settings, tmp_path, "u1.csv", UNITS)
    assert ensure_data(settings, show_progress=False) == first  # current models: reused as is
    pointer = read_pointer(settings)
    settings.pointer_path.write_text(json.dumps({**pointer, "models": "older"}), encoding="utf-8")
    rebuilt = ensure_data(settings, show_progress=False)
    assert rebuilt != first and read_pointer(settings)["version"] == rebuilt
    assert _count(Reader(settings)) == 1  # same data, rebuilt models
