"""Parsing whole columns of canonical input into typed arrays, with the reason of each
bad cell: the first step of validation (``pipelines.validate``).

Columns are parsed whole: text of the usual shapes and typed columns (datetime64, Int64,
float64, bool...) with numpy/pandas, low-cardinality columns once per distinct value.
Only the cells a fast path does not take (odd spellings, bad values) go one by one
through the scalar parsers of ``pipelines.parse``, which give every reason its text: a
fast path accepts a cell only when those parsers would return the same value.
"""
from __future__ import annotations

import re

import numpy as np
import pandas as pd
from pandas.api import types as ptypes

from pipelines import parse
from pipelines.records import Column

NUMERIC = {"int", "decimal", "amount"}
TEMPORAL = {"date", "timestamp"}
DTYPES = {"int": "Int64", "amount": "Int64", "decimal": "float64", "bool": "bool"}

_ARRAYS = {"int": np.int64, "amount": np.int64, "decimal": np.float64, "bool": np.bool_,
           "date": "datetime64[s]", "timestamp": "datetime64[s]", "text": object, "enum": object}
_MISSING = object()  # a cell with no value: None, NaN, NaT, pd.NA, '' once stripped
_INT64_MAX = np.iinfo(np.int64).max
_NAT = np.datetime64("NaT", "s")
# Asia/Ho_Chi_Minh has been UTC+7, without DST, since June 1975 (it was +8 before): an
# aware time from 1976 on is converted by adding 7 hours, an earlier one by zoneinfo.
_LOCAL_OFFSET = np.timedelta64(7, "h")
_FIXED_OFFSET_FROM = np.datetime64("1976-01-01T00:00:00", "s")
_FIXED_OFFSET_UNTIL = np.datetime64("9999-01-01T00:00:00", "s")
_DASH, _SLASH, _COLON, _SPACE, _T, _Z = (ord(ch) for ch in "-/: TZ")
_PLUS, _MINUS, _DOT, _COMMA = (ord(ch) for ch in "+-.,")


# ---------------------------------------------------------------------------------------
# One column: typed values, missing cells, the reason of each bad cell
# ---------------------------------------------------------------------------------------

class Parsed:
    """The typed values of one column (a numpy array per kind: object for text and enum,
    int64, float64, bool, datetime64[s]; the default where a cell is missing or bad), which
    cells are missing, and the reason of each bad cell by row position."""

    def __init__(self, col: Column, n: int):
        self.col = col
        dtype = _ARRAYS[col.kind]
        if col.kind in TEMPORAL:
            self.values = np.full(n, _NAT, dtype)
        elif dtype is object:
            self.values = np.full(n, None, dtype)
        else:
            self.values = np.zeros(n, dtype)  # the defaults: 0, 0.0, False
        self.missing = np.zeros(n, bool)
        self.errors: dict[int, str] = {}

    def put(self, positions, values) -> None:
        self.values[positions] = values

    def one_by_one(self, positions, raws) -> None:
        """The cells no fast path took: the scalar parsers of parse.py, cell by cell."""
        taken, values = [], []
        for pos, raw in zip(_ints(positions), raws):
            try:
                value = _parse_cell(self.col, raw)
            except parse.BadValue as exc:
                self.errors[pos] = f"{self.col.name}: {exc}"
                continue
            if value is _MISSING:
                self.missing[pos] = True
            else:
                taken.append(pos)
                values.append(value)
        if taken:
            if self.col.kind in TEMPORAL:
                values = [np.datetime64(v, "s") for v in values]
            self.values[taken] = np.array(values, dtype=self.values.dtype)


def _ints(positions) -> list[int]:
    return positions.tolist() if isinstance(positions, np.ndarray) else list(positions)


def _parse_cell(col: Column, raw):
    if isinstance(raw, str):
        raw = raw.strip()
        if not raw:
            return _MISSING
    elif parse.is_missing(raw):
        return _MISSING
    value = parse.choice(raw, col.choices) if col.kind == "enum" else parse.PARSERS[col.kind](raw)
    if col.kind == "text" and not value:  # a typed value whose text is blank
        return _MISSING
    if col.kind in NUMERIC:
        if value < 0:
            what = "amount" if col.kind == "amount" else "value"
            raise parse.BadValue(f"negative {what} {parse.as_text(raw)}")
        if col.kind != "decimal" and value > _INT64_MAX:
            raise parse.BadValue(f"out of range: {parse.as_text(raw)}")
    return value


