"""Running configured sources: each one a logged run, then one publish for the lot, whose
figures then go to the Government Operation Center when a push is configured.

``pull`` is what the scheduler calls and what ``python -m pipelines run`` does. A source
that fails (down, timing out, answering garbage) is logged as failed and the others still
run; the published snapshot changes only when some run committed rows.
"""
from __future__ import annotations

import shutil
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from pipelines.goc import push
from pipelines.ingest import RunResult, decode_watermark, load_run
from pipelines.records import LOAD_ORDER
from pipelines.sources import prefetch, reader_for
from pipelines.sources.config import SourceConfigError, load_sources
from warehouse import freshness, loader
from warehouse.db import writer
from warehouse.snapshots import LOCAL_TZ, publish, unpublished


@dataclass
class PullReport:
    results: list[RunResult] = field(default_factory=list)
    version: str | None = None  # the snapshot published, None when nothing changed

    @property
    def failed(self) -> list[RunResult]:
        return [r for r in self.results if r.status != "success"]


def select_sources(settings, names: list[str] | None = None) -> list:
    """Configured sources by name (all when none given), in loading order."""
    configured = load_sources(settings)
    unknown = [n for n in names or [] if n not in configured]
    if unknown:
        raise SourceConfigError(
            f"unknown source(s): {', '.join(unknown)}; configured: {', '.join(configured)}")
    chosen = [configured[n] for n in names] if names else list(configured.values())
    return sorted(chosen, key=lambda s: LOAD_ORDER.index(s.dataset))


def _describe(source) -> str:
    if source.kind == "sql":
        return f"{source.name} (sql: {source.table or 'query'})"
    if source.kind == "http":
        return f"{source.name} (http: {source.url})"
    return f"{source.name} (files: {source.inbox}/{source.pattern})"


def run_source(con, settings, source, progress=None) -> RunResult:
    """One run of one source; failures are returned (and logged), not raised."""
    since = decode_watermark(*(loader.execute(con, "state_get", source_name=source.name) or [(None, None)])[0])
    extra = {}
    if source.kind == "files":
        extra["processed"] = {row[0] for row in loader.execute(con, "ledger_checksums", source_name=source.name)}
    task = progress.start(source.name) if progress else None
    batches = prefetch(reader_for(source)(
        source, since, on_total=(lambda n: progress.total(task, n)) if task is not None else None, **extra))
    try:
        result = load_run(con, source.dataset, batches, label=_describe(source), source=source, since=since,
                          on_rows=(lambda n: progress.advance(task, n)) if task is not None else None)
    except Exception as exc:  # noqa: BLE001 - one failing source must not stop the others
        result = getattr(exc, "run_result", None) or RunResult(source.dataset, "", status="failed",
                                                               error=str(exc), source_name=source.name)
    finally:
        if task is not None:
            progress.finish(task)
    if source.kind == "files":
        _archive(source, result.files)
    return result


def _archive(source, files: list[tuple]) -> None:
    """Move taken files out of the inbox: archive/<day>/<sha12>_<name>, rejects apart."""
    day = datetime.now(LOCAL_TZ).strftime("%Y-%m-%d")
    for path, digest, outcome, _ in files:
        folder = source.archive / ("rejected" if outcome == "rejected" else day)
        folder.mkdir(parents=True, exist_ok=True)
        target = folder / f"{digest[:12]}_{Path(path).name}"
        if Path(path).exists():
            shutil.move(str(path), str(target))


def pull(settings, sources: list[str] | None = None, *, progress=None, advance_demo: bool = True) -> PullReport:
    """Run the named sources (all when none) in loading order and publish if rows changed.

    In demo mode the demo systems behind these sources move forward first, so each
    scheduled run brings new dossiers, closed ones and completed tasks.
    """
    chosen = select_sources(settings, sources)
    report = PullReport()
    with writer(settings) as con:
        demo_datasets = {s.dataset for s in chosen if s.demo}
        if settings.demo and advance_demo and demo_datasets:
            from pipelines.demo.advance import advance

            advance(settings, demo_datasets)
        for source in chosen:
            report.results.append(run_source(con, settings, source, progress))
        if unpublished(con, settings):
            report.version = publish(con, settings)
        freshness.export(con, settings)
    if report.version and settings.goc_push:
        push.after_publish(settings)
    return report
