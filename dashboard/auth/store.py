"""The app database: accounts, kiosk tokens, API client keys, one-time links, the audit
log and the archive of generated briefs.

SQLite in the data dir by default, PostgreSQL by URL (``OPSCENTER_APP_DB_URL``). Tables
are created at start; the audit log's append-only rule is the database's own trigger, so
no code path of the app (or a mistake in one) can rewrite history.
"""
from __future__ import annotations

from pathlib import Path

from sqlalchemy import Boolean, Column, Date, DateTime, Engine, ForeignKey, Integer, MetaData, String, Table, Text

from config.database import open_engine
from pipelines.goc import outbox

SQL_DIR = Path(__file__).resolve().parent / "sql"
metadata = MetaData()

users = Table(
    "users", metadata,
    Column("id", Integer, primary_key=True),
    Column("username", String(120), nullable=False, unique=True),
    Column("display_name", String(200), nullable=False),
    Column("role", String(20), nullable=False),
    Column("unit_code", String(40)),
    Column("password_hash", String(300)),  # none until set through a one-time link (or SSO only)
    Column("active", Boolean, nullable=False, default=True),
    Column("epoch", Integer, nullable=False, default=0),  # bumped to end the account's sessions
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("last_sign_in_at", DateTime(timezone=True)),
)

kiosk_tokens = Table(
    "kiosk_tokens", metadata,
    Column("id", Integer, primary_key=True),
    Column("name", String(200), nullable=False),
    Column("token_hash", String(64), nullable=False, unique=True),
    Column("created_by", String(120), nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("revoked_at", DateTime(timezone=True)),
)

api_clients = Table(
    "api_clients", metadata,
    Column("id", Integer, primary_key=True),
    Column("name", String(120), nullable=False, unique=True),
    Column("key_hash", String(64), nullable=False, unique=True),
    Column("key_prefix", String(12), nullable=False),  # the key's first characters, to tell keys apart
    Column("indicators", Text),  # JSON list of indicator codes; none: every indicator
    Column("units", Text),  # JSON list of unit codes (with their sub-units); none: every unit
    Column("rate_limit", Integer),  # calls per minute; none: the configured default
    Column("created_by", String(200), nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("revoked_at", DateTime(timezone=True)),
)

api_usage = Table(  # calls of each client key per minute, for its rate limit
    "api_usage", metadata,
    Column("client_id", Integer, ForeignKey("api_clients.id"), primary_key=True),
    Column("minute", Integer, primary_key=True),  # minutes since 1970
    Column("calls", Integer, nullable=False),
)

one_time_links = Table(
    "one_time_links", metadata,
    Column("id", Integer, primary_key=True),
    Column("token_hash", String(64), nullable=False, unique=True),
    Column("purpose", String(20), nullable=False),  # "setup" (first admin) or "password"
    Column("user_id", Integer, ForeignKey("users.id")),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("expires_at", DateTime(timezone=True), nullable=False),
    Column("used_at", DateTime(timezone=True)),
)

audit_log = Table(
    "audit_log", metadata,
    Column("id", Integer, primary_key=True),
    Column("at", DateTime(timezone=True), nullable=False, index=True),
    Column("actor", String(200), nullable=False, index=True),
    Column("action", String(40), nullable=False, index=True),
    Column("outcome", String(20), nullable=False),
    Column("target", String(300)),
    Column("ip", String(64)),
    Column("detail", Text),
)

briefs = Table(
    "briefs", metadata,
    Column("id", Integer, primary_key=True),
    Column("period_start", Date, nullable=False),
    Column("period_end", Date, nullable=False),
    Column("language", String(2), nullable=False),
    Column("unit_code", String(40)),  # the scope of a unit user's brief; none: the whole ministry
    Column("requested_by", String(200), nullable=False),
    Column("trigger", String(20), nullable=False),  # schedule, screen or cli
    Column("status", String(20), nullable=False, index=True),  # running, retrying, done, failed
    Column("step", String(40)),  # the step being made; the screen shows it as a share of all steps
    Column("attempts", Integer, nullable=False, default=0),
    Column("error", Text),
    Column("data_version", String(60)),
    Column("directory", String(500)),
    Column("files", Text),  # JSON list of file names in the directory
    Column("created_at", DateTime(timezone=True), nullable=False, index=True),
    Column("finished_at", DateTime(timezone=True)),
)


def _statements(dialect: str) -> list[str]:
    """The dialect's trigger file; statements are separated by blank lines (bodies hold ``;``)."""
    text = (SQL_DIR / f"append_only.{dialect}.sql").read_text(encoding="utf-8")
    blocks = [block.strip() for block in text.split("\n\n")]
    return ["\n".join(line for line in block.splitlines() if not line.startswith("--")) for block in blocks
            if block and not all(line.startswith("--") for line in block.splitlines())]


def open_db(url: str, **engine_options) -> Engine:
    """The engine of the app database, its tables created when missing."""
    engine = open_engine(url, metadata, **engine_options)
    outbox.metadata.create_all(engine)  # the push outbox, which the pipelines write and the screens show
    with engine.begin() as connection:
        for statement in _statements(engine.dialect.name):
            connection.exec_driver_sql(statement)
    return engine
