"""Time the overview's indicators at national scale, from the marts and from the raw facts.

Builds a warehouse of ``--dossiers`` demo dossiers (default 10 million, with n/40 tasks and
about 500k budget rows) in a temporary data dir or in ``--data-dir``: a snapshot published
there by the current models is reused (a second run skips the build), a writer loaded
before is only published again. The generated CSVs are bulk-loaded with DuckDB
(``bench/sql/load``), converted as the pipeline would, and published as usual. Then every
indicator of the overview, for all units and the last full month before ``TODAY``, is timed
from the published snapshot through ``warehouse.metrics.query`` (marts) and through
``bench/sql/raw`` (raw facts); both must give the same numerators and denominators.

    cd /work/main && .venv/bin/python bench/metrics.py [--dossiers 10000000] [--data-dir DIR] [--runs 30]

Targets: marts built in <= 60 s; each indicator <= 50 ms median and <= 100 ms p95.
Exits with status 1 when a raw result and a mart result disagree.
"""
from __future__ import annotations

import argparse
import resource
import sys
import tempfile
from datetime import date, datetime, time
from pathlib import Path
from time import perf_counter

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from config.settings import load_settings  # noqa: E402
from pipelines import demo  # noqa: E402
from pipelines.records import LOAD_ORDER  # noqa: E402
from warehouse import models  # noqa: E402
from warehouse.calendar import WorkCalendar  # noqa: E402
from warehouse.db import writer  # noqa: E402
from warehouse.metrics import Period, Scope, query  # noqa: E402
from warehouse.ranking import composite, load_weights, rank_within_kind  # noqa: E402
from warehouse.registry import REGISTRY  # noqa: E402
from warehouse.snapshots import Reader, publish, read_pointer  # noqa: E402

SQL_DIR = Path(__file__).resolve().parent / "sql"
TODAY = date(2026, 11, 15)  # fixed, so that figures compare from run to run
PERIOD = Period(date(2026, 10, 1), date(2026, 10, 31))  # the last full month before TODAY
BUDGET_LINES_PER_UNIT = 222  # per unit, category and fiscal year: about 500k budget rows
MART_TARGET_MS = (50, 100)  # median, p95
BUILD_TARGET_S = 60
# indicator -> raw-facts query of bench/sql/raw giving its numerator and denominator
RAW = {
    "dossier_on_time_rate": "dossier_states",
    "dossier_overdue_open": "dossier_states",
    "dossier_online_rate": "dossier_received",
    "task_overdue": "task_states",
    "task_overdue_rate": "task_states",
    "budget_disbursement_rate": "budget_lines",
}
RANKING_COLUMNS = ("procedures", "tasks", "budget", "composite")


def read_sql(name: str) -> str:
    """``bench/sql/<name>.sql`` without comment lines (an apostrophe there upsets DuckDB)."""
    text = (SQL_DIR / f"{name}.sql").read_text(encoding="utf-8")
    return "\n".join(line for line in text.splitlines() if not line.lstrip().startswith("--"))


def step(label: str, seconds: float) -> None:
    print(f"  {label:<44} {seconds:8.1f} s")


# --- build -------------------------------------------------------------------------------

def generate(settings, n_dossiers: int) -> dict[str, Path]:
    started = perf_counter()
    calendar = WorkCalendar.from_config(settings.config_dir, last_year=TODAY.year + 2)
    paths = demo.generate(settings.demo_dir, seed=settings.demo_seed, n_dossiers=n_dossiers,
                          today=TODAY, calendar=calendar, budget_lines_per_unit=BUDGET_LINES_PER_UNIT)
    step("generate demo sources", perf_counter() - started)
    return paths


def count(con, sql: str, params: dict | None = None) -> int:
    return con.execute(sql, params or {}).fetchall()[0][0]


def bulk_load(con, paths: dict[str, Path]) -> None:
    """Insert each CSV into its table; the stored rows must be the CSV's rows."""
    con.execute(read_sql("load/_macros"))
    total = 0.0
    for name in LOAD_ORDER:
        params = {"path": str(paths[name])}
        started = perf_counter()
        con.execute(read_sql(f"load/{name}"), params).fetchall()
        seconds = perf_counter() - started
        total += seconds
        in_csv = count(con, "select count(*) from read_csv($path, header = true, all_varchar = true)", params)
        stored = count(con, f"select count(*) from {name}")
        if stored != in_csv:
            raise SystemExit(f"{name}: {stored:,} rows loaded from {in_csv:,} CSV rows")
        step(f"bulk load {name} ({stored:,} rows = CSV)", seconds)
    step("bulk load, total", total)


