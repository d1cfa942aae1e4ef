"""Settings: typed, from OPSCENTER_* variables, with a clear start-up error."""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from config.settings import SettingsError, load_settings

ROOT = Path(__file__).resolve().parent.parent


def test_defaults_and_environment(monkeypatch):
    monkeypatch.delenv("OPSCENTER_DATA_DIR", raising=False)
    assert load_settings().data_dir == Path("./var")
    monkeypatch.setenv("OPSCENTER_DATA_DIR", "/srv/opscenter")
    monkeypatch.setenv("OPSCENTER_PORT", "9000")
    settings = load_settings()
    assert settings.data_dir == Path("/srv/opscenter") and settings.port == 9000
    assert settings.writer_path == Path("/srv/opscenter/warehouse/writer.duckdb")


def test_bad_value_names_the_variable(monkeypatch):
    monkeypatch.setenv("OPSCENTER_PORT", "eighty")
    with pytest.raises(SettingsError, match="OPSCENTER_PORT='eighty'"):
        load_settings()


def test_app_refuses_to_start_with_a_bad_value(tmp_path):
    env = {"OPSCENTER_DATA_DIR": str(tmp_path), "OPSCENTER_SNAPSHOTS_KEEP": "0", "PATH": "/usr/bin:/bin"}
    done = subprocess.run([sys.executable, "app.py"], cwd=ROOT, env=env, capture_output=True,
                          text=True, timeout=60)
    assert done.returncode == 2
    assert "OPSCENTER_SNAPSHOTS_KEEP" in done.stderr and "greater than or equal to 1" in done.stderr
    assert not any(tmp_path.iterdir())  # nothing was written
