"""Kiosk tokens: a wall screen in a lobby signs in with a long random token that opens
the wall and nothing else, and an administrator can revoke it at any time."""
from __future__ import annotations

import secrets

from sqlalchemy import Engine, insert, select

from config.database import now
from dashboard.auth import accounts
from dashboard.auth.accounts import AccountError, token_hash
from dashboard.auth.store import kiosk_tokens


def add(db: Engine, name: str, *, created_by: str) -> tuple[int, str]:
    """A new token (shown once; only its digest is kept)."""
    if not name.strip() or len(name.strip()) > 200:
        raise AccountError("account.kiosk_name")
    token = secrets.token_urlsafe(32)
    with db.begin() as connection:
        token_id = connection.execute(insert(kiosk_tokens).values(
            name=name.strip(), token_hash=token_hash(token), created_by=created_by,
            created_at=now())).inserted_primary_key[0]
    return token_id, token


def revoke(db: Engine, token_id: int) -> str:
    """Revoke a token; returns its name. The wall using it is refused at its next request."""
    return accounts.revoke(db, kiosk_tokens, token_id, "account.no_kiosk").name


def active(db: Engine, *, token: str | None = None, token_id: int | None = None):
    """The unrevoked token with this value or id, else None."""
    column, value = (kiosk_tokens.c.token_hash, token_hash(token)) if token else (kiosk_tokens.c.id, token_id)
    with db.connect() as connection:
        return connection.execute(select(kiosk_tokens).where(column == value,
                                                             kiosk_tokens.c.revoked_at.is_(None))).first()


def all_tokens(db: Engine) -> list:
    with db.connect() as connection:
        return connection.execute(select(kiosk_tokens).order_by(kiosk_tokens.c.id.desc())).all()
