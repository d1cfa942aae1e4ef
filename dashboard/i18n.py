"""Label catalogues: Vietnamese first, English second. Every screen label lives in
``dashboard/catalogue/*.toml`` (one file per screen, ``common.toml`` for the frame), so a
translator edits data, not code, and a missing English text falls back to Vietnamese.
"""
from __future__ import annotations

import tomllib
from functools import cache
from pathlib import Path

LANGUAGES = ("vi", "en")
CATALOGUE_DIR = Path(__file__).with_name("catalogue")


def _flatten(table: dict, prefix: str = "") -> dict[str, dict[str, str]]:
    """``[kpi.on_time] vi = ... en = ...`` becomes ``{"kpi.on_time": {"vi": ..., "en": ...}}``."""
    entries: dict[str, dict[str, str]] = {}
    for key, value in table.items():
        if not isinstance(value, dict):
            continue
        name = f"{prefix}{key}"
        if "vi" in value:
            entries[name] = {k: v for k, v in value.items() if isinstance(v, str)}
        entries.update(_flatten(value, name + "."))
    return entries


@cache
def catalogue() -> dict[str, dict[str, str]]:
    entries: dict[str, dict[str, str]] = {}
    for path in sorted(CATALOGUE_DIR.glob("*.toml")):
        for key, texts in _flatten(tomllib.loads(path.read_text(encoding="utf-8"))).items():
            if key in entries:
                raise ValueError(f"{path.name}: label {key} is defined twice")
            entries[key] = texts
    return entries


def t(key: str, language: str = "vi", **values) -> str:
    texts = catalogue()[key]
    text = texts.get(language) or texts["vi"]
    return text.format(**values) if values else text
