"""Chart images (PNG, SVG) of the screens' own figures, for exports and the weekly brief.

kaleido draws them in the system's Chromium. One browser stays open per process (0.3 s an
image instead of 3 s to start a browser each time), and nothing is fetched from the
network: plotly.js comes from the installed plotly, and MathJax is switched off.
"""
from __future__ import annotations

import threading

import kaleido
import plotly.graph_objects as go

TYPES = {"png": "image/png", "svg": "image/svg+xml"}
WIDTH = 1000  # pixels; a screen's figure is as wide as its panel, an image needs one width
_lock = threading.Lock()


def render(figure: go.Figure | dict, kind: str, *, width: int = WIDTH, height: int | None = None,
           scale: float = 2) -> bytes:
    """The figure as ``kind`` (png or svg) on white, ``scale`` times the pixels for print."""
    if kind not in TYPES:
        raise ValueError(f"chart images are {', '.join(TYPES)}, not {kind!r}")
    figure = go.Figure(figure)
    figure.update_layout(paper_bgcolor="white", plot_bgcolor="white")
    options = {"format": kind, "width": width, "height": height or figure.layout.height or 400,
               "scale": scale if kind == "png" else 1}
    with _lock:  # one browser, one tab: images are drawn one after another
        kaleido.start_sync_server(n=1, mathjax=False, silence_warnings=True)
        return kaleido.calc_fig_sync(figure, opts=options)
