"""Reading a CSV or XLSX file into rows of text, or saying why it can't be read.

Files from people carry title rows above the table ("BÁO CÁO TÌNH HÌNH GIẢI NGÂN ..."),
so the header row is found, not assumed: it is the first row holding every required
header. Headers compare after NFC normalisation, case folding and collapsed spaces, so a
decomposed "Mã hồ sơ" typed on another system matches the configured one.

An XLSX sheet is measured before it is read: calamine allocates its whole used range,
from A1 to the last cell holding a value, so a few kilobytes with one stray cell at
XFD1048576 would ask for half a terabyte and abort the process. The range is read from
the sheet's XML (every cell's reference; past the bounds, only the cells holding a value,
as calamine counts them: an empty formatted cell allocates nothing), and a sheet wider
than ``MAX_COLUMNS`` or larger than ``MAX_CELLS`` is refused as unreadable, with its size.
"""
from __future__ import annotations

import csv
import io
import posixpath
import re
import unicodedata
import zipfile
from pathlib import Path
from xml.etree import ElementTree

import pandas as pd
from python_calamine import CalamineWorkbook

from pipelines.records import Dataset

ROW_COLUMN = "_row"  # the row's number in the file as a spreadsheet shows it
SOURCE_COLUMN = "_source"
HEADER_SEARCH_ROWS = 30
MAX_COLUMNS = 256  # an XLSX sheet's used range: at most this many columns ...
MAX_CELLS = 10_000_000  # ... and rows × columns (calamine holds every cell of the range: ~32 bytes each)


class UnreadableFile(ValueError):
    """The file as a whole cannot be used: the message names the file and the problem."""

    def __init__(self, path: Path, problem: str):
        super().__init__(f"{path}: {problem}")
        self.path = path
        self.problem = problem


def header_key(name) -> str:
    text = unicodedata.normalize("NFC", str(name)).lstrip("\ufeff")
    return " ".join(text.split()).casefold()


def _header_index(rows: list[list], wanted: list[str]) -> int | None:
    for index, row in enumerate(rows[:HEADER_SEARCH_ROWS]):
        keys = {header_key(cell) for cell in row}
        if all(w in keys for w in wanted):
            return index
    return None


def _read_csv(path: Path, wanted: list[str]) -> tuple[pd.DataFrame, int]:
    with open(path, encoding="utf-8-sig", newline="") as handle:
        head = list(csv.reader(io.StringIO("".join(handle.readline() for _ in range(HEADER_SEARCH_ROWS)))))
    index = _header_index(head, wanted)
    if index is None:
        return pd.DataFrame(head[:1]), -1
    frame = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8-sig", skiprows=index)
    return frame.apply(lambda col: col.str.strip()), index


def _cell(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


_MAIN = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
_RELS = "{http://schemas.openxmlformats.org/package/2006/relationships}"
_OFFICE_REL = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}id"
# cells as Excel, LibreOffice, openpyxl and xlsxwriter write them: the reference first
_CELL_LETTERS = re.compile(rb'<c r="([A-Za-z]+)[0-9]')
_CELL_NUMBERS = re.compile(rb'<c r="[A-Za-z]+([0-9]+)["]')
_ANY_CELL = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?c[\s/>]")
_ODD_CELL = (b":c", b"<c\n", b"<c\t", b"<c\r")  # a prefixed cell, or spaced otherwise: counted by the regex
_TOKEN = re.compile(rb"<(/?)(?:[A-Za-z_][\w.-]*:)?(row|c)(?=[\s/>])([^>]*)>")
_REF = re.compile(rb"""(?:^|\s)r\s*=\s*["']([A-Za-z]*)([0-9]*)["']""")
_CHUNK = 1 << 20
_LONGEST_TAG = 64 * _CHUNK


def _column_number(letters: bytes) -> int:
    number = 0
    for letter in letters.upper():
        number = number * 26 + letter - 64
    return number


