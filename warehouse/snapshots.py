"""Versioned read-only snapshots of the writer database (DESIGN decision 1).

Publishing copies the checkpointed writer file to ``snapshots/<version>.duckdb`` and then
switches ``current.json`` with ``os.replace``, so a reader sees either the old snapshot or
the new one, never a half-written file; a failed or killed run never touches the pointer.
"""
from __future__ import annotations

import copy
import json
import os
import re
import shutil
import threading
import time
import uuid
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import duckdb
import pandas as pd

from config.settings import LOCAL_TZ
from warehouse.db import DiskFull, disk_full, first_line, free_space, read_sql, remove_partials

_PARAM = re.compile(r"\$([a-z0-9_]+)")


class NoSnapshot(RuntimeError):
    """Nothing has been published yet: readers have no data to show."""


def _now_local() -> datetime:
    return datetime.now(LOCAL_TZ).replace(tzinfo=None)


def publish(con: duckdb.DuckDBPyConnection, settings) -> str:
    """Freeze the writer's current state as a new snapshot; return its version.

    A full disk (while the marts are rebuilt, the writer checkpointed or the copy written)
    raises ``DiskFull`` saying so, after removing the half copy; the pointer, and so what
    readers see, is left as it was, and the failure is a "snapshot" entry of the run log.
    """
    from warehouse import models  # models need the calendar; keep import local to publish

    remove_partials(settings)
    version, step, partial = None, "rebuilding the marts", None
    try:
        models.rebuild(con, settings)
        published_at = _now_local()
        version = published_at.strftime("%Y%m%d-%H%M%S-%f")
        con.execute(
            "create or replace table snapshot_info as select $version as version, "
            "cast($published_at as timestamp) as published_at",
            {"version": version, "published_at": published_at},
        )
        step = "checkpointing the writer database"
        con.execute("checkpoint")
        settings.snapshots_dir.mkdir(parents=True, exist_ok=True)
        target = settings.snapshots_dir / f"{version}.duckdb"
        partial = target.with_suffix(".partial")
        step = f"copying it to {target.name}"
        shutil.copyfile(settings.writer_path, partial)
        os.replace(partial, target)
        step = "switching the pointer"
        _write_pointer(settings.pointer_path, {
            "version": version,
            "file": target.name,
            "published_at": published_at.isoformat(timespec="seconds"),
            "models": models.fingerprint(),
            "changes": _committed_changes(con),
        })
    except BaseException as exc:
        if partial is not None:
            partial.unlink(missing_ok=True)
        settings.pointer_path.with_suffix(".partial").unlink(missing_ok=True)
        if not disk_full(exc):
            raise
        current = (read_pointer(settings) or {}).get("version")
        reason = (f"disk full: the snapshot could not be published ({step}): {free_space(settings.snapshots_dir)};"
                  f" readers keep {'snapshot ' + current if current else 'no snapshot'}; free some space and the"
                  f" next run publishes ({first_line(exc)})")
        _log_failed_publish(con, reason)
        raise DiskFull(reason) from exc
    remove_old_snapshots(settings)
    return version


def _log_failed_publish(con, reason: str) -> None:
    """A "snapshot" entry of the run log for a publish that failed, when the database can
    still take it (after a failed checkpoint DuckDB refuses everything until reopened)."""
    at = _now_local()
    try:
        con.execute("insert into run_log (run_id, dataset, source, started_at, finished_at, status, error)"
                    " values ($run_id, 'snapshot', 'publish', $at, $at, 'failed', $error)",
                    {"run_id": uuid.uuid4().hex, "at": at, "error": reason})
    except duckdb.Error:
        pass


def _committed_changes(con) -> int:
    return con.execute(read_sql("queries/committed_changes")).fetchone()[0]


def unpublished(con, settings) -> bool:
    """Whether the writer holds committed changes the published snapshot lacks (or
    nothing is published yet)."""
    pointer = read_pointer(settings)
    return pointer is None or pointer.get("changes") != _committed_changes(con)


def _write_pointer(path: Path, content: dict) -> None:
    partial = path.with_suffix(".partial")
    partial.write_text(json.dumps(content), encoding="utf-8")
    os.replace(partial, path)


def read_pointer(settings) -> dict | None:
    try:
        return json.loads(settings.pointer_path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return None


def remove_old_snapshots(settings) -> list[Path]:
    """Keep the newest ``snapshots_keep`` and any younger than the grace period."""
    current = (read_pointer(settings) or {}).get("file")
    files = sorted(settings.snapshots_dir.glob("*.duckdb"), reverse=True)
    cutoff = time.time() - settings.snapshot_grace_seconds
    removed = []
    for path in files[settings.snapshots_keep:]:
        if path.name != current and path.stat().st_mtime < cutoff:
            path.unlink(missing_ok=True)
            removed.append(path)
    return removed


@dataclass(frozen=True)
class _Attached:
    stamp: tuple
    version: str
    published_at: datetime
    con: duckdb.DuckDBPyConnection


class Reader:
    """Answers queries from the snapshot named by the pointer, re-attaching when it moves.

    Each query runs on its own cursor of the attached connection; a query already running
    when the pointer moves finishes on the old snapshot, the next one sees the new one.
    """

    def __init__(self, settings):
        self._pointer = settings.pointer_path
        self.snapshots_dir = settings.snapshots_dir
        self.config_dir = settings.config_dir
        self._lock = threading.Lock()
        self._attached: _Attached | None = None

    def _stamp(self) -> tuple:
        try:
            st = os.stat(self._pointer)
        except FileNotFoundError:
            raise NoSnapshot("no snapshot has been published yet") from None
        return (st.st_ino, st.st_mtime_ns, st.st_size)

    def _current(self) -> _Attached:
        stamp = self._stamp()
        attached = self._attached
        if attached is not None and attached.stamp == stamp:
            return attached
        with self._lock:
            if self._attached is None or self._attached.stamp != stamp:
                self._attached = self._attach(stamp)
            return self._attached

    def _attach(self, stamp: tuple) -> _Attached:
        info = json.loads(self._pointer.read_text(encoding="utf-8"))
        path = str(self.snapshots_dir / info["file"]).replace("'", "''")
        con = duckdb.connect()
        con.execute(f"attach '{path}' as wh (read_only)")
        return _Attached(stamp, info["version"],
                         datetime.fromisoformat(info["published_at"]), con)

    @property
    def version(self) -> str:
        return self._current().version

    def pinned(self) -> Reader:
        """This reader held on the snapshot attached now, so a set of reads that must agree
        (an API answer, a push) sees one data version even if a publish lands meanwhile."""
        attached = self._current()
        held = copy.copy(self)
        held._current = lambda: attached
        return held

    @property
    def published_at(self) -> datetime:
        return self._current().published_at

    @contextmanager
    def cursor(self):
        """A cursor on the current snapshot, with its version: ``(version, cursor)``."""
        attached = self._current()
        cur = attached.con.cursor()
        try:
            cur.execute("use wh")
            yield attached.version, cur
        finally:
            cur.close()

    def frame(self, sql: str, params: dict | None = None) -> pd.DataFrame:
        """Run ``sql`` with the named parameters it uses (DuckDB refuses unused ones), so
        callers pass one set of values for queries that each need part of it."""
        used = set(_PARAM.findall(sql))
        with self.cursor() as (_, cur):
            return cur.execute(sql, {k: v for k, v in (params or {}).items() if k in used}).df()
