"""Local accounts and their one-time links, as rows: who exists, their password's hash, and
the links that let their owner set it (24 hours, once).

The checks of a new account and of a password, and the hashing, belong to the sign-in
(``dashboard.auth.accounts``), which writes through here.
"""
from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta

from sqlalchemy import Engine, Table, func, insert, select, update

from appdb import sessions
from appdb.engine import now, utc
from appdb.schema import one_time_links, users

LINK_HOURS = 24


def token_hash(token: str) -> str:
    """Tokens are random and long, so a plain digest is enough to keep them unreadable at rest."""
    return hashlib.sha256(token.encode()).hexdigest()


def revoke(db: Engine, table: Table, row_id: int):
    """Mark a kiosk token's or API key's row revoked (a second time keeps the first time);
    the row, or None when there is none."""
    with db.begin() as connection:
        row = connection.execute(select(table).where(table.c.id == row_id)).first()
        if row is not None:
            connection.execute(update(table).where(table.c.id == row_id, table.c.revoked_at.is_(None))
                               .values(revoked_at=now()))
    return row


def find(db: Engine, *, user_id: int | None = None, username: str | None = None):
    column, value = (users.c.id, user_id) if user_id is not None else (users.c.username, username)
    with db.connect() as connection:
        return connection.execute(select(users).where(column == value)).first()


def all_users(db: Engine) -> list:
    with db.connect() as connection:
        return connection.execute(select(users).order_by(users.c.role, users.c.username)).all()


def add(db: Engine, username: str, role: str, *, display_name: str, unit_code: str | None) -> int:
    """A new, enabled account without a password."""
    with db.begin() as connection:
        return connection.execute(insert(users).values(
            username=username, display_name=display_name, role=role, unit_code=unit_code, active=True, epoch=0,
            created_at=now())).inserted_primary_key[0]


def set_active(db: Engine, username: str, active: bool) -> bool:
    """Disabling (or enabling) also ends the account's open sessions (their rows go, and its
    epoch moves on); False when there is no such account."""
    with db.begin() as connection:
        row = connection.execute(select(users.c.id).where(users.c.username == username)).first()
        if row is None:
            return False
        connection.execute(update(users).where(users.c.id == row.id).values(active=active, epoch=users.c.epoch + 1))
        sessions.end_all(connection, user_id=row.id)
        return True


def set_password_hash(db: Engine, user_id: int, password_hash: str) -> None:
    """A new password ends the account's open sessions (their rows go, and its epoch moves on)."""
    with db.begin() as connection:
        connection.execute(update(users).where(users.c.id == user_id).values(
            password_hash=password_hash, epoch=users.c.epoch + 1))
        sessions.end_all(connection, user_id=user_id)


def signed_in(db: Engine, user_id: int) -> None:
    with db.begin() as connection:
        connection.execute(update(users).where(users.c.id == user_id).values(last_sign_in_at=now()))


def has_admin(db: Engine) -> bool:
    with db.connect() as connection:
        return connection.execute(select(func.count()).select_from(users).where(
            users.c.role == "admin", users.c.active.is_(True))).scalar_one() > 0


def issue_link(db: Engine, purpose: str, user_id: int | None = None) -> str:
    """A new one-time link token; earlier unused links for the same purpose and account lapse."""
    token = secrets.token_urlsafe(32)
    with db.begin() as connection:
        connection.execute(update(one_time_links).where(
            one_time_links.c.purpose == purpose, one_time_links.c.user_id.is_not_distinct_from(user_id),
            one_time_links.c.used_at.is_(None)).values(used_at=now()))
        connection.execute(insert(one_time_links).values(
            token_hash=token_hash(token), purpose=purpose, user_id=user_id, created_at=now(),
            expires_at=now() + timedelta(hours=LINK_HOURS)))
    return token


def open_link(db: Engine, token: str, purpose: str):
    """The link's row while it is unused and unexpired, else None."""
    with db.connect() as connection:
        row = connection.execute(select(one_time_links).where(
            one_time_links.c.token_hash == token_hash(token), one_time_links.c.purpose == purpose)).first()
    if row is None or row.used_at is not None:
        return None
    return row if utc(row.expires_at) > now() else None


def use_link(db: Engine, link_id: int) -> bool:
    """Mark the link used; False when someone else used it first (two tabs, a replay)."""
    with db.begin() as connection:
        return connection.execute(update(one_time_links).where(
            one_time_links.c.id == link_id, one_time_links.c.used_at.is_(None)).values(used_at=now())).rowcount == 1
