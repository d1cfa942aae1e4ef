"""The outbox: every message to the Government Operation Center, kept in the app database
from the moment it is made until the receiver acknowledges it.

A message is written before any attempt to send it, so a crash or a kill loses nothing;
it is sent again with the same idempotency key until a 2xx answer comes, so the receiver
can keep it once. The acknowledged message keeps its receipt and its body's digest; the
body itself is dropped, the receiver holds it.
"""
from __future__ import annotations

import hashlib
import json
from datetime import datetime, timedelta, timezone

from sqlalchemy import (Boolean, Column, Date, DateTime, Engine, Integer, MetaData, String, Table, Text, func,
                        insert, select, update)
from sqlalchemy.exc import IntegrityError

from config.database import open_engine

metadata = MetaData()
RECEIPT_CHARS = 2000

goc_outbox = Table(
    "goc_outbox", metadata,
    Column("id", Integer, primary_key=True),  # the sending order
    Column("idempotency_key", String(200), nullable=False, unique=True),
    Column("period_type", String(20), nullable=False),
    Column("period", String(20), nullable=False),
    Column("period_start", Date, nullable=False),
    Column("period_end", Date, nullable=False),
    Column("complete", Boolean, nullable=False),
    Column("data_version", String(60), nullable=False),
    Column("trigger", String(20), nullable=False),  # publish, schedule or cli
    Column("rows", Integer, nullable=False),
    Column("payload", Text),  # the JSON body; dropped once acknowledged
    Column("payload_sha256", String(64), nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("attempts", Integer, nullable=False, default=0),
    Column("next_attempt_at", DateTime(timezone=True), nullable=False, index=True),
    Column("last_attempt_at", DateTime(timezone=True)),
    Column("last_error", Text),
    Column("acknowledged_at", DateTime(timezone=True), index=True),
    Column("receipt_status", Integer),
    Column("receipt", Text),  # what the receiver answered
)


def now() -> datetime:
    return datetime.now(timezone.utc)


def utc(value: datetime | None) -> datetime | None:
    """SQLite keeps no zone: its times were written in UTC."""
    return value if value is None or value.tzinfo else value.replace(tzinfo=timezone.utc)


def open_outbox(settings) -> Engine:
    return open_engine(settings.app_db, metadata)


def key(period_type: str, period: str, data_version: str) -> str:
    """One message per period and data version: the same figures are never sent as two."""
    return f"opscenter:{period_type}:{period}:{data_version}"


def enqueue(engine: Engine, message: dict, *, trigger: str) -> bool:
    """Keep ``message`` to be sent; False when the outbox already holds its key."""
    body = json.dumps(message, ensure_ascii=False, separators=(",", ":"))
    period = message["period"]
    values = dict(
        idempotency_key=message["idempotency_key"], period_type=period["period_type"], period=period["period"],
        period_start=datetime.fromisoformat(period["period_start"]).date(),
        period_end=datetime.fromisoformat(period["period_end"]).date(), complete=period["complete"],
        data_version=message["data_version"], trigger=trigger, rows=len(message["data"]), payload=body,
        payload_sha256=hashlib.sha256(body.encode()).hexdigest(), created_at=now(), attempts=0,
        next_attempt_at=now())
    try:
        with engine.begin() as connection:
            connection.execute(insert(goc_outbox).values(**values))
    except IntegrityError:
        return False
    return True


def head(engine: Engine):
    """The oldest message not yet acknowledged: the only one that may be sent next."""
    with engine.connect() as connection:
        return connection.execute(select(goc_outbox).where(goc_outbox.c.acknowledged_at.is_(None))
                                  .order_by(goc_outbox.c.id).limit(1)).first()


def acknowledge(engine: Engine, message_id: int, status: int, receipt: str) -> None:
    with engine.begin() as connection:
        connection.execute(update(goc_outbox).where(goc_outbox.c.id == message_id).values(
            acknowledged_at=now(), last_attempt_at=now(), attempts=goc_outbox.c.attempts + 1,
            receipt_status=status, receipt=receipt[:RECEIPT_CHARS], payload=None, last_error=None))


def postpone(engine: Engine, message_id: int, error: str, wait_seconds: float) -> None:
    """A failed attempt: why, and when the message is tried again."""
    with engine.begin() as connection:
        connection.execute(update(goc_outbox).where(goc_outbox.c.id == message_id).values(
            attempts=goc_outbox.c.attempts + 1, last_attempt_at=now(), last_error=error[:RECEIPT_CHARS],
            next_attempt_at=now() + timedelta(seconds=wait_seconds)))


def recent(engine: Engine, limit: int) -> list:
    """The newest messages, sent or not, newest first (without their bodies)."""
    columns = [c for c in goc_outbox.c if c.name != "payload"]
    with engine.connect() as connection:
        return connection.execute(select(*columns).order_by(goc_outbox.c.id.desc()).limit(limit)).all()


def pending(engine: Engine) -> tuple[int, datetime | None]:
    """How many messages wait for an acknowledgement, and since when the oldest does."""
    with engine.connect() as connection:
        count, oldest = connection.execute(select(func.count(), func.min(goc_outbox.c.created_at))
                                           .where(goc_outbox.c.acknowledged_at.is_(None))).one()
    return count, utc(oldest)
