"""What a screen shows, read from and written to its URL, so a copied link reproduces the
view and the back button works: period, unit kind, structure, field, unit, and the screen
the user came from (for the breadcrumbs)."""
from __future__ import annotations

import re
from dataclasses import dataclass, replace
from datetime import date
from urllib.parse import urlencode

from dashboard import periods
from warehouse.domain import TASK_SOURCES, UNIT_KINDS
from warehouse.metrics import Period

STRUCTURES = ("current", "historical")
TASK_LIST_STATES = ("overdue", "due_soon", "on_track", "done")  # the task list's filter (warehouse.lists)
_NAME = re.compile(r"^[^\x00-\x1f\x7f]{1,120}$")
_CODE = re.compile(r"^[A-Za-z0-9._-]{1,64}$")
_WORD = re.compile(r"^[a-z_]{1,32}$")


@dataclass(frozen=True)
class View:
    period: Period
    kind: str | None = None
    structure: str = "current"
    field: str | None = None
    unit: str | None = None
    via: str | None = None  # the screen a drill-down came from
    source: str | None = None  # the task list's filters: who assigned,
    state: str | None = None  # the state as of the period's end,
    leader: str | None = None  # the supervising leader,
    page: int = 1  # and its page
    problems: tuple[tuple[str, str], ...] = ()  # (parameter, refused value)

    def params(self, **changes) -> dict[str, str]:
        """The URL parameters of this view with ``changes`` applied (None removes one)."""
        view = replace(self, **{k: v for k, v in changes.items() if k != "period"})
        period = changes.get("period", self.period)
        values = {"from": period.start.isoformat(), "to": period.end.isoformat(),
                  "kind": view.kind, "structure": None if view.structure == "current" else view.structure,
                  "field": view.field, "unit": view.unit, "via": view.via, "source": view.source,
                  "state": view.state, "leader": view.leader, "page": str(view.page) if view.page > 1 else None}
        return {k: v for k, v in values.items() if v is not None}

    def href(self, path: str, **changes) -> str:
        return f"{path}?{urlencode(self.params(**changes))}"


def is_code(value) -> bool:
    """A unit or procedure code as URLs and callbacks may carry one."""
    return isinstance(value, str) and bool(_CODE.match(value))


def _choice(query: dict, name: str, allowed, problems: list) -> str | None:
    value = query.get(name)
    if value is None or value == "":
        return None
    # one value, as text: a parameter given twice (?unit=A&unit=B) arrives as a list
    if isinstance(value, str) and (allowed(value) if callable(allowed) else value in allowed):
        return value
    problems.append((name, str(value)[:40]))
    return None


def from_query(query: dict, today: date) -> View:
    """The view in the URL; a refused value is dropped and reported, never an error page."""
    problems: list[tuple[str, str]] = []
    period, problem = periods.from_query(query, today)
    if problem:
        problems.append(("period", problem))
    return View(
        period=period,
        kind=_choice(query, "kind", UNIT_KINDS, problems),
        structure=_choice(query, "structure", STRUCTURES, problems) or "current",
        field=_choice(query, "field", lambda v: bool(_WORD.match(v)), problems),
        unit=_choice(query, "unit", is_code, problems),
        via=_choice(query, "via", lambda v: bool(_WORD.match(v)), problems),
        source=_choice(query, "source", TASK_SOURCES, problems),
        state=_choice(query, "state", TASK_LIST_STATES, problems),
        leader=_choice(query, "leader", lambda v: bool(_NAME.match(v)), problems),
        page=int(_choice(query, "page", lambda v: v.isdigit() and 1 <= int(v) <= 100_000, problems) or 1),
        problems=tuple(problems),
    )
