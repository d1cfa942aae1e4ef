"""Models rebuilt in the writer before every publish, and the checks that guard them.

Each mart declares its grain (unique key), its not-null columns and its relationships to
the dimensions; the checks run after the build and a broken one blocks the publish.
"""
from __future__ import annotations

import hashlib
from dataclasses import dataclass, field

import duckdb

from warehouse.calendar import FIRST_YEAR, WorkCalendar
from warehouse.db import SQL_DIR, read_sql, registered
from warehouse import published
from warehouse.targets import target_frame


@dataclass(frozen=True)
class Model:
    name: str
    unique: tuple[str, ...]  # the grain
    not_null: tuple[str, ...] = ()
    relationships: dict[str, tuple[str, str]] = field(default_factory=dict)  # column -> (table, key)


UNIT = {"unit_code": ("units", "unit_code")}
MODELS = (
    Model("unit_rollup", ("unit_code",), ("unit_code", "current_code"),
          {"unit_code": ("units", "unit_code"), "current_code": ("units", "unit_code")}),
    Model("dossier_deadline", ("dossier_id",), ("dossier_id", "due_at", "effective_due_at"),
          {"dossier_id": ("dossiers", "dossier_id")}),
    Model("int_dossier_events", ("unit_code", "procedure_code", "day"), ("unit_code", "procedure_code", "day"),
          {**UNIT, "procedure_code": ("procedures", "procedure_code")}),
    Model("mart_dossier_procedure_day", ("unit_code", "procedure_code", "day"),
          ("unit_code", "procedure_code", "day", "received", "closed", "open_ok", "open_overdue"),
          {**UNIT, "procedure_code": ("procedures", "procedure_code")}),
    Model("mart_dossier_field_day", ("unit_code", "field", "day"),
          ("unit_code", "day", "received", "closed", "open_ok", "open_overdue"), UNIT),
    Model("mart_dossier_unit_day", ("unit_code", "day"),
          ("unit_code", "day", "received", "closed", "open_ok", "open_overdue"), UNIT),
    Model("mart_task_day", ("unit_code", "source", "day"),
          ("unit_code", "source", "day", "assigned", "open_overdue"), UNIT),
    Model("mart_budget_day", ("unit_code", "fiscal_year", "category", "day"),
          ("unit_code", "fiscal_year", "category", "day", "plan", "disbursed"), UNIT),
)


def fingerprint() -> str:
    """A digest of the schema and model SQL: a snapshot built by other SQL is rebuilt."""
    digest = hashlib.sha256()
    for path in sorted([*SQL_DIR.glob("schema/*.sql"), *SQL_DIR.glob("models/*.sql")]):
        digest.update(path.name.encode() + path.read_bytes())
    return digest.hexdigest()[:16]


class ModelCheckError(RuntimeError):
    """A model broke its declared grain, a not-null column or a relationship."""


def _failures(con: duckdb.DuckDBPyConnection, model: Model) -> list[str]:
    failures = []
    keys = ", ".join(model.unique)
    duplicates = con.execute(
        f"select count(*) from (select {keys} from {model.name} group by {keys} having count(*) > 1)"
    ).fetchone()[0]
    if duplicates:
        failures.append(f"{model.name}: {duplicates} duplicate keys ({keys})")
    for column in model.not_null:
        nulls = con.execute(f"select count(*) from {model.name} where {column} is null").fetchone()[0]
        if nulls:
            failures.append(f"{model.name}.{column}: {nulls} nulls")
    for column, (table, key) in model.relationships.items():
        orphans = con.execute(
            f"select count(*) from {model.name} as m anti join {table} as t on m.{column} = t.{key}"
        ).fetchone()[0]
        if orphans:
            failures.append(f"{model.name}.{column}: {orphans} rows not in {table}.{key}")
    return failures


def check(con: duckdb.DuckDBPyConnection) -> list[str]:
    return [failure for model in MODELS for failure in _failures(con, model)]


def rebuild(con: duckdb.DuckDBPyConnection, settings) -> None:
    """Rebuild the calendar, targets, published settings and every model, then run the checks."""
    calendar = WorkCalendar.from_config(settings.config_dir)
    targets = target_frame(settings.config_dir, range(FIRST_YEAR, int(str(calendar.days[-1])[:4]) + 1))
    con.execute("delete from calendar_day")
    with registered(con, "days", calendar.frame()):
        con.execute("insert into calendar_day select * from days")
    with registered(con, "targets", targets):
        con.execute("create or replace table budget_target_day as select * from targets")
    published.store(con, settings.config_dir)
    for model in MODELS:
        con.execute(read_sql(f"models/{model.name}"))
    failures = check(con)
    if failures:
        raise ModelCheckError("model checks failed, not published:\n  " + "\n  ".join(failures))
