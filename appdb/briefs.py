"""The archive of briefs as rows: one per generation, written as it goes (step, attempts,
error), so a list shows a brief being made, every past brief with its files, and every
failure with its reason."""
from __future__ import annotations

import json
from datetime import timedelta

from sqlalchemy import Engine, and_, insert, select, update

from appdb.engine import now, utc
from appdb.schema import briefs

ACTIVE = ("running", "retrying")


def start(db: Engine, period, *, language: str, unit_code: str | None, requested_by: str, trigger: str) -> int:
    """A new row, running, for ``period`` (its ``start`` and ``end`` days)."""
    with db.begin() as connection:
        return connection.execute(insert(briefs).values(
            period_start=period.start, period_end=period.end, language=language, unit_code=unit_code,
            requested_by=requested_by, trigger=trigger, status="running", step="start", attempts=0,
            created_at=now())).inserted_primary_key[0]


def update_row(db: Engine, brief_id: int, **values) -> None:
    if values.get("status") in ("done", "failed"):
        values["finished_at"] = now()
    if "files" in values:
        values["files"] = json.dumps(values["files"])
    with db.begin() as connection:
        connection.execute(update(briefs).where(briefs.c.id == brief_id).values(**values))


def _row(row) -> dict:
    item = dict(row)
    item["files"] = json.loads(item["files"]) if item["files"] else []
    item["created_at"] = utc(item["created_at"])
    item["finished_at"] = item["finished_at"] and utc(item["finished_at"])
    return item


def get(db: Engine, brief_id: int) -> dict | None:
    with db.connect() as connection:
        row = connection.execute(select(briefs).where(briefs.c.id == brief_id)).mappings().first()
    return _row(row) if row else None


def visible(unit_code: str | None):
    """The rows a principal may see: a unit user its own unit's briefs; a ministry-wide
    principal every brief."""
    return True if unit_code is None else briefs.c.unit_code == unit_code


def recent(db: Engine, unit_code: str | None, *, interrupted_after: timedelta, trigger: str | None = None,
           limit: int = 50) -> list[dict]:
    """The newest briefs first (of one ``trigger``, when given); any still on their way
    after ``interrupted_after`` are marked failed first, so no list shows a brief that will
    never finish."""
    abandon_interrupted(db, interrupted_after)
    where = visible(unit_code) if trigger is None else and_(visible(unit_code), briefs.c.trigger == trigger)
    with db.connect() as connection:
        rows = connection.execute(select(briefs).where(where).order_by(briefs.c.id.desc()).limit(limit)).mappings().all()
    return [_row(row) for row in rows]


def abandon_interrupted(db: Engine, older_than: timedelta) -> int:
    """Mark as failed the briefs still on their way after any generation would have ended:
    the program stopped while making them. Shown as failures, never left spinning. Only
    such a brief is written; a list read otherwise writes nothing."""
    stale = and_(briefs.c.status.in_(ACTIVE), briefs.c.created_at < now() - older_than)
    with db.connect() as connection:
        if connection.execute(select(briefs.c.id).where(stale).limit(1)).first() is None:
            return 0
    with db.begin() as connection:
        return connection.execute(update(briefs).where(stale).values(
            status="failed", error="interrupted", finished_at=now())).rowcount
