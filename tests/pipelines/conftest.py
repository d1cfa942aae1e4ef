"""Fixtures for source tests: small canonical demo files and a warehouse that knows the
units and procedures they reference, with a sources file written per test."""
from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest

from pipelines.demo import generate
from pipelines.ingest import ingest_files
from tests.conftest import DEMO_TODAY, make_settings
from warehouse.calendar import WorkCalendar
from warehouse.db import writer

CONFIG = Path(__file__).resolve().parents[2] / "config"


@pytest.fixture(scope="session")
def canonical(tmp_path_factory) -> dict[str, Path]:
    calendar = WorkCalendar.from_config(CONFIG, last_year=DEMO_TODAY.year + 2)
    return generate(tmp_path_factory.mktemp("canonical"), seed=11, n_dossiers=3000, today=DEMO_TODAY,
                    calendar=calendar)


def read_canonical(path: Path) -> pd.DataFrame:
    return pd.read_csv(path, dtype=str, keep_default_na=False)


def toml_value(value) -> str:
    if isinstance(value, dict):
        return "{ " + ", ".join(f"{json.dumps(k)} = {toml_value(v)}" for k, v in value.items()) + " }"
    if isinstance(value, (list, tuple)):
        return "[" + ", ".join(toml_value(v) for v in value) + "]"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return repr(value)
    return json.dumps(str(value), ensure_ascii=False)


def write_sources(path: Path, *entries: dict) -> Path:
    """A sources file with one [[source]] table per entry (inline tables for maps)."""
    lines = []
    for entry in entries:
        lines.append("[[source]]")
        lines += [f"{key} = {toml_value(value)}" for key, value in entry.items()]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


@pytest.fixture
def make_warehouse(tmp_path, canonical):
    """Settings whose warehouse holds the canonical units and procedures, reading sources
    from the given entries."""

    def build(*entries: dict, **overrides):
        sources = write_sources(tmp_path / "sources.toml", *entries)
        settings = make_settings(tmp_path / "var", sources_file=sources, **overrides)
        with writer(settings) as con:
            ingest_files(con, "units", [canonical["units"]])
            ingest_files(con, "procedures", [canonical["procedures"]])
        return settings

    return build