def parse_column(col: Column, series: pd.Series) -> Parsed:
    """One column of a delivery, typed: by its dtype (datetime, number, bool) or, for an
    object column, by what its cells hold."""
    out = Parsed(col, len(series))
    dtype = series.dtype
    if ptypes.is_datetime64_any_dtype(dtype) and col.kind in TEMPORAL:
        _from_datetime_dtype(out, series)
    elif ptypes.is_bool_dtype(dtype) or (
            ptypes.is_numeric_dtype(dtype) and not ptypes.is_object_dtype(dtype)):
        _from_number_dtype(out, series)
    else:
        _from_objects(out, series.to_numpy(dtype=object))
    return out


def as_series(col: Column, values: np.ndarray) -> pd.Series:
    """A column's typed values as the Series the load takes (whole numbers as Int64)."""
    if col.kind in ("int", "amount"):
        return pd.Series(pd.array(values, dtype="Int64"))
    return pd.Series(values, dtype=DTYPES.get(col.kind, values.dtype))


_INTEGER_BOUNDS = {"TINYINT": 2**7 - 1, "SMALLINT": 2**15 - 1, "INTEGER": 2**31 - 1, "BIGINT": 2**63 - 1,
                   "HUGEINT": 2**127 - 1, "UTINYINT": 2**8 - 1, "USMALLINT": 2**16 - 1, "UINTEGER": 2**32 - 1,
                   "UBIGINT": 2**64 - 1, "UHUGEINT": 2**128 - 1}
_DECIMAL = re.compile(r"^DECIMAL\((\d+),\s*(\d+)\)$")


def table_bound(sql_type: str | None) -> tuple[float, bool, str] | None:
    """The largest value a column of the table's type ``sql_type`` holds: (bound, whether
    the bound itself fits, how a reason says it), or None for a type without one. A
    DECIMAL(p, s) holds values that round (to s places) below 10^(p-s)."""
    name = (sql_type or "").upper().strip()
    if name in _INTEGER_BOUNDS:
        return _INTEGER_BOUNDS[name], True, f"at most {_INTEGER_BOUNDS[name]}"
    match = _DECIMAL.match(name)
    if match:
        whole = 10 ** (int(match.group(1)) - int(match.group(2)))
        # half a unit of the last place below: what rounds up to 10^(p-s) in either rounding
        return whole - 5 * 10.0 ** -(int(match.group(2)) + 1), False, f"less than {whole}"
    return None


def out_of_range(col: Column, parsed: Parsed, sql_type: str | None) -> dict[int, str]:
    """The reason of each value the table's column cannot hold, by row position (a value
    the column's parser took, too large for its type: an INTEGER past 2147483647, a
    DECIMAL(9, 3) from 999999.9995 on)."""
    bound = table_bound(sql_type) if col.kind in NUMERIC else None
    if bound is None:
        return {}
    limit, inclusive, words = bound
    values = parsed.values
    over = (values > limit) if inclusive else (values >= limit)
    over &= ~parsed.missing
    positions = [pos for pos in np.flatnonzero(over).tolist() if pos not in parsed.errors]
    return {pos: f"{col.name}: out of range: {parse.as_text(values[pos].item())} (the table holds {words})"
            for pos in positions}


def _spread(out: Parsed, positions: np.ndarray, codes: np.ndarray, distinct: Parsed) -> np.ndarray:
    """Results parsed once per distinct value to the cells at ``positions`` (``codes``
    index the distinct values; -1 = missing). Returns the indexes of the bad cells."""
    state = np.zeros(len(distinct.values) + 1, np.int8)  # 0 ok, 1 missing, 2 bad; last: code -1
    state[:-1][distinct.missing] = 1
    state[-1] = 1
    state[list(distinct.errors)] = 2
    cell_state = state[codes]
    ok = cell_state == 0
    out.values[positions[ok]] = distinct.values[codes[ok]]
    out.missing[positions[cell_state == 1]] = True
    bad = np.flatnonzero(cell_state == 2)
    for pos, code in zip(positions[bad].tolist(), codes[bad].tolist()):
        out.errors[pos] = distinct.errors[code]
    return bad


