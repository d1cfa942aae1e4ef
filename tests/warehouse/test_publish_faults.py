"""A publish killed while it copies leaves no debris for ever, and a full disk is called a
full disk: in a publish (the readers keep the snapshot they had, no partial copy is left)
and in a run (its rows are not loaded, the run log says why), instead of a traceback
ending in "cannot rollback - no transaction is active"."""
from __future__ import annotations

import errno
import os
import signal
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest

from pipelines.ingest import ingest_files
from warehouse import snapshots
from warehouse.db import DiskFull, writer
from warehouse.snapshots import publish, read_pointer

ROOT = Path(__file__).resolve().parents[2]
UNITS = "unit_code,name_vi,kind\nA,Cục A,ministry_unit\n"
MORE = "unit_code,name_vi,kind\nB,Cục B,ministry_unit\n"
KILLED_MID_COPY = """
import shutil, sys, time
from pathlib import Path
from tests.conftest import make_settings
from warehouse import snapshots
from warehouse.db import writer

def slow_copy(source, target, **options):
    with open(source, "rb") as given, open(target, "wb") as copy:
        copy.write(given.read(4096))
        copy.flush()
        print("copying", flush=True)
        time.sleep(60)

settings = make_settings(Path(sys.argv[1]))
snapshots.shutil.copyfile = slow_copy
with writer(settings) as con:
    con.execute("insert into units (unit_code, name_vi, kind) values ('K', 'Cục K', 'ministry_unit')")
    snapshots.publish(con, settings)
"""


def _units(settings, tmp_path, name: str, text: str):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    with writer(settings) as con:
        return ingest_files(con, "units", [path])


def _partials(settings) -> list[str]:
    return sorted(p.name for p in [*settings.snapshots_dir.glob("*.partial"), *settings.warehouse_dir.glob("*.partial")])


def test_a_publish_killed_while_copying_leaves_nothing_behind_at_the_next_start(settings, tmp_path):
    _units(settings, tmp_path, "u.csv", UNITS)
    with writer(settings) as con:
        first = publish(con, settings)
    child = subprocess.Popen([sys.executable, "-c", KILLED_MID_COPY, str(settings.data_dir)], cwd=ROOT,
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        assert child.stdout.readline() == "copying\n", child.stderr.read()
        os.kill(child.pid, signal.SIGKILL)
    finally:
        child.wait(timeout=30)
    assert len(_partials(settings)) == 1  # what the kill left
    assert read_pointer(settings)["version"] == first  # the readers never saw it
    with writer(settings):  # the next start of a writer clears it
        assert _partials(settings) == []
    (settings.snapshots_dir / "20260101-000000-000000.partial").write_bytes(b"x" * 1000)
    (settings.warehouse_dir / "current.partial").write_text("{")
    _units(settings, tmp_path, "more.csv", MORE)
    with writer(settings) as con:
        second = publish(con, settings)
    assert _partials(settings) == [] and read_pointer(settings)["version"] == second


def test_a_full_disk_while_copying_the_snapshot_is_named(settings, tmp_path, monkeypatch):
    _units(settings, tmp_path, "u.csv", UNITS)
    with writer(settings) as con:
        first = publish(con, settings)
    _units(settings, tmp_path, "more.csv", MORE)

    def full(source, target, **options):
        with open(target, "wb") as copy:
            copy.write(b"\0" * 8192)
        raise OSError(errno.ENOSPC, "No space left on device", str(target))

    monkeypatch.setattr(snapshots.shutil, "copyfile", full)
    with writer(settings) as con:
        with pytest.raises(DiskFull) as failed:
            publish(con, settings)
        logged = con.execute("select dataset, source, status, error from run_log where dataset = 'snapshot'"
                             ).fetchall()
    message = str(failed.value)
    assert message.startswith("disk full: the snapshot could not be published")
    assert str(settings.snapshots_dir) in message and "free" in message and first in message
    assert _partials(settings) == []  # its half copy removed at once
    assert read_pointer(settings)["version"] == first  # the readers keep theirs
    assert [(d, s, st) for d, s, st, _ in logged] == [("snapshot", "publish", "failed")]
    assert logged[0][3] == message


class _FullAtCommit:
    """The writer's connection on a disk that fills up as the run commits: DuckDB's commit
    fails with its I/O error and leaves no transaction behind."""

    def __init__(self, con):
        self._con = con

    def commit(self):
        self._con.rollback()
        raise duckdb.IOException('IO Error: Could not write file "writer.duckdb.wal": No space left on device')

    def __getattr__(self, name):
        return getattr(self._con, name)


def test_a_full_disk_at_a_runs_commit_is_named_in_the_run_log(settings, tmp_path):
    _units(settings, tmp_path, "u.csv", UNITS)
    path = tmp_path / "more.csv"
    path.write_text(MORE, encoding="utf-8")
    with writer(settings) as con:
        with pytest.raises(DiskFull) as failed:
            ingest_files(_FullAtCommit(con), "units", [path])
        status, error = con.execute("select status, error from run_log order by started_at desc limit 1").fetchone()
        units = [row[0] for row in con.execute("select unit_code from units order by 1").fetchall()]
    assert str(failed.value).startswith("disk full: the run could not be committed")
    assert "No space left on device" in str(failed.value) and "free" in str(failed.value)
    assert (status, error) == ("failed", str(failed.value))
    assert failed.value.run_result.status == "failed" and failed.value.run_result.error == error
    assert units == ["A"]  # nothing of the run


def test_the_cli_says_disk_full_without_a_traceback(settings, tmp_path):
    """What an operator running the command sees (the disk filled by a huge file is made up
    by the copy failing, in the child process)."""
    _units(settings, tmp_path, "u.csv", UNITS)
    path = tmp_path / "more.csv"
    path.write_text(MORE, encoding="utf-8")
    script = (
        "import errno, sys\n"
        "from warehouse import snapshots\n"
        "def full(source, target, **options):\n"
        "    raise OSError(errno.ENOSPC, 'No space left on device', str(target))\n"
        "snapshots.shutil.copyfile = full\n"
        "from pipelines.__main__ import app\n"
        "sys.exit(app(['ingest', 'units', sys.argv[1]]))\n")
    env = {**os.environ, "OPSCENTER_DATA_DIR": str(settings.data_dir), "OPSCENTER_DEMO": "false"}
    done = subprocess.run([sys.executable, "-c", script, str(path)], cwd=ROOT, env=env, capture_output=True,
                          text=True, timeout=120)
    assert done.returncode == 1
    assert "disk full: the snapshot could not be published" in done.stderr
    assert "Traceback" not in done.stderr
    assert read_pointer(settings) is None and _partials(settings) == []  # nothing published, nothing left
