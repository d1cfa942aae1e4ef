"""Text forms of the demo's values, vectorised, and the CSV writer they go through.

Values are computed as numpy arrays (days, seconds, booleans) and turned into the
canonical text of DOMAIN.md here only, in one pass per column, so millions of rows are
formatted without a Python loop and every file spells a date or a boolean the same way.
"""
from __future__ import annotations

import unicodedata
from pathlib import Path

import numpy as np
import pandas as pd

DAY = np.timedelta64(1, "D")
END_OF_DAY = np.timedelta64(86399, "s")  # 23:59:59, the "as of" moment of a date
LOCAL_OFFSET = np.timedelta64(7, "h")  # Asia/Ho_Chi_Minh is UTC+7, no DST


def timestamp_text(moments: np.ndarray) -> np.ndarray:
    """``YYYY-MM-DD HH:MM:SS`` (naive, local); NaT gives an empty cell."""
    text = np.datetime_as_string(moments.astype("datetime64[s]"), unit="s")
    text.view("U1").reshape(len(text), -1)[:, 10] = " "
    return np.where(np.isnat(moments), "", text)


def iso_text(moments: np.ndarray, utc: np.ndarray) -> np.ndarray:
    """ISO 8601 with an explicit offset: the same instant in UTC (``+00:00``) or local."""
    shifted = np.where(utc, moments - LOCAL_OFFSET, moments).astype("datetime64[s]")
    text = np.datetime_as_string(shifted, unit="s")
    return np.strings.add(text, np.where(utc, "+00:00", "+07:00"))


def date_text(days: np.ndarray) -> np.ndarray:
    """``YYYY-MM-DD``; NaT gives an empty cell."""
    text = np.datetime_as_string(days.astype("datetime64[D]"), unit="D")
    return np.where(np.isnat(days), "", text)


def bool_text(values: np.ndarray) -> np.ndarray:
    return np.where(values, "true", "false")


def half_text(halves: np.ndarray) -> np.ndarray:
    """A count of halves as a decimal without trailing zeros: 7 -> ``3.5``, 6 -> ``3``."""
    whole = (halves // 2).astype(str)
    return np.where(halves % 2 == 1, np.strings.add(whole, ".5"), whole)


def padded(numbers: np.ndarray, width: int) -> np.ndarray:
    """Zero-padded decimal text: 12, width 4 -> ``0012``."""
    return np.strings.zfill(numbers.astype(str), width)


def slug(name: str) -> str:
    """ASCII upper-case code from a Vietnamese name: ``Đắk Lắk`` -> ``DAKLAK``."""
    stripped = "".join(
        c for c in unicodedata.normalize("NFD", name.replace("đ", "d").replace("Đ", "D"))
        if not unicodedata.combining(c)
    )
    return "".join(c for c in stripped.upper() if c.isascii() and c.isalnum())


def write_csv(frame: pd.DataFrame, path: Path, *, header: bool = True) -> None:
    """Append (or start, with the header) a canonical CSV file: UTF-8, ``\\n`` line ends."""
    frame.to_csv(path, index=False, header=header, mode="w" if header else "a",
                 encoding="utf-8", lineterminator="\n")
