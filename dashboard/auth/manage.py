"""Administrative actions on accounts, kiosk tokens and API client keys, for the admin
screens and the CLI alike: each checks that the actor is an administrator and leaves an
audit entry."""
from __future__ import annotations

from sqlalchemy import Engine

from appdb import audit
from dashboard.api import clients
from dashboard.auth import accounts, kiosk
from dashboard.auth.roles import Principal


class AccessDenied(PermissionError):
    """The actor lacks the capability (refused, and logged as such)."""


def require(db: Engine, principal: Principal, capability: str, *, what: str, ip: str | None = None) -> None:
    if not principal.can(capability):
        audit.refused(db, principal.label, what, ip)
        raise AccessDenied(f"{principal.label} may not {what}")


def add_user(db: Engine, by: Principal, username: str, role: str, *, display_name: str | None = None,
             unit_code: str | None = None, known_units=None, ip: str | None = None) -> str:
    """Create an account; returns the token of its one-time link to set a password."""
    require(db, by, "admin", what="add users", ip=ip)
    if unit_code and known_units is not None and unit_code not in known_units:
        raise accounts.AccountError("account.unknown_unit", code=unit_code)
    user_id = accounts.add(db, username, role, display_name=display_name, unit_code=unit_code)
    audit.record(db, "user_add", actor=by.label, target=username.strip().lower(), ip=ip,
                 detail={"role": role, "unit": unit_code})
    return accounts.issue_link(db, "password", user_id)


def set_active(db: Engine, by: Principal, username: str, active: bool, *, ip: str | None = None) -> None:
    require(db, by, "admin", what="enable or disable users", ip=ip)
    if not active and by.kind == "user" and by.name == username:
        raise accounts.AccountError("account.self_disable")
    accounts.set_active(db, username, active)
    audit.record(db, "user_enable" if active else "user_disable", actor=by.label, target=username, ip=ip)


def reset(db: Engine, by: Principal, username: str, *, ip: str | None = None) -> str:
    """A new one-time link to set the password; the old password keeps working until then."""
    require(db, by, "admin", what="reset passwords", ip=ip)
    row = accounts.find(db, username=username)
    if row is None:
        raise accounts.AccountError("account.no_user", name=username)
    if not row.active:
        raise accounts.AccountError("account.disabled", name=username)
    audit.record(db, "user_reset", actor=by.label, target=username, ip=ip)
    return accounts.issue_link(db, "password", row.id)


def add_kiosk(db: Engine, by: Principal, name: str, *, ip: str | None = None) -> tuple[int, str]:
    require(db, by, "admin", what="add kiosk tokens", ip=ip)
    token_id, token = kiosk.add(db, name, created_by=by.label)
    audit.record(db, "kiosk_add", actor=by.label, target=f"{token_id}: {name.strip()}", ip=ip)
    return token_id, token


def revoke_kiosk(db: Engine, by: Principal, token_id: int, *, ip: str | None = None) -> None:
    require(db, by, "admin", what="revoke kiosk tokens", ip=ip)
    name = kiosk.revoke(db, token_id)
    audit.record(db, "kiosk_revoke", actor=by.label, target=f"{token_id}: {name}", ip=ip)


def add_api_client(db: Engine, by: Principal, name: str, *, indicators: list[str] | None = None,
                   units: list[str] | None = None, rate_limit: int | None = None, known_indicators=None,
                   known_units=None, ip: str | None = None) -> tuple[int, str]:
    """A client key for the indicator API (shown once); its scopes must name known things."""
    require(db, by, "admin", what="issue API keys", ip=ip)
    for code in indicators or ():
        if known_indicators is not None and code not in known_indicators:
            raise accounts.AccountError("api_clients.error.indicator", code=code)
    for code in units or ():
        if known_units is not None and code not in known_units:
            raise accounts.AccountError("account.unknown_unit", code=code)
    client_id, key = clients.add(db, name, created_by=by.label, indicators=indicators, units=units,
                                 rate_limit=rate_limit)
    audit.record(db, "api_key_add", actor=by.label, target=f"{client_id}: {name.strip()}", ip=ip,
                 detail={"indicators": indicators or "all", "units": units or "all", "rate_limit": rate_limit})
    return client_id, key


def revoke_api_client(db: Engine, by: Principal, client_id: int, *, ip: str | None = None) -> None:
    require(db, by, "admin", what="revoke API keys", ip=ip)
    name = clients.revoke(db, client_id)
    audit.record(db, "api_key_revoke", actor=by.label, target=f"{client_id}: {name}", ip=ip)


def first_admin_link(db: Engine) -> str | None:
    """While no administrator exists, a fresh one-time link to create the first one."""
    return None if accounts.has_admin(db) else accounts.issue_link(db, "setup")
