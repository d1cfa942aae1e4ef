"""Fixtures: settings in a temporary data dir, and a small demo warehouse built from code."""
from __future__ import annotations

import functools
import os
import shutil
import tempfile
import uuid
from datetime import date
from pathlib import Path

import pytest

from config.settings import CONFIG_DIR, load_settings

DEMO_TODAY = date(2026, 11, 20)
DEMO_DOSSIERS = 4000


POSTGRES = os.environ.get("OPSCENTER_TEST_POSTGRES", "postgresql+psycopg://postgres@127.0.0.1:5432/test")


@pytest.fixture
def postgres_url():
    """The URL of a fresh schema of the test database on the real server (dropped
    afterwards); the test is skipped, saying why, where there is no server."""
    from sqlalchemy import create_engine, text

    admin = create_engine(POSTGRES)
    schema = f"opscenter_{uuid.uuid4().hex[:10]}"
    try:
        with admin.begin() as connection:
            connection.execute(text(f'create schema "{schema}"'))
    except Exception as exc:  # noqa: BLE001 - no server here: say so and skip
        admin.dispose()
        pytest.skip(f"PostgreSQL not reachable at {POSTGRES}: {exc.__class__.__name__}")
    yield f"{POSTGRES}?options=-csearch_path%3D{schema}"
    with admin.begin() as connection:
        connection.execute(text(f'drop schema "{schema}" cascade'))
    admin.dispose()


@functools.cache
def scaled_config() -> Path:
    """The shipped configuration with the minimum samples scaled to the small demo (4,000
    dossiers over two years are about 3 a unit a month, where the shipped 20 would leave
    every unit's month "ít số liệu"): some units pass, some do not, and both paths show."""
    folder = Path(tempfile.mkdtemp(prefix="opscenter-config-"))
    shutil.copytree(CONFIG_DIR, folder, dirs_exist_ok=True)
    ranking = folder / "ranking.toml"
    text = ranking.read_text(encoding="utf-8")
    assert "dossiers = 20" in text and "tasks = 5" in text
    ranking.write_text(text.replace("dossiers = 20", "dossiers = 3").replace("tasks = 5", "tasks = 2"),
                       encoding="utf-8")
    return folder


def make_settings(data_dir: Path, **overrides):
    return load_settings(**{"data_dir": data_dir, "demo_today": DEMO_TODAY, "demo_dossiers": DEMO_DOSSIERS,
                            "snapshot_grace_seconds": 0, "config_dir": scaled_config(), **overrides})


@pytest.fixture
def settings(tmp_path):
    return make_settings(tmp_path / "var")


@pytest.fixture(scope="session")
def demo(tmp_path_factory):
    """A published demo warehouse: (settings, the generated files, the run results)."""
    from pipelines.bootstrap import load_demo

    settings = make_settings(tmp_path_factory.mktemp("demo") / "var")
    version, results = load_demo(settings, show_progress=False)
    files = {name: settings.demo_dir / f"{name}.csv" for name in results}
    return settings, files, results