def _by_distinct(out: Parsed, positions: np.ndarray, cells: np.ndarray, fast=None) -> np.ndarray:
    """Parse each distinct cell once (``fast`` first, if given), then spread."""
    codes, distinct = pd.factorize(cells)
    parsed = Parsed(out.col, len(distinct))
    if fast is not None:
        values, ok = fast(distinct)
        parsed.put(ok, values[ok])
        parsed.one_by_one(np.flatnonzero(~ok), distinct[~ok])
    else:
        parsed.one_by_one(range(len(distinct)), distinct)
    return _spread(out, positions, codes, parsed)


def _from_objects(out: Parsed, cells: np.ndarray, rows: np.ndarray | None = None) -> None:
    """An object column (or its cells at ``rows``): text as read from files, or Python
    values from a database or JSON (None/NaN/NaT/pd.NA for missing)."""
    kind = out.col.kind
    rows = np.arange(len(cells)) if rows is None else rows
    inferred = ptypes.infer_dtype(cells, skipna=False)
    if inferred == "string":  # all text, nothing missing (but maybe '')
        positions, present = rows, cells
    else:
        missing = pd.isna(cells)
        out.missing[rows[missing]] = True
        positions, present = rows[~missing], cells[~missing]
        inferred = ptypes.infer_dtype(present, skipna=False)
    if not len(present):
        return
    if inferred == "string":
        if kind == "text":
            _text_strings(out, positions, present)
        elif kind in TEMPORAL:
            values, ok, blank = _fast_times(present)
            out.missing[positions[blank]] = True
            _put_times(out, positions, values, ok, lambda left: present[left], settled=blank)
        else:  # enum, bool, numbers: once per distinct text
            fast = (lambda distinct: _fast_numbers(distinct, kind)) if kind in NUMERIC else None
            _by_distinct(out, positions, present, fast)
    elif kind in TEMPORAL and inferred in ("datetime", "date", "datetime64"):
        _time_objects(out, positions, present)
    elif inferred in ("integer", "floating", "mixed-integer-float", "boolean") or (
            inferred == "decimal" and kind in NUMERIC | {"bool"}):
        # Numbers (or booleans): equal values parse alike, and read alike as text but for
        # Decimals (Decimal('1.0') == Decimal('1')), hence only where the value counts.
        # A reason quotes its own cell: bad cells are parsed again one by one.
        bad = _by_distinct(out, positions, present)
        for pos in positions[bad].tolist():
            del out.errors[pos]
        out.one_by_one(positions[bad], present[bad])
    elif inferred.startswith("mixed") and len(rows) == len(out.values):
        # e.g. codes and names in one column: the text, then the rest, each its own way
        text = np.fromiter((isinstance(v, str) for v in present), dtype=bool, count=len(present))
        if text.any() and not text.all():
            _from_objects(out, present[text], positions[text])
            _from_objects(out, present[~text], positions[~text])
        else:
            out.one_by_one(positions, present)
    else:
        out.one_by_one(positions, present)


def _text_strings(out: Parsed, positions: np.ndarray, cells: np.ndarray) -> None:
    """Text: stripped and NFC-normalised (nothing to normalise in ASCII)."""
    values = [cell.strip() for cell in cells]
    if not "".join(values).isascii():
        for i, value in enumerate(values):
            if not value.isascii():
                try:
                    values[i] = parse.text(cells[i])
                except parse.BadValue as exc:  # not text a table can hold (a lone surrogate)
                    out.errors[int(positions[i])] = f"{out.col.name}: {exc}"
                    values[i] = ""
    array = np.empty(len(values), dtype=object)
    array[:] = values
    empty = array == ""
    if len(positions) == len(out.values) and not empty.any():
        out.values = array
        return
    if out.errors:  # a bad cell is neither missing nor a value
        empty &= ~np.isin(positions, list(out.errors))
    out.missing[positions[empty]] = True
    out.put(positions[~empty], array[~empty])