def timed_publish(con, settings) -> None:
    """Publish, timing the ``models.rebuild`` part (marts and their checks) on its own."""
    rebuild, seconds = models.rebuild, {}

    def timed_rebuild(con, settings):
        started = perf_counter()
        rebuild(con, settings)
        seconds["rebuild"] = perf_counter() - started

    models.rebuild = timed_rebuild
    try:
        started = perf_counter()
        publish(con, settings)
        total = perf_counter() - started
    finally:
        models.rebuild = rebuild
    step("marts build (models.rebuild)", seconds["rebuild"])
    step("checkpoint, copy, switch", total - seconds["rebuild"])
    verdict = "met" if seconds["rebuild"] <= BUILD_TARGET_S else "MISSED"
    print(f"  marts build target <= {BUILD_TARGET_S} s: {verdict}")


def ensure_snapshot(settings, n_dossiers: int) -> None:
    """Reuse a snapshot published by the current models; else publish the writer, first
    generating and loading the demo sources when the writer is empty."""
    pointer = read_pointer(settings)
    if pointer and pointer.get("models") == models.fingerprint():
        print(f"Reusing the snapshot {pointer['version']} of {settings.data_dir} (no build)")
        return
    with writer(settings) as con:
        loaded = count(con, "select count(*) from dossiers")
        if loaded:
            print(f"Publishing the writer of {settings.data_dir} ({loaded:,} dossiers loaded before)")
        else:
            print(f"Building a warehouse of {n_dossiers:,} dossiers in {settings.data_dir}")
            bulk_load(con, generate(settings, n_dossiers))
        timed_publish(con, settings)


def print_sizes(settings, reader: Reader) -> None:
    print(f"\nRow counts of snapshot {reader.version}")
    tables = LOAD_ORDER + tuple(model.name for model in models.MODELS)
    for table in tables:
        rows = reader.frame(f"select count(*) as n from {table}")["n"].iat[0]
        print(f"  {table:<44} {rows:>12,}")
    snapshot = settings.snapshots_dir / read_pointer(settings)["file"]
    print(f"  snapshot file size {snapshot.stat().st_size / 1e9:.2f} GB")


# --- queries -----------------------------------------------------------------------------

def raw_frame(reader: Reader, sql: str, period: Period) -> pd.DataFrame:
    params = {
        "p1_start": datetime.combine(period.start, time()),
        "p2_end": datetime.combine(period.end, time(23, 59, 59)),
        "p2": period.end,
    }
    return reader.frame(read_sql("raw/_current_units").format(raw=sql), params)


def raw_indicator(reader: Reader, name: str, by: tuple[str, ...]) -> pd.DataFrame:
    """Numerator and denominator of ``name`` from the raw facts, in total or per unit."""
    metric = REGISTRY[name]
    quantities = [metric.numerator, metric.denominator]
    frame = raw_frame(reader, read_sql(f"raw/{RAW[name]}"), PERIOD)
    if by:
        frame = frame[["unit_code"] + quantities]
    else:
        frame = frame[quantities].sum().to_frame().T
    return frame.set_axis(list(frame.columns[:-2]) + ["numerator", "denominator"], axis=1)


def ratio(numerator: pd.Series, denominator: pd.Series) -> pd.Series:
    return numerator / denominator.where(denominator > 0)


def raw_scores(reader: Reader, period: Period, weights: dict[str, float]) -> pd.DataFrame:
    """Component scores, composite and rank per unit (DOMAIN.md, "Unit ranking")."""
    def per_unit(name):
        return raw_frame(reader, read_sql(f"raw/{name}"), period).set_index(["unit_code", "kind"])

    dossiers, tasks, budget = per_unit("dossier_states"), per_unit("task_states"), per_unit("budget_lines")
    rate = ratio(budget["disbursed"], budget["plan"])
    target = ratio(budget["target_plan"], budget["plan"])
    scores = pd.concat([
        (100 * ratio(dossiers["on_time"], dossiers["handled"])).rename("procedures"),
        (100 * ratio(tasks["done_on_time"], tasks["fallen_due"])).rename("tasks"),
        (100 * np.minimum(1, rate / target)).rename("budget"),
    ], axis=1).reset_index()
    scores["composite"] = composite(scores, weights)
    scores = scores[scores["composite"].notna()].copy()
    scores["rank"] = rank_within_kind(scores)
    return scores


def raw_ranking(reader: Reader) -> pd.DataFrame:
    weights = load_weights(reader.config_dir)
    before = raw_scores(reader, PERIOD.previous(), weights)[["unit_code", "rank"]]
    now = raw_scores(reader, PERIOD, weights)
    return now.merge(before.rename(columns={"rank": "previous_rank"}), on="unit_code", how="left")


def same_values(mart: pd.DataFrame, raw: pd.DataFrame) -> bool:
    """Equal numerators and denominators, a unit missing on one side counting as zeros."""
    columns = ["unit_code", "numerator", "denominator"]
    mart = mart.fillna({"unit_code": ""})[columns]
    raw = raw.assign(unit_code=raw.get("unit_code", ""))[columns]
    both = mart.merge(raw, on="unit_code", how="outer", suffixes=("_mart", "_raw"))
    both = both.astype({c: "Int64" for c in both.columns if c != "unit_code"}).fillna(0)
    return bool((both["numerator_mart"] == both["numerator_raw"]).all()
                and (both["denominator_mart"] == both["denominator_raw"]).all())


