"""What needs attention, worked out once for the overview, the wall and the brief: each
alert says what is wrong, names the units concerned with their figure, and links to the
screen that explains it. Every judgement is a registry status (``warehouse.published``):
a rate resting on too few records raises nothing."""
from __future__ import annotations

from dataclasses import dataclass, field

from dashboard import data, formatting as fmt
from dashboard.i18n import t
from dashboard.state import View
from warehouse.domain import GOVERNMENT_SOURCES

MAX_UNITS = 5  # units named in one alert; the rest are counted
DROP_PP = 5  # a fall of the on-time rate that alerts, in percentage points


@dataclass(frozen=True)
class Named:
    """A unit an alert names: its code, its name and its figure."""

    unit_code: str
    name: str
    figure: str


@dataclass(frozen=True)
class Alert:
    key: str
    level: str  # "bad" or "warn" (theme levels)
    text: str
    screen: str  # where the explanation is
    units: list[Named] = field(default_factory=list)
    more: int = 0  # units concerned beyond those named


def _named(frame, figure, language: str) -> tuple[list[Named], int]:
    named = [Named(row.unit_code, data.unit_name(row.unit_code, language, short=True), figure(row))
             for row in frame.head(MAX_UNITS).itertuples()]
    return named, max(0, len(frame) - MAX_UNITS)


def _late_units(view: View, language: str, options: dict) -> Alert | None:
    by_unit = data.metric("dossier_on_time_rate", view.period, by=("unit",), **options)
    late = by_unit[by_unit["status"] == "bad"].sort_values(["value", "unit_code"])
    if late.empty:
        return None
    units, more = _named(late, lambda row: fmt.percent(row.value, language), language)
    threshold = fmt.percent(data.thresholds("dossier_on_time_rate")["watch"], language)
    return Alert("late_units", "bad", t("overview.alert.late_units", language, count=len(late), threshold=threshold),
                 "procedures", units, more)


def _on_time_drop(view: View, language: str, options: dict) -> Alert | None:
    now = data.total("dossier_on_time_rate", view.period, **options)
    before = data.total("dossier_on_time_rate", view.period.previous(), **options)
    if now["value"] is None or before["value"] is None or now["small_sample"] or before["small_sample"]:
        return None
    drop = (before["value"] - now["value"]) * 100
    if drop < DROP_PP:
        return None
    return Alert("on_time_drop", "warn", t("overview.alert.on_time_drop", language, value=fmt.decimal(drop, language))
                 + " " + fmt.comparison(view.period, language) + ".", "procedures")


def _government_tasks(view: View, language: str, options: dict) -> Alert | None:
    tasks = data.metric("task_overdue", view.period, by=("unit", "source"), as_of=view.period.end, **options)
    tasks = tasks[tasks["source"].isin(GOVERNMENT_SOURCES)]
    per_unit = tasks.groupby("unit_code", as_index=False)["value"].sum()
    per_unit = per_unit[per_unit["value"] > 0].sort_values(["value", "unit_code"], ascending=[False, True])
    if per_unit.empty:
        return None
    units, more = _named(per_unit, lambda row: t("alerts.tasks", language, count=fmt.count(row.value, language)),
                         language)
    return Alert("gov_tasks", "bad", t("overview.alert.gov_tasks", language, count=fmt.count(per_unit["value"].sum(), language)),
                 "tasks", units, more)


def _budget(view: View, language: str, options: dict) -> Alert | None:
    total = data.total("budget_disbursement_rate", view.period, as_of=view.period.end, **options)
    if total["status"] != "bad":
        return None
    by_unit = data.metric("budget_disbursement_rate", view.period, by=("unit",), as_of=view.period.end, **options)
    behind = by_unit[by_unit["status"] == "bad"].sort_values(["gap_pp", "unit_code"])
    units, more = _named(behind, lambda row: t("alerts.gap", language, gap=fmt.points_change(row.gap_pp, language)),
                         language)
    return Alert("budget", "bad", t("overview.alert.budget", language, gap=fmt.decimal(abs(total["gap_pp"]), language)),
                 "budget", units, more)


RULES = (_late_units, _government_tasks, _budget, _on_time_drop)


def current(view: View, language: str) -> list[Alert]:
    """The alerts of the view's period, kind and structure, the gravest first."""
    options = {"kind": view.kind, "structure": view.structure}
    found = [alert for rule in RULES if (alert := rule(view, language, options)) is not None]
    return sorted(found, key=lambda a: a.level != "bad")