def _from_number_dtype(out: Parsed, series: pd.Series) -> None:
    """int64, Int64, float64, bool... columns."""
    kind, dtype = out.col.kind, series.dtype
    missing = series.isna().to_numpy()
    out.missing |= missing
    positions = np.flatnonzero(~missing)
    wide_unsigned = ptypes.is_unsigned_integer_dtype(dtype) and \
        np.dtype(getattr(dtype, "numpy_dtype", dtype)).itemsize == 8  # may not fit int64
    is_int = ptypes.is_integer_dtype(dtype) and not wide_unsigned
    is_float = ptypes.is_float_dtype(dtype)
    is_bool = ptypes.is_bool_dtype(dtype)
    if kind == "decimal" and (is_int or is_float):
        values = series.to_numpy(dtype=np.float64, na_value=np.nan)[positions]
        ok = np.isfinite(values) & ~(values < 0)
    elif kind in ("int", "amount") and is_int:
        values = series.to_numpy(dtype=np.int64, na_value=0)[positions]
        ok = values >= 0
    elif kind in ("int", "amount") and is_float:
        floats = series.to_numpy(dtype=np.float64, na_value=np.nan)[positions]
        ok = np.isfinite(floats) & (floats >= 0) & (floats < 2.0**63) & (np.floor(floats) == floats)
        values = np.where(ok, floats, 0).astype(np.int64)
    elif kind == "bool" and (is_bool or is_int or is_float):
        floats = series.to_numpy(dtype=np.float64, na_value=np.nan)[positions]
        ok = (floats == 0) | (floats == 1)
        values = floats == 1
    else:  # enum codes, numbers as text, a bool column where a number is expected...
        codes, distinct = pd.factorize(series.iloc[positions])
        parsed = Parsed(out.col, len(distinct))
        parsed.one_by_one(range(len(distinct)), distinct.tolist())
        _spread(out, positions, codes, parsed)
        return
    out.put(positions[ok], values[ok])
    bad = positions[~ok]
    out.one_by_one(bad, series.iloc[bad].tolist())


# ---------------------------------------------------------------------------------------
# Times
# ---------------------------------------------------------------------------------------

def _from_datetime_dtype(out: Parsed, series: pd.Series) -> None:
    """datetime64 columns, naive (local time) or with a time zone."""
    missing = series.isna().to_numpy()
    out.missing |= missing
    positions = np.flatnonzero(~missing)
    if isinstance(series.dtype, pd.DatetimeTZDtype):
        utc = series.dt.tz_convert(None).to_numpy()[positions].astype("datetime64[s]")
        values, ok = _utc_to_local(utc)
    else:
        values = series.to_numpy()[positions].astype("datetime64[s]")  # floors: to the second
        ok = np.ones(len(values), bool)
    _put_times(out, positions, values, ok, lambda bad: series.iloc[positions[bad]].tolist())


def _time_objects(out: Parsed, positions: np.ndarray, cells: np.ndarray) -> None:
    """datetime, date or Timestamp objects, naive or aware, in an object column."""
    aware = np.fromiter((getattr(v, "tzinfo", None) is not None and v.utcoffset() is not None
                         for v in cells), dtype=bool, count=len(cells))
    values = np.full(len(cells), _NAT)
    ok = np.zeros(len(cells), bool)
    try:
        if (~aware).any():
            values[~aware] = pd.to_datetime(cells[~aware]).to_numpy().astype("datetime64[s]")
            ok[~aware] = True
        if aware.any():
            utc = pd.to_datetime(cells[aware], utc=True).tz_convert(None).to_numpy()
            values[aware], ok[aware] = _utc_to_local(utc.astype("datetime64[s]"))
    except (ValueError, TypeError, OverflowError):  # out of pandas' range: one by one
        ok[:] = False
    _put_times(out, positions, values, ok, lambda bad: cells[bad])


def _put_times(out: Parsed, positions, values, ok, raws_of, settled=None) -> None:
    """Local times taken by a fast path; a date must be at midnight, else (and for what
    the fast path left, but for ``settled`` cells) the scalar parser gives the value or
    the reason."""
    if out.col.kind == "date":
        ok = ok & (values == values.astype("datetime64[D]"))
    if len(positions) == len(out.values) and ok.all():
        out.values = values
        return
    out.put(positions[ok], values[ok])
    left = np.flatnonzero(~ok if settled is None else ~ok & ~settled)
    if len(left):
        out.one_by_one(positions[left], raws_of(left))


