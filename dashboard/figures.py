"""Figure builders shared by the screens and the wall: one look, locale-true numbers.

Every figure gets the locale's separators (so 87,5% inside a chart reads as around it),
the colour-blind-safe palette, and values written on the marks, so nothing depends on
colour or hover. A mark that drills down carries its target URL as ``customdata``; the
drill-down callback (``dashboard/navigation.py``) follows it.
"""
from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go
from dash import dcc, html

from dashboard import exports, formatting as fmt, theme

FONT = '"Noto Sans", "DejaVu Sans", "Segoe UI", Roboto, Arial, sans-serif'
LIGHT = {"ink": "#1b1f24", "muted": "#4a5360", "grid": "#dde2e7"}
DARK = {"ink": "#f2f4f7", "muted": "#c3c9d1", "grid": "#3a4350"}
VALUE_ROOM = 96  # pixels right of the plot for the value written after a full bar


def styled(fig: go.Figure, language: str, *, dark: bool = False, height: int | None = None,
           font_size: int = 14) -> go.Figure:
    colours = DARK if dark else LIGHT
    fig.update_layout(
        template="none",  # every style is set here; Plotly's default template would ride along in each figure
        separators=fmt.plotly_separators(language),
        font={"family": FONT, "size": font_size, "color": colours["ink"]},
        colorway=theme.PALETTE,
        paper_bgcolor="rgba(0,0,0,0)",
        plot_bgcolor="rgba(0,0,0,0)",
        margin={"l": 8, "r": 24, "t": 16, "b": 8},
        hoverlabel={"font": {"family": FONT}},
        legend={"orientation": "h", "y": 1.0, "yanchor": "bottom", "x": 0},
        height=height,
    )
    fig.update_xaxes(gridcolor=colours["grid"], zerolinecolor=colours["grid"], automargin=True)
    fig.update_yaxes(gridcolor=colours["grid"], zerolinecolor=colours["grid"], automargin=True)
    # without Plotly's template a bar's pattern replaces its colour (on a transparent ground)
    # instead of lying over it: the patterned bars would vanish
    fig.update_traces(marker_pattern_fillmode="overlay", selector={"type": "bar"})
    return fig


def unit_bars(rows: pd.DataFrame, language: str, *, dark: bool = False, tickformat: str = ".0%",
              range_max: float | None = None, height: int | None = None, font_size: int = 14) -> go.Figure:
    """Horizontal bars, one per row of ``label, value, text, href, status``, first row on top.

    ``text`` is the value as the screens write it, with the status glyph.
    """
    rows = rows.iloc[::-1]
    fig = go.Figure(go.Bar(
        x=rows["value"], y=rows["label"], orientation="h",
        marker={"color": [theme.STATUS_COLOUR[s] for s in rows["status"]]},
        text=rows["text"], textposition="outside", cliponaxis=False,
        customdata=rows["href"], hovertemplate="%{y}: %{text}<extra></extra>",
    ))
    fig.update_xaxes(tickformat=tickformat, range=[0, range_max] if range_max else None)
    fig.update_yaxes(ticksuffix=" ")
    height = height or max(220, 34 * len(rows) + 60)
    return styled(fig, language, dark=dark, height=height, font_size=font_size)


def trend(frame: pd.DataFrame, x: str, lines: list[tuple[str, str, str]], language: str, *,
          dark: bool = False, tickformat: str = ".0%", height: int = 300, font_size: int = 14,
          dashed: tuple[str, ...] = ()) -> go.Figure:
    """Lines over ``x`` (already-formatted labels); ``lines`` are (column, name, text column).

    Columns in ``dashed`` are drawn dashed (targets), so they differ by more than colour.
    """
    fig = go.Figure()
    for number, (column, name, text) in enumerate(lines):
        fig.add_trace(go.Scatter(
            x=frame[x], y=frame[column], name=name, mode="lines+markers",
            line={"width": 3, "dash": "dash" if column in dashed else "solid",
                  "color": theme.PALETTE[number % len(theme.PALETTE)]},
            marker={"symbol": ["circle", "square", "diamond", "triangle-up"][number % 4], "size": 8},
            text=frame[text], hovertemplate="%{x}: %{text}<extra>" + name + "</extra>",
        ))
    fig.update_yaxes(tickformat=tickformat, rangemode="tozero")
    fig.update_xaxes(type="category")
    return styled(fig, language, dark=dark, height=height, font_size=font_size)


def heatmap(values: pd.DataFrame, texts: pd.DataFrame, hrefs: pd.DataFrame, language: str, *,
            dark: bool = False, height: int | None = None, zmin: float = 0.0, zmax: float = 1.0) -> go.Figure:
    """Rows × columns of values (e.g. unit × month), each cell written and clickable."""
    fig = go.Figure(go.Heatmap(
        z=values.to_numpy(dtype="float64"), x=list(values.columns), y=list(values.index),
        text=texts.to_numpy(), texttemplate="%{text}", customdata=hrefs.to_numpy(),
        colorscale=theme.HEATMAP_SCALE, zmin=zmin, zmax=zmax, xgap=2, ygap=2,
        hovertemplate="%{y} · %{x}: %{text}<extra></extra>",
        colorbar={"tickformat": ".0%", "thickness": 12},
    ))
    fig.update_yaxes(autorange="reversed", type="category")
    fig.update_xaxes(type="category", side="top")
    return styled(fig, language, dark=dark, height=height or max(260, 26 * len(values) + 80))


def graph(fig: go.Figure, name: str, *, drill: bool = False):
    """A figure on a page; ``drill`` makes a click on a mark follow its ``customdata`` URL.
    Below it, the links that download it as PNG and SVG, for who may export the screen."""
    chart = dcc.Graph(
        id={"type": "drill", "name": name} if drill else name,
        figure=fig,
        config={"displayModeBar": False},
        responsive=True,
        style={"height": f"{fig.layout.height or 360}px"},
        className="graph drillable" if drill else "graph",
    )
    downloads = exports.chart_links(name)
    return chart if downloads is None else html.Div([chart, downloads], className="graph-box")