def _sheet_parts(book: zipfile.ZipFile, sheet) -> list[str]:
    """The XML part of the sheet ``sheet`` (index or name) as calamine finds it, or every
    worksheet part when the workbook's own index cannot say."""
    names = book.namelist()
    try:
        workbook = ElementTree.fromstring(book.read("xl/workbook.xml"))
        rels = ElementTree.fromstring(book.read("xl/_rels/workbook.xml.rels"))
        targets = {rel.get("Id"): rel.get("Target", "") for rel in rels.iter(f"{_RELS}Relationship")}
        sheets = list(workbook.iter(f"{_MAIN}sheet"))
        chosen = sheets[sheet] if isinstance(sheet, int) else next(s for s in sheets if s.get("name") == sheet)
        target = targets[chosen.get(_OFFICE_REL)]
        part = target.lstrip("/") if target.startswith("/") else posixpath.normpath(posixpath.join("xl", target))
        if part in names:
            return [part]
    except (KeyError, IndexError, StopIteration, ElementTree.ParseError):
        pass
    return [n for n in names if n.startswith("xl/worksheets/") and n.endswith(".xml")]


def _pieces(stream):
    """The XML in pieces of about a megabyte, each cut just before a "<" (a tag cut by a
    chunk's end waits for the next piece)."""
    carry = b""
    while True:
        chunk = stream.read(_CHUNK)
        text = carry + chunk
        if not chunk:
            yield text
            return
        cut = text.rfind(b"<")
        if cut > 0:
            yield text[:cut]
            text = text[cut:]
        if len(text) > _LONGEST_TAG:
            raise ValueError("an XML tag or text longer than 64 MB")
        carry = text


def _quick_extent(stream) -> tuple[int, int] | None:
    """The extent of every cell (valued or not) from the references written first in each
    cell's tag, at the speed of a byte search; None when some cell is written otherwise
    (no reference, another attribute first, a namespace prefix): then it is counted."""
    rows = columns = 0
    for piece in _pieces(stream):
        tags = piece.count(b"<c ") + piece.count(b"<c>") + piece.count(b"<c/")
        if any(odd in piece for odd in _ODD_CELL):
            tags = len(_ANY_CELL.findall(piece))
        if tags != piece.count(b'<c r="'):
            return None
        letters = _CELL_LETTERS.findall(piece)
        numbers = _CELL_NUMBERS.findall(piece)
        if len(letters) != tags or len(numbers) != tags:
            return None
        if tags:
            columns = max(columns, max(map(_column_number, set(letters))))
            longest = len(max(numbers, key=len))
            rows = max(rows, int(max(n for n in numbers if len(n) == longest)))
    return rows, columns


def _counted_extent(stream) -> tuple[int, int]:
    """The extent of the cells holding a value (a child element: ``<v>``, ``<is>``, ``<f>``),
    placed tag by tag as calamine places them (a cell or row without its reference follows
    the one before). A cell whose content a piece's end cuts counts as holding one."""
    row = column = rows = columns = 0
    for piece in _pieces(stream):
        pending = None
        for match in _TOKEN.finditer(piece):
            closing, tag, attributes = match.groups()
            ref = _REF.search(attributes)
            if tag == b"row" and not closing:
                row = int(ref.group(2)) if ref and ref.group(2) else row + 1
                column = 0
            elif tag == b"c" and not closing:
                column = _column_number(ref.group(1)) if ref and ref.group(1) else column + 1
                row = int(ref.group(2)) if ref and ref.group(2) else row
                pending = None if attributes.rstrip().endswith(b"/") else (match.end(), row, column)
            elif tag == b"c" and pending is not None:
                if piece[pending[0]:match.start()].strip():
                    rows, columns = max(rows, pending[1]), max(columns, pending[2])
                pending = None
        if pending is not None:
            rows, columns = max(rows, pending[1]), max(columns, pending[2])
    return rows, columns


def _scan(book: zipfile.ZipFile, sheet, measure) -> tuple[int, int]:
    rows = columns = 0
    for part in _sheet_parts(book, sheet):
        with book.open(part) as stream:
            extent = measure(stream)
        if extent is None:
            with book.open(part) as stream:
                extent = _counted_extent(stream)
        rows, columns = max(rows, extent[0]), max(columns, extent[1])
    return rows, columns


def _too_large(rows: int, columns: int) -> bool:
    return columns > MAX_COLUMNS or rows * columns > MAX_CELLS


