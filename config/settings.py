"""One typed settings object, read from ``OPSCENTER_*`` variables.

Every program (app, pipelines CLI, warehouse CLI, tests) builds its settings here so a
bad value is reported once, at start-up, with the variable's name and what is wrong.
"""
from __future__ import annotations

from datetime import date, datetime
from pathlib import Path
from typing import Literal
from zoneinfo import ZoneInfo

from pydantic import Field, SecretStr, ValidationError
from pydantic_settings import BaseSettings, SettingsConfigDict

CONFIG_DIR = Path(__file__).resolve().parent
LOCAL_TZ = ZoneInfo("Asia/Ho_Chi_Minh")


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
    app_db_url: str | None = Field(
        None, description="App database (users, kiosk tokens, audit log): a SQLAlchemy URL, e.g. "
                          "postgresql+psycopg://host/db (default: SQLite app.db in the data dir).")
    secret_key: SecretStr | None = Field(
        None, description="Signs session cookies; several web workers must share it "
                          "(default: generated once into secret_key in the data dir).")
    public_url: str | None = Field(
        None, description="Address people open, for the links the program prints (default: http://host:port).")
    secure_cookies: Literal["auto", "always", "never"] = Field(
        "auto", description="Mark cookies Secure: auto does so for requests that came over HTTPS.")
    trusted_proxies: int = Field(
        0, ge=0, le=5, description="Reverse proxies in front of the app whose X-Forwarded-* headers are believed.")
    session_hours: int = Field(12, ge=1, description="A session ends after this long without a request.")
    signin_max_failures: int = Field(
        5, ge=1, description="Failed sign-ins for one account before it is refused for a while.")
    signin_lockout_minutes: int = Field(15, ge=1, description="How long too many failed sign-ins are refused.")
    unit_sees_rankings: bool = Field(
        False, description="Unit users see the whole league table, not only their own position.")
    brief_file: Path | None = Field(None, description="TOML file of the brief's header (default: config/brief.toml).")
    brief_attempts: int = Field(3, ge=1, le=10, description="Tries of a scheduled brief before it is shown as failed.")
    brief_retry_seconds: int = Field(
        300, ge=0, description="Wait before a scheduled brief is tried again (doubled each time).")
    api_rate_limit: int = Field(
        60, ge=1, description="API calls a client key may make per minute, unless its own limit is set.")
    goc_portal_url: str | None = Field(
        "https://baocaochinhphu.gov.vn", description="Government Operation Center portal the screens link to "
                                                    "(empty: no link).")
    goc_push_url: str | None = Field(
        None, description="Government Operation Center endpoint the indicator data is pushed to (none: no push).")
    goc_push_token: SecretStr | None = Field(None, description="Bearer token sent with each push.")
    goc_push_timeout_seconds: float = Field(30, gt=0, description="How long one push waits for the receiver.")
    goc_retry_seconds: float = Field(
        30, gt=0, description="Wait before a refused push is tried again (doubled each time, up to the maximum).")
    goc_retry_max_seconds: float = Field(3600, ge=0, description="Longest wait between two tries of one push.")
    goc_push_seconds: float = Field(
        240, ge=0, description="How long one push run may keep retrying before it leaves the rest to the next.")
    goc_previous_days: int = Field(
        3, ge=0, description="Days into a new period during which the previous one is pushed too (late records).")
    oidc_issuer: str | None = Field(
        None, description="Single sign-on: the OpenID Connect issuer URL (its /.well-known/openid-configuration).")
    oidc_client_id: str | None = Field(None, description="Single sign-on: this app's client id.")
    oidc_client_secret: SecretStr | None = Field(None, description="Single sign-on: this app's client secret.")
    oidc_username_claim: str = Field(
        "preferred_username", description="Single sign-on: the claim matched to a local account's user name.")

    smtp_host: str | None = Field(None, description="SMTP server that sends urging letters and digests (unset: none sent).")
    smtp_port: int = Field(25, ge=1, le=65535, description="Port of the SMTP server (587 with STARTTLS, 465 with TLS).")
    smtp_security: Literal["none", "starttls", "tls"] = Field(
        "none", description="none, starttls (upgrade the connection) or tls (TLS from the start).")
    smtp_username: str | None = Field(None, description="SMTP user name (unset: no authentication).")
    smtp_password: SecretStr | None = Field(None, description="SMTP password.")
    smtp_from: str = Field("Văn phòng Bộ <vanphong@mae.gov.vn>", description="The From of every e-mail.")
    smtp_timeout_seconds: float = Field(30, gt=0, description="How long one SMTP exchange waits.")
    smtp_retry_seconds: float = Field(60, ge=0, description="Wait before a refused e-mail is tried again (doubled each time).")
    smtp_retry_max_seconds: float = Field(3600, ge=0, description="Longest wait between two tries of one e-mail.")

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
    def brief_path(self) -> Path:
        return self.brief_file or self.config_dir / "brief.toml"

    @property
    def briefs_dir(self) -> Path:
        return self.data_dir / "briefs"

    @property
    def urgings_dir(self) -> Path:
        return self.data_dir / "urgings"

    @property
    def demo_dir(self) -> Path:
        return self.data_dir / "demo"

    @property
    def app_db(self) -> str:
        return self.app_db_url or f"sqlite:///{(self.data_dir / 'app.db').resolve()}"

    @property
    def base_url(self) -> str:
        return (self.public_url or f"http://{self.host}:{self.port}").rstrip("/")

    def reporting_day(self) -> date:
        """The day figures are as of: the demo's last day when set, else today in Vietnam."""
        return self.demo_today or datetime.now(LOCAL_TZ).date()

    @property
    def goc_push(self) -> bool:
        return bool(self.goc_push_url)

    @property
    def sso(self) -> bool:
        return bool(self.oidc_issuer and self.oidc_client_id)


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
