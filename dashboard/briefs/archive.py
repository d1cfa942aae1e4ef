"""The archive of briefs as the screens and the CLI read it: the app database's rows
(``appdb.briefs``, whose writes are asked through here) with their period and its ISO
week, and briefs left on their way by a stopped program marked failed after the longest a
generation with its retries can take."""
from __future__ import annotations

from datetime import timedelta

from sqlalchemy import Engine

from appdb import briefs as stored
# The state of a row and its writes are asked through here, beside the reads.
from appdb.briefs import ACTIVE, start, update_row  # noqa: F401
from dashboard import periods
from warehouse.metrics import Period


def _dressed(item: dict) -> dict:
    item["period"] = Period(item["period_start"], item["period_end"])
    item["label"] = periods.week_label(item["period"])  # the ISO week of a weekly brief
    return item


def get(db: Engine, brief_id: int) -> dict | None:
    item = stored.get(db, brief_id)
    return _dressed(item) if item else None


def recent(db: Engine, settings, unit_code: str | None, *, trigger: str | None = None,
           limit: int = 50) -> list[dict]:
    """The newest briefs first (of one ``trigger``, when given), a unit user's own only."""
    return [_dressed(item) for item in stored.recent(db, unit_code, interrupted_after=longest(settings),
                                                     trigger=trigger, limit=limit)]


def longest(settings) -> timedelta:
    """The longest a brief can be on its way: every attempt (ten minutes each, at most) and
    the doubling waits between them."""
    waits = settings.brief_retry_seconds * (2 ** (settings.brief_attempts - 1) - 1)
    return timedelta(minutes=10 * settings.brief_attempts, seconds=waits)
