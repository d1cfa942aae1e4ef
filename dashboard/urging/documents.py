"""Urging letters as files: DOCX and PDF written by the weekly brief's writers
(``dashboard.briefs.word`` and ``pdf``) from one ``letters.Letter``, so the two never
differ. Files are written under a temporary name and renamed: a half-written letter is
never sent or offered."""
from __future__ import annotations

import os
from datetime import date
from pathlib import Path

from dashboard.briefs import pdf, word
from dashboard.briefs.generate import page_words
from dashboard.urging import letters
from warehouse import published
from warehouse.scope import Scope
from warehouse.snapshots import Reader

FORMATS = ("docx", "pdf")
WRITERS = {"docx": word.write, "pdf": pdf.write}
SUMMARY_STEM = "tong-hop-don-doc"


def stem(unit_code: str, as_of: date) -> str:
    """``B09_cong-van-don-doc_2026-11-20``: the unit's code first, so a folder sorts by unit."""
    return f"{unit_code}_cong-van-don-doc_{as_of.isoformat()}"


def write(document: letters.Letter, directory: Path, name: str, formats=FORMATS) -> list[Path]:
    directory.mkdir(parents=True, exist_ok=True)
    paths = []
    for kind in formats:
        path = directory / f"{name}.{kind}"
        partial = directory / f".{name}.{kind}.partial"
        WRITERS[kind](document, partial, {}, page_words(document.language))
        os.replace(partial, path)
        paths.append(path)
    return paths


def draft_all(reader: Reader, scope: Scope, as_of: date, out_dir: Path, *, config_dir: Path,
              units: list[str] | None = None, language: str = "vi", formats=FORMATS,
              summary: bool = True) -> tuple[list[letters.UnitItems], list[Path]]:
    """A draft letter (DOCX and PDF) for every unit in scope with something to urge as of
    ``as_of`` (``units``: only those), nothing for the others, and the combined summary.
    Returns the units' items and the paths written."""
    config = letters.letter_config(config_dir)
    reader = reader.pinned()  # one data version for every letter
    settings = published.urging(reader)
    version = reader.version
    collected = letters.collect(reader, scope, as_of, units)
    paths: list[Path] = []
    for items in collected:
        document = letters.letter(items, config, version=version, due_soon_days=settings["due_soon_working_days"],
                                  answer_days=settings["answer_working_days"], language=language)
        paths += write(document, out_dir, stem(items.unit_code, as_of), formats)
    if summary and collected:
        paths += write(letters.summary(collected, config, as_of, version=version, language=language), out_dir,
                       f"{SUMMARY_STEM}_{as_of.isoformat()}", formats)
    return collected, paths
