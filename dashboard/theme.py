"""Colours and status: a colour-blind-safe palette (Okabe–Ito) and status levels that are
always shown with a glyph and a word, never by colour alone.

Status thresholds are presentation, not indicator definitions: they say when a value
deserves attention on screen, while what the value is stays in the metric registry.
"""
from __future__ import annotations

from dashboard.i18n import t

PALETTE = ["#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442", "#000000"]
HEATMAP_SCALE = "Cividis"

STATUS_COLOUR = {"good": "#0072B2", "warn": "#E69F00", "bad": "#D55E00", "none": "#8C939D"}
STATUS_GLYPH = {"good": "✓", "warn": "!", "bad": "✗", "none": "–"}

# (good at or above, watch at or above); below the second is "bad".
THRESHOLDS = {
    "rate": (0.95, 0.85),        # on-time rates
    "score": (90.0, 75.0),       # ranking composite and components
    "gap_pp": (0.0, -10.0),      # budget: percentage points against the target path
}


def status(value, scale: str, *, lower_is_better: bool = False) -> str:
    if value is None or value != value:
        return "none"
    good, watch = THRESHOLDS[scale]
    if lower_is_better:
        value, good, watch = -value, -good, -watch
    return "good" if value >= good else "warn" if value >= watch else "bad"


LEVELS = {"good": "good", "watch": "warn", "bad": "bad"}


def level(status) -> str:
    """The screen level of a registry status (``good``, ``watch``, ``bad``; none: no data
    or a small sample), which every metric row carries (``warehouse.published.status``)."""
    return LEVELS.get(status, "none") if isinstance(status, str) else "none"


def status_text(level: str, language: str) -> str:
    """Glyph and word, e.g. "✗ Chậm", for labels where colour also marks the status."""
    return f"{STATUS_GLYPH[level]} {t('status.' + level, language)}"
