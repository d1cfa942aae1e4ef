"""The tile map of the 34 provinces (Resolution 202/2025/QH15) and the matching grid of the
ministry's units: one equal square per unit, coloured by the chosen indicator's registry
status (the colour only repeats the glyph written on the tile), each tile a link to the
unit's screen.

No openly licensed boundary file of the 34 new provinces exists, so the map is drawn from
``config/province_tiles.toml``: each province's row and column on a grid where Vietnam's S
shape reads, and the Hoàng Sa and Trường Sa archipelagos, always drawn as Vietnam's.
Tiles are Plotly shapes (they scale with the figure); a scatter of markers at their
centres carries the hover text and the link a click follows (``dashboard/navigation.py``).
"""
from __future__ import annotations

import tomllib
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
import plotly.graph_objects as go
from dash import dcc, html

from dashboard import components as ui, context, data, figures, formatting as fmt, screens, theme
from dashboard.i18n import t
from dashboard.state import View
from warehouse.metrics import REGISTRY, Period

# indicators a map may be coloured by (each has a status rule and a value per unit)
METRICS = ("dossier_on_time_rate", "dossier_online_rate", "dossier_online_payment_rate", "dossier_overdue_open")
DEFAULT_METRIC = "dossier_on_time_rate"
INK = {"good": "#ffffff", "warn": "#1b1f24", "bad": "#1b1f24", "none": "#1b1f24"}
MINISTRY_COLUMNS = 4


@dataclass(frozen=True)
class Tile:
    name: str
    unit: str
    label: str
    row: int
    col: int


@dataclass(frozen=True)
class Archipelago:
    name_vi: str
    name_en: str
    row: float
    col: float

    def name(self, language: str) -> str:
        return self.name_vi if language == "vi" else self.name_en


@dataclass(frozen=True)
class Grid:
    rows: int
    columns: int
    tiles: tuple[Tile, ...]
    archipelagos: tuple[Archipelago, ...]


def load(path: Path) -> Grid:
    """The province grid; a file that misplaces or forgets a province is refused, naming it."""
    config = tomllib.loads(path.read_text(encoding="utf-8"))
    rows, columns = int(config.get("rows", 18)), int(config.get("columns", 8))
    tiles, seen = [], {}
    for number, entry in enumerate(config.get("province", []), start=1):
        try:
            tile = Tile(entry["name"], entry.get("unit", ""), entry.get("label", entry["name"]),
                        int(entry["row"]), int(entry["col"]))
        except (KeyError, TypeError, ValueError) as exc:
            raise ValueError(f"{path}: province {number}: {exc!r}") from None
        if not (0 <= tile.row < rows and 0 <= tile.col < columns):
            raise ValueError(f"{path}: {tile.name} is outside the {rows} × {columns} grid")
        if (tile.row, tile.col) in seen:
            raise ValueError(f"{path}: {tile.name} and {seen[(tile.row, tile.col)]} share a tile")
        seen[(tile.row, tile.col)] = tile.name
        tiles.append(tile)
    archipelagos = tuple(Archipelago(a["name_vi"], a["name_en"], float(a["row"]), float(a["col"]))
                         for a in config.get("archipelago", []))
    if len(archipelagos) < 2:
        raise ValueError(f"{path}: the Hoàng Sa and Trường Sa archipelagos must be drawn")
    return Grid(rows, columns, tuple(tiles), archipelagos)


def grid() -> Grid:
    path = context.settings().config_dir / "province_tiles.toml"
    return context.memo("province_tiles", lambda: load(path))


def metric_of(query: dict | None) -> str:
    """The indicator a map is coloured by, from the URL's ``map`` (the default otherwise)."""
    chosen = (query or {}).get("map")
    return chosen if chosen in METRICS else DEFAULT_METRIC


def _department(tile: Tile, units: pd.DataFrame) -> str | None:
    """The province's current department: the configured code, else by name."""
    if tile.unit in units.index:
        return tile.unit
    place = tile.name.removeprefix("TP ")
    matches = units[(units["kind"] == "province_dept") & units["is_current"]
                    & units["name_vi"].str.endswith(" " + place)]
    return matches.index[0] if len(matches) else None


def written(name: str, value, language: str) -> str:
    """A value as the screens write it, by the metric's format."""
    return fmt.count(value, language) if REGISTRY[name].format == "count" else fmt.percent(value, language)


def _values(name: str, period: Period, **options) -> pd.DataFrame:
    frame = data.metric(name, period, by=("unit",), **options)
    return frame.set_index("unit_code") if len(frame) else frame