def _utc_to_local(utc: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    ok = (utc >= _FIXED_OFFSET_FROM) & (utc < _FIXED_OFFSET_UNTIL)
    return np.where(ok, utc + _LOCAL_OFFSET, _NAT), ok


def _char_codes(cells: np.ndarray, width: int) -> tuple[np.ndarray, np.ndarray]:
    """The bytes of each ASCII text (n x width; text longer than ``width`` is cut, so a
    shape must be shorter than ``width``) and each text's length, -1 for text that is not
    ASCII or holds NULs (numpy drops trailing ones): those go the slow way."""
    try:
        chars = np.asarray(cells, dtype=f"S{width}")
        length = np.strings.str_len(chars).astype(np.int64)
    except UnicodeEncodeError:
        ascii_ = np.fromiter((c.isascii() for c in cells), dtype=bool, count=len(cells))
        chars = np.asarray(np.where(ascii_, cells, ""), dtype=f"S{width}")
        length = np.where(ascii_, np.strings.str_len(chars), -1).astype(np.int64)
    if "\x00" in "".join(cells):
        length[np.fromiter(("\x00" in c for c in cells), dtype=bool, count=len(cells))] = -1
    return chars.view(np.uint8).reshape(len(cells), width), length


def _digits(codes: np.ndarray, start: int, width: int) -> tuple[np.ndarray, np.ndarray]:
    """The number written in ASCII digits at codes[:, start:start+width], and whether it is."""
    digit = codes[:, start] - 48  # uint8: anything but a digit wraps above 9
    ok = digit <= 9
    value = digit.astype(np.int32)
    for i in range(start + 1, start + width):
        digit = codes[:, i] - 48
        ok &= digit <= 9
        value = value * 10 + digit
    return value, ok


def _fast_times(cells: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Local datetime64[s] of texts shaped ``YYYY-MM-DD``, ``DD/MM/YYYY``, either followed
    by `` HH:MM`` or `` HH:MM:SS`` (or ``T``), and ISO with ``Z`` or ``+HH:MM``; whether
    each text was one of those and valid; which texts are empty."""
    n = len(cells)
    values = np.full(n, _NAT)
    ok = np.zeros(n, bool)
    if not n:
        return values, ok, ok.copy()
    codes, length = _char_codes(cells, 26)
    iso = (codes[:, 4] == _DASH) & (codes[:, 7] == _DASH) & np.isin(length, (10, 16, 19, 20, 25))
    dmy = (codes[:, 2] == _SLASH) & (codes[:, 5] == _SLASH) & np.isin(length, (10, 16, 19))
    for family, rows in (("iso", iso), ("dmy", dmy)):
        if not rows.any():
            continue
        every = rows.all()
        sub, sub_length = (codes, length) if every else (codes[rows], length[rows])
        if family == "iso":
            year, valid = _digits(sub, 0, 4)
            month, m_ok = _digits(sub, 5, 2)
            day, d_ok = _digits(sub, 8, 2)
        else:
            day, valid = _digits(sub, 0, 2)
            month, m_ok = _digits(sub, 3, 2)
            year, d_ok = _digits(sub, 6, 4)
        valid &= m_ok & d_ok
        seconds, t_ok = _time_of_day(sub, sub_length)
        valid &= t_ok
        moment, m_valid = _moment(year, month, day, seconds)
        valid &= m_valid
        aware = np.flatnonzero(sub_length >= 20)  # iso with an offset
        if len(aware):
            offset, o_ok = _offset(sub[aware], sub_length[aware])
            local, l_ok = _utc_to_local(moment[aware] - offset.astype("timedelta64[s]"))
            moment[aware] = local
            valid[aware] &= o_ok & l_ok
        if every:
            values, ok = np.where(valid, moment, _NAT), valid
        else:
            values[rows] = np.where(valid, moment, _NAT)
            ok[rows] = valid
    return values, ok, length == 0


def _time_of_day(codes: np.ndarray, length: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Seconds since midnight of `` HH:MM[:SS]`` at position 10 (0 for a bare date)."""
    has_time, has_seconds = length >= 16, length >= 19
    if not has_time.any():
        return np.zeros(len(codes), np.int64), np.ones(len(codes), bool)
    hour, ok = _digits(codes, 11, 2)
    minute, m_ok = _digits(codes, 14, 2)
    second, s_ok = _digits(codes, 17, 2)
    sep = codes[:, 10]
    ok &= m_ok & ((sep == _SPACE) | (sep == _T)) & (codes[:, 13] == _COLON) & (hour <= 23) & (minute <= 59)
    ok &= ~has_seconds | (s_ok & (codes[:, 16] == _COLON) & (second <= 59))
    seconds = hour * 3600 + minute * 60 + np.where(has_seconds, second, 0)
    return np.where(has_time, seconds, 0), ~has_time | ok


def _offset(codes: np.ndarray, length: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Seconds east of UTC of a ``Z`` (length 20) or ``+HH:MM`` (length 25) suffix."""
    zulu, signed = length == 20, length == 25
    hours, ok = _digits(codes, 20, 2)
    minutes, m_ok = _digits(codes, 23, 2)
    sign = codes[:, 19]
    ok &= m_ok & ((sign == _PLUS) | (sign == _MINUS)) & (codes[:, 22] == _COLON)
    ok &= (hours <= 23) & (minutes <= 59)
    seconds = np.where(sign == _MINUS, -1, 1) * (hours * 3600 + minutes * 60)
    valid = (zulu & (sign == _Z)) | (signed & ok)
    return np.where(signed, seconds, 0), valid


def _moment(year, month, day, seconds) -> tuple[np.ndarray, np.ndarray]:
    """datetime64[s] of a calendar date and the seconds into it, and whether it exists."""
    valid = (year >= 1) & (month >= 1) & (month <= 12) & (day >= 1)
    months = np.where(valid, (year - 1970) * 12 + month - 1, 0).astype("datetime64[M]")
    first = months.astype("datetime64[D]")
    valid &= day <= ((months + 1).astype("datetime64[D]") - first).astype(np.int64)
    moment = (first + np.where(valid, day - 1, 0)).astype("datetime64[s]") + seconds.astype("timedelta64[s]")
    return moment, valid


# ---------------------------------------------------------------------------------------
# Numbers as text
# ---------------------------------------------------------------------------------------

def _fast_numbers(cells: np.ndarray, kind: str) -> tuple[np.ndarray, np.ndarray]:
    """Values of texts that are plainly numbers: ``[+-]digits`` (up to 18 digits), for a
    decimal also ``digits[.,]digits`` (up to 15 digits: the division is then exact to the
    rounding, as float(Decimal(text))), for an amount also ``-1.234.567``. Negative values
    are left to the scalar parser, which words the reason."""
    n = len(cells)
    if not n:
        return np.zeros(0, _ARRAYS[kind]), np.zeros(0, bool)
    width = 24
    codes, length = _char_codes(cells, width)
    first = codes[:, 0]
    negative = first == _MINUS
    start = (negative | (first == _PLUS)).astype(np.int64)
    position = np.arange(width)
    inside = (position >= start[:, None]) & (position < length[:, None])
    digit = codes - 48  # uint8: anything but a digit wraps above 9
    is_digit = (digit <= 9) & inside
    n_digits = is_digit.sum(axis=1)
    other = inside & ~is_digit
    n_other = other.sum(axis=1)
    mantissa = np.zeros(n, np.int64)
    for i in range(width):
        mantissa = np.where(is_digit[:, i], mantissa * 10 + digit[:, i], mantissa)
    plain = (n_other == 0) & (n_digits >= 1) & (n_digits <= 18)
    if kind == "decimal":
        sep_at = np.argmax(other, axis=1)
        sep = codes[np.arange(n), sep_at]
        fraction = (n_other == 1) & ((sep == _DOT) | (sep == _COMMA)) & (sep_at > start) \
            & (sep_at < length - 1) & (n_digits <= 15)
        scale = np.where(fraction, length - 1 - sep_at, 0)
        magnitude = mantissa.astype(np.float64) / 10.0 ** scale
        values = np.where(negative, -magnitude, magnitude)
        ok = (plain | fraction) & ~(values < 0) & (length < width)
        return values, ok
    ok = plain
    if kind == "amount":
        dots = inside & ((length[:, None] - position) % 4 == 0)
        shaped = np.where(dots, codes == _DOT, is_digit) | ~inside
        grouped = shaped.all(axis=1) & dots.any(axis=1) & ((length - start) % 4 != 0) \
            & (first != _PLUS) & (n_digits <= 18)
        ok = plain | grouped
    values = np.where(negative, -mantissa, mantissa)
    return values, ok & (values >= 0) & (length < width)
