"""``python -m warehouse``: read indicators from the published snapshot."""
from __future__ import annotations

import json
from datetime import datetime
from enum import Enum
from typing import Annotated, Optional

import pandas as pd
import typer
from rich.console import Console
from rich.table import Table

from config.settings import SettingsError, load_settings
from warehouse.domain import UNIT_KINDS
from warehouse.metrics import REGISTRY, Period, Scope, query, with_previous
from warehouse.snapshots import NoSnapshot, Reader

app = typer.Typer(add_completion=False, no_args_is_help=True, help="Opscenter warehouse.")
err = Console(stderr=True, soft_wrap=True)

Format = Enum("Format", {"json": "json", "table": "table"}, type=str)
By = Enum("By", {d: d for d in ("unit", "kind", "field", "procedure", "source", "category",
                                 "day", "week", "month", "quarter", "year", "gov_month")}, type=str)
Structure = Enum("Structure", {"current": "current", "historical": "historical"}, type=str)
Kind = Enum("Kind", {k: k for k in UNIT_KINDS}, type=str)


def _date(text: str):
    try:
        return datetime.strptime(text, "%Y-%m-%d").date()
    except ValueError:
        raise typer.BadParameter(f"'{text}' is not a date YYYY-MM-DD") from None


def _json_value(value):
    if value is None or (not isinstance(value, (list, tuple)) and pd.isna(value)):
        return None
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return value.item() if hasattr(value, "item") else value


@app.command()
def metric(
    name: Annotated[str, typer.Argument(help="Metric name (see `metrics`)")],
    date_from: Annotated[str, typer.Option("--from", help="First day YYYY-MM-DD")],
    date_to: Annotated[str, typer.Option("--to", help="Last day YYYY-MM-DD")],
    as_of: Annotated[Optional[str], typer.Option("--as-of", help="Day of point-in-time metrics (default --to)")] = None,
    unit: Annotated[Optional[str], typer.Option("--unit", help="Only this unit (with its predecessors)")] = None,
    kind: Annotated[Optional[Kind], typer.Option("--kind", help="Only units of this kind")] = None,
    by: Annotated[Optional[list[By]], typer.Option("--by", help="Cut by (repeatable)")] = None,
    structure: Annotated[Structure, typer.Option(help="Units as now, or as they were")] = Structure.current,
    fmt: Annotated[Format, typer.Option("--format", help="json or table")] = Format.table,
    compare: Annotated[bool, typer.Option("--compare", help="Add the comparison period and its value "
                                                             "(cùng kỳ for calendar-aligned periods)")] = False,
):
    """Compute one metric over a period."""
    if name not in REGISTRY:
        err.print(f"[red]Unknown metric '{name}'. Known: {', '.join(REGISTRY)}[/red]")
        raise typer.Exit(2)
    try:
        period = Period(_date(date_from), _date(date_to))
        read = with_previous if compare else query
        frame = read(name, period, scope=Scope.everything(), by=[b.value for b in by or ()],
                      as_of=_date(as_of) if as_of else None, unit=unit,
                      kind=kind.value if kind else None, structure=structure.value,
                      reader=Reader(load_settings()))
    except (ValueError, SettingsError, NoSnapshot) as exc:
        err.print(f"[red]{exc}[/red]")
        raise typer.Exit(2) from None
    rows = [{k: _json_value(v) for k, v in row.items()} for row in frame.to_dict("records")]
    if fmt is Format.json:
        print(json.dumps(rows, ensure_ascii=False))
        return
    table = Table(title=f"{REGISTRY[name].label_vi} ({date_from} – {date_to})")
    for column in frame.columns:
        table.add_column(column)
    for row in rows:
        table.add_row(*("—" if v is None else str(v) for v in row.values()))
    Console().print(table)


@app.command("metrics")
def list_metrics(as_json: Annotated[bool, typer.Option("--json", help="Print JSON")] = False):
    """List the metric registry."""
    entries = [{"name": m.name, "label_vi": m.label_vi, "label_en": m.label_en,
                "description_vi": m.description_vi, "description_en": m.description_en,
                "format": m.format, "grain": m.grain, "dimensions": list(m.dimensions)}
               for m in REGISTRY.values()]
    if as_json:
        print(json.dumps(entries, ensure_ascii=False))
        return
    table = Table(title="Metric registry")
    for column in ("name", "label_vi", "format", "grain", "dimensions"):
        table.add_column(column)
    for e in entries:
        table.add_row(e["name"], e["label_vi"], e["format"], e["grain"], ", ".join(e["dimensions"]))
    Console().print(table)


if __name__ == "__main__":
    app()
