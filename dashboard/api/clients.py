"""API clients: a named key with scopes (which indicators, which units) and a rate limit.

Only the key's digest is kept; the key itself is shown once, when it is made. Calls are
counted from the audit log (every call is written there anyway), so the limit holds
across web workers without a store of its own.
"""
from __future__ import annotations

import json
import math
import secrets
from datetime import timedelta

from sqlalchemy import Engine, func, insert, select

from dashboard.auth import accounts
from dashboard.auth.accounts import AccountError, token_hash
from dashboard.auth.audit import now, utc
from dashboard.auth.roles import Principal
from dashboard.auth.store import api_clients, audit_log

KEY_PREFIX = "opc_"
WINDOW = timedelta(minutes=1)


def principal(row) -> Principal:
    """The client as the reads see it: no screen capability, its units as scope."""
    codes = units(row)
    return Principal("api", row.name, frozenset({"api"}), id=row.id, display_name=row.name,
                     units=tuple(codes) if codes else None)


def indicators(row) -> list[str] | None:
    return json.loads(row.indicators) if row.indicators else None


def units(row) -> list[str] | None:
    return json.loads(row.units) if row.units else None


def add(db: Engine, name: str, *, created_by: str, indicators: list[str] | None = None,
        units: list[str] | None = None, rate_limit: int | None = None) -> tuple[int, str]:
    """A new client; returns its id and its key (shown once)."""
    name = name.strip()
    if not name or len(name) > 120:
        raise AccountError("api_clients.error.name")
    if rate_limit is not None and rate_limit < 1:
        raise AccountError("api_clients.error.rate")
    with db.connect() as connection:
        if connection.execute(select(api_clients.c.id).where(api_clients.c.name == name)).first():
            raise AccountError("api_clients.error.exists", name=name)
    key = KEY_PREFIX + secrets.token_urlsafe(32)
    with db.begin() as connection:
        client_id = connection.execute(insert(api_clients).values(
            name=name, key_hash=token_hash(key), key_prefix=key[:10],
            indicators=json.dumps(sorted(set(indicators))) if indicators else None,
            units=json.dumps(sorted(set(units))) if units else None,
            rate_limit=rate_limit, created_by=created_by, created_at=now())).inserted_primary_key[0]
    return client_id, key


def revoke(db: Engine, client_id: int) -> str:
    """Revoke a key; returns the client's name. Its next call is refused."""
    return accounts.revoke(db, api_clients, client_id, "api_clients.error.unknown").name


def by_key(db: Engine, key: str):
    """The client holding this key (revoked or not), else None."""
    with db.connect() as connection:
        return connection.execute(select(api_clients).where(api_clients.c.key_hash == token_hash(key))).first()


def all_clients(db: Engine) -> list:
    with db.connect() as connection:
        return connection.execute(select(api_clients).order_by(api_clients.c.id.desc())).all()


def last_calls(db: Engine) -> dict[str, object]:
    """Each client's last call (by its audit label)."""
    with db.connect() as connection:
        rows = connection.execute(select(audit_log.c.actor, func.max(audit_log.c.at))
                                  .where(audit_log.c.action == "api_call").group_by(audit_log.c.actor)).all()
    return {actor: utc(at) for actor, at in rows}


def retry_after(db: Engine, label: str, limit: int) -> int | None:
    """Seconds until the client may call again when it has used its ``limit`` calls of the
    last minute (calls turned away by the limit itself do not count), else None."""
    since = now() - WINDOW
    with db.connect() as connection:
        times = connection.execute(
            select(audit_log.c.at).where(audit_log.c.action == "api_call", audit_log.c.actor == label,
                                         audit_log.c.outcome != "throttled", audit_log.c.at >= since)
            .order_by(audit_log.c.at.desc()).limit(limit)).scalars().all()
    if len(times) < limit:
        return None
    oldest = utc(times[-1])
    return max(1, math.ceil((oldest + WINDOW - now()).total_seconds()))
