"""``python -m pipelines``: load files, show run status."""
from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated

import pandas as pd
import typer
from rich.console import Console
from rich.table import Table

from config.settings import SettingsError, load_settings
from pipelines.files import UnreadableFile
from pipelines.ingest import ingest_files
from pipelines.records import DATASETS
from pipelines.status import last_runs, quarantine_counts
from warehouse.db import writer
from warehouse.snapshots import publish

app = typer.Typer(add_completion=False, no_args_is_help=True, help="Opscenter pipelines.")
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
        except UnreadableFile as exc:
            err.print(f"[red]Cannot read {exc.path}: {exc.problem}[/red]")
            raise typer.Exit(1) from None
        version = publish(con, settings)
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
def status(
    limit: Annotated[int, typer.Option(help="How many runs to show")] = 20,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON")] = False,
):
    """The last runs and the quarantined rows per dataset."""
    settings = _settings()
    with writer(settings) as con:
        runs = last_runs(con, limit)
        counts = quarantine_counts(con)
    if as_json:
        print(json.dumps({"runs": runs.to_dict("records"), "quarantine": counts.to_dict("records")},
                         default=str, ensure_ascii=False))
        return
    console = Console()
    console.print(_table("Last runs", runs.drop(columns=["run_id", "source", "finished_at"])))
    console.print(_table("Quarantined rows", counts))


def _table(title: str, frame) -> Table:
    table = Table(title=title)
    for column in frame.columns:
        table.add_column(column)
    for row in frame.itertuples(index=False):
        table.add_row(*("" if pd.isna(v) else str(v) for v in row))
    return table


if __name__ == "__main__":
    sys.exit(app())