def same_ranking(mart: pd.DataFrame, raw: pd.DataFrame) -> bool:
    keys = ["unit_code", "kind", "rank", "previous_rank"]
    both = mart.merge(raw, on="unit_code", how="outer", suffixes=("_mart", "_raw"), indicator=True)
    if not (both["_merge"] == "both").all():
        return False
    return all(
        (both[f"{k}_mart"].astype(str) == both[f"{k}_raw"].astype(str)).all() for k in keys[1:]
    ) and all(
        np.allclose(both[f"{c}_mart"], both[f"{c}_raw"], rtol=1e-9, equal_nan=True) for c in RANKING_COLUMNS
    )


def timed(run, runs: int) -> tuple[object, float, float]:
    """The result of one warm-up call, then the median and p95 of ``runs`` calls in ms."""
    result = run()
    times = []
    for _ in range(runs):
        started = perf_counter()
        run()
        times.append((perf_counter() - started) * 1000)
    return result, float(np.median(times)), float(np.percentile(times, 95))


def cases(reader: Reader):
    """(indicator, cut, marts run, raw run, comparison) for every query of the overview."""
    for name in RAW:
        for by in ((), ("unit",)):
            yield (name, "unit" if by else "total",
                   lambda name=name, by=by: query(name, PERIOD, scope=Scope.everything(), by=by, reader=reader),
                   lambda name=name, by=by: raw_indicator(reader, name, by),
                   same_values)
    yield ("unit_ranking", "unit", lambda: query("unit_ranking", PERIOD, scope=Scope.everything(), reader=reader),
           lambda: raw_ranking(reader), same_ranking)


def measure(reader: Reader, runs: int) -> list[dict]:
    print(f"\nQueries for all units, {PERIOD.start} to {PERIOD.end}: warm-up, then {runs} runs each (ms)")
    print(f"  {'indicator':<26} {'cut':<6} {'marts med':>9} {'p95':>7} {'raw med':>9} {'p95':>7}"
          f" {'raw/marts':>9}  same")
    rows = []
    for name, cut, mart_run, raw_run, compare in cases(reader):
        mart, mart_median, mart_p95 = timed(mart_run, runs)
        raw, raw_median, raw_p95 = timed(raw_run, runs)
        row = {"indicator": name, "cut": cut, "mart_median": mart_median, "mart_p95": mart_p95,
               "raw_median": raw_median, "raw_p95": raw_p95, "same": compare(mart, raw)}
        rows.append(row)
        print(f"  {name:<26} {cut:<6} {mart_median:9.1f} {mart_p95:7.1f} {raw_median:9.1f} {raw_p95:7.1f}"
              f" {raw_median / mart_median:9.1f}  {'yes' if row['same'] else 'NO'}", flush=True)
    return rows


def summarise(rows: list[dict]) -> None:
    print("\nSummary (ms; marts targets: median <= 50, p95 <= 100)")
    print(f"  {'indicator':<26} {'cut':<6} {'marts med/p95':>15} {'raw med/p95':>17} {'raw/marts':>9}"
          f"  {'target':<7} same")
    for r in rows:
        met = r["mart_median"] <= MART_TARGET_MS[0] and r["mart_p95"] <= MART_TARGET_MS[1]
        print(f"  {r['indicator']:<26} {r['cut']:<6} {r['mart_median']:7.1f}/{r['mart_p95']:<7.1f}"
              f" {r['raw_median']:8.1f}/{r['raw_p95']:<8.1f} {r['raw_median'] / r['mart_median']:9.1f}"
              f"  {'met' if met else 'MISSED':<7} {'yes' if r['same'] else 'NO'}")
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1e6  # kB on Linux
    print(f"  peak memory of this process: {peak:.1f} GB")


def run(data_dir: Path, n_dossiers: int, runs: int) -> bool:
    settings = load_settings(data_dir=data_dir, demo_today=TODAY)
    ensure_snapshot(settings, n_dossiers)
    reader = Reader(settings)
    print_sizes(settings, reader)
    rows = measure(reader, runs)
    summarise(rows)
    return all(r["same"] for r in rows)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--dossiers", type=int, default=10_000_000, help="demo dossiers to generate")
    parser.add_argument("--data-dir", type=Path,
                        help="data dir to build in or reuse (default: a temporary one)")
    parser.add_argument("--runs", type=int, default=30, help="timed runs per query, after one warm-up")
    args = parser.parse_args()
    if args.data_dir:
        same = run(args.data_dir, args.dossiers, args.runs)
    else:
        with tempfile.TemporaryDirectory(prefix="opscenter-bench-") as data_dir:
            same = run(Path(data_dir), args.dossiers, args.runs)
    if not same:
        print("A raw result and a mart result disagree.")
        sys.exit(1)


if __name__ == "__main__":
    main()
