"""The five canonical records of DOMAIN.md: columns, types, keys and references.

Every source is mapped onto these; validation and the warehouse load read them from here.
The words an enum column accepts are the vocabularies of ``warehouse.domain``.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from warehouse.domain import (
    BUDGET_CATEGORIES, CHANNEL_CODES, CHANNELS, DOSSIER_STATUSES, PROCEDURE_LEVELS, TASK_SOURCES, UNIT_KINDS,
)
from warehouse.loader import Target


@dataclass(frozen=True)
class Column:
    name: str
    kind: str  # text | enum | int | decimal | amount | bool | date | timestamp
    required: bool = False
    choices: dict[str, str] = field(default_factory=dict)  # accepted input -> canonical
    references: str | None = None  # dataset whose key this column must name


@dataclass(frozen=True)
class Dataset:
    name: str
    columns: tuple[Column, ...]
    keys: tuple[str, ...]
    versioned: bool  # carries updated_at: the later version wins

    @property
    def column_names(self) -> tuple[str, ...]:
        return tuple(c.name for c in self.columns)

    @property
    def required_names(self) -> tuple[str, ...]:
        return tuple(c.name for c in self.columns if c.required)

    @property
    def target(self) -> Target:
        return Target(self.name, self.keys, self.column_names, self.versioned)


def _same(*values: str) -> dict[str, str]:
    return {v: v for v in values}


UNITS = Dataset(
    "units",
    (
        Column("unit_code", "text", required=True),
        Column("name_vi", "text", required=True),
        Column("name_en", "text"),
        Column("kind", "enum", required=True, choices=_same(*UNIT_KINDS)),
        Column("parent_code", "text", references="units"),
        Column("valid_from", "date"),
        Column("valid_to", "date"),
        Column("successor_code", "text", references="units"),
        Column("contact_email", "text"),  # where urging letters and digests are sent
    ),
    keys=("unit_code",),
    versioned=False,
)

PROCEDURES = Dataset(
    "procedures",
    (
        Column("procedure_code", "text", required=True),
        Column("name_vi", "text", required=True),
        Column("name_en", "text"),
        Column("field", "text"),
        Column("level", "enum", choices=_same(*PROCEDURE_LEVELS)),
        Column("legal_days", "int", required=True),
        Column("has_fee", "bool"),
        Column("full_online", "bool"),
    ),
    keys=("procedure_code",),
    versioned=False,
)

DOSSIERS = Dataset(
    "dossiers",
    (
        Column("dossier_id", "text", required=True),
        Column("procedure_code", "text", required=True, references="procedures"),
        Column("unit_code", "text", required=True, references="units"),
        Column("channel", "enum", required=True,
               choices={**_same(*CHANNELS), **CHANNEL_CODES}),
        Column("received_at", "timestamp", required=True),
        Column("due_at", "timestamp"),
        Column("finished_at", "timestamp"),
        Column("status", "enum", required=True, choices=_same(*DOSSIER_STATUSES)),
        Column("supplement_count", "int"),
        Column("supplement_days", "decimal"),
        Column("supplement_requested_at", "timestamp"),
        Column("paid_online", "bool"),
        Column("updated_at", "timestamp", required=True),
    ),
    keys=("dossier_id",),
    versioned=True,
)

TASKS = Dataset(
    "tasks",
    (
        Column("task_id", "text", required=True),
        Column("title", "text", required=True),
        Column("source", "enum", required=True, choices=_same(*TASK_SOURCES)),
        Column("document_ref", "text"),
        Column("lead_unit_code", "text", required=True, references="units"),
        Column("assigned_on", "date", required=True),
        Column("due_on", "date"),
        Column("completed_on", "date"),
        Column("updated_at", "timestamp", required=True),
        Column("supervising_leader", "text"),  # the ministry leader in charge
        Column("coordinating_units", "text"),  # unit codes separated by ';'
    ),
    keys=("task_id",),
    versioned=True,
)

BUDGET = Dataset(
    "budget",
    (
        Column("unit_code", "text", required=True, references="units"),
        Column("fiscal_year", "int", required=True),
        Column("category", "enum", required=True, choices=_same(*BUDGET_CATEGORIES)),
        Column("line_code", "text", required=True),
        Column("line_name", "text"),
        Column("plan_amount", "amount", required=True),
        Column("as_of", "date", required=True),
        Column("disbursed_amount", "amount", required=True),
    ),
    keys=("unit_code", "fiscal_year", "category", "line_code", "as_of"),
    versioned=False,
)

DATASETS: dict[str, Dataset] = {d.name: d for d in (UNITS, PROCEDURES, DOSSIERS, TASKS, BUDGET)}
# Loading order: references point only to datasets earlier in this order.
LOAD_ORDER = ("units", "procedures", "dossiers", "tasks", "budget")
