"""Pipeline throughput and memory: full loads from SQLite and PostgreSQL, an incremental
run into a large warehouse, and peak memory of a national-scale load.

Each measured run is a real ``python -m pipelines run motcua_dossiers`` process (extract,
validate, load, commit, rebuild the marts and publish), timed from start to exit; its
peak memory is the process's maximum resident set (``wait4``). Sources are the demo's
one-stop database (``pipelines.demo.systems``), copied as often as needed with new ids,
and the same table in PostgreSQL (127.0.0.1:5432, database ``test``) loaded with COPY.

    cd /work/main && .venv/bin/python bench/pipelines.py [--rows 1000000] [--base 5000000]
        [--changed 10000] [--memory-rows 10000000] [--dir DIR]

Targets: >= 100k rows/s end to end, incremental run <= 5 s, peak memory <= 1.5 GB at 10M.
"""
from __future__ import annotations

import argparse
import json
import os
import sqlite3
import subprocess
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

import duckdb

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from config.settings import load_settings  # noqa: E402
from pipelines import demo  # noqa: E402
from pipelines.demo import systems  # noqa: E402
from warehouse.calendar import WorkCalendar  # noqa: E402
from warehouse.snapshots import read_pointer  # noqa: E402

TODAY = date(2026, 11, 15)
PG_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/test"
PG_SCHEMA = "opscenter_bench"
TARGETS = {"rate": 100_000, "incremental_s": 5.0, "memory_mb": 1536}


def say(text: str) -> None:
    print(text, flush=True)


def one_stop(root: Path, n_dossiers: int) -> Path:
    """The demo's one-stop database with ``n_dossiers`` (built once, then reused)."""
    folder = root / f"source-{n_dossiers}"
    database = folder / "motcua.sqlite"
    if database.exists():
        return database
    started = time.perf_counter()
    calendar = WorkCalendar.from_config(ROOT / "config", last_year=TODAY.year + 2)
    canonical = demo.generate(folder / "canonical", seed=20250301, n_dossiers=n_dossiers, today=TODAY,
                              calendar=calendar)
    systems.export(canonical, folder)
    say(f"  built a one-stop database of {n_dossiers:,} dossiers in {time.perf_counter() - started:.1f} s")
    return database


def scaled(root: Path, base: Path, copies: int) -> Path:
    """``base`` with its dossiers repeated ``copies`` times under new ids."""
    database = root / f"scaled-{copies}" / "motcua.sqlite"
    if database.exists():
        return database
    database.parent.mkdir(parents=True, exist_ok=True)
    started = time.perf_counter()
    with sqlite3.connect(database) as con:
        con.execute("attach ? as base", (str(base),))
        for table in ("dm_don_vi", "dm_thu_tuc"):
            con.execute(f"create table {table} as select * from base.{table}")
        con.execute("create table hs_ho_so as select * from base.hs_ho_so where 0")
        names = [row[1] for row in con.execute("pragma base.table_info(hs_ho_so)")]
        columns = ", ".join("ma_ho_so || ?" if n == "ma_ho_so" else n for n in names)
        for copy in range(copies):
            con.execute(f"insert into hs_ho_so select {columns} from base.hs_ho_so", (f"-{copy:02d}",))
        con.execute("create index hs_cap_nhat on hs_ho_so (ngay_cap_nhat)")
    say(f"  built a one-stop database x{copies} in {time.perf_counter() - started:.1f} s")
    return database


def to_postgres(database: Path) -> None:
    """The one-stop tables copied into PostgreSQL (text columns as SQLite holds them)."""
    import psycopg

    started = time.perf_counter()
    with psycopg.connect("host=127.0.0.1 port=5432 dbname=test user=postgres") as pg, \
            sqlite3.connect(database) as lite:
        pg.execute(f"drop schema if exists {PG_SCHEMA} cascade")
        pg.execute(f"create schema {PG_SCHEMA}")
        for table in ("dm_don_vi", "dm_thu_tuc", "hs_ho_so"):
            cursor = lite.execute(f"select * from {table}")
            names = [d[0] for d in cursor.description]
            pg.execute(f"create table {PG_SCHEMA}.{table} ({', '.join(f'{n} text' for n in names)})")
            with pg.cursor().copy(f"copy {PG_SCHEMA}.{table} from stdin") as copy:
                for row in cursor:
                    copy.write_row(row)
        pg.execute(f"create index on {PG_SCHEMA}.hs_ho_so (ngay_cap_nhat)")
    say(f"  copied it into PostgreSQL in {time.perf_counter() - started:.1f} s")


def data_dir(root: Path, name: str, database: Path, url: str | None = None) -> tuple[Path, Path]:
    """A data dir whose demo folder holds ``database``, with a sources file reading it
    (from PostgreSQL when ``url`` is given)."""
    folder = root / name
    demo_dir = folder / "demo"
    demo_dir.mkdir(parents=True, exist_ok=True)
    link = demo_dir / "motcua.sqlite"
    if not link.exists():
        link.symlink_to(database)
    text = (ROOT / "config" / "sources.toml").read_text(encoding="utf-8")
    if url:
        text = text.replace('url = "sqlite:///{demo_dir}/motcua.sqlite"', f'url = "{url}"')
        for table in ("dm_don_vi", "dm_thu_tuc", "hs_ho_so"):
            text = text.replace(f'table = "{table}"', f'table = "{PG_SCHEMA}.{table}"')
    sources = folder / "sources.toml"
    sources.write_text(text, encoding="utf-8")
    return folder, sources


