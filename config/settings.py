"""One typed settings object, read from ``OPSCENTER_*`` variables.

Every program (app, pipelines CLI, warehouse CLI, tests) builds its settings here so a
bad value is reported once, at start-up, with the variable's name and what is wrong.
"""
from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Literal

from pydantic import Field, ValidationError
from pydantic_settings import BaseSettings, SettingsConfigDict

CONFIG_DIR = Path(__file__).resolve().parent


class SettingsError(ValueError):
    """A setting has a value the program cannot run with."""


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="OPSCENTER_", extra="ignore")

    data_dir: Path = Field(Path("./var"), description="Everything the program writes lives here.")
    config_dir: Path = Field(CONFIG_DIR, description="Folder of TOML files (calendar, ...).")
    host: str = Field("127.0.0.1", description="Address the web app listens on.")
    port: int = Field(8050, ge=1, le=65535, description="Port the web app listens on.")
    demo: bool = Field(True, description="Generate and load demo data when the warehouse is empty.")
    demo_seed: int = Field(20250301, description="Seed of the demo generator (same seed, same data).")
    demo_dossiers: int = Field(200_000, ge=100, description="Number of demo dossiers.")
    demo_today: date | None = Field(None, description="Last day of demo data (default: today).")
    snapshots_keep: int = Field(3, ge=1, description="Published snapshots kept for rollback.")
    snapshot_grace_seconds: int = Field(
        300, ge=0, description="An old snapshot is removed only once it is this old."
    )
    language: Literal["vi", "en"] = Field("vi", description="Default language of the screens.")
    warehouse_memory_limit: str | None = Field(
        None, pattern=r"^\d+(\.\d+)?\s*(MB|GB)$",
        description="Memory the warehouse writer may use (e.g. 4GB; default DuckDB's, 80% of RAM).")
    sources_file: Path | None = Field(None, description="TOML file of sources (default: config/sources.toml).")
    schedule_file: Path | None = Field(None, description="TOML file of jobs (default: config/schedule.toml).")
    scheduler: bool = Field(True, description="Run the scheduler inside the web app (python app.py).")
    cache: Literal["simple", "redis", "none"] = Field(
        "simple", description="Screen cache: in-process (one web worker), Redis (several), or none.")
    cache_redis_url: str = Field("redis://127.0.0.1:6379/0", description="Redis of the screen cache.")
    cache_seconds: int = Field(3600, ge=1, description="How long a cached answer lives at most.")
    warm_cache: bool = Field(True, description="Build the screens' default views after each publish (python app.py).")
    wall_file: Path | None = Field(None, description="TOML file of the wall playlist (default: config/wall.toml).")

    @property
    def warehouse_dir(self) -> Path:
        return self.data_dir / "warehouse"

    @property
    def writer_path(self) -> Path:
        return self.warehouse_dir / "writer.duckdb"

    @property
    def snapshots_dir(self) -> Path:
        return self.warehouse_dir / "snapshots"

    @property
    def pointer_path(self) -> Path:
        return self.warehouse_dir / "current.json"

    @property
    def sources_path(self) -> Path:
        return self.sources_file or self.config_dir / "sources.toml"

    @property
    def schedule_path(self) -> Path:
        return self.schedule_file or self.config_dir / "schedule.toml"

    @property
    def wall_path(self) -> Path:
        return self.wall_file or self.config_dir / "wall.toml"

    @property
    def demo_dir(self) -> Path:
        return self.data_dir / "demo"


def load_settings(**overrides) -> Settings:
    """Build the settings, turning pydantic's report into one readable message."""
    try:
        return Settings(**overrides)
    except ValidationError as exc:
        lines = []
        for err in exc.errors():
            name = "OPSCENTER_" + "_".join(str(p) for p in err["loc"]).upper()
            lines.append(f"{name}={err.get('input')!r}: {err['msg']}")
        raise SettingsError("Invalid setting(s):\n  " + "\n  ".join(lines)) from None
