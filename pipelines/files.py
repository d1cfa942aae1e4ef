"""Reading a dropped CSV or XLSX file into rows of text, or saying why it can't be read."""
from __future__ import annotations

import unicodedata
from pathlib import Path

import pandas as pd

from pipelines.records import Dataset

ROW_COLUMN = "_row"  # the row's number in the file as a spreadsheet shows it (header = 1)
SOURCE_COLUMN = "_source"


class UnreadableFile(ValueError):
    """The file as a whole cannot be used: the message names the file and the problem."""

    def __init__(self, path: Path, problem: str):
        super().__init__(f"{path}: {problem}")
        self.path = path
        self.problem = problem


def _header(name) -> str:
    return unicodedata.normalize("NFC", str(name)).strip().lstrip("\ufeff").lower()


def read_rows(path: Path, dataset: Dataset) -> pd.DataFrame:
    """All cells as stripped text ('' when empty), with the row number and the source."""
    path = Path(path)
    if not path.is_file():
        raise UnreadableFile(path, "no such file")
    suffix = path.suffix.lower()
    try:
        if suffix == ".csv":
            frame = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8-sig")
        elif suffix == ".xlsx":
            frame = pd.read_excel(path, dtype=str, keep_default_na=False, engine="openpyxl")
        else:
            raise UnreadableFile(path, f"not a CSV or XLSX file (extension '{path.suffix}')")
    except UnicodeDecodeError:
        raise UnreadableFile(path, "not UTF-8 text") from None
    except pd.errors.EmptyDataError:
        raise UnreadableFile(path, "empty file, no header row") from None
    except (pd.errors.ParserError, ValueError, OSError) as exc:
        if isinstance(exc, UnreadableFile):
            raise
        raise UnreadableFile(path, f"cannot be parsed as {suffix[1:].upper()}: {exc}") from None
    frame.columns = [_header(c) for c in frame.columns]
    missing = [c for c in dataset.required_names if c not in frame.columns]
    if missing:
        raise UnreadableFile(
            path,
            f"missing required column(s) for {dataset.name}: {', '.join(missing)}"
            f" (found: {', '.join(frame.columns) or 'none'})",
        )
    frame = frame.reindex(columns=list(dataset.column_names), fill_value="")
    frame = frame.apply(lambda col: col.str.strip())
    frame[ROW_COLUMN] = range(2, len(frame) + 2)
    frame[SOURCE_COLUMN] = str(path)
    return frame
