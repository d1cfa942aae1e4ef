"""The archive of briefs in the app database: one row per generation, written as it
goes (step, attempts, error), so the Briefs screen shows a brief being made,
every past brief with its files, and every failure with its reason."""
from __future__ import annotations

import json
from datetime import datetime, timedelta, timezone

from sqlalchemy import Engine, and_, insert, select, update

from config.database import utc
from dashboard import periods
from dashboard.auth.store import briefs
from warehouse.metrics import Period

ACTIVE = ("running", "retrying")


def _now() -> datetime:
    return datetime.now(timezone.utc)


def start(db: Engine, period: Period, *, language: str, unit_code: str | None, requested_by: str,
          trigger: str) -> int:
    with db.begin() as connection:
        return connection.execute(insert(briefs).values(
            period_start=period.start, period_end=period.end, language=language, unit_code=unit_code,
            requested_by=requested_by, trigger=trigger, status="running", step="start", attempts=0,
            created_at=_now())).inserted_primary_key[0]


def update_row(db: Engine, brief_id: int, **values) -> None:
    if values.get("status") in ("done", "failed"):
        values["finished_at"] = _now()
    if "files" in values:
        values["files"] = json.dumps(values["files"])
    with db.begin() as connection:
        connection.execute(update(briefs).where(briefs.c.id == brief_id).values(**values))


def _row(row) -> dict:
    item = dict(row)
    item["files"] = json.loads(item["files"]) if item["files"] else []
    item["period"] = Period(item["period_start"], item["period_end"])
    item["label"] = periods.week_label(item["period"])  # the ISO week of a weekly brief
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


def recent(db: Engine, settings, unit_code: str | None, *, trigger: str | None = None,
           limit: int = 50) -> list[dict]:
    """The newest briefs first (of one ``trigger``, when given); any a stopped program left
    "running" are marked failed first, so no list shows a brief that will never finish."""
    abandon_interrupted(db, longest(settings))
    where = visible(unit_code) if trigger is None else and_(visible(unit_code), briefs.c.trigger == trigger)
    with db.connect() as connection:
        rows = connection.execute(select(briefs).where(where).order_by(briefs.c.id.desc()).limit(limit)).mappings().all()
    return [_row(row) for row in rows]


def longest(settings) -> timedelta:
    """The longest a brief can be on its way: every attempt (ten minutes each, at most) and
    the doubling waits between them."""
    waits = settings.brief_retry_seconds * (2 ** (settings.brief_attempts - 1) - 1)
    return timedelta(minutes=10 * settings.brief_attempts, seconds=waits)


def abandon_interrupted(db: Engine, older_than: timedelta) -> int:
    """Mark as failed the briefs still on their way after any generation would have ended:
    the program stopped while making them. Shown as failures, never left spinning. Only
    such a brief is written; a list read otherwise writes nothing."""
    stale = and_(briefs.c.status.in_(ACTIVE), briefs.c.created_at < _now() - older_than)
    with db.connect() as connection:
        if connection.execute(select(briefs.c.id).where(stale).limit(1)).first() is None:
            return 0
    with db.begin() as connection:
        return connection.execute(update(briefs).where(stale).values(
            status="failed", error="interrupted", finished_at=_now())).rowcount
