"""Kiosk tokens as rows: only a token's digest is kept; the token itself is handed back
once, when it is made."""
from __future__ import annotations

import secrets

from sqlalchemy import Engine, insert, select

from appdb import accounts, sessions
from appdb.accounts import token_hash
from appdb.engine import now
from appdb.schema import kiosk_tokens


def add(db: Engine, name: str, *, created_by: str) -> tuple[int, str]:
    """A new token for the wall ``name``: its id and the token."""
    token = secrets.token_urlsafe(32)
    with db.begin() as connection:
        token_id = connection.execute(insert(kiosk_tokens).values(
            name=name, token_hash=token_hash(token), created_by=created_by,
            created_at=now())).inserted_primary_key[0]
    return token_id, token


def revoke(db: Engine, token_id: int):
    """The token's row, now revoked, or None when there is none; the walls signed in with
    it lose their sessions."""
    row = accounts.revoke(db, kiosk_tokens, token_id)
    if row is not None:
        with db.begin() as connection:
            sessions.end_all(connection, kiosk_id=token_id)
    return row


def active(db: Engine, *, token: str | None = None, token_id: int | None = None):
    """The unrevoked token with this value or id, else None."""
    column, value = (kiosk_tokens.c.token_hash, token_hash(token)) if token else (kiosk_tokens.c.id, token_id)
    with db.connect() as connection:
        return connection.execute(select(kiosk_tokens).where(column == value,
                                                             kiosk_tokens.c.revoked_at.is_(None))).first()


def all_tokens(db: Engine) -> list:
    with db.connect() as connection:
        return connection.execute(select(kiosk_tokens).order_by(kiosk_tokens.c.id.desc())).all()