def _row(code: str | None, values: pd.DataFrame, name: str, view: View, language: str) -> dict:
    found = code is not None and code in values.index
    value = values.at[code, "value"] if found else None
    value = None if value is None or pd.isna(value) else value
    level = theme.level(values.at[code, "status"]) if found else "none"
    small = bool(values.at[code, "small_sample"]) if found and "small_sample" in values.columns else False
    href = view.href(screens.path("unit"), unit=code, via=None) if code else ""
    return {"unit_code": code, "value": value, "level": level, "small_sample": small,
            "text": written(name, value, language), "href": href}


def provinces(name: str, view: View, language: str) -> pd.DataFrame:
    """One row per province tile: where it sits, its department, value, status and link."""
    units, values = data.units(), _values(name, view.period, structure=view.structure)
    rows = []
    for tile in grid().tiles:
        code = _department(tile, units)
        rows.append({"name": tile.name, "label": tile.label, "row": tile.row, "col": tile.col,
                     **_row(code, values, name, view, language)})
    return pd.DataFrame(rows)


def ministry(name: str, view: View, language: str) -> pd.DataFrame:
    """The ministry's current units (not the ministry itself) in rows of ``MINISTRY_COLUMNS``,
    by name, with the same columns as ``provinces``."""
    units, values = data.units(), _values(name, view.period, structure=view.structure)
    current = units[(units["kind"] == "ministry_unit") & units["is_current"] & units["parent_code"].fillna("").ne("")]
    current = current.assign(sort=current["name_vi" if language == "vi" else "name_en"]).sort_values("sort")
    rows = []
    for number, code in enumerate(current.index):
        short = data.unit_name(code, language, short=True)
        rows.append({"name": short, "label": short, "row": number // MINISTRY_COLUMNS, "col": number % MINISTRY_COLUMNS,
                     **_row(code, values, name, view, language)})
    return pd.DataFrame(rows)


def _wrap(label: str, width: int) -> str:
    """A tile's label on at most two lines of about ``width`` characters."""
    if len(label) <= width or " " not in label:
        return label
    words, first = label.split(" "), ""
    while words and len(first + " " + words[0]) <= width + 1:
        first = (first + " " + words.pop(0)).strip()
    if not first:
        first = words.pop(0)
    return first + "<br>" + " ".join(words) if words else first


def _tiles(fig: go.Figure, frame: pd.DataFrame, *, dark: bool, gap: float = 0.06) -> None:
    edge = "#0b0f14" if dark else "#ffffff"
    for row in frame.itertuples():
        fig.add_shape(type="rect", x0=row.col + gap, x1=row.col + 1 - gap, y0=-row.row - gap, y1=-row.row - 1 + gap,
                      fillcolor=theme.STATUS_COLOUR[row.level], line={"color": edge, "width": 1}, layer="below")


def _hover(frame: pd.DataFrame, name: str, language: str) -> list[str]:
    metric = REGISTRY[name].label(language)
    return [f"{row.name}<br>{metric}: {row.text} {theme.status_text(row.level, language)}"
            + (" · " + t("sample.small", language, n="…") if row.small_sample else "")
            for row in frame.itertuples()]


def _figure(frame: pd.DataFrame, name: str, language: str, *, columns: float, rows: int, dark: bool, height: int,
            font_size: int, labels: bool, wrap: int, square: bool = True) -> go.Figure:
    fig = go.Figure()
    _tiles(fig, frame, dark=dark)
    if labels:
        # the glyph repeats the colour; a grey tile (no data, or too few records to judge) has none
        text = [f"{_wrap(row.label, wrap)}<br>" + (f"{theme.STATUS_GLYPH[row.level]} " if row.level != "none" else "")
                + row.text for row in frame.itertuples()]
    else:
        text = None
    fig.add_trace(go.Scatter(
        x=frame["col"] + 0.5, y=-frame["row"] - 0.5, mode="markers+text" if labels else "markers",
        marker={"symbol": "square", "size": 30, "color": "rgba(0,0,0,0)"},  # the mark a click lands on
        text=text, textposition="middle center",
        textfont={"size": font_size, "color": [INK[level] for level in frame["level"]]},
        customdata=frame["href"], hovertext=_hover(frame, name, language), hoverinfo="text",
        name="tiles", showlegend=False,
    ))
    if not labels:  # the wall: a glyph-like mark on each tile that is not good, so colour is never alone
        marked = frame[frame["level"].isin(["bad", "warn"])]
        fig.add_trace(go.Scatter(
            x=marked["col"] + 0.5, y=-marked["row"] - 0.5, mode="markers", hoverinfo="skip", showlegend=False,
            marker={"symbol": ["x-thin" if level == "bad" else "diamond-tall" for level in marked["level"]],
                    "size": 20, "color": "#111111", "line": {"width": 4, "color": "#111111"}},
        ))
    # squares whatever the figure's size: the plot area shrinks to the grid (``constrain="domain"``),
    # the ranges stay (a figure first drawn hidden, as a wall slide is, would otherwise widen them)
    fig.update_xaxes(range=[-0.1, columns + 0.1], visible=False, fixedrange=True, constrain="domain")
    fig.update_yaxes(range=[-rows - 0.1, 0.1], visible=False, fixedrange=True, constrain="domain",
                     **({"scaleanchor": "x", "scaleratio": 1} if square else {}))
    figures.styled(fig, language, dark=dark, height=height, font_size=font_size)
    fig.update_layout(margin={"l": 4, "r": 4, "t": 4, "b": 4}, hovermode="closest", dragmode=False)
    return fig


