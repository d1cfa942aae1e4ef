"""``python -m pipelines``: run sources, run the scheduler, load files, show run status."""
from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated

import pandas as pd
import typer
from rich.console import Console
from rich.table import Table

from appdb import outbox
from config.settings import SettingsError, load_settings
from pipelines.files import UnreadableFile
from pipelines.goc import push
from pipelines.ingest import ingest_files
from pipelines.records import DATASETS
from pipelines.status import last_runs, quarantine_counts, source_states
from pipelines.sources.config import SourceConfigError
from warehouse.db import DiskFull, writer
from warehouse.snapshots import LOCAL_TZ, publish

app = typer.Typer(add_completion=False, no_args_is_help=True, help="Opscenter pipelines.")
goc = typer.Typer(no_args_is_help=True, help="The push to the Government Operation Center.")
app.add_typer(goc, name="goc")
err = Console(stderr=True, soft_wrap=True)


def _settings():
    try:
        return load_settings()
    except SettingsError as exc:
        err.print(f"[red]{exc}[/red]")
        raise typer.Exit(2) from None


@app.command()
def ingest(
    dataset: Annotated[str, typer.Argument(help=f"One of: {', '.join(DATASETS)}")],
    paths: Annotated[list[Path], typer.Argument(help="CSV or XLSX files with the canonical columns")],
    as_json: Annotated[bool, typer.Option("--json", help="Print one JSON object")] = False,
):
    """Load files of one dataset as one delivery, then publish a snapshot."""
    if dataset not in DATASETS:
        err.print(f"[red]Unknown dataset '{dataset}'. Expected one of: {', '.join(DATASETS)}[/red]")
        raise typer.Exit(2)
    settings = _settings()
    with writer(settings) as con:
        try:
            result = ingest_files(con, dataset, paths)
            version = publish(con, settings)
        except UnreadableFile as exc:
            err.print(f"[red]Cannot read {exc.path}: {exc.problem}[/red]")
            raise typer.Exit(1) from None
        except DiskFull as exc:
            err.print(str(exc), style="red", markup=False)
            raise typer.Exit(1) from None
    if settings.goc_push:
        push.after_publish(settings)
    out = {"dataset": result.dataset, "read": result.read, "loaded": result.loaded,
           "unchanged": result.unchanged, "quarantined": result.quarantined, "data_version": version}
    if as_json:
        print(json.dumps(out))
    else:
        Console().print(
            f"{dataset}: read {result.read}, loaded {result.loaded}, unchanged {result.unchanged},"
            f" quarantined {result.quarantined}; published {version}"
        )


