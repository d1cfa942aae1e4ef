"""The vocabularies of ``warehouse.domain`` against the places that cannot import them: the
schema's CHECK constraints, the SQL that spells out closed or open statuses, the label
catalogues, the sources' code mappings, and the records and demo keyed by them."""
from __future__ import annotations

import re
import tomllib
from pathlib import Path

import pytest

from dashboard.i18n import LANGUAGES, catalogue
from pipelines.demo import budget as demo_budget, procedures as demo_procedures, systems, tasks as demo_tasks
from pipelines.records import DATASETS
from warehouse import domain

ROOT = Path(__file__).resolve().parents[2]
SQL = ROOT / "warehouse" / "sql"

# (table, column) -> the words it holds. A CHECK constraint or an enum column of a
# canonical record that is not listed here fails the tests below: list it.
VOCABULARIES = {
    ("units", "kind"): domain.UNIT_KINDS,
    ("procedures", "level"): domain.PROCEDURE_LEVELS,
    ("dossiers", "channel"): domain.CHANNELS,
    ("dossiers", "status"): domain.DOSSIER_STATUSES,
    ("dossiers", "rating"): domain.RATINGS,
    ("tasks", "source"): domain.TASK_SOURCES,
    ("budget", "category"): domain.BUDGET_CATEGORIES,
    ("feedback", "kind"): domain.FEEDBACK_KINDS,
}
RECORD_TABLES = {table for table, _ in VOCABULARIES} | set(DATASETS)
# what the schema holds today: a parser that finds less is broken
KNOWN_CHECKS = {("units", "kind"), ("procedures", "level"), ("dossiers", "channel"), ("dossiers", "status"),
                ("tasks", "source"), ("budget", "category")}

# label key prefix -> the vocabulary it labels, and whether every key under the prefix is a
# word of it (budget.card.* also holds the cards' other texts)
LABELS = {
    "kind.": (domain.UNIT_KINDS, True),
    "brief.kind.": (domain.UNIT_KINDS, True),
    "dossier_status.": (domain.DOSSIER_STATUSES, True),
    "task_source.": (domain.TASK_SOURCES, True),
    "tasks.source.": (domain.TASK_SOURCES, True),
    "tasks.state.": (domain.TASK_STATES, True),
    "budget.card.": (domain.BUDGET_CATEGORIES, False),
    "wall.budget.category.": (domain.BUDGET_CATEGORIES, True),
}

_TABLE = re.compile(r"create\s+table\s+(?:if\s+not\s+exists\s+)?(\w+)", re.IGNORECASE)
_CHECK_IN = re.compile(r"check\s*\(\s*(\w+)\s+in\s*\(([^)]*)\)\s*\)", re.IGNORECASE)
_STATUS_IN = re.compile(r"\bstatus\s+in\s*\(([^)]*)\)", re.IGNORECASE)
_WORD = re.compile(r"'([^']*)'")


def _words(listed: str) -> tuple[str, ...]:
    return tuple(_WORD.findall(listed))


def schema_checks(folder: Path = SQL / "schema") -> dict[tuple[str, str], tuple[str, ...]]:
    """(table, column) -> the words of each ``check (column in ('…', …))`` of the schema."""
    checks = {}
    for path in sorted(folder.glob("*.sql")):
        parts = _TABLE.split(path.read_text(encoding="utf-8"))
        for table, body in zip(parts[1::2], parts[2::2]):
            for column, listed in _CHECK_IN.findall(body):
                checks[(table.lower(), column.lower())] = _words(listed)
    return checks


def test_the_parser_reads_a_check_constraint(tmp_path):
    (tmp_path / "01_t.sql").write_text(
        "create table if not exists t (\n  a varchar check (a in\n    ('x', 'y')),\n  n int check (n >= 0)\n);\n"
        "create table u (b varchar not null check (b in ('z')));\n", encoding="utf-8")
    assert schema_checks(tmp_path) == {("t", "a"): ("x", "y"), ("u", "b"): ("z",)}


def test_every_check_constraint_of_a_record_holds_its_vocabulary():
    checks = schema_checks()
    assert KNOWN_CHECKS <= set(checks)
    for (table, column), words in checks.items():
        if table not in RECORD_TABLES:
            continue  # the warehouse's own bookkeeping (run log, file ledger)
        assert (table, column) in VOCABULARIES, f"{table}.{column}: a vocabulary not in warehouse.domain"
        assert len(set(words)) == len(words), f"{table}.{column}: a word listed twice"
        assert set(words) == set(VOCABULARIES[(table, column)]), f"{table}.{column}: schema and domain differ"


