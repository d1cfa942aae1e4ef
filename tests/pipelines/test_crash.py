"""A pipeline process killed with SIGKILL at any moment: the published snapshot stays as it
was, and the next run completes with every source record exactly once."""
from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import time

import duckdb
import pandas as pd

from tests.pipelines.test_sources import _dossier_source, _native_dossiers
from warehouse.db import writer
from warehouse.snapshots import read_pointer

COPIES = 150  # 3000 demo dossiers x 150 = 450k source rows: a load of several seconds


def _run(settings) -> subprocess.Popen:
    env = {"OPSCENTER_DATA_DIR": str(settings.data_dir), "OPSCENTER_SOURCES_FILE": str(settings.sources_path),
           "OPSCENTER_DEMO": "false", "OPSCENTER_SNAPSHOT_GRACE_SECONDS": "0", "PATH": "/usr/bin:/bin"}
    return subprocess.Popen([sys.executable, "-m", "pipelines", "run", "motcua", "--json"], env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def test_sigkill_mid_run_loses_and_duplicates_nothing(make_warehouse, canonical, tmp_path):
    database = tmp_path / "motcua.sqlite"
    native = _native_dossiers(canonical)
    with sqlite3.connect(database) as con:
        for copy in range(COPIES):
            native.assign(ma_ho_so=native["ma_ho_so"] + f"-{copy:03d}").to_sql("hs_ho_so", con, index=False,
                                                                                if_exists="append")
    settings = make_warehouse(_dossier_source("motcua", url=f"sqlite:///{database}", table="hs_ho_so",
                                              chunk_rows=20_000))
    source_ids = set(native["ma_ho_so"])
    assert len(source_ids) * COPIES == len(native) * COPIES

    # how long a whole run takes here, to aim the kills across it
    started = time.monotonic()
    probe = _run(settings)
    probe.wait(timeout=600)
    duration = time.monotonic() - started
    assert probe.returncode == 0, probe.stderr.read()
    with writer(settings) as con:  # start again from an empty dossier table
        con.execute("delete from dossiers")
        con.execute("delete from source_state")
    before = read_pointer(settings)

    interrupted = 0
    for fraction in (0.35, 0.6, 0.8, 0.95):
        process = _run(settings)
        time.sleep(duration * fraction)
        os.kill(process.pid, signal.SIGKILL)
        process.wait()
        pointer = read_pointer(settings)
        if pointer == before:
            with writer(settings) as con:  # the writer reopens cleanly, nothing half-loaded
                count = con.execute("select count(*) from dossiers").fetchone()[0]
                status = con.execute("select status from run_log order by started_at desc limit 1").fetchone()[0]
            assert count in (0, len(native) * COPIES)
            interrupted += status in ("failed", "running") and count == 0
        else:  # the run committed and published before the kill: the snapshot is whole
            with duckdb.connect(str(settings.snapshots_dir / pointer["file"]), read_only=True) as con:
                assert con.execute("select count(*) from dossiers").fetchone()[0] == len(native) * COPIES
            before = pointer
    assert interrupted >= 1, "no kill landed mid-run; the load is too fast for this test"

    final = _run(settings)
    out, err = final.communicate(timeout=600)
    assert final.returncode == 0, err
    with duckdb.connect(str(settings.snapshots_dir / read_pointer(settings)["file"]), read_only=True) as con:
        stored = con.execute("select dossier_id from dossiers").df()["dossier_id"]
        runs = con.execute("select status, error from run_log where source_name = 'motcua'").df()
    expected = pd.Series(sorted(i + f"-{c:03d}" for i in source_ids for c in range(COPIES)))
    assert stored.is_unique and sorted(stored) == expected.tolist()
    assert (runs["status"] != "running").all()
    assert runs["error"].str.startswith("interrupted").sum() >= 1
