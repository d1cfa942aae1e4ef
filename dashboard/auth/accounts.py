"""Local accounts and their one-time links: the checks and the password hashing; the rows
are the app database's (``appdb.accounts``, whose reads are asked through here).

Nobody ever types a password on a command line or receives a default one: an account is
created without a password and its owner sets one through a one-time link (24 hours),
the same way the first administrator is created on the first start.
"""
from __future__ import annotations

import secrets
from functools import cache

from sqlalchemy import Engine
from werkzeug.security import check_password_hash, generate_password_hash

from appdb import accounts as stored
# The reads of accounts and links are asked through here, beside the checks.
from appdb.accounts import all_users, find, has_admin, issue_link, open_link, use_link  # noqa: F401
from dashboard.auth.roles import ROLES
from dashboard.i18n import t

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
    return stored.add(db, username, role, display_name=(display_name or username).strip(), unit_code=unit_code)


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
    if not stored.set_active(db, username, active):
        raise AccountError("account.no_user", name=username)


def set_password(db: Engine, user_id: int, password: str) -> None:
    check_new_password(password)
    stored.set_password_hash(db, user_id, generate_password_hash(password, method="scrypt"))


def authenticate(db: Engine, username: str, password: str):
    """The active account with this name and password, else None (in the same time)."""
    row = find(db, username=username.strip().lower())
    valid = check_password_hash(row.password_hash if row is not None and row.password_hash else _dummy_hash(),
                                password)
    if row is None or not row.password_hash or not valid or not row.active:
        return None
    stored.signed_in(db, row.id)
    return row
