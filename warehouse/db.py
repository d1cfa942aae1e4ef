"""The writer database: one process writes, guarded by a file lock (DESIGN decision 1).

Taking the lock also clears what a writer killed midway left (a snapshot half copied), and
a full disk is recognised here (``disk_full``) so that a run and a publish can say so.
"""
from __future__ import annotations

import errno
import shutil
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


# how a full disk is worded: the system's ENOSPC / EDQUOT, and DuckDB's I/O errors around them
_FULL_WORDS = ("no space left on device", "disk quota exceeded", "not enough space", "out of disk space",
               "disk is full")


class DiskFull(RuntimeError):
    """The disk the warehouse writes to is full: the message says so first ("disk full: "),
    then what could not be written, where, and how much room is left."""


def disk_full(exc: BaseException | None) -> bool:
    """Whether ``exc`` (or what caused it) is a full disk."""
    for _ in range(10):
        if exc is None:
            return False
        if isinstance(exc, OSError) and exc.errno in (errno.ENOSPC, errno.EDQUOT):
            return True
        if any(words in str(exc).lower() for words in _FULL_WORDS):
            return True
        exc = exc.__cause__ or exc.__context__
    return False


def free_space(path: Path | None) -> str:
    """The room left on the disk holding ``path``, e.g. "12.0 MB free on /var/lib/opscenter"."""
    try:
        free = shutil.disk_usage(path).free
    except (OSError, TypeError):
        return f"free space on {path or 'its disk'} unknown"
    return f"{free / 1e6:,.1f} MB free on {path}"


def database_dir(con) -> Path | None:
    """The folder of the database file ``con`` writes (None in memory, or when it cannot say)."""
    try:
        path = con.execute("select path from duckdb_databases() where database_name = current_database()"
                           ).fetchone()[0]
    except duckdb.Error:
        return None
    return Path(path).parent if path else None


def first_line(exc: BaseException) -> str:
    lines = str(exc).strip().splitlines()
    return lines[0] if lines else type(exc).__name__


def remove_partials(settings) -> list[Path]:
    """Remove what a writer killed midway left (``*.partial``: a snapshot half copied, a
    pointer or source list half written). Called with the writer lock held, so no publish
    is writing one now."""
    removed = []
    for folder in (settings.warehouse_dir, settings.snapshots_dir):
        for path in folder.glob("*.partial") if folder.is_dir() else ():
            path.unlink(missing_ok=True)
            removed.append(path)
    return removed


@contextmanager
def writer(settings, timeout: float = 600):
    """The writer connection, held under the data dir's writer lock.

    A second pipeline process waits for the lock instead of failing on DuckDB's own
    file lock, so a CLI ingest and the scheduler never write at the same time.
    """
    settings.warehouse_dir.mkdir(parents=True, exist_ok=True)
    with FileLock(str(settings.warehouse_dir / "writer.lock"), timeout=timeout):
        remove_partials(settings)  # a publish killed while it copied left its copy: nobody finishes it
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