def test_sql_that_lists_statuses_lists_the_closed_or_the_open_ones():
    """Models and queries spell out 'closed' (they cannot import): each list is exactly one
    of the two, so a status added to domain.py fails here until the SQL follows."""
    found = 0
    for path in sorted(SQL.rglob("*.sql")):
        if path.parent.name == "schema":
            continue
        for listed in _STATUS_IN.findall(path.read_text(encoding="utf-8")):
            words = set(_words(listed))
            if words & set(domain.DOSSIER_STATUSES):
                found += 1
                assert words in (set(domain.CLOSED_STATUSES), set(domain.OPEN_STATUSES)), (path.name, words)
    assert found


def test_the_vocabularies_are_distinct_words():
    for name in dir(domain):
        value = getattr(domain, name)
        if name.isupper() and isinstance(value, tuple):
            assert value and len(set(value)) == len(value), name
    assert set(domain.GOVERNMENT_SOURCES) < set(domain.TASK_SOURCES)
    assert set(domain.OPEN_STATUSES).isdisjoint(domain.CLOSED_STATUSES)
    assert set(domain.CHANNEL_CODES.values()) == set(domain.CHANNELS)


def test_every_enum_of_the_records_accepts_its_vocabulary_and_gives_nothing_else():
    enums = [(dataset.name, col) for dataset in DATASETS.values() for col in dataset.columns if col.kind == "enum"]
    assert {(name, col.name) for name, col in enums} >= KNOWN_CHECKS
    for name, col in enums:
        words = VOCABULARIES[(name, col.name)]
        assert set(col.choices.values()) == set(words), f"{name}.{col.name}"
        assert all(col.choices[word] == word for word in words), f"{name}.{col.name}"
    channel = next(col for col in DATASETS["dossiers"].columns if col.name == "channel")
    assert channel.choices.items() >= domain.CHANNEL_CODES.items()


@pytest.mark.parametrize("prefix", LABELS)
def test_every_word_has_a_label_in_every_language(prefix):
    words, exact = LABELS[prefix]
    labels = {key[len(prefix):]: texts for key, texts in catalogue().items()
              if key.startswith(prefix) and "." not in key[len(prefix):]}
    for word in words:
        assert word in labels, f"no label {prefix}{word}"
        assert all(labels[word].get(language) for language in LANGUAGES), f"{prefix}{word}"
    if exact:
        assert set(labels) == set(words), f"{prefix}*: labels of words that are not in warehouse.domain"


def test_the_sources_map_native_codes_onto_words_of_the_vocabulary():
    sources = tomllib.loads((ROOT / "config" / "sources.toml").read_text(encoding="utf-8"))["source"]
    enums = {(name, col.name) for name, dataset in DATASETS.items() for col in dataset.columns if col.kind == "enum"}
    mapped = 0
    for source in sources:
        for column, codes in source.get("values", {}).items():
            if (source["dataset"], column) in enums:
                mapped += 1
                assert set(codes.values()) <= set(VOCABULARIES[(source["dataset"], column)]), (source["name"], column)
    assert mapped


def test_the_demo_is_keyed_by_the_vocabularies():
    """The demo's native codes and its parameters per word cover every word, no other."""
    assert set(systems.UNIT_KINDS) == set(domain.UNIT_KINDS)
    assert set(systems.LEVELS) == set(domain.PROCEDURE_LEVELS)
    assert set(systems.CHANNELS) == set(domain.CHANNELS) | set(domain.CHANNEL_CODES)
    assert set(systems.STATUSES) == set(domain.DOSSIER_STATUSES)
    assert set(systems.TASK_SOURCES) == set(domain.TASK_SOURCES)
    assert set(systems.CATEGORIES) == set(domain.BUDGET_CATEGORIES)
    assert set(demo_tasks.DOCUMENTS) == set(domain.TASK_SOURCES)
    assert len(demo_tasks.SOURCE_P) == len(demo_tasks.SOURCES)
    assert set(demo_budget.CATEGORIES) == set(domain.BUDGET_CATEGORIES)
    for suffixes in demo_procedures.LEVEL_SUFFIXES.values():
        assert set(suffixes) == set(domain.PROCEDURE_LEVELS)
