"""How every program opens the app database (the web app for accounts and the audit log,
the pipelines for the push outbox): SQLite in the data dir by default, any SQLAlchemy URL
(PostgreSQL in production) otherwise."""
from __future__ import annotations

from datetime import datetime, timezone
from pathlib import Path

from sqlalchemy import Engine, MetaData, create_engine, event


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


def open_engine(url: str, metadata: MetaData, **engine_options) -> Engine:
    """An engine on ``url`` with the tables of ``metadata`` created when missing."""
    if url.startswith("sqlite:///"):
        Path(url.removeprefix("sqlite:///")).parent.mkdir(parents=True, exist_ok=True)
    engine = create_engine(url, **engine_options)
    if engine.dialect.name == "sqlite":
        event.listen(engine, "connect", _sqlite_pragmas)
    metadata.create_all(engine)
    return engine
