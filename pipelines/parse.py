"""Parsing one cell of canonical input into a typed value, or a reason it cannot be.

A cell is text (CSV, XLSX) or, from databases and JSON APIs, a typed value: int, float,
Decimal, bool, numpy scalars, datetime (naive or aware), date, pandas Timestamp. Every
parser takes either; the caller strips text and sets missing cells aside first (see
``is_missing``). Typed values are judged by value, and a reason quotes ``as_text(value)``.

Times: an input with an offset is converted to Vietnam local time, a naive one is taken
as local (DOMAIN.md); both are stored naive, to the second.

These are the reference for one cell; ``pipelines.columns`` parses whole columns at once
and sends here only the cells its fast paths do not take, so reasons read the same.
"""
from __future__ import annotations

import math
import re
import unicodedata
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from functools import lru_cache

import numpy as np
import pandas as pd

from config.settings import LOCAL_TZ

TRUE = {"true", "1", "yes", "y", "x", "có", "co", "t"}
FALSE = {"false", "0", "no", "n", "không", "khong", "f"}
_DMY = re.compile(r"^(\d{1,2})/(\d{1,2})/(\d{4})(?:[ T](\d{1,2}):(\d{2})(?::(\d{2}))?)?$")
_INT = re.compile(r"^[+-]?\d+(?:\.0+)?$")
_GROUPED = re.compile(r"^-?\d{1,3}(?:\.\d{3})+$")  # Vietnamese thousands: 1.234.567
_MIDNIGHT = datetime.min.time()

_BOOLS = (bool, np.bool_)
_INTS = (int, np.integer)  # bool is an int too: test _BOOLS first
_FLOATS = (float, np.floating)


class BadValue(ValueError):
    """The cell is not a value of the column's type; the message says why."""


def is_missing(raw: object) -> bool:
    """None, NaN, NaT, pd.NA or text that is empty once stripped: no value in the cell."""
    if isinstance(raw, str):
        return not raw.strip()
    try:
        return bool(pd.isna(raw))
    except (TypeError, ValueError):  # list-likes: a value, if a strange one
        return False


def as_text(raw: object) -> str:
    """The text form of a cell: what an enum looks up and a reason quotes. A whole float
    reads as an integer (``2.0`` -> ``2``: nullable integer columns arrive as floats)."""
    if isinstance(raw, str):
        return raw
    if isinstance(raw, _BOOLS):
        return str(bool(raw))
    if isinstance(raw, _INTS):
        return str(int(raw))
    if isinstance(raw, _FLOATS):
        value = float(raw)
        return str(int(value)) if value.is_integer() else str(value)
    if isinstance(raw, np.datetime64):
        return str(pd.Timestamp(raw))
    return str(raw)


def text(raw: object) -> str:
    value = unicodedata.normalize("NFC", as_text(raw)).strip()
    try:
        value.encode("utf-8")
    except UnicodeEncodeError as exc:  # a lone surrogate (a JSON "\ud800"): no table holds it
        raise BadValue(f"not valid Unicode text: {ascii(value[exc.start:exc.end])} at position {exc.start}") from None
    return value


def timestamp(raw: object) -> datetime:
    if isinstance(raw, str):
        return _timestamp_text(raw)
    if isinstance(raw, np.datetime64):
        raw = pd.Timestamp(raw)
    if isinstance(raw, datetime):
        if isinstance(raw, pd.Timestamp):
            raw = raw.floor("s").to_pydatetime()
        try:
            return _local(raw)
        except (OverflowError, ValueError):
            raise BadValue(f"unparseable date/time '{as_text(raw)}'") from None
    if isinstance(raw, date):
        return datetime(raw.year, raw.month, raw.day)
    raise BadValue(f"unparseable date/time '{as_text(raw)}'")


def _local(value: datetime) -> datetime:
    if value.utcoffset() is not None:
        value = value.astimezone(LOCAL_TZ).replace(tzinfo=None)
    return value.replace(tzinfo=None, microsecond=0)


@lru_cache(maxsize=65536)
def _timestamp_text(raw: str) -> datetime:
    match = _DMY.match(raw)
    try:
        if match:
            d, m, y, hh, mm, ss = match.groups()
            value = datetime(int(y), int(m), int(d), int(hh or 0), int(mm or 0), int(ss or 0))
        else:
            value = datetime.fromisoformat(raw)
        return _local(value)
    except (ValueError, OverflowError):
        raise BadValue(f"unparseable date/time '{raw}'") from None


