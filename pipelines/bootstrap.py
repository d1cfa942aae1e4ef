"""The embedded default: demo sources generated, every pipeline run once, published.

A second start finds the published snapshot and does nothing, so it starts in seconds.
"""
from __future__ import annotations

from datetime import datetime

from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn

from pipelines import demo
from pipelines.ingest import RunResult, ingest_files
from pipelines.records import LOAD_ORDER
from warehouse import models
from warehouse.calendar import WorkCalendar
from warehouse.db import writer
from warehouse.snapshots import LOCAL_TZ, publish, read_pointer

STEP_LABELS = {
    "generate": "Tạo dữ liệu mẫu (generating demo sources)",
    "units": "Nạp đơn vị (units)",
    "procedures": "Nạp thủ tục (procedures)",
    "dossiers": "Nạp hồ sơ (dossiers)",
    "tasks": "Nạp nhiệm vụ (tasks)",
    "budget": "Nạp ngân sách (budget)",
    "publish": "Xuất bản snapshot (publishing)",
}


def load_demo(settings, show_progress: bool = True) -> tuple[str, dict[str, RunResult]]:
    """Generate the demo sources, ingest them in order and publish; return the version."""
    today = settings.demo_today or datetime.now(LOCAL_TZ).date()
    results: dict[str, RunResult] = {}
    with Progress(TextColumn("{task.description}"), BarColumn(), TextColumn("{task.completed}/{task.total}"),
                  TimeElapsedColumn(), disable=not show_progress) as progress:
        bar = progress.add_task(STEP_LABELS["generate"], total=len(STEP_LABELS))
        calendar = WorkCalendar.from_config(settings.config_dir, last_year=today.year + 2)
        files = demo.generate(settings.demo_dir, seed=settings.demo_seed,
                              n_dossiers=settings.demo_dossiers, today=today, calendar=calendar)
        progress.advance(bar)
        with writer(settings) as con:
            for name in LOAD_ORDER:
                progress.update(bar, description=STEP_LABELS[name])
                results[name] = ingest_files(con, name, [files[name]])
                progress.advance(bar)
            progress.update(bar, description=STEP_LABELS["publish"])
            version = publish(con, settings)
            progress.advance(bar)
    return version, results


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
