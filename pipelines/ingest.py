"""One pipeline run: read a delivery, validate, quarantine, upsert, reconcile, log.

Everything a run writes happens in one transaction, so a run that fails leaves the
warehouse as it was; only its run-log entry, marked failed with the error, remains.
"""
from __future__ import annotations

import uuid
from dataclasses import asdict, dataclass
from datetime import datetime
from pathlib import Path

import pandas as pd

from pipelines.files import read_rows
from pipelines.records import DATASETS
from pipelines.validate import validate
from warehouse import loader
from warehouse.snapshots import LOCAL_TZ


class ReconciliationError(RuntimeError):
    """Rows read differ from rows loaded + unchanged + quarantined: nothing is committed."""


@dataclass
class RunResult:
    dataset: str
    run_id: str
    read: int
    loaded: int
    unchanged: int
    quarantined: int

    def as_dict(self) -> dict:
        return asdict(self)


def _now() -> datetime:
    return datetime.now(LOCAL_TZ).replace(tzinfo=None, microsecond=0)


def _known(con) -> dict:
    return {
        "units": loader.known_codes(con, "units", "unit_code"),
        "procedures": loader.known_codes(con, "procedures", "procedure_code"),
        "unit_successors": dict(con.execute("select unit_code, successor_code from units").fetchall()),
    }


def ingest_files(con, dataset_name: str, paths: list[Path]) -> RunResult:
    """Load files of one dataset as one delivery (duplicate keys are checked across them)."""
    dataset = DATASETS[dataset_name]
    run_id = uuid.uuid4().hex
    source = ", ".join(str(p) for p in paths)
    loader.start_run(con, run_id=run_id, dataset=dataset.name, source=source, started_at=_now())
    counts = dict(rows_read=0, rows_loaded=0, rows_unchanged=0, rows_quarantined=0)
    con.begin()
    try:
        frame = pd.concat([read_rows(p, dataset) for p in paths], ignore_index=True)
        checked = validate(frame, dataset, _known(con))
        bad = checked.bad.assign(run_id=run_id, dataset=dataset.name, quarantined_at=_now())
        loader.quarantine(con, bad)
        loaded, unchanged = loader.merge(con, dataset.target, checked.good)
        counts = dict(rows_read=len(frame), rows_loaded=loaded,
                      rows_unchanged=unchanged, rows_quarantined=len(bad))
        if len(frame) != loaded + unchanged + len(bad):
            raise ReconciliationError(
                f"read {len(frame)} but loaded {loaded} + unchanged {unchanged}"
                f" + quarantined {len(bad)}"
            )
        loader.finish_run(con, run_id=run_id, finished_at=_now(), status="success", error=None, **counts)
        con.commit()
    except Exception as exc:
        con.rollback()
        loader.finish_run(con, run_id=run_id, finished_at=_now(), status="failed",
                          error=str(exc), **counts)
        raise
    return RunResult(dataset.name, run_id, counts["rows_read"], counts["rows_loaded"],
                     counts["rows_unchanged"], counts["rows_quarantined"])