def day(raw: object) -> date:
    if isinstance(raw, str):
        return _day_text(raw)
    if isinstance(raw, date) and not isinstance(raw, datetime):
        return raw
    value = timestamp(raw)
    if value.time() != _MIDNIGHT:
        raise BadValue(f"expected a date, got a time of day in '{as_text(raw)}'")
    return value.date()


@lru_cache(maxsize=65536)
def _day_text(raw: str) -> date:
    value = _timestamp_text(raw)
    if value.time() != _MIDNIGHT:
        raise BadValue(f"expected a date, got a time of day in '{raw}'")
    return value.date()


def _whole(raw: object) -> int | None:
    """A typed number's integer value, None when it is not a whole number."""
    if isinstance(raw, _INTS):
        return int(raw)
    if isinstance(raw, _FLOATS):
        return int(raw) if math.isfinite(raw) and float(raw).is_integer() else None
    if raw.is_finite() and raw == raw.to_integral_value():  # Decimal
        return int(raw)
    return None


def _number(raw: object, text_form, not_a: str, not_whole: str | None):
    """A cell for a number column: text through ``text_form``; a typed number judged by
    value (whole when ``not_whole`` names the complaint); a bool is never a number."""
    if isinstance(raw, str):
        return text_form(raw)
    if isinstance(raw, _BOOLS):
        raise BadValue(f"{not_a}: '{as_text(raw)}'")
    if not isinstance(raw, (*_INTS, *_FLOATS, Decimal)):
        return text_form(as_text(raw))
    if not_whole is None:
        finite = raw.is_finite() if isinstance(raw, Decimal) else math.isfinite(raw)
        if not finite:
            raise BadValue(f"{not_a}: '{as_text(raw)}'")
        return float(raw)
    value = _whole(raw)
    if value is None:
        raise BadValue(f"{not_whole}: '{as_text(raw)}'")
    return value


def _integer_text(raw: str) -> int:
    if not _INT.match(raw):
        raise BadValue(f"not an integer: '{raw}'")
    return int(Decimal(raw))


def _decimal_text(raw: str) -> float:
    try:
        value = Decimal(raw.replace(",", ".") if "." not in raw else raw)
    except InvalidOperation:
        raise BadValue(f"not a number: '{raw}'") from None
    if not value.is_finite():
        raise BadValue(f"not a number: '{raw}'")
    return float(value)


def _amount_text(raw: str) -> int:
    cleaned = raw.replace(".", "") if _GROUPED.match(raw) else raw
    try:
        value = Decimal(cleaned)
    except InvalidOperation:
        raise BadValue(f"not an amount: '{raw}'") from None
    if not value.is_finite() or value != value.to_integral_value():
        raise BadValue(f"not a whole amount of VND: '{raw}'")
    return int(value)


def integer(raw: object) -> int:
    return _number(raw, _integer_text, "not an integer", "not an integer")


def decimal(raw: object) -> float:
    return _number(raw, _decimal_text, "not a number", None)


def amount(raw: object) -> int:
    """A whole number of VND; '1.234.567' is read the Vietnamese way."""
    return _number(raw, _amount_text, "not an amount", "not a whole amount of VND")


def boolean(raw: object) -> bool:
    if isinstance(raw, str):
        lowered = raw.lower()
        if lowered in TRUE:
            return True
        if lowered in FALSE:
            return False
        raise BadValue(f"not true/false: '{raw}'")
    if isinstance(raw, _BOOLS):
        return bool(raw)
    if isinstance(raw, (*_INTS, *_FLOATS, Decimal)):
        if (not isinstance(raw, Decimal) or raw.is_finite()) and (raw == 0 or raw == 1):
            return bool(raw == 1)
        raise BadValue(f"not true/false: '{as_text(raw)}'")
    return boolean(as_text(raw))


def choice(raw: object, choices: dict[str, str]) -> str:
    """An enum: the text form, lower-cased, looked up among the accepted inputs."""
    raw_text = as_text(raw)
    value = choices.get(raw_text.lower())
    if value is None:
        expected = ", ".join(sorted(set(choices.values())))
        raise BadValue(f"unknown value '{raw_text}' (expected {expected})")
    return value


PARSERS = {
    "text": text,
    "int": integer,
    "decimal": decimal,
    "amount": amount,
    "bool": boolean,
    "date": day,
    "timestamp": timestamp,
}
