"""One holder at a time of a task on the app database, whichever process or machine it runs
on: the push's sender, the schema's upgrade.

On PostgreSQL an advisory lock of the database (every machine sees it); on SQLite a lock
file beside the database (only processes of this machine can open it anyway). Either is
released by the system if its holder dies.
"""
from __future__ import annotations

from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

from filelock import FileLock, Timeout
from sqlalchemy import Engine, text


@contextmanager
def exclusive(engine: Engine, key: int, lock_file: str | Path | None, *, wait: bool) -> Iterator[bool]:
    """Hold the lock ``key`` (PostgreSQL) or ``lock_file`` (SQLite; None: nothing to share
    it with) and yield True; without ``wait``, yield False at once when another holds it."""
    if engine.dialect.name == "postgresql":
        with engine.connect() as connection:
            if wait:
                connection.execute(text("select pg_advisory_lock(:key)"), {"key": key})
                held = True
            else:
                held = connection.execute(text("select pg_try_advisory_lock(:key)"), {"key": key}).scalar()
            connection.commit()  # a session's lock: no transaction is left open while it is held
            try:
                yield bool(held)
            finally:
                if held:
                    connection.execute(text("select pg_advisory_unlock(:key)"), {"key": key})
                    connection.commit()
        return
    if lock_file is None:
        yield True
        return
    lock = FileLock(str(lock_file))
    try:
        lock.acquire(timeout=-1 if wait else 0)
    except Timeout:
        yield False
        return
    try:
        yield True
    finally:
        lock.release()
