"""One pipeline run: batches in, validated, quarantined, upserted, reconciled, logged.

Everything a run writes happens in one transaction, the source's new watermark and the
files it took included, so a run that fails or is killed leaves the warehouse as it was
and the next run starts again from the last committed watermark; only the run-log entry
remains, marked failed with the error.
"""
from __future__ import annotations

import uuid
from collections.abc import Callable, Iterable
from dataclasses import asdict, dataclass, field
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path

import duckdb
import pandas as pd

from pipelines.files import read_rows
from pipelines.records import DATASETS
from pipelines.sources.batch import Batch
from pipelines.validate import validate
from warehouse import loader
from warehouse.db import DiskFull, database_dir, disk_full, first_line, free_space
from warehouse.snapshots import LOCAL_TZ


class ReconciliationError(RuntimeError):
    """Rows read differ from rows loaded + unchanged + quarantined: nothing is committed."""


@dataclass
class RunResult:
    dataset: str
    run_id: str
    read: int = 0
    loaded: int = 0
    unchanged: int = 0
    quarantined: int = 0
    status: str = "running"
    error: str | None = None
    source_name: str | None = None
    watermark_before: str | None = None
    watermark_after: str | None = None
    files: list[tuple] = field(default_factory=list, repr=False)  # (path, sha256, outcome, rows) taken

    def as_dict(self) -> dict:
        out = asdict(self)
        out.pop("files")
        return out


def _now() -> datetime:
    return datetime.now(LOCAL_TZ).replace(tzinfo=None)


def encode_watermark(value) -> tuple[str | None, str | None]:
    """A watermark as text plus its type, so it is bound back with the type it had."""
    if value is None:
        return None, None
    if isinstance(value, pd.Timestamp):
        value = value.to_pydatetime()
    if hasattr(value, "item") and not isinstance(value, (str, bytes)):
        value = value.item()
    for kind, types in (("datetime", datetime), ("date", date), ("int", int), ("decimal", Decimal),
                        ("float", float)):
        if isinstance(value, types):
            return (value.isoformat() if kind in ("datetime", "date") else str(value)), kind
    return str(value), "text"


def decode_watermark(text: str | None, kind: str | None):
    if text is None:
        return None
    parse = {"datetime": datetime.fromisoformat, "date": date.fromisoformat, "int": int,
             "decimal": Decimal, "float": float}.get(kind, str)
    return parse(text)


def _known(con, dataset) -> dict:
    return {
        "units": loader.known_codes(con, "units", "unit_code"),
        "procedures": loader.known_codes(con, "procedures", "procedure_code"),
        "unit_successors": dict(con.execute("select unit_code, successor_code from units").fetchall()),
        "column_types": loader.column_types(con, dataset.target.table),
    }


def load_run(con, dataset_name: str, batches: Iterable[Batch], *, label: str, source=None,
             since=None, on_rows: Callable[[int], None] | None = None) -> RunResult:
    """Load every batch as one run; raise (after logging the failure) if anything fails.

    ``source`` is the configured source the batches come from: its watermark and
    freshness are recorded in ``source_state`` with the rows.
    """
    dataset = DATASETS[dataset_name]
    source_name = source.name if source else None
    result = RunResult(dataset.name, uuid.uuid4().hex, source_name=source_name,
                       watermark_before=encode_watermark(since)[0])
    loader.execute(con, "runs_interrupted", now=_now())
    loader.execute(con, "run_start", run_id=result.run_id, dataset=dataset.name, source=label,
                   source_name=source_name, watermark_before=result.watermark_before, started_at=_now())
    watermark = since
    con.begin()
    try:
        known = _known(con, dataset)
        for batch in batches:
            _load_batch(con, dataset, batch, known, result)
            watermark = batch.watermark
            if on_rows:
                on_rows(len(batch.frame) + len(batch.rejected))
        if result.read != result.loaded + result.unchanged + result.quarantined:
            raise ReconciliationError(
                f"read {result.read} but loaded {result.loaded} + unchanged {result.unchanged}"
                f" + quarantined {result.quarantined}")
        result.watermark_after, watermark_type = encode_watermark(watermark)
        result.status = "success"
        if source:
            loader.execute(con, "state_success", source_name=source_name, dataset=dataset.name,
                           watermark=result.watermark_after, watermark_type=watermark_type,
                           run_id=result.run_id, at=_now(), freshness_minutes=source.freshness_minutes)
        _finish(con, result)
        con.commit()
    except BaseException as exc:
        try:
            con.rollback()
        except duckdb.Error:  # a failed commit (a full disk) leaves no transaction to roll back
            pass
        full = disk_full(exc)
        result.status, result.error = "failed", (
            f"disk full: the run could not be committed, nothing of it was loaded: {free_space(database_dir(con))}"
            f" ({first_line(exc)})" if full else str(exc) or type(exc).__name__)
        result.files = []
        try:
            _finish(con, result)
            if source:
                loader.execute(con, "state_failure", source_name=source_name, dataset=dataset.name,
                               run_id=result.run_id, at=_now(), error=result.error,
                               freshness_minutes=source.freshness_minutes)
        except duckdb.Error:
            if not full:  # on a full disk the log may not be writable either: the error says why
                raise
        if full:
            exc = DiskFull(result.error)
            exc.run_result = result
            raise exc from None
        exc.run_result = result  # what the run did before it failed, for the caller's report
        raise
    return result


def _load_batch(con, dataset, batch: Batch, known: dict, result: RunResult) -> None:
    bad = pd.DataFrame(batch.rejected, columns=["source", "row_number", "reason", "record"])
    if len(batch.frame):
        checked = validate(batch.frame, dataset, known)
        loaded, unchanged = loader.merge(con, dataset.target, checked.good)
        result.loaded += loaded
        result.unchanged += unchanged
        bad = pd.concat([bad, checked.bad], ignore_index=True) if len(bad) else checked.bad
    loader.quarantine(con, bad.assign(run_id=result.run_id, dataset=dataset.name, quarantined_at=_now()))
    result.read += len(batch.frame) + len(batch.rejected)
    result.quarantined += len(bad)
    taken = [f for f in batch.files if f[2] != "duplicate"]
    loader.record_files(con, pd.DataFrame({
        "sha256": [f[1] for f in taken], "source_name": result.source_name,
        "file_name": [Path(f[0]).name for f in taken], "outcome": [f[2] for f in taken],
        "run_id": result.run_id, "rows_read": [f[3] for f in taken], "processed_at": _now()}))
    result.files.extend(batch.files)


def _finish(con, result: RunResult) -> None:
    loader.execute(con, "run_finish", run_id=result.run_id, finished_at=_now(), status=result.status,
                   rows_read=result.read, rows_loaded=result.loaded, rows_unchanged=result.unchanged,
                   rows_quarantined=result.quarantined, watermark_after=result.watermark_after,
                   error=result.error)


def ingest_files(con, dataset_name: str, paths: list[Path]) -> RunResult:
    """Load canonical files of one dataset as one delivery (duplicate keys are checked
    across them), the way ``python -m pipelines ingest`` does."""
    dataset = DATASETS[dataset_name]

    def batches():
        yield Batch(pd.concat([read_rows(p, dataset) for p in paths], ignore_index=True))

    return load_run(con, dataset_name, batches(), label=", ".join(str(p) for p in paths))
