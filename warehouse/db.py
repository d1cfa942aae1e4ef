"""The writer database: one process writes, guarded by a file lock (DESIGN decision 1)."""
from __future__ import annotations

from contextlib import contextmanager
from functools import cache
from pathlib import Path

import duckdb
from filelock import FileLock

SQL_DIR = Path(__file__).resolve().parent / "sql"


@cache
def read_sql(name: str) -> str:
    """The text of ``warehouse/sql/<name>.sql``, without its comment lines.

    Comments go because the parameter scanner of DuckDB's client reads an apostrophe in
    a comment ("a unit's") as the start of a string.
    """
    text = (SQL_DIR / f"{name}.sql").read_text(encoding="utf-8")
    return "\n".join(line for line in text.splitlines() if not line.lstrip().startswith("--"))


def apply_schema(con: duckdb.DuckDBPyConnection) -> None:
    for path in sorted((SQL_DIR / "schema").glob("*.sql")):
        con.execute(path.read_text(encoding="utf-8"))


@contextmanager
def registered(con: duckdb.DuckDBPyConnection, name: str, frame):
    """``frame`` visible to SQL as the view ``name`` while the block runs. When the block
    fails, its error is the one raised: in a transaction the failure aborted, letting go of
    the view fails too, and would hide it ("Current transaction is aborted")."""
    con.register(name, frame)
    try:
        yield
    except BaseException:
        try:
            con.unregister(name)
        except duckdb.Error:
            pass
        raise
    con.unregister(name)


@contextmanager
def writer(settings, timeout: float = 600):
    """The writer connection, held under the data dir's writer lock.

    A second pipeline process waits for the lock instead of failing on DuckDB's own
    file lock, so a CLI ingest and the scheduler never write at the same time.
    """
    settings.warehouse_dir.mkdir(parents=True, exist_ok=True)
    with FileLock(str(settings.warehouse_dir / "writer.lock"), timeout=timeout):
        con = duckdb.connect(str(settings.writer_path))
        try:
            con.execute("set enable_progress_bar = false")
            if settings.warehouse_memory_limit:  # validated by the settings' pattern (SET binds nothing)
                con.execute(f"set memory_limit = '{settings.warehouse_memory_limit}'")
            con.execute("set preserve_insertion_order = false")  # lets big inserts spill to disk
            apply_schema(con)
            yield con
        finally:
            con.close()
