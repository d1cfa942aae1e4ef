"""Numbers, dates and money in the reader's locale (1.234.567,8 and dd/mm/yyyy in vi)."""
from __future__ import annotations

import math
from datetime import date, datetime

import pandas as pd
from babel.dates import format_date, format_datetime
from babel.numbers import format_decimal, format_percent

from dashboard.i18n import t
from warehouse.snapshots import LOCAL_TZ

NO_DATA = "—"
LOCALES = {"vi": "vi_VN", "en": "en_GB"}


def _missing(value) -> bool:
    """None, NaN or pandas' NA (a nullable integer's missing value, such as an unranked rank)."""
    return value is None or value is pd.NA or (isinstance(value, float) and math.isnan(value))


def percent(value, language: str = "vi") -> str:
    """A 0–1 fraction as a percentage with one decimal; no data shows as a dash."""
    if _missing(value):
        return NO_DATA
    return format_percent(value, format="#,##0.0%", locale=LOCALES[language])


def count(value, language: str = "vi") -> str:
    if _missing(value):
        return NO_DATA
    return format_decimal(int(value), format="#,##0", locale=LOCALES[language])


def points_change(value, language: str = "vi", digits: int = 1) -> str:
    """A signed difference in percentage points, points or units, e.g. +1,3 / −4,1 / −10."""
    if _missing(value):
        return NO_DATA
    return ("+" if value > 0 else "−" if value < 0 else "") + decimal(abs(value), language, digits)


def rank_change(previous, current, language: str = "vi") -> str:
    """▲ 3 (up three places) / ▼ 2 / = / "mới" when the unit had no rank before; "—" for a
    unit not ranked now (no component with enough records)."""
    if _missing(current):
        return NO_DATA
    if previous is None or pd.isna(previous):
        return t("rankings.change.new", language)
    places = int(previous) - int(current)
    return f"▲ {places}" if places > 0 else f"▼ {-places}" if places < 0 else "="


BILLION = 1e9  # VND in a tỷ đồng, the unit money is shown and exported in


def billions(amount_vnd, language: str = "vi") -> str:
    """Money in tỷ đồng (billions of VND), as the screens show it."""
    if _missing(amount_vnd):
        return NO_DATA
    value = format_decimal(amount_vnd / BILLION, format="#,##0.0", locale=LOCALES[language])
    return t("money.billion", language, value=value)


def day(value: date, language: str = "vi") -> str:
    return format_date(value, "dd/MM/yyyy", locale=LOCALES[language])


def moment(value: datetime, language: str = "vi") -> str:
    """Hour and day; a time that knows its zone (the app database's, in UTC) is shown in
    Vietnam's time, a naive one (the warehouse's local times) as it is."""
    if value.tzinfo is not None:
        value = value.astimezone(LOCAL_TZ).replace(tzinfo=None)
    return format_datetime(value, "HH:mm dd/MM/yyyy", locale=LOCALES[language])


def decimal(value, language: str = "vi", digits: int = 1) -> str:
    if _missing(value):
        return NO_DATA
    return format_decimal(value, format="#,##0." + "0" * digits if digits else "#,##0",
                          locale=LOCALES[language])


def change(value, language: str = "vi", *, points: bool = True, digits: int = 1) -> str:
    """A change against the previous period in words and a glyph, never by colour alone:
    ▲ tăng 1,3 điểm % / ▼ giảm 2 / = không đổi."""
    if _missing(value):
        return t("change.none", language)
    if round(value, digits) == 0:
        return "= " + t("change.same", language)
    amount = decimal(abs(value), language, digits) + (" " + t("unit.points", language) if points else "")
    return ("▲ " + t("change.up", language, value=amount) if value > 0
            else "▼ " + t("change.down", language, value=amount))


def plotly_separators(language: str = "vi") -> str:
    """Plotly's ``separators`` (decimal, then thousands) matching babel's for the locale."""
    from babel.numbers import get_decimal_symbol, get_group_symbol

    return get_decimal_symbol(LOCALES[language]) + get_group_symbol(LOCALES[language])


def month(label: str, language: str = "vi") -> str:
    """A month bucket label ``2026-11`` as the screens write it: T11/2026, Nov 2026."""
    year, number = (int(part) for part in label.split("-")[:2])
    if language == "vi":
        return f"T{number:02d}/{year}"
    return format_date(date(year, number, 1), "MMM yyyy", locale=LOCALES[language])


def comparison(period, language: str = "vi") -> str:
    """What a change is measured against (DOMAIN.md, comparison period): "so với cùng kỳ
    (01/11/2026 – 02/11/2026)" for a calendar-aligned period, "so với 7 ngày trước đó (…)"
    for any other."""
    before = period.previous()
    span = f"{day(before.start, language)} – {day(before.end, language)}"
    if period.aligned_to():
        return t("period.same_span", language, span=span)
    return t("period.before", language, days=count(before.days, language), span=span)


def reported(row: dict, language: str = "vi") -> str:
    """The report dates a budget figure rests on: "Số liệu đến ngày 31/10/2026", or the
    first and last when its lines reported on different days (DOMAIN.md, Budget)."""
    first, last = row.get("data_from"), row.get("data_to")
    if last is None or (not isinstance(last, date) and pd.isna(last)):
        return ""
    if first is None or first == last:
        return t("budget.reported", language, day=day(last, language))
    return t("budget.reported_span", language, first=day(first, language), last=day(last, language))
