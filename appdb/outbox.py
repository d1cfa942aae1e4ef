"""The outbox: every message to the Government Operation Center, kept in the app database
from the moment it is made until the receiver acknowledges it.

A message is written before any attempt to send it, so a crash or a kill loses nothing;
it is sent again with the same idempotency key until a 2xx answer comes, so the receiver
can keep it once. The acknowledged message keeps its receipt and its body's digest; the
body itself is dropped, the receiver holds it. One sender at a time holds the outbox
(``sender``), whichever process or machine it runs on.
"""
from __future__ import annotations

import hashlib
import json
from datetime import datetime, timedelta

from sqlalchemy import Engine, func, insert, select, update
from sqlalchemy.exc import IntegrityError

from appdb.engine import now, open_db, utc
from appdb.locks import exclusive
from appdb.schema import goc_outbox

RECEIPT_CHARS = 2000
SENDER_LOCK = 0x6F7063_676F63  # "opc goc": PostgreSQL's advisory lock of the sender


def open_outbox(settings) -> Engine:
    """The app database of ``settings``: the pipelines know their settings, not its URL."""
    return open_db(settings.app_db)


def _held(connection, period: dict, data_version: str) -> bool:
    """Whether the outbox holds this period at this data version or a newer one (versions
    are publish times, so they sort as text): an older one queued now would arrive last."""
    return connection.execute(select(goc_outbox.c.id).where(
        goc_outbox.c.period_type == period["period_type"], goc_outbox.c.period == period["period"],
        goc_outbox.c.data_version >= data_version).limit(1)).first() is not None


def enqueue(engine: Engine, message: dict, *, trigger: str) -> bool:
    """Keep ``message`` to be sent; False when the outbox already holds its period at its
    data version or a newer one."""
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
            if _held(connection, period, message["data_version"]):
                return False
            connection.execute(insert(goc_outbox).values(**values))
    except IntegrityError:  # the same message queued by another process meanwhile
        with engine.connect() as connection:
            if _held(connection, period, message["data_version"]):
                return False
        raise
    return True


def finished(engine: Engine, period_type: str, period: str) -> bool:
    """Whether the outbox holds the period measured to its end (its final figures)."""
    with engine.connect() as connection:
        return connection.execute(select(goc_outbox.c.id).where(
            goc_outbox.c.period_type == period_type, goc_outbox.c.period == period,
            goc_outbox.c.complete.is_(True)).limit(1)).first() is not None


def sender(engine: Engine, data_dir):
    """Hold the outbox for sending (yields True), or yield False when another sender holds
    it: an advisory lock on PostgreSQL, a lock file beside the SQLite database."""
    database = engine.url.database
    lock_file = f"{database}.goc-push.lock" if database else data_dir / "goc-push.lock"
    return exclusive(engine, SENDER_LOCK, lock_file, wait=False)


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