@app.command()
def run(
    sources: Annotated[list[str] | None, typer.Argument(help="Source names (default: all configured)")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print one JSON object")] = False,
):
    """Pull from the configured sources now, then publish if anything changed."""
    from pipelines.progress import RunProgress
    from pipelines.run import pull

    settings = _settings()
    try:
        with RunProgress(enabled=not as_json, console=err) as progress:
            report = pull(settings, sources, progress=progress)
    except SourceConfigError as exc:
        err.print(f"[red]{exc}[/red]")
        raise typer.Exit(2) from None
    except DiskFull as exc:  # the runs committed, their publish could not be written
        err.print(str(exc), style="red", markup=False)
        raise typer.Exit(1) from None
    if as_json:
        print(json.dumps({"runs": [r.as_dict() for r in report.results], "data_version": report.version},
                         ensure_ascii=False, default=str))
    else:
        for r in report.results:
            line = (f"{r.source_name}: {r.status}; read {r.read}, loaded {r.loaded}, unchanged {r.unchanged},"
                    f" quarantined {r.quarantined}; watermark {r.watermark_before} → {r.watermark_after}")
            Console().print(line if r.status == "success" else f"[red]{line}\n  {r.error}[/red]")
        Console().print(f"published {report.version}" if report.version else "nothing changed, nothing published")
    if report.failed:
        raise typer.Exit(1)


@app.command()
def schedule():
    """Run the scheduler in the foreground (jobs from config/schedule.toml)."""
    import logging

    from pipelines.scheduler import SchedulerLock, SchedulerLocked, ScheduleError, build

    settings = _settings()
    lock = SchedulerLock(settings)
    try:
        scheduler = build(settings, blocking=True)
        lock.acquire()
    except (SchedulerLocked, ScheduleError) as exc:
        err.print(f"[red]{exc}[/red]")
        raise typer.Exit(1) from None
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    for job in scheduler.get_jobs():
        err.print(f"job {job.name}: {job.trigger}")
    try:
        scheduler.start()
    except (KeyboardInterrupt, SystemExit):
        pass
    finally:
        lock.release()


@app.command()
def status(
    limit: Annotated[int, typer.Option(help="How many runs to show")] = 20,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON")] = False,
):
    """The last runs, each source's freshness and the quarantined rows per dataset."""
    settings = _settings()
    with writer(settings) as con:
        runs = last_runs(con, limit)
        counts = quarantine_counts(con)
        sources = source_states(con)
    if as_json:
        print(json.dumps({"runs": runs.to_dict("records"), "sources": sources,
                          "quarantine": counts.to_dict("records")}, default=str, ensure_ascii=False))
        return
    console = Console()
    console.print(_table("Last runs", runs.drop(columns=["run_id", "source", "finished_at", "error"])))
    console.print(_table("Sources", pd.DataFrame(sources).drop(columns=["watermark", "last_error"],
                                                               errors="ignore")))
    console.print(_table("Quarantined rows", counts))


@goc.command("push")
def goc_push(seconds: Annotated[float | None, typer.Option(help="Keep retrying this long (default: the setting)")] = None):
    """Queue the figures as now published, then send the outbox in order."""
    import logging

    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    settings = _settings()
    if not settings.goc_push:
        err.print("[red]No push endpoint: set OPSCENTER_GOC_PUSH_URL (and OPSCENTER_GOC_PUSH_TOKEN).[/red]")
        raise typer.Exit(2)
    report = push.push(settings, trigger="cli", seconds=seconds)
    Console().print(f"queued {report.enqueued}, sent {report.sent}, failed tries {report.failed_attempts}, "
                    f"waiting {report.pending}" + (" (another sender is running)" if report.busy else ""))
    if report.pending:
        raise typer.Exit(1)


@goc.command("status")
def goc_status(limit: Annotated[int, typer.Option(help="How many messages to show")] = 20):
    """The outbox: the newest messages, whether each was acknowledged, and why not."""
    engine = outbox.open_outbox(_settings())
    local = lambda moment: f"{outbox.utc(moment).astimezone(LOCAL_TZ):%Y-%m-%d %H:%M}"  # noqa: E731
    rows = [{"id": row.id, "period": f"{row.period_type} {row.period}" + ("" if row.complete else " (to date)"),
             "data version": row.data_version, "rows": row.rows, "tries": row.attempts,
             "state": (f"received {local(row.acknowledged_at)} (HTTP {row.receipt_status})" if row.acknowledged_at
                       else f"waiting, next try {local(row.next_attempt_at)}"
                       + (f": {row.last_error[:80]}" if row.last_error else ""))}
            for row in outbox.recent(engine, limit)]
    Console().print(_table("GOC outbox", pd.DataFrame(rows, columns=["id", "period", "data version", "rows",
                                                                     "tries", "state"])))
    count, oldest = outbox.pending(engine)
    engine.dispose()
    Console().print(f"waiting: {count}" + (f", the oldest since {local(oldest)}" if oldest else ""))


def _table(title: str, frame) -> Table:
    table = Table(title=title)
    for column in frame.columns:
        table.add_column(column)
    for row in frame.itertuples(index=False):
        table.add_row(*("" if pd.isna(v) else str(v) for v in row))
    return table


if __name__ == "__main__":
    sys.exit(app())
