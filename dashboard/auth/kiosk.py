"""Kiosk tokens: a wall screen in a lobby signs in with a long random token that opens
the wall and nothing else, and an administrator can revoke it at any time. The rows are
the app database's (``appdb.kiosk``, whose reads are asked through here)."""
from __future__ import annotations

from sqlalchemy import Engine

from appdb import kiosk as stored
# The reads of tokens are asked through here, beside the checks.
from appdb.kiosk import active, all_tokens  # noqa: F401
from dashboard.auth.accounts import AccountError


def add(db: Engine, name: str, *, created_by: str) -> tuple[int, str]:
    """A new token (shown once; only its digest is kept)."""
    if not name.strip() or len(name.strip()) > 200:
        raise AccountError("account.kiosk_name")
    return stored.add(db, name.strip(), created_by=created_by)


def revoke(db: Engine, token_id: int) -> str:
    """Revoke a token; returns its name. The wall using it is refused at its next request."""
    row = stored.revoke(db, token_id)
    if row is None:
        raise AccountError("account.no_kiosk", id=token_id)
    return row.name
