"""Colours and status: a colour-blind-safe palette (Okabe–Ito) and status levels that are
always shown with a glyph and a word, never by colour alone.

A value's status is the metric registry's rule (``warehouse.published.status``, with the
thresholds of ``config/thresholds.toml``), carried by every metric row; here it only gets
its colour, glyph and word.
"""
from __future__ import annotations

from dashboard.i18n import t

PALETTE = ["#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442", "#000000"]
HEATMAP_SCALE = "Cividis"

STATUS_COLOUR = {"good": "#0072B2", "warn": "#E69F00", "bad": "#D55E00", "none": "#8C939D"}
STATUS_GLYPH = {"good": "✓", "warn": "!", "bad": "✗", "none": "–"}

LEVELS = {"good": "good", "watch": "warn", "bad": "bad"}


def level(status) -> str:
    """The screen level of a registry status (``good``, ``watch``, ``bad``; none: no data
    or a small sample), which every metric row carries (``warehouse.published.status``)."""
    return LEVELS.get(status, "none") if isinstance(status, str) else "none"


def status_text(level: str, language: str) -> str:
    """Glyph and word, e.g. "✗ Chậm", for labels where colour also marks the status."""
    return f"{STATUS_GLYPH[level]} {t('status.' + level, language)}"
