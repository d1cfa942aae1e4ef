"""The embedded default: the demo systems generated, every source pulled once, published.

The demo is produced as the ministry's three kinds of systems (the one-stop database, the
task API's feed, the finance department's XLSX reports) and loaded through the configured
sources, the same path the scheduler takes. A second start finds the published snapshot
and does nothing, so it starts in seconds.
"""
from __future__ import annotations

from datetime import datetime

from rich.console import Console

from config.settings import LOCAL_TZ
from pipelines import demo
from pipelines.demo import systems
from pipelines.ingest import RunResult
from pipelines.progress import RunProgress
from pipelines.run import pull, select_sources
from warehouse import models
from warehouse.calendar import WorkCalendar
from warehouse.db import writer
from warehouse.snapshots import publish, read_pointer


class DemoLoadError(RuntimeError):
    """A demo source failed to load: the demo itself is broken, say which and why."""


def load_demo(settings, show_progress: bool = True) -> tuple[str, dict[str, RunResult]]:
    """Generate the demo systems, pull every source once and publish; return the version
    and each dataset's run."""
    select_sources(settings)  # a broken sources file stops here, before minutes of generating
    today = settings.reporting_day()
    console = Console(stderr=True, quiet=not show_progress)
    with console.status("Tạo dữ liệu mẫu (generating the demo systems)…"):
        calendar = WorkCalendar.from_config(settings.config_dir, last_year=today.year + 2)
        files = demo.generate(settings.demo_dir, seed=settings.demo_seed,
                              n_dossiers=settings.demo_dossiers, today=today, calendar=calendar,
                              now=datetime.now(LOCAL_TZ).replace(tzinfo=None, microsecond=0))
        systems.export(files, settings.demo_dir)
    with RunProgress(enabled=show_progress, console=console) as progress:
        report = pull(settings, progress=progress, advance_demo=False)
    if report.failed:
        raise DemoLoadError("; ".join(f"{r.source_name}: {r.error}" for r in report.failed))
    return report.version, {r.dataset: r for r in report.results}


def ensure_data(settings, show_progress: bool = True) -> str | None:
    """The published version, loading the demo first when nothing is published yet.

    A snapshot published by an older version of the models is rebuilt from the writer
    first, so an upgrade never serves marts that the code no longer reads.
    """
    pointer = read_pointer(settings)
    if pointer and pointer.get("models") == models.fingerprint():
        return pointer["version"]
    if pointer:
        with writer(settings) as con:
            return publish(con, settings)
    if not settings.demo:
        return None
    version, _ = load_demo(settings, show_progress)
    return version