def xlsx_extent(path: Path, sheet: int | str = 0) -> tuple[int, int]:
    """(last row, last column) of the sheet's used range: the grid calamine allocates (from
    A1, as ``to_python`` gives it). Read from the sheet's XML a megabyte at a time, first
    from every cell's reference (quick); when that is past the bounds, again counting only
    the cells that hold a value, as calamine does."""
    with zipfile.ZipFile(path) as book:
        extent = _scan(book, sheet, _quick_extent)
        if _too_large(*extent):
            extent = _scan(book, sheet, _counted_extent)
    return extent


def _check_extent(path: Path, sheet) -> None:
    rows, columns = xlsx_extent(path, sheet)
    if _too_large(rows, columns):
        name = f"'{sheet}'" if isinstance(sheet, str) else f"'{_sheet_name(path, sheet)}'"
        raise UnreadableFile(
            path, f"sheet {name} spans {rows:,} rows × {columns:,} columns (its last cell with a value"
                  f" is far down or far right); a sheet read here may span at most {MAX_COLUMNS:,} columns"
                  f" and {MAX_CELLS:,} cells: delete the stray cells (Ctrl+End shows the last one) and send it again")


def _sheet_name(path: Path, index: int) -> str:
    try:
        return CalamineWorkbook.from_path(str(path)).sheet_names[index]
    except Exception:  # noqa: BLE001 - the name only words the reason
        return f"#{index + 1}"


def _read_xlsx(path: Path, wanted: list[str], sheet) -> tuple[pd.DataFrame, int]:
    """calamine reads a small report in a tenth of a millisecond, openpyxl in two: it
    matters when a month brings a thousand of them. The sheet is measured first."""
    _check_extent(path, sheet)
    book = CalamineWorkbook.from_path(str(path))
    page = book.get_sheet_by_index(sheet) if isinstance(sheet, int) else book.get_sheet_by_name(sheet)
    rows = [[_cell(v) for v in row] for row in page.to_python(skip_empty_area=False)]
    index = _header_index(rows, wanted)
    if index is None:
        return pd.DataFrame(rows[:1]), -1
    width = len(rows[index])
    body = [(row + [""] * width)[:width] for row in rows[index + 1:]]
    return pd.DataFrame(body, columns=rows[index], dtype=object), index


def read_rows(path: Path, dataset: Dataset, headers: dict[str, str] | None = None,
              sheet: int | str = 0) -> pd.DataFrame:
    """All cells as stripped text ('' when empty) under the canonical column names, with
    the row number and the source. ``headers`` maps canonical columns to the file's own
    headers (default: the canonical names themselves)."""
    path = Path(path)
    headers = headers or {name: name for name in dataset.column_names}
    wanted = [header_key(headers[name]) for name in dataset.required_names]
    if not path.is_file():
        raise UnreadableFile(path, "no such file")
    suffix = path.suffix.lower()
    try:
        if suffix == ".csv":
            frame, index = _read_csv(path, wanted)
        elif suffix == ".xlsx":
            frame, index = _read_xlsx(path, wanted, sheet)
        else:
            raise UnreadableFile(path, f"not a CSV or XLSX file (extension '{path.suffix}')")
    except UnicodeDecodeError:
        raise UnreadableFile(path, "not UTF-8 text") from None
    except pd.errors.EmptyDataError:
        raise UnreadableFile(path, "empty file, no header row") from None
    except UnreadableFile:
        raise
    except Exception as exc:  # noqa: BLE001 - any parser failure means the file is unusable
        raise UnreadableFile(path, f"cannot be parsed as {suffix[1:].upper()}: {exc}") from None
    if index < 0:
        found = ", ".join(str(c) for c in (frame.iloc[0].tolist() if len(frame) else []) if str(c))
        missing = ", ".join(headers[name] for name in dataset.required_names)
        raise UnreadableFile(
            path,
            f"missing required column(s) for {dataset.name}: no row among the first"
            f" {HEADER_SEARCH_ROWS} holds all of {missing} (first row: {found or 'empty'})",
        )
    native = {header_key(c): c for c in frame.columns}
    frame = pd.DataFrame({
        name: frame[native[header_key(headers[name])]]
        if name in headers and header_key(headers[name]) in native else ""
        for name in dataset.column_names
    }, index=frame.index)
    frame[ROW_COLUMN] = range(index + 2, index + 2 + len(frame))
    frame[SOURCE_COLUMN] = str(path)
    blank = (frame[list(dataset.column_names)] == "").all(axis=1)
    return frame.loc[~blank].reset_index(drop=True)
