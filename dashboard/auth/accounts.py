"""Local accounts and their one-time links.

Nobody ever types a password on a command line or receives a default one: an account is
created without a password and its owner sets one through a one-time link (24 hours),
the same way the first administrator is created on the first start.
"""
from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta
from functools import cache

from sqlalchemy import Engine, func, insert, select, update
from werkzeug.security import check_password_hash, generate_password_hash

from config.database import now, utc
from dashboard.auth.roles import ROLES
from dashboard.auth.store import one_time_links, users
from dashboard.i18n import t

LINK_HOURS = 24
MIN_PASSWORD = 10
@cache
def _dummy_hash() -> str:
    """Verified against when the account does not exist, so a wrong name takes as long as a
    wrong password; made at the first sign-in, not at import (it costs a tenth of a second)."""
    return generate_password_hash(secrets.token_hex(16), method="scrypt")


class AccountError(ValueError):
    """A request about accounts that cannot be done: a catalogue key and its values, so the
    admin screen says why in the reader's language and the CLI in English."""

    def __init__(self, key: str, **values):
        self.key, self.values = key, values
        super().__init__(t(key, "en", **values))

    def text(self, language: str) -> str:
        return t(self.key, language, **self.values)


def token_hash(token: str) -> str:
    """Tokens are random and long, so a plain digest is enough to keep them unreadable at rest."""
    return hashlib.sha256(token.encode()).hexdigest()


def revoke(db: Engine, table, row_id: int, missing: str):
    """Mark a kiosk token's or API key's row revoked (a second time keeps the first time);
    the row, or ``missing``'s error when there is none."""
    with db.begin() as connection:
        row = connection.execute(select(table).where(table.c.id == row_id)).first()
        if row is None:
            raise AccountError(missing, id=row_id)
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


def check_new(db: Engine, username: str, role: str, unit_code: str | None = None,
              display_name: str | None = None) -> str:
    """The user name as it will be kept, once it, the role and the full name are acceptable
    for a new account."""
    username = username.strip().lower()
    if not username or len(username) > 120 or any(ch.isspace() for ch in username):
        raise AccountError("account.username")
    if display_name and len(display_name.strip()) > 200:
        raise AccountError("account.display_name")
    if role not in ROLES:
        raise AccountError("account.role", roles=", ".join(ROLES))
    if (role == "unit") != bool(unit_code):
        raise AccountError("account.unit_needed")
    if find(db, username=username) is not None:
        raise AccountError("account.exists", name=username)
    return username


def add(db: Engine, username: str, role: str, *, display_name: str | None = None,
        unit_code: str | None = None) -> int:
    username = check_new(db, username, role, unit_code, display_name)
    with db.begin() as connection:
        return connection.execute(insert(users).values(
            username=username, display_name=(display_name or username).strip(), role=role,
            unit_code=unit_code, active=True, epoch=0, created_at=now())).inserted_primary_key[0]


def check_new_password(password: str) -> None:
    if len(password) < MIN_PASSWORD:
        raise AccountError("auth.too_short", length=MIN_PASSWORD)


def ensure(db: Engine, username: str, role: str, password: str, *, display_name: str | None = None,
           unit_code: str | None = None) -> int:
    """A program's own account (screenshots, benchmarks, tests), made once, with this
    password, enabled again if the program disabled it when it last finished."""
    row = find(db, username=username)
    user_id = row.id if row is not None else add(db, username, role, display_name=display_name, unit_code=unit_code)
    if row is not None and not row.active:
        set_active(db, username, True)
    set_password(db, user_id, password)
    return user_id


def set_active(db: Engine, username: str, active: bool) -> None:
    """Disabling also ends the account's open sessions (its epoch moves on)."""
    with db.begin() as connection:
        changed = connection.execute(update(users).where(users.c.username == username)
                                     .values(active=active, epoch=users.c.epoch + 1)).rowcount
    if not changed:
        raise AccountError("account.no_user", name=username)


def set_password(db: Engine, user_id: int, password: str) -> None:
    check_new_password(password)
    with db.begin() as connection:
        connection.execute(update(users).where(users.c.id == user_id).values(
            password_hash=generate_password_hash(password, method="scrypt"), epoch=users.c.epoch + 1))


def authenticate(db: Engine, username: str, password: str):
    """The active account with this name and password, else None (in the same time)."""
    row = find(db, username=username.strip().lower())
    valid = check_password_hash(row.password_hash if row is not None and row.password_hash else _dummy_hash(),
                                password)
    if row is None or not row.password_hash or not valid or not row.active:
        return None
    with db.begin() as connection:
        connection.execute(update(users).where(users.c.id == row.id).values(last_sign_in_at=now()))
    return row


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
