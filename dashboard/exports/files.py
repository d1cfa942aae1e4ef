"""A sheet written as XLSX or CSV: the filters-and-data-version line first, then the
headers, then the rows; numbers and dates as real ones (XLSX) or in the reader's locale
(CSV); and no text cell that a spreadsheet could take for a formula.

CSV convention: UTF-8 with a byte order mark (Excel then reads the diacritics), lines
ending CRLF. In Vietnamese the decimal mark is a comma, so fields are separated by ``;``
(what Excel expects where the decimal symbol is a comma); in English by ``,``. Numbers carry
no thousands separator (``1234,5``: one reading only), percentages are written as such
(``93,94%``), money in tỷ đồng like the screens, dates dd/mm/yyyy. Fields holding the
separator, a quote or a line break are quoted, so Python's ``csv`` module (and Excel) read
every row back whole.
"""
from __future__ import annotations

import csv
import io

from babel.numbers import get_decimal_symbol
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter

from dashboard.exports.sheet import Sheet
from dashboard.formatting import BILLION, LOCALES

TYPES = {"csv": "text/csv; charset=utf-8",
         "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}
DELIMITERS = {"vi": ";", "en": ","}
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")  # OWASP's list for CSV injection
EXCEL_FORMATS = {"count": "#,##0", "decimal": "#,##0.0", "percent": "0.0%", "money": "#,##0.0",
                 "date": "dd/mm/yyyy", "datetime": "dd/mm/yyyy hh:mm"}
MAX_WIDTH = 60
HEADER_WIDTH = 16  # characters of a header on one line before it wraps


def inert(text: str) -> str:
    """Text a spreadsheet shows as written: a leading ``'`` where it could start a formula."""
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def _number(value, kind: str):
    return value / BILLION if kind == "money" else value


def _decimal(value: float, digits: int, mark: str) -> str:
    """At most ``digits`` decimals, trailing zeros dropped, the locale's decimal mark."""
    text = f"{value:.{digits}f}".rstrip("0").rstrip(".")
    return ("0" if text == "-0" else text).replace(".", mark)


def _csv_value(value, kind: str, mark: str) -> str:
    """One cell of a CSV; written by hand, not by babel, which takes seconds for 50 000 rows
    (the patterns are those of both locales: dd/mm/yyyy, no thousands separator)."""
    if value is None:
        return ""
    if kind == "text":
        return inert(value)
    if kind == "date":
        return value.strftime("%d/%m/%Y")
    if kind == "datetime":
        return value.strftime("%d/%m/%Y %H:%M")
    if kind == "count":
        return str(value)
    if kind == "percent":
        return _decimal(value * 100, 2, mark) + "%"
    return _decimal(_number(value, kind), 4, mark)


def to_csv(sheet: Sheet, heading: str, language: str) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, delimiter=DELIMITERS[language], lineterminator="\r\n")
    writer.writerow([inert(heading)])
    writer.writerow([inert(column.label) for column in sheet.columns])
    columns = [(sheet.values(c.key), c.kind) for c in sheet.columns]
    mark = get_decimal_symbol(LOCALES[language])
    for number in range(len(sheet.rows)):
        writer.writerow([_csv_value(values[number], kind, mark) for values, kind in columns])
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def _text_cell(ws, text: str):
    """A string cell, never a formula: openpyxl takes any text starting with ``=`` for one,
    so the type is forced; ``quotePrefix`` keeps Excel from reading it as one after an edit."""
    text = ILLEGAL_CHARACTERS_RE.sub("", text)
    if not text.startswith(FORMULA_STARTS):
        return text
    cell = WriteOnlyCell(ws, value=text)
    cell.data_type = "s"
    cell.quotePrefix = True
    return cell


def _xlsx_cell(ws, value, kind: str):
    if value is None:
        return None
    if kind == "text":
        return _text_cell(ws, value)
    cell = WriteOnlyCell(ws, value=_number(value, kind))
    cell.number_format = EXCEL_FORMATS[kind]
    return cell


def _width(label: str, values: list, kind: str) -> float:
    """Room for the longest value, at most ``MAX_WIDTH``; a long header wraps instead."""
    longest = max((len(str(v)) for v in values if v is not None), default=0)
    if kind in ("date", "datetime", "money", "percent"):
        longest = len(EXCEL_FORMATS[kind]) + 2
    return min(MAX_WIDTH, max(min(len(label), HEADER_WIDTH), longest) + 2)


def _sheet_name(title: str) -> str:
    """Excel's rules: at most 31 characters, none of ``[]:*?/\\``."""
    return "".join(c for c in title if c not in "[]:*?/\\")[:31] or "Sheet1"


def to_xlsx(sheet: Sheet, heading: str) -> bytes:
    """Row 1 the heading, row 2 the bold headers (frozen, with filters), data below."""
    book = Workbook(write_only=True)
    ws = book.create_sheet(_sheet_name(sheet.title))
    book.properties.title = sheet.title
    columns = [(c, sheet.values(c.key)) for c in sheet.columns]
    for number, (column, values) in enumerate(columns, start=1):
        ws.column_dimensions[get_column_letter(number)].width = _width(column.label, values, column.kind)
    ws.freeze_panes = "A3"
    ws.auto_filter.ref = f"A2:{get_column_letter(len(columns))}{len(sheet.rows) + 2}"
    ws.append([_text_cell(ws, heading)])
    headers = []
    for column, _ in columns:
        cell = WriteOnlyCell(ws, value=ILLEGAL_CHARACTERS_RE.sub("", column.label))
        cell.data_type = "s"  # a header is text, whatever it starts with
        cell.font = Font(bold=True)
        cell.alignment = Alignment(wrap_text=True, vertical="top")
        headers.append(cell)
    ws.append(headers)
    for number in range(len(sheet.rows)):
        ws.append([_xlsx_cell(ws, values[number], column.kind) for column, values in columns])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
