"""Reading a CSV or XLSX file into rows of text, or saying why it can't be read.

Files from people carry title rows above the table ("BÁO CÁO TÌNH HÌNH GIẢI NGÂN ..."),
so the header row is found, not assumed: it is the first row holding every required
header. Headers compare after NFC normalisation, case folding and collapsed spaces, so a
decomposed "Mã hồ sơ" typed on another system matches the configured one.
"""
from __future__ import annotations

import csv
import io
import unicodedata
from pathlib import Path

import pandas as pd
from python_calamine import CalamineWorkbook

from pipelines.records import Dataset

ROW_COLUMN = "_row"  # the row's number in the file as a spreadsheet shows it
SOURCE_COLUMN = "_source"
HEADER_SEARCH_ROWS = 30


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


def _read_xlsx(path: Path, wanted: list[str], sheet) -> tuple[pd.DataFrame, int]:
    """calamine reads a small report in a tenth of a millisecond, openpyxl in two: it
    matters when a month brings a thousand of them."""
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
