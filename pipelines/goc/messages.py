"""What is pushed: for each period type the registry reports (an indicator's periodicity),
the period holding the data's day, and the one before it until its final figures have
been queued and during the first days of a new period (late records still change it);
each read from one published snapshot and measured up to that snapshot's day, so a
period and a data version always make the same message."""
from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime, timedelta

from warehouse import indicators
from warehouse.indicators import PERIOD_TYPES, ReportPeriod
from warehouse.registry import REGISTRY
from warehouse.scope import Scope
from warehouse.snapshots import LOCAL_TZ, Reader


def key(period_type: str, period: str, data_version: str) -> str:
    """One message per period and data version: its figures follow from the two (the
    period is measured up to the data version's day)."""
    return f"opscenter:{period_type}:{period}:{data_version}"


def due_periods(as_of: date, previous_days: int,
                finished: Callable[[str, str], bool] = lambda _type, _label: False) -> list[ReportPeriod]:
    """The periods to push with data as of ``as_of``, oldest first; ``finished(type, label)``
    says whether a period's final figures are already queued."""
    found = []
    for period_type in sorted({m.periodicity for m in REGISTRY.values()}, key=PERIOD_TYPES.index):
        current = indicators.periods(period_type, as_of, as_of, as_of)[0]
        last_day = current.start - timedelta(days=1)
        previous = indicators.periods(period_type, last_day, last_day, as_of)[0]
        if (as_of - current.start).days < previous_days or not finished(previous.type, previous.label):
            found.append(previous)
        found.append(current)
    return sorted(found, key=lambda p: (p.start, p.type))


def build(reader: Reader, period: ReportPeriod) -> dict:
    """One message: the period's data for every unit and the ministry, with the catalogue
    of what it holds, and its idempotency key."""
    codes = [m.name for m in REGISTRY.values() if m.periodicity == period.type]
    version, rows = indicators.data(reader, codes, [period], scope=Scope.everything())
    return {
        "idempotency_key": key(period.type, period.label, version),
        "sender": "opscenter",
        "data_version": version,
        "generated_at": datetime.now(LOCAL_TZ).isoformat(timespec="seconds"),
        "period": period.as_dict(),
        "indicators": indicators.catalogue(codes),
        "data": rows,
    }


def due(settings, reader: Reader | None = None, finished=None) -> list[dict]:
    """The messages due now, all from the snapshot published now."""
    reader = (reader or Reader(settings)).pinned()
    as_of = indicators.data_day(reader, settings.reporting_day())
    periods = due_periods(as_of, settings.goc_previous_days, *([finished] if finished else []))
    return [build(reader, period) for period in periods]
