"""Writing deliveries into the writer database: upsert by key, quarantine, run log.

The pipelines decide what is valid; this module owns the SQL that stores it.
"""
from __future__ import annotations

from dataclasses import dataclass

import duckdb
import pandas as pd

from warehouse.db import read_sql, registered


@dataclass(frozen=True)
class Target:
    """Where a dataset is stored and how a newer version of a record is recognised.

    ``versioned`` records carry ``updated_at``: a later one replaces the stored one.
    Others (units, procedures, budget rows) are replaced when any value differs.
    """

    table: str
    keys: tuple[str, ...]
    columns: tuple[str, ...]
    versioned: bool

    def _newer(self) -> str:
        if self.versioned:
            return "incoming.updated_at > stored.updated_at"
        values = [c for c in self.columns if c not in self.keys]
        incoming = ", ".join(f"incoming.{c}" for c in values)
        stored = ", ".join(f"stored.{c}" for c in values)
        return f"row({incoming}) is distinct from row({stored})"


def merge(con: duckdb.DuckDBPyConnection, target: Target, incoming: pd.DataFrame) -> tuple[int, int]:
    """Upsert ``incoming`` into the target table; return (loaded, unchanged)."""
    with registered(con, "incoming", incoming):
        con.execute(read_sql("load/classify").format(
            table=target.table, keys=", ".join(target.keys),
            first_key=target.keys[0], newer=target._newer(),
        ))
        counts = dict(con.execute(
            "select _action, count(*) from incoming_classified group by _action"
        ).fetchall())
        con.execute(read_sql("load/apply").format(
            table=target.table, columns=", ".join(target.columns),
            key_match=" and ".join(f"stored.{k} = i.{k}" for k in target.keys),
        ))
        con.execute("drop table incoming_classified")
    return counts.get("new", 0) + counts.get("replace", 0), counts.get("unchanged", 0)


def quarantine(con: duckdb.DuckDBPyConnection, rows: pd.DataFrame) -> None:
    """Store rejected rows (columns: run_id, dataset, source, row_number, reason, record, quarantined_at)."""
    if not rows.empty:
        with registered(con, "quarantined_rows", rows):
            con.execute(read_sql("load/quarantine"))


def record_files(con: duckdb.DuckDBPyConnection, rows: pd.DataFrame) -> None:
    """Add taken files to the inbox ledger (columns of ``file_ledger``), in one statement."""
    if not rows.empty:
        with registered(con, "ledger_rows", rows):
            con.execute(read_sql("load/ledger_add"))


def execute(con, name: str, **params) -> list[tuple]:
    """Run ``warehouse/sql/load/<name>.sql`` with named parameters; return its rows."""
    return con.execute(read_sql(f"load/{name}"), params).fetchall()


def column_types(con, table: str) -> dict[str, str]:
    """Each column of a table and its SQL type as the database has it (``INTEGER``,
    ``DECIMAL(9,3)``...): what a value must fit to be stored."""
    return dict(con.execute(
        "select column_name, data_type from duckdb_columns()"
        " where database_name = current_database() and schema_name = current_schema() and table_name = ?",
        [table]).fetchall())


def known_codes(con, table: str, column: str) -> set[str]:
    """Every stored value of a code column (tables and columns from the registry)."""
    return {row[0] for row in con.execute(f"select {column} from {table}").fetchall()}