def province_figure(frame: pd.DataFrame, name: str, language: str, *, dark: bool = False, height: int = 1040,
                    font_size: int = 10, labels: bool = True, island_font: int | None = None) -> go.Figure:
    """The 34 province tiles and the two archipelagos, offshore east of the central coast."""
    layout = grid()
    room = 2.6 if labels else 10.0  # columns right of the grid for the archipelagos' names
    fig = _figure(frame, name, language, columns=layout.columns + room, rows=layout.rows, dark=dark, height=height,
                  font_size=font_size, labels=labels, wrap=8)
    ink = figures.DARK["ink"] if dark else figures.LIGHT["ink"]
    for island in layout.archipelagos:
        x, y = island.col + 0.5, -island.row - 0.5
        fig.add_trace(go.Scatter(  # a cluster of islets, Vietnam's, named beside it
            x=[x - 0.25, x, x + 0.2, x - 0.1, x + 0.3], y=[y + 0.2, y + 0.3, y, y - 0.25, y - 0.2], mode="markers",
            marker={"size": 7 if labels else 12, "color": ink, "symbol": "circle"},
            hovertext=island.name(language), hoverinfo="text", showlegend=False, name=island.name(language)))
        fig.add_annotation(x=x + 0.5, y=y, text=island.name(language), showarrow=False, xanchor="left",
                           font={"size": island_font or font_size + 2, "color": ink},
                           name="archipelago", captureevents=False)
    return fig


def ministry_figure(frame: pd.DataFrame, name: str, language: str, *, dark: bool = False,
                    font_size: int = 11) -> go.Figure:
    """The ministry's units as tiles in rows, by name: wider than high, so their long names
    fit (``MINISTRY_COLUMNS`` to a row, the panel's width)."""
    rows = int(frame["row"].max()) + 1 if len(frame) else 1
    height = rows * 74 + 10
    return _figure(frame, name, language, columns=MINISTRY_COLUMNS, rows=rows, dark=dark, height=height,
                   font_size=font_size, labels=True, wrap=24, square=False)


def chooser(view: View, path: str, chosen: str, language: str):
    """Chips that choose the indicator the maps are coloured by (the URL's ``map``)."""
    links = [html.Span(t("map.indicator", language), className="chips-label")]
    for name in METRICS:
        href = view.href(path) + ("" if name == DEFAULT_METRIC else f"&map={name}")
        links.append(dcc.Link(REGISTRY[name].label(language), href=href,
                              className="chip" + (" active" if name == chosen else "")))
    return html.Div(links, className="chips map-chooser", id="map-indicator")


def panels(view: View, screen: str, language: str) -> list:
    """The province map and the ministry's grid, as two panels of a desk screen."""
    page = context.current_page()
    name = metric_of(page[1] if page else None)
    path = screens.path(screen)
    counts = provinces(name, view, language)
    legend = ui.status_legend(language, name)
    province_fig = province_figure(counts, name, language)
    ministry_frame = ministry(name, view, language)
    note = t("map.note", language, indicator=REGISTRY[name].label(language), legend=legend)
    return [
        ui.section(t("map.provinces", language), chooser(view, path, name, language),
                   figures.graph(province_fig, f"{screen}-map", drill=True), name=f"{screen}-map", note=note),
        ui.section(t("map.ministry", language),
                   figures.graph(ministry_figure(ministry_frame, name, language), f"{screen}-ministry-grid",
                                 drill=True) if len(ministry_frame) else ui.empty(t("kpi.no_data", language)),
                   name=f"{screen}-ministry-grid",
                   note=t("map.ministry.note", language, indicator=REGISTRY[name].label(language), legend=legend)),
    ]
