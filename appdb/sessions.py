"""Signed-in sessions as rows: the session cookie carries a random id, of which only the
digest is kept; a session lives while its row does.

Signing out deletes the row; a new password, disabling an account and revoking a kiosk
token delete all of theirs (``end_all``, in the same transaction as the change); a
session idle longer than the configured hours is deleted when it is next seen. A copy of
the cookie made before then names no row afterwards, however well it is signed.
"""
from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta

from sqlalchemy import Connection, Engine, delete, insert, select, update

from appdb.engine import now, utc
from appdb.schema import sessions

TOUCH_EVERY = timedelta(minutes=1)  # last_seen_at is written at most this often (not at every callback)


def token_hash(token: str) -> str:
    """As every token of the app database: random and long, so a plain digest keeps it
    unreadable at rest (``appdb.accounts`` hashes links the same way and imports this module)."""
    return hashlib.sha256(token.encode()).hexdigest()


def start(db: Engine, *, user_id: int | None = None, kiosk_id: int | None = None, ip: str | None = None) -> str:
    """A new session of a user or a wall; the id for its cookie (never stored as such)."""
    if (user_id is None) == (kiosk_id is None):
        raise ValueError("a session is a user's or a kiosk's")
    token = secrets.token_urlsafe(32)
    moment = now()
    with db.begin() as connection:
        connection.execute(insert(sessions).values(token_hash=token_hash(token), user_id=user_id, kiosk_id=kiosk_id,
                                                   created_at=moment, last_seen_at=moment, ip=ip))
    return token


def current(db: Engine, token: str, *, idle: timedelta):
    """The session with this id while it is not idle past ``idle`` (seen again: its
    last_seen_at moves on); an idle one is deleted. None when there is none."""
    with db.connect() as connection:
        row = connection.execute(select(sessions).where(sessions.c.token_hash == token_hash(token))).first()
    if row is None:
        return None
    moment = now()
    seen = utc(row.last_seen_at)
    if moment - seen > idle:
        end(db, token)
        return None
    if moment - seen >= TOUCH_EVERY:
        with db.begin() as connection:
            connection.execute(update(sessions).where(sessions.c.id == row.id).values(last_seen_at=moment))
    return row


def end(db: Engine, token: str) -> None:
    with db.begin() as connection:
        connection.execute(delete(sessions).where(sessions.c.token_hash == token_hash(token)))


def end_all(connection: Connection, *, user_id: int | None = None, kiosk_id: int | None = None) -> int:
    """Delete every session of a user or a wall, inside the caller's transaction; how many."""
    column, value = (sessions.c.user_id, user_id) if user_id is not None else (sessions.c.kiosk_id, kiosk_id)
    return connection.execute(delete(sessions).where(column == value)).rowcount


def remove_idle(db: Engine, *, idle: timedelta) -> int:
    """Delete sessions idle past ``idle`` (nobody can use them any more); how many."""
    with db.begin() as connection:
        return connection.execute(delete(sessions).where(sessions.c.last_seen_at < now() - idle)).rowcount