def run(folder: Path, sources: Path, *names: str) -> dict:
    """One pipeline process: wall time, peak memory, its runs as reported, publish time."""
    env = {**os.environ, "OPSCENTER_DATA_DIR": str(folder), "OPSCENTER_SOURCES_FILE": str(sources),
           "OPSCENTER_DEMO": "false", "OPSCENTER_SNAPSHOT_GRACE_SECONDS": "0"}
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        started = time.perf_counter()
        process = subprocess.Popen([sys.executable, "-m", "pipelines", "run", *names, "--json"], cwd=ROOT,
                                   env=env, stdout=out, stderr=err)
        _, status, usage = os.wait4(process.pid, 0)  # this process's own peak memory, not the children's
        seconds = time.perf_counter() - started
        process.returncode = status = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        if status != 0:
            raise SystemExit(f"pipeline failed ({status}): {err.read().decode()[-2000:]}")
        report = json.loads(out.read())
    settings = load_settings(data_dir=folder)
    with duckdb.connect(str(settings.snapshots_dir / read_pointer(settings)["file"]), read_only=True) as con:
        ran = con.execute("select epoch(max(finished_at) - min(started_at)) from run_log where run_id in"
                          f" ({', '.join('?' * len(report['runs']))})", [r["run_id"] for r in report["runs"]]
                          ).fetchone()[0]
    return {"seconds": seconds, "runs": report["runs"], "load_seconds": ran, "peak_mb": usage.ru_maxrss / 1024}


def full_load(label: str, folder: Path, sources: Path) -> dict:
    run(folder, sources, "motcua_units", "motcua_procedures")
    result = run(folder, sources, "motcua_dossiers")
    rows = result["runs"][0]["loaded"]
    rate = rows / result["seconds"]
    say(f"  {label:<34} {rows:>10,} rows {result['seconds']:7.1f} s  {rate:>9,.0f} rows/s"
        f"  (extract+load {result['load_seconds']:.1f} s, publish and start-up the rest)"
        f"  peak {result['peak_mb']:,.0f} MB  [target >= {TARGETS['rate']:,} rows/s]")
    return result


def incremental(folder: Path, sources: Path, database: Path, changed: int) -> None:
    with sqlite3.connect(database) as con:
        con.execute("update hs_ho_so set trang_thai = 'DA_TRA_KET_QUA', ngay_tra_ket_qua = '2026-11-16 09:00:00',"
                    " ngay_cap_nhat = '2026-11-16 09:00:00' where rowid in (select rowid from hs_ho_so"
                    " where trang_thai = 'DANG_XU_LY' limit ?)", (changed,))
    result = run(folder, sources, "motcua_dossiers")
    runs = result["runs"][0]
    say(f"  incremental: {runs['loaded']:,} changed rows read in {runs['read']:,}; whole process"
        f" {result['seconds']:.1f} s, of which extract+load {result['load_seconds']:.2f} s"
        f" [target <= {TARGETS['incremental_s']} s]")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--base", type=int, default=5_000_000, help="warehouse size for the incremental run")
    parser.add_argument("--changed", type=int, default=10_000)
    parser.add_argument("--memory-rows", type=int, default=10_000_000, help="0 skips the peak-memory load")
    parser.add_argument("--dir", type=Path, default=None, help="keep sources and warehouses here")
    parser.add_argument("--skip-postgres", action="store_true")
    args = parser.parse_args()
    root = args.dir or Path(tempfile.mkdtemp(prefix="opscenter-bench-"))
    root.mkdir(parents=True, exist_ok=True)
    say(f"bench/pipelines.py in {root}")
    source = one_stop(root, args.rows)

    say(f"Full load of {args.rows:,} dossiers")
    full_load("from SQLite", *data_dir(root, "sqlite-full", source))
    if not args.skip_postgres:
        to_postgres(source)
        full_load("from PostgreSQL", *data_dir(root, "postgres-full", source, PG_URL))

    copies = max(1, args.base // args.rows)
    say(f"Incremental run into a warehouse of {copies * args.rows:,} dossiers")
    big = scaled(root, source, copies)
    folder, sources = data_dir(root, f"incremental-{copies}", big)
    full_load(f"full load of {copies * args.rows:,}", folder, sources)
    incremental(folder, sources, big, args.changed)

    if args.memory_rows:
        copies = max(1, args.memory_rows // args.rows)
        say(f"Peak memory of a full load of {copies * args.rows:,} dossiers")
        result = full_load(f"full load of {copies * args.rows:,}", *data_dir(root, f"memory-{copies}",
                                                                             scaled(root, source, copies)))
        say(f"  peak memory {result['peak_mb']:,.0f} MB [target <= {TARGETS['memory_mb']:,} MB]")
    return 0


if __name__ == "__main__":
    sys.exit(main())
