"""Fixtures: settings in a temporary data dir, and a small demo warehouse built from code."""
from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from config.settings import load_settings

DEMO_TODAY = date(2026, 11, 20)
DEMO_DOSSIERS = 4000


def make_settings(data_dir: Path, **overrides):
    return load_settings(data_dir=data_dir, demo_today=DEMO_TODAY, demo_dossiers=DEMO_DOSSIERS,
                         snapshot_grace_seconds=0, **overrides)


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
