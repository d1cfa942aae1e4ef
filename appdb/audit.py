"""The audit log: who did what, when, from where, and whether it was allowed.

Append-only (the database refuses changes); entries are written by ``record`` and read by
the admin screen; failed sign-ins are counted here too, so throttling needs no table of
its own and holds across web workers.
"""
from __future__ import annotations

import json
from datetime import timedelta

from sqlalchemy import Engine, and_, func, insert, select

from appdb.engine import now, utc
from appdb.schema import audit_log

ACTIONS = ("sign_in", "sign_out", "kiosk_open", "password_set", "user_add", "user_disable", "user_enable",
           "user_reset", "kiosk_add", "kiosk_revoke", "access_denied", "export", "download", "api_call", "api_key_add", "api_key_revoke", "brief",
           "urging_draft", "urging_issue", "urging_send", "urging_answer", "mail")


def record(db: Engine, action: str, *, actor: str, outcome: str = "ok", target: str | None = None,
           ip: str | None = None, detail: dict | None = None) -> None:
    if action not in ACTIONS:
        raise ValueError(f"unknown audit action {action!r}")
    with db.begin() as connection:
        connection.execute(insert(audit_log).values(
            at=now(), actor=actor, action=action, outcome=outcome, target=target, ip=ip,
            detail=json.dumps(detail, ensure_ascii=False, default=str) if detail else None))


def refused(db: Engine, actor: str, target: str, ip: str | None) -> None:
    """A request turned away for lack of a right (the screen, data or action it wanted)."""
    record(db, "access_denied", actor=actor, outcome="refused", target=target, ip=ip)


def _where(action: str | None, actor: str | None, outcome: str | None):
    conditions = []
    if action:
        conditions.append(audit_log.c.action == action)
    if actor:
        conditions.append(audit_log.c.actor.contains(actor, autoescape=True))
    if outcome:
        conditions.append(audit_log.c.outcome == outcome)
    return and_(True, *conditions)


def read(db: Engine, *, action: str | None = None, actor: str | None = None, outcome: str | None = None,
         limit: int = 100, offset: int = 0) -> tuple[list[dict], int]:
    """One page of entries, newest first, and how many match."""
    where = _where(action, actor, outcome)
    with db.connect() as connection:
        total = connection.execute(select(func.count()).select_from(audit_log).where(where)).scalar_one()
        rows = connection.execute(select(audit_log).where(where).order_by(audit_log.c.id.desc())
                                  .limit(limit).offset(offset)).mappings().all()
    return [{**row, "at": utc(row["at"])} for row in rows], total


def failed_sign_ins(db: Engine, *, username: str, ip: str | None, minutes: int) -> tuple[int, int]:
    """Failed sign-ins in the last ``minutes``: for this account name, and from this address."""
    since = now() - timedelta(minutes=minutes)
    failed = and_(audit_log.c.action == "sign_in", audit_log.c.outcome == "failed", audit_log.c.at >= since)
    with db.connect() as connection:
        by_name = connection.execute(select(func.count()).select_from(audit_log)
                                     .where(failed, audit_log.c.target == username)).scalar_one()
        by_ip = connection.execute(select(func.count()).select_from(audit_log)
                                   .where(failed, audit_log.c.ip == ip)).scalar_one() if ip else 0
    return by_name, by_ip
