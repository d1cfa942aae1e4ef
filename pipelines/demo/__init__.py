"""Demo sources: the five canonical CSV files of DOMAIN.md, realistic and reproducible.

``generate`` writes ``units.csv``, ``procedures.csv``, ``dossiers.csv``, ``tasks.csv`` and
``budget.csv``: the ministry and its provincial departments with their 2025 mergers
(``units``), ~300 procedures (``procedures``), two years of dossiers ending at ``today``
(``dossiers``), assigned tasks (``tasks``) and budget disbursement (``budget``). The same
seed and arguments give byte-identical files: each file draws from its own stream of
``numpy.random.default_rng(seed)``, nothing reads the clock (the caller passes ``now``).
"""
from __future__ import annotations

from datetime import date, datetime, time
from pathlib import Path

import numpy as np

from pipelines.demo import budget, dossiers, procedures, tasks, units
from pipelines.demo.formats import write_csv
from pipelines.records import DATASETS
from warehouse.calendar import WorkCalendar

__all__ = ["generate"]


def generate(out_dir: Path, *, seed: int, n_dossiers: int, today: date,
             calendar: WorkCalendar, budget_lines_per_unit: int | None = None,
             now: datetime | None = None) -> dict[str, Path]:
    """Write the five files into ``out_dir`` (created if needed); return their paths by
    dataset name. ``budget_lines_per_unit`` fixes the number of budget lines of each unit,
    category and fiscal year (default: 1 to 4), to scale the budget up for benchmarks.
    ``now`` is the generation time (local, naive): when it falls on ``today`` no record is
    later than it, since a source cannot know what has not happened yet; otherwise (or
    without it) the data runs to the end of ``today``."""
    if n_dossiers < 1:
        raise ValueError(f"n_dossiers must be at least 1, got {n_dossiers}")
    end = np.datetime64(now if now is not None and now.date() == today
                        else datetime.combine(today, time(23, 59, 59)), "s")
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    org_rng, procedure_rng, dossier_rng, task_rng, budget_rng = np.random.default_rng(seed).spawn(5)

    org = units.build(org_rng)
    catalogue = procedures.build(procedure_rng)
    frames = {
        "units": [org.units],
        "procedures": [catalogue],
        "dossiers": dossiers.chunks(dossier_rng, n=n_dossiers, today=today, end=end, calendar=calendar,
                                    org=org, procedures=catalogue),
        "tasks": [tasks.build(task_rng, n=max(500, n_dossiers // 40), today=today, end=end,
                              calendar=calendar, org=org)],
        "budget": [budget.build(budget_rng, org, today, budget_lines_per_unit)],
    }
    paths = {name: out_dir / f"{name}.csv" for name in frames}
    for name, parts in frames.items():
        columns = list(DATASETS[name].column_names)
        for number, frame in enumerate(parts):
            write_csv(frame[columns], paths[name], header=number == 0)
    return paths
