"""How every program opens the app database (the web app for accounts and the audit log,
the pipelines for the push outbox): SQLite in the data dir by default, any SQLAlchemy URL
(PostgreSQL in production) otherwise. Opening it brings its schema to the newest revision
of ``appdb/migrations``, so a new release never starts on an old schema.
"""
from __future__ import annotations

from datetime import datetime, timezone
from functools import cache
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.script import ScriptDirectory
from sqlalchemy import Engine, create_engine, event, inspect, text

from appdb.locks import exclusive

MIGRATIONS = Path(__file__).resolve().parent / "migrations"
MIGRATION_LOCK = 0x6F7063_6D6967  # "opc mig": PostgreSQL's advisory lock of the schema's upgrade


def now() -> datetime:
    """Times in the app database are UTC."""
    return datetime.now(timezone.utc)


def utc(value: datetime | None) -> datetime | None:
    """SQLite keeps no zone: its times were written in UTC."""
    return value if value is None or value.tzinfo else value.replace(tzinfo=timezone.utc)


def _sqlite_pragmas(dbapi_connection, _record) -> None:
    """WAL lets web workers read while one writes; foreign keys are off by default in SQLite."""
    cursor = dbapi_connection.cursor()
    cursor.execute("pragma journal_mode=wal")
    cursor.execute("pragma foreign_keys=on")
    cursor.execute("pragma busy_timeout=5000")
    cursor.close()


def connect(url: str, **engine_options) -> Engine:
    """An engine on ``url`` as it is, its schema untouched (the migrations' own way in)."""
    if url.startswith("sqlite:///"):
        Path(url.removeprefix("sqlite:///")).parent.mkdir(parents=True, exist_ok=True)
    engine = create_engine(url, **engine_options)
    if engine.dialect.name == "sqlite":
        event.listen(engine, "connect", _sqlite_pragmas)
    return engine


def migrating(engine: Engine):
    """Held around an upgrade, so web workers starting together migrate one after another
    (the later ones find the schema current). On SQLite a lock file beside the database:
    SQLite's own locking covers one statement, not Alembic's look at the schema followed by
    its changes, and its DDL is not transactional."""
    database = engine.url.database
    lock_file = f"{database}.migrate.lock" if database and database != ":memory:" else None
    return exclusive(engine, MIGRATION_LOCK, lock_file, wait=True)


def migrations(engine: Engine | None = None) -> Config:
    """Alembic's configuration built in code (no ``alembic.ini`` at run time); ``env.py``
    migrates ``engine`` when given, else the database of the settings."""
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.attributes["engine"] = engine
    return config


@cache
def _heads() -> set[str]:
    return set(ScriptDirectory.from_config(migrations()).get_heads())


def _at_head(engine: Engine) -> bool:
    with engine.connect() as connection:
        if not inspect(connection).has_table("alembic_version"):
            return False
        return {row[0] for row in connection.execute(text("select version_num from alembic_version"))} == _heads()


def open_db(url: str, **engine_options) -> Engine:
    """The engine of the app database, its schema brought to the newest revision first.
    A schema already there runs nothing of Alembic (whose log would otherwise speak at
    every start of every program); one that is not is upgraded under the lock, which
    looks again."""
    engine = connect(url, **engine_options)
    if not _at_head(engine):
        command.upgrade(migrations(engine), "head")
    return engine
