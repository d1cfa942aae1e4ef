"""API clients: a named key with scopes (which indicators, which units) and a rate limit;
the checks of a new key and the client as the reads see it. The rows are the app
database's (``appdb.api_clients``, whose reads are asked through here)."""
from __future__ import annotations

from sqlalchemy import Engine

from appdb import api_clients as stored
# The reads of keys and calls are asked through here, beside the checks.
from appdb.api_clients import all_clients, by_key, indicators, last_calls, take_call, units  # noqa: F401
from dashboard.auth.accounts import AccountError
from dashboard.auth.roles import Principal

MAX_RATE = 100_000  # calls per minute


def principal(row) -> Principal:
    """The client as the reads see it: no screen capability, its units as scope."""
    codes = units(row)
    return Principal("api", row.name, frozenset({"api"}), id=row.id, display_name=row.name,
                     units=tuple(codes) if codes else None)


def add(db: Engine, name: str, *, created_by: str, indicators: list[str] | None = None,
        units: list[str] | None = None, rate_limit: int | None = None) -> tuple[int, str]:
    """A new client; returns its id and its key (shown once)."""
    name = name.strip()
    if not name or len(name) > 120:
        raise AccountError("api_clients.error.name")
    if rate_limit is not None and (rate_limit != int(rate_limit) or not 1 <= rate_limit <= MAX_RATE):
        raise AccountError("api_clients.error.rate", most=MAX_RATE)
    if stored.by_name(db, name) is not None:
        raise AccountError("api_clients.error.exists", name=name)
    return stored.add(db, name, created_by=created_by, indicators=indicators, units=units,
                      rate_limit=None if rate_limit is None else int(rate_limit))


def revoke(db: Engine, client_id: int) -> str:
    """Revoke a key; returns the client's name. Its next call is refused."""
    row = stored.revoke(db, client_id)
    if row is None:
        raise AccountError("api_clients.error.unknown", id=client_id)
    return row.name
