"""Time the weekly brief on the demo warehouse: from the first read to both files written,
in a fresh process (the browser that draws the charts starts with the first brief) and
again with it open, with the time of each step.

    cd /work/main && .venv/bin/python bench/briefs.py [--data-dir var] [--week 2026-W46] [--runs 3]

``--data-dir`` holds the demo warehouse (``python app.py`` makes it in ``var``; a missing
one is generated with ``--dossiers`` demo dossiers, 200 000 by default, as ``app.py``
does). The files and the archive of the runs go to a temporary folder, so the data dir's
Briefs screen never lists briefs whose files are gone. The target (issue 7) is a brief
in <= 15 s; the bench prints its figures and asserts nothing.
"""
from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
from datetime import date
from pathlib import Path
from time import perf_counter

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from config.settings import load_settings  # noqa: E402
from dashboard import context, periods  # noqa: E402
from dashboard.auth.roles import system  # noqa: E402
from dashboard.briefs import archive, generate  # noqa: E402
from warehouse.snapshots import NoSnapshot, Reader  # noqa: E402


def ensure_warehouse(settings) -> str:
    try:
        return Reader(settings).version
    except NoSnapshot:
        from pipelines.bootstrap import load_demo

        print(f"generating the demo warehouse in {settings.data_dir} ({settings.demo_dossiers:,} dossiers)...")
        return load_demo(settings, show_progress=False)[0]


def timed_run(server, period, out_dir: Path) -> tuple[float, dict[str, float], dict]:
    """One brief, its total seconds and the seconds of each step (from the archive's progress)."""
    marks: list[tuple[str, float]] = []
    real = archive.update_row

    def noting(db, brief_id, **values):
        if "step" in values:
            marks.append((values["step"], perf_counter()))
        real(db, brief_id, **values)

    archive.update_row = noting
    try:
        started = perf_counter()
        row = generate.generate(server, system("bench-brief"), period, trigger="cli", out_dir=out_dir)
        total = perf_counter() - started
    finally:
        archive.update_row = real
    ends = [at for _, at in marks[1:]] + [started + total]
    return total, {step: end - at for (step, at), end in zip(marks, ends)}, row


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data-dir", type=Path, default=ROOT / "var")
    parser.add_argument("--dossiers", type=int, default=200_000, help="demo dossiers when the warehouse is missing")
    parser.add_argument("--week", help="ISO week (default: the last whole week of the data)")
    parser.add_argument("--runs", type=int, default=3, help="runs after the first")
    parser.add_argument("--today", type=date.fromisoformat, help="the demo's last day (OPSCENTER_DEMO_TODAY)")
    args = parser.parse_args()
    folder = tempfile.TemporaryDirectory()  # the briefs and their archive: gone with the run
    overrides = {"data_dir": args.data_dir, "demo_dossiers": args.dossiers,
                 "app_db_url": f"sqlite:///{folder.name}/app.db"}
    if args.today or os.environ.get("OPSCENTER_DEMO_TODAY"):
        overrides["demo_today"] = args.today or date.fromisoformat(os.environ["OPSCENTER_DEMO_TODAY"])
    settings = load_settings(**overrides)
    version = ensure_warehouse(settings)
    server = context.standalone(settings)
    with server.app_context():
        period = periods.iso_week(args.week) if args.week else periods.previous_week(context.today())
    print(f"data dir {settings.data_dir}, data version {version}, brief of {periods.week_label(period)}")
    totals = []
    with folder:
        for number in range(args.runs + 1):
            total, steps, row = timed_run(server, period, Path(folder.name) / str(number))
            sizes = ", ".join(f"{name} {(Path(row['directory']) / name).stat().st_size / 1e3:.0f} kB"
                              for name in row["files"])
            label = "first (browser starts)" if number == 0 else f"run {number}"
            print(f"{label:24s} {total:6.2f} s   " + "  ".join(f"{s} {v:.2f}" for s, v in steps.items()))
            if number == 0:
                print(f"{'':24s} files: {sizes}")
            else:
                totals.append(total)
    if totals:
        print(f"with the browser open: median {statistics.median(totals):.2f} s, max {max(totals):.2f} s "
              f"over {len(totals)} runs (target <= 15 s)")


if __name__ == "__main__":
    main()
