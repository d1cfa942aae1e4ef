"""API clients as rows: a named key with its scopes (which indicators, which units) and
rate limit, and the calls counted per minute.

Only the key's digest is kept; the key itself is handed back once, when it is made. Calls
are counted in the database, so the limit holds across web workers.
"""
from __future__ import annotations

import json
import math
import secrets
import time
from datetime import datetime, timezone

from sqlalchemy import Engine, delete, func, insert, select
from sqlalchemy.dialects import postgresql, sqlite

from appdb import accounts
from appdb.accounts import token_hash
from appdb.engine import now
from appdb.schema import api_clients, api_usage

KEY_PREFIX = "opc_"


def indicators(row) -> list[str] | None:
    return json.loads(row.indicators) if row.indicators else None


def units(row) -> list[str] | None:
    return json.loads(row.units) if row.units else None


def by_name(db: Engine, name: str):
    with db.connect() as connection:
        return connection.execute(select(api_clients).where(api_clients.c.name == name)).first()


def add(db: Engine, name: str, *, created_by: str, indicators: list[str] | None = None,
        units: list[str] | None = None, rate_limit: int | None = None) -> tuple[int, str]:
    """A new client; returns its id and its key."""
    key = KEY_PREFIX + secrets.token_urlsafe(32)
    with db.begin() as connection:
        client_id = connection.execute(insert(api_clients).values(
            name=name, key_hash=token_hash(key), key_prefix=key[:10],
            indicators=json.dumps(sorted(set(indicators))) if indicators else None,
            units=json.dumps(sorted(set(units))) if units else None,
            rate_limit=rate_limit, created_by=created_by, created_at=now())).inserted_primary_key[0]
    return client_id, key


def revoke(db: Engine, client_id: int):
    """The client's row, its key now revoked, or None when there is none."""
    return accounts.revoke(db, api_clients, client_id)


def by_key(db: Engine, key: str):
    """The client holding this key (revoked or not), else None."""
    with db.connect() as connection:
        return connection.execute(select(api_clients).where(api_clients.c.key_hash == token_hash(key))).first()


def all_clients(db: Engine) -> list:
    with db.connect() as connection:
        return connection.execute(select(api_clients).order_by(api_clients.c.id.desc())).all()


def last_calls(db: Engine) -> dict[int, datetime]:
    """Each client's last counted call, to the minute (the rate limit's own count keeps it)."""
    with db.connect() as connection:
        rows = connection.execute(select(api_usage.c.client_id, func.max(api_usage.c.minute))
                                  .group_by(api_usage.c.client_id)).all()
    return {client_id: datetime.fromtimestamp(minute * 60, timezone.utc) for client_id, minute in rows}


def take_call(db: Engine, client_id: int, limit: int) -> int | None:
    """Count a call in the client's current minute: None while within ``limit``, else the
    seconds until the next minute. One atomic upsert a call, so calls arriving together on
    several web workers cannot slip past the limit."""
    moment = time.time()
    minute = int(moment // 60)
    upsert = (postgresql.insert if db.dialect.name == "postgresql" else sqlite.insert)(api_usage)
    statement = upsert.values(client_id=client_id, minute=minute, calls=1).on_conflict_do_update(
        index_elements=["client_id", "minute"], set_={"calls": api_usage.c.calls + 1}).returning(api_usage.c.calls)
    with db.begin() as connection:
        calls = connection.execute(statement).scalar_one()
        if calls == 1:  # a new minute: the client's earlier ones are of no more use
            connection.execute(delete(api_usage).where(api_usage.c.client_id == client_id,
                                                       api_usage.c.minute < minute))
    return None if calls <= limit else max(1, math.ceil((minute + 1) * 60 - moment))
