"""What a table is, once: its columns (label and kind) and its rows of raw values, built by
one function per table that both the screen and the export files use, so the two can never
disagree; and the registry of those functions by name."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Callable

import pandas as pd

from dashboard import formatting as fmt, screens
from dashboard.i18n import t
from warehouse.snapshots import LOCAL_TZ

# how each kind of value is written on a screen (a missing one as the screens' dash)
WRITTEN: dict[str, Callable] = {
    "text": lambda value, language: value,
    "count": fmt.count,
    "decimal": fmt.decimal,
    "percent": fmt.percent,
    "date": fmt.day,
    "datetime": fmt.moment,
    "money": fmt.billions,
}


@dataclass(frozen=True)
class Column:
    """``kind``: text, count, decimal, percent (a 0–1 fraction), date, datetime or money
    (VND, shown and exported in tỷ đồng)."""

    key: str
    label: str
    kind: str = "text"

    def __post_init__(self):
        if self.kind not in WRITTEN:
            raise ValueError(f"column {self.key}: unknown kind {self.kind!r}")


@dataclass(frozen=True)
class Sheet:
    """A table as data. ``rows`` may hold more columns than ``columns`` (codes a screen
    needs for its links); the files hold ``columns`` only. ``notes`` are said on the files'
    first line beside the filters (a filter the view does not carry, a cut)."""

    title: str
    columns: list[Column]
    rows: pd.DataFrame
    notes: tuple[str, ...] = ()

    def values(self, key: str) -> list:
        """A column's raw values, None where missing, dates and times as Python's own."""
        kind = self.column(key).kind
        return [plain(value, kind) for value in self.rows[key]]

    def column(self, key: str) -> Column:
        return next(c for c in self.columns if c.key == key)

    def written(self, key: str, language: str) -> list:
        """A column as the screens write it (93,9%, 1.234, 20/11/2026, 1.234,5 tỷ đồng)."""
        kind = self.column(key).kind
        return [fmt.NO_DATA if value is None and kind != "text" else "" if value is None
                else WRITTEN[kind](value, language) for value in self.values(key)]

    def texts(self, language: str) -> dict[str, list]:
        """Every column as the screens write it, by key."""
        return {c.key: self.written(c.key, language) for c in self.columns}

    def headers(self, *keys: str) -> list[tuple[str, bool]]:
        """The columns (those of ``keys``, when given) as ``components.table`` takes them:
        (label, numeric)."""
        return [(c.label, c.kind != "text") for c in (map(self.column, keys) if keys else self.columns)]

    def records(self, language: str) -> list[dict]:
        """Rows for a grid: counts and decimals as numbers (the grid sorts them), the rest as
        the screens write it."""
        texts = self.texts(language)
        columns = {c.key: self.values(c.key) if c.kind in ("count", "decimal") else texts[c.key]
                   for c in self.columns}
        return [dict(zip(columns, row)) for row in zip(*columns.values())]

    def written_rows(self, language: str) -> list[list]:
        """Every row as the screens write it, for ``components.table``."""
        return [list(row) for row in zip(*self.texts(language).values())]


def columns(language: str, *specs: tuple) -> list[Column]:
    """Columns from ``(key, catalogue key of its label[, kind])``."""
    return [Column(key, t(label, language), *kind) for key, label, *kind in specs]


def plain(value, kind: str):
    """A raw value as Python's own type: None for missing, a date or a naive local time."""
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return None
    if kind == "date":
        return value if type(value) is date else pd.Timestamp(value).date()
    if kind == "datetime":
        stamp = pd.Timestamp(value)
        if stamp.tzinfo is not None:
            stamp = stamp.tz_convert(LOCAL_TZ).tz_localize(None)
        return stamp.to_pydatetime()
    if kind == "count":
        return int(value)
    if kind in ("decimal", "percent", "money"):
        return float(value)
    return str(value)


@dataclass(frozen=True)
class Table:
    name: str
    screen: str  # the Dash page whose table this is
    build: Callable[..., Sheet]
    filters: tuple[str, ...]  # the view's filters it depends on, stated on the files' first line
    params: tuple[str, ...] = ()  # URL parameters beyond the view, passed to ``build``


TABLES: dict[str, Table] = {}


def table(name: str, *, screen: str, filters=("period", "kind", "structure"), params=()):
    """Register ``build(view, language, **params) -> Sheet`` as the exportable table ``name``
    of ``screen``: what ``/export/table/<name>.csv`` and ``.xlsx`` write. A table that no
    view filters (an administrator's list) is built with ``view=None`` by its own screen."""
    def register(build):
        TABLES[name] = Table(name, screen, build, tuple(filters), tuple(params))
        return build

    return register


def needs(screen: str) -> tuple[str, ...]:
    """The rights an export of ``screen`` needs: "export" and the screen's own; an
    administrator's screen only its own ("admin": the run log, quarantine and audit log are
    the system's records, which administrators read and hand on; they hold no "export",
    which is about the ministry's data)."""
    opens = screens.right(screen)
    return (opens,) if opens == "admin" else ("export", opens)


class BadQuery(ValueError):
    """A file asked for with a parameter its table does not know: refused (400), never
    answered with another file in its place."""


def as_of(day, language: str) -> tuple[str, ...]:
    """The note of a file whose rows stand as at one day (tasks, overdue records)."""
    return (t("exports.as_of", language, date=fmt.day(day, language)),)


def latest(rows: int, limit: int, language: str) -> tuple[str, ...]:
    """The note of a file of the newest ``limit`` entries when it is full (there may be more)."""
    return (t("exports.latest", language, limit=fmt.count(limit, language)),) if rows >= limit else ()


def cut(shown: int, total, language: str) -> tuple[str, ...]:
    """The note a file carries when it holds only the first ``shown`` of ``total`` rows."""
    if total is None or total <= shown:
        return ()
    return (t("exports.cut", language, shown=fmt.count(shown, language), total=fmt.count(total, language)),)
