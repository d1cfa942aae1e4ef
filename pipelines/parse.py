"""Parsing one cell of canonical input into a typed value, or a reason it cannot be.

Times: an input with an offset is converted to Vietnam local time, a naive one is taken
as local (DOMAIN.md); both are stored naive, to the second.
"""
from __future__ import annotations

import re
import unicodedata
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from functools import lru_cache
from zoneinfo import ZoneInfo

LOCAL_TZ = ZoneInfo("Asia/Ho_Chi_Minh")

TRUE = {"true", "1", "yes", "y", "x", "có", "co", "t"}
FALSE = {"false", "0", "no", "n", "không", "khong", "f"}
_DMY = re.compile(r"^(\d{1,2})/(\d{1,2})/(\d{4})(?:[ T](\d{1,2}):(\d{2})(?::(\d{2}))?)?$")
_INT = re.compile(r"^[+-]?\d+(?:\.0+)?$")
_GROUPED = re.compile(r"^-?\d{1,3}(?:\.\d{3})+$")  # Vietnamese thousands: 1.234.567


class BadValue(ValueError):
    """The cell's text is not a value of the column's type; the message says why."""


def text(raw: str) -> str:
    return unicodedata.normalize("NFC", raw)


@lru_cache(maxsize=65536)
def timestamp(raw: str) -> datetime:
    match = _DMY.match(raw)
    try:
        if match:
            d, m, y, hh, mm, ss = match.groups()
            value = datetime(int(y), int(m), int(d), int(hh or 0), int(mm or 0), int(ss or 0))
        else:
            value = datetime.fromisoformat(raw)
    except ValueError:
        raise BadValue(f"unparseable date/time '{raw}'") from None
    if value.tzinfo is not None:
        value = value.astimezone(LOCAL_TZ).replace(tzinfo=None)
    return value.replace(microsecond=0)


@lru_cache(maxsize=65536)
def day(raw: str) -> date:
    value = timestamp(raw)
    if value.time() != datetime.min.time():
        raise BadValue(f"expected a date, got a time of day in '{raw}'")
    return value.date()


def integer(raw: str) -> int:
    if not _INT.match(raw):
        raise BadValue(f"not an integer: '{raw}'")
    return int(Decimal(raw))


def decimal(raw: str) -> float:
    try:
        value = Decimal(raw.replace(",", ".") if "." not in raw else raw)
    except InvalidOperation:
        raise BadValue(f"not a number: '{raw}'") from None
    if not value.is_finite():
        raise BadValue(f"not a number: '{raw}'")
    return float(value)


def amount(raw: str) -> int:
    """A whole number of VND; '1.234.567' is read the Vietnamese way."""
    cleaned = raw.replace(".", "") if _GROUPED.match(raw) else raw
    try:
        value = Decimal(cleaned)
    except InvalidOperation:
        raise BadValue(f"not an amount: '{raw}'") from None
    if not value.is_finite() or value != value.to_integral_value():
        raise BadValue(f"not a whole amount of VND: '{raw}'")
    return int(value)


def boolean(raw: str) -> bool:
    lowered = raw.lower()
    if lowered in TRUE:
        return True
    if lowered in FALSE:
        return False
    raise BadValue(f"not true/false: '{raw}'")


PARSERS = {
    "text": text,
    "int": integer,
    "decimal": decimal,
    "amount": amount,
    "bool": boolean,
    "date": day,
    "timestamp": timestamp,
}
