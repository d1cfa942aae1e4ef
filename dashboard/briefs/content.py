"""What a brief says, built once from the metric registry and written out twice (Word and
PDF), so the two documents can never disagree: an official header, a summary written
from the numbers, then sections of paragraphs, tables and charts.

Every number is read through ``dashboard.data`` as the requesting principal, so a
brief holds exactly what that principal could see on the screens, formatted the same way.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Callable

import pandas as pd
import plotly.graph_objects as go

from dashboard import context, data, figures, formatting as fmt, periods, theme
from dashboard.briefs import official
from dashboard.i18n import t
from warehouse.domain import BUDGET_CATEGORIES, TASK_SOURCES, UNIT_KINDS
from warehouse.metrics import REGISTRY, Period

HEADLINE = ("dossier_on_time_rate", "dossier_closed_on_time_rate", "dossier_online_rate", "dossier_overdue_open",
            "task_overdue", "task_overdue_rate", "task_on_time_rate", "budget_disbursement_rate")
LATE_UNITS = 5
OLDEST_TASKS = 10
TREND_WEEKS = 12
CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")  # no place in a document (Word refuses them)


def source_text(value) -> str:
    """Text that came from a source system (a task's title), safe for both documents."""
    return CONTROL.sub(" ", value) if isinstance(value, str) else ""


@dataclass(frozen=True)
class Table:
    """Columns are (header, numeric); cells are already written in the brief's language."""

    name: str
    columns: tuple[tuple[str, bool], ...]
    rows: list[list[str]]
    caption: str = ""


@dataclass(frozen=True)
class Chart:
    name: str
    figure: go.Figure
    caption: str


@dataclass
class Section:
    title: str
    blocks: list = field(default_factory=list)  # paragraphs (str), Table and Chart, in order


@dataclass
class Brief:
    language: str
    period: Period
    weekly: bool
    header: official.Header
    sections: list[Section]  # the first is the summary
    closing: official.Closing
    footer: str
    version: str
    scope: str

    @property
    def summary(self) -> list[str]:
        return self.sections[0].blocks

    def tables(self) -> list[Table]:
        return [b for s in self.sections for b in s.blocks if isinstance(b, Table)]

    def charts(self) -> list[Chart]:
        return [b for s in self.sections for b in s.blocks if isinstance(b, Chart)]


class _Reading:
    """The numbers of one period and the one before it (the screen cache keeps each read)."""

    def __init__(self, period: Period):
        self.period = period
        self.before = period.previous()

    def total(self, name: str, *, previous: bool = False) -> dict:
        return data.total(name, self.before if previous else self.period)

    def value(self, name: str, *, previous: bool = False):
        return self.total(name, previous=previous)["value"]


def _value_text(name: str, value, language: str) -> str:
    return fmt.percent(value, language) if REGISTRY[name].format == "percent" else fmt.count(value, language)


def _delta(name: str, now, before) -> float | None:
    """The change in percentage points for a rate, in units for a count."""
    if now is None or before is None:
        return None
    return (now - before) * (100 if REGISTRY[name].format == "percent" else 1)


def movement(name: str, now, before, language: str, weekly: bool) -> str:
    """"giảm 1,3 điểm phần trăm so với tuần trước", as a report writes it."""
    against = t("brief.against.week" if weekly else "brief.against.period", language)
    delta = _delta(name, now, before)
    if delta is None:
        return t("brief.move.none", language, against=against)
    rate = REGISTRY[name].format == "percent"
    digits = 1 if rate else 0
    if round(delta, digits) == 0:
        return t("brief.move.same", language, against=against)
    amount = fmt.decimal(abs(delta), language, digits) + (" " + t("brief.points", language) if rate else "")
    return t("brief.move.up" if delta > 0 else "brief.move.down", language, amount=amount, against=against)


# -- the summary -------------------------------------------------------------------------

def _dossier_summary(reading: _Reading, language: str, weekly: bool) -> str:
    on_time = reading.total("dossier_on_time_rate")
    if not on_time["denominator"]:
        return t("brief.summary.no_dossiers", language, span=_span(language, weekly))
    closed = reading.total("dossier_closed_on_time_rate")
    return t("brief.summary.dossiers", language, span=_span(language, weekly),
             closed=fmt.count(closed["denominator"], language), handled=fmt.count(on_time["denominator"], language),
             rate=fmt.percent(on_time["value"], language),
             movement=movement("dossier_on_time_rate", on_time["value"],
                               reading.value("dossier_on_time_rate", previous=True), language, weekly),
             online=fmt.percent(reading.value("dossier_online_rate"), language),
             end=fmt.day(reading.period.end, language),
             overdue=fmt.count(reading.value("dossier_overdue_open"), language))


def _task_summary(reading: _Reading, by_source: pd.DataFrame, oldest: pd.DataFrame, language: str,
                  weekly: bool) -> str:
    overdue = reading.value("task_overdue")
    text = t("brief.summary.tasks", language, end=fmt.day(reading.period.end, language),
             overdue=fmt.count(overdue, language), rate=fmt.percent(reading.value("task_overdue_rate"), language),
             movement=movement("task_overdue", overdue, reading.value("task_overdue", previous=True), language, weekly),
             gov=fmt.count(data.government_overdue(by_source), language))
    if not oldest.empty:
        row = oldest.iloc[0]
        text += " " + t("brief.summary.oldest", language, title=source_text(row["title"]),
                        days=fmt.count(row["days_overdue"], language),
                        unit=data.unit_name(row["unit_code"], language))
    return text


def _budget_summary(reading: _Reading, language: str) -> str:
    budget = reading.total("budget_disbursement_rate")
    end = reading.period.end
    if not budget["denominator"]:
        return t("brief.summary.no_budget", language, year=end.year)
    gap = budget["gap_pp"]
    key = "brief.summary.budget_behind" if gap < 0 else "brief.summary.budget_ahead"
    return t(key, language, year=end.year, end=fmt.day(end, language), rate=fmt.percent(budget["value"], language),
             disbursed=fmt.billions(budget["numerator"], language), plan=fmt.billions(budget["denominator"], language),
             target=fmt.percent(budget["target"], language), gap=fmt.decimal(abs(gap), language)) \
        + " " + fmt.reported(budget, language) + "."


def _ranking_summary(ranking: pd.DataFrame, language: str) -> str | None:
    parts = []
    for kind in UNIT_KINDS:
        rows = ranking[(ranking["kind"] == kind) & ranking["rank"].notna()].sort_values(["rank", "unit_code"])
        if len(rows) < 2:
            continue
        first, last = rows.iloc[0], rows.iloc[-1]
        parts.append(t("brief.summary.ranking_kind", language, kind=t(f"brief.kind.{kind}", language),
                       first=data.unit_name(first["unit_code"], language), first_score=fmt.decimal(first["composite"], language),
                       last=data.unit_name(last["unit_code"], language), last_score=fmt.decimal(last["composite"], language)))
    return t("brief.summary.ranking", language, parts="; ".join(parts)) if parts else None


def _span(language: str, weekly: bool) -> str:
    return t("brief.span.week" if weekly else "brief.span.period", language)


# -- the sections ------------------------------------------------------------------------

def _headline(reading: _Reading, language: str, weekly: bool) -> Section:
    columns = ((t("brief.col.indicator", language), False),
               (t("brief.col.now_week" if weekly else "brief.col.now", language), True),
               (t("brief.col.before_week" if weekly else "brief.col.before", language), True),
               (t("brief.col.change", language), True))
    rows = []
    for name in HEADLINE:
        now, before = reading.value(name), reading.value(name, previous=True)
        delta = _delta(name, now, before)
        rate = REGISTRY[name].format == "percent"
        rows.append([REGISTRY[name].label(language), _value_text(name, now, language),
                     _value_text(name, before, language), fmt.points_change(delta, language, 1 if rate else 0)])
    table = Table("headline", columns, rows, t("brief.headline.note", language))
    return Section(t("brief.section.headline", language), [table, _trend_chart(reading.period, language, weekly)])


def _trend_chart(period: Period, language: str, weekly: bool) -> Chart:
    """Weekly on-time and online rates over the last twelve weeks (months for a long period)."""
    grain = "week" if period.days <= 31 else "month"
    monday = period.end - timedelta(days=period.end.weekday())  # whole ISO weeks, the last to the period's end
    window = (Period(monday - timedelta(weeks=TREND_WEEKS - 1), period.end) if grain == "week"
              else periods.months_back(period.end, 12))
    on_time = data.metric("dossier_on_time_rate", window, by=(grain,))
    online = data.metric("dossier_online_rate", window, by=(grain,))
    label = (lambda w: t("brief.week_short", language, week=int(w.split("-W")[1]))) if grain == "week" \
        else (lambda m: fmt.month(m, language))
    frame = pd.DataFrame({"bucket": on_time[grain].map(label), "on_time": on_time["value"], "online": online["value"]})
    for column in ("on_time", "online"):
        frame[column + "_text"] = frame[column].map(lambda v: fmt.percent(v, language))
    figure = figures.trend(frame, "bucket", [
        ("on_time", REGISTRY["dossier_on_time_rate"].label(language), "on_time_text"),
        ("online", REGISTRY["dossier_online_rate"].label(language), "online_text"),
    ], language, height=320)
    return Chart("trend", figure, t(f"brief.chart.trend_{grain}", language))


def _late_units(reading: _Reading, language: str, weekly: bool) -> Section:
    title = t("brief.section.units", language, count=LATE_UNITS)
    by_unit = data.metric("dossier_on_time_rate", reading.period, by=("unit",))
    few = int(by_unit["small_sample"].sum())  # never named among the latest (DOMAIN.md, Small samples)
    by_unit = by_unit[(by_unit["denominator"] > 0) & ~by_unit["small_sample"]]
    if by_unit.empty:
        return Section(title, [t("brief.summary.no_dossiers", language, span=_span(language, weekly))])
    overdue = data.metric("dossier_overdue_open", reading.period, by=("unit",)).set_index("unit_code")["value"]
    before = data.metric("dossier_on_time_rate", reading.before, by=("unit",)).set_index("unit_code")["value"]
    late = by_unit.sort_values(["value", "denominator", "unit_code"], ascending=[True, False, True]).head(LATE_UNITS)
    columns = ((t("brief.col.unit", language), False), (t("brief.col.handled", language), True),
               (t("brief.col.on_time", language), True), (t("brief.col.rate", language), True),
               (t("brief.col.change", language), True), (t("brief.col.overdue_open", language), True))
    rows = [[data.unit_name(row.unit_code, language), fmt.count(row.denominator, language),
             fmt.count(row.numerator, language), fmt.percent(row.value, language),
             fmt.points_change(_delta("dossier_on_time_rate", row.value, _or_none(before.get(row.unit_code))), language),
             fmt.count(overdue.get(row.unit_code, 0), language)] for row in late.itertuples()]
    bars = pd.DataFrame({
        "label": [data.unit_name(code, language, short=True) for code in late["unit_code"]],
        "value": late["value"].to_numpy(),
        "text": [f"{theme.STATUS_GLYPH[theme.level(s)]} {fmt.percent(v, language)}"
                 for s, v in zip(late["status"], late["value"])],
        "href": "", "status": [theme.level(s) for s in late["status"]],
    })
    figure = figures.unit_bars(bars, language, range_max=1.0)
    figure.update_layout(margin={"r": figures.VALUE_ROOM})
    note = t("brief.units.note", language, threshold=fmt.percent(data.thresholds("dossier_on_time_rate")["watch"], language))
    if few:
        note += " " + t("brief.units.few", language, count=fmt.count(few, language),
                        minimum=fmt.count(data.minimum("dossier_on_time_rate"), language))
    return Section(title, [note, Table("late_units", columns, rows), Chart("late_units", figure, title)])


def _or_none(value):
    return None if value is None or pd.isna(value) else value


def _tasks(reading: _Reading, by_source: pd.DataFrame, oldest: pd.DataFrame, language: str) -> Section:
    end = fmt.day(reading.period.end, language)
    rates = data.metric("task_overdue_rate", reading.period, by=("source",)).set_index("source")
    counts = by_source.set_index("source")
    columns = ((t("brief.col.source", language), False), (t("brief.col.overdue", language), True),
               (t("brief.col.overdue_rate", language), True), (t("brief.col.fallen_due", language), True))
    rows = []
    for source in TASK_SOURCES:
        overdue = counts["value"].get(source, 0)
        rows.append([t(f"tasks.source.{source}", language), fmt.count(overdue, language),
                     fmt.percent(_or_none(rates["value"].get(source)), language),
                     fmt.count(rates["denominator"].get(source, 0), language)])
    rows.append([t("brief.total", language), fmt.count(counts["value"].sum(), language),
                 fmt.percent(reading.value("task_overdue_rate"), language),
                 fmt.count(reading.total("task_overdue_rate")["denominator"], language)])
    blocks: list = [Table("tasks_by_source", columns, rows, t("brief.tasks.by_source", language, date=end))]
    if oldest.empty:
        blocks.append(t("brief.tasks.none", language, date=end))
    else:
        old_columns = ((t("brief.col.days", language), True), (t("brief.col.task", language), False),
                       (t("brief.col.lead", language), False), (t("brief.col.due", language), True))
        old_rows = [[fmt.count(row.days_overdue, language), _task_text(row),
                     data.unit_name(row.unit_code, language), fmt.day(pd.Timestamp(row.due_on).date(), language)]
                    for row in oldest.itertuples()]
        blocks.append(Table("oldest_tasks", old_columns, old_rows,
                            t("brief.tasks.oldest", language, count=len(oldest), date=end)))
    return Section(t("brief.section.tasks", language), blocks)


def _task_text(row) -> str:
    """The task's title and the document that assigned it: "Xây dựng … (Thông báo 123/TB-VPCP)"."""
    reference = source_text(row.document_ref)
    return source_text(row.title) + (f" ({reference})" if reference else "")


def _budget(reading: _Reading, language: str) -> Section:
    end = reading.period.end
    year = Period(date(end.year, 1, 1), end)
    total = data.total("budget_disbursement_rate", year)
    title = t("brief.section.budget", language, year=end.year)
    if not total["denominator"]:
        return Section(title, [t("brief.summary.no_budget", language, year=end.year)])
    by_category = {row["category"]: row for row in
                   data.metric("budget_disbursement_rate", year, by=("category",)).to_dict("records")}
    columns = ((t("brief.col.category", language), False), (t("brief.col.plan", language), True),
               (t("brief.col.disbursed", language), True), (t("brief.col.rate", language), True),
               (t("brief.col.target", language), True), (t("brief.col.gap", language), True))

    def row(label: str, values: dict | None) -> list[str]:
        if not values or not values.get("denominator"):
            return [label] + [fmt.NO_DATA] * 5
        return [label, fmt.decimal(values["denominator"] / fmt.BILLION, language),
                fmt.decimal(values["numerator"] / fmt.BILLION, language),
                fmt.percent(values["value"], language), fmt.percent(values["target"], language),
                fmt.points_change(values["gap_pp"], language)]

    rows = [row(t(f"budget.card.{c}", language), by_category.get(c)) for c in BUDGET_CATEGORIES]
    rows.append(row(t("brief.total", language), total))
    months = data.reported_months(data.metric("budget_disbursement_rate", year, by=("month",)))
    frame = pd.DataFrame({"month": months["month"].map(lambda m: fmt.month(m, language)),
                          "value": months["value"].astype("float64"), "target": months["target"].astype("float64")})
    frame["value_text"] = frame["value"].map(lambda v: fmt.percent(v, language))
    frame["target_text"] = frame["target"].map(lambda v: fmt.percent(v, language))
    figure = figures.trend(frame, "month", [("value", t("budget.line.disbursed", language), "value_text"),
                                            ("target", t("budget.line.target", language), "target_text")],
                           language, dashed=("target",), height=320)
    return Section(title, [Table("budget", columns, rows, t("brief.budget.note", language, date=fmt.day(end, language))),
                           Chart("budget_curve", figure, t("budget.curve.title", language, year=end.year))])


def _rankings(ranking: pd.DataFrame, language: str) -> Section:
    blocks: list = [t("brief.rankings.note", language)]
    columns = ((t("rankings.col.rank", language), True), (t("rankings.col.unit", language), False),
               (t("rankings.col.composite", language), True),
               *[(t(f"rankings.component.{c}", language), True) for c in ("procedures", "tasks", "budget")],
               (t("rankings.col.change", language), True))
    for kind in UNIT_KINDS:
        rows = ranking[ranking["kind"] == kind].sort_values(["rank", "unit_code"])
        if rows.empty:
            continue
        cells = [[fmt.count(row.rank, language), data.unit_name(row.unit_code, language), fmt.decimal(row.composite, language),
                  fmt.decimal(row.procedures, language), fmt.decimal(row.tasks, language),
                  fmt.decimal(row.budget, language), fmt.rank_change(row.previous_rank, row.rank, language)]
                 for row in rows.itertuples()]
        blocks.append(Table(f"ranking_{kind}", columns, cells, t(f"brief.kind.{kind}", language)))
    if len(blocks) == 1:
        blocks.append(t("brief.rankings.none", language))
    return Section(t("brief.section.rankings", language), blocks)


# -- the whole brief ---------------------------------------------------------------------

Progress = Callable[[str], None]


def build(period: Period, language: str, config: dict, *, progress: Progress = lambda step: None) -> Brief:
    """The brief of ``period`` for the current principal; ``progress(step)`` is called as
    each part is read (the Briefs screen shows it)."""
    weekly = periods.week_label(period) is not None
    reading = _Reading(period)
    who = context.principal()
    scope = data.unit_name(who.unit_code, language) if who.unit_code else t("brief.scope.all", language)
    progress("headline")
    headline = _headline(reading, language, weekly)
    progress("units")
    units = _late_units(reading, language, weekly)
    progress("tasks")
    by_source = data.metric("task_overdue", period, by=("source",))
    oldest = data.overdue("tasks", period.end, limit=OLDEST_TASKS)
    tasks = _tasks(reading, by_source, oldest, language)
    progress("budget")
    budget = _budget(reading, language)
    progress("rankings")
    ranking = data.metric("unit_ranking", period)
    rankings = _rankings(ranking, language)
    summary = [_dossier_summary(reading, language, weekly), _task_summary(reading, by_source, oldest, language, weekly),
               _budget_summary(reading, language)]
    if (text := _ranking_summary(ranking, language)) is not None:
        summary.append(text)
    reader = context.reader()
    footer = t("brief.footer", language, version=reader.version, published=fmt.moment(reader.published_at, language),
               start=fmt.day(period.start, language), end=fmt.day(period.end, language), scope=scope)
    return Brief(language, period, weekly,
                 official.header(config, period, context.today(), language, scope=who.unit_code and scope),
                 [Section(t("brief.section.summary", language), summary), headline, units, tasks, budget, rankings],
                 official.closing(config, language),
                 footer, reader.version, scope)
