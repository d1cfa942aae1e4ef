"""Xếp hạng / Rankings: a league table per unit kind (ministry units, provincial
departments) with the composite score, its three components, the change of rank against
the previous period of the same length, and the composite as bars (click a unit for its
screen). The weights in use are shown, with the rule for a component without data.
"""
from __future__ import annotations

import dash
import dash_ag_grid as dag
import pandas as pd
import plotly.graph_objects as go
from dash import html

from dashboard import components as ui, context, data, exports, figures, formatting as fmt, screens, theme
from dashboard.i18n import t
from dashboard.state import View
from warehouse.domain import UNIT_KINDS
from warehouse.registry import REGISTRY

COMPONENTS = tuple(c.name for c in REGISTRY["unit_ranking"].ranking.components)
SCORES = ("composite",) + COMPONENTS


def _md_escape(name: str) -> str:
    """A unit name as markdown link text (brackets and emphasis marks kept literal)."""
    return "".join("\\" + c if c in "\\[]*_`" else c for c in name)


def _change_words(previous, current, language: str) -> str:
    """The same change in words, for the tooltip and screen readers."""
    if pd.isna(current):
        return t("rankings.unranked", language)
    if previous is None or pd.isna(previous):
        return t("rankings.change.new_words", language)
    places = int(previous) - int(current)
    if places == 0:
        return t("rankings.change.same_words", language, previous=int(previous))
    key = "rankings.change.up_words" if places > 0 else "rankings.change.down_words"
    return t(key, language, places=abs(places), previous=int(previous))


@exports.table("rankings", screen="rankings")
def ranking_sheet(view: View, language: str) -> exports.Sheet:
    """The league table of the view's unit kind (of every kind when it has none)."""
    ranking = data.metric("unit_ranking", view.period, kind=view.kind, structure=view.structure)
    rows = ranking[["rank", "unit_code", "kind", "ranked", *SCORES, "previous_rank", "status"]].assign(
        unit=[data.unit_name(code, language) for code in ranking["unit_code"]],
        kind_name=[t(f"kind.{kind}", language) for kind in ranking["kind"]],
        change=[fmt.rank_change(p, r, language) for p, r in zip(ranking["previous_rank"], ranking["rank"])],
        places=ranking["previous_rank"] - ranking["rank"])
    return exports.Sheet(t("exports.title.rankings", language), exports.columns(
        language, ("rank", "rankings.col.rank", "count"), ("unit", "rankings.col.unit"),
        ("unit_code", "exports.col.unit_code"), ("kind_name", "filter.kind"),
        ("composite", "rankings.col.composite", "decimal"),
        *[(c, f"rankings.component.{c}", "decimal") for c in COMPONENTS],
        ("previous_rank", "exports.col.previous_rank", "count"), ("places", "exports.col.places", "count"),
    ), rows)


def table_rows(ranking: pd.DataFrame, view: View, language: str) -> list[dict]:
    """The grid's rows (from ``ranking_sheet``): numbers for sorting, their locale texts for display."""
    rows = []
    for row in ranking.itertuples():
        href = view.href(screens.path("unit"), unit=row.unit_code, via="rankings")
        previous = None if pd.isna(row.previous_rank) else int(row.previous_rank)
        rank = None if pd.isna(row.rank) else int(row.rank)
        item = {
            "unit_code": row.unit_code,
            "rank": rank,
            "rank_text": fmt.count(rank, language),
            "unit": f"[{_md_escape(row.unit)}]({href})",
            "name": row.unit,
            "href": href,
            "previous_rank": previous,
            "rank_change": None if previous is None or rank is None else previous - rank,
            "rank_change_text": row.change,
            "rank_change_words": _change_words(previous, row.rank, language),
        }
        for score in SCORES:
            value = getattr(row, score)
            item[score] = None if pd.isna(value) else round(float(value), 4)
            item[score + "_text"] = fmt.decimal(value, language)
        item["status_text"] = theme.status_text(theme.level(row.status), language)
        rows.append(item)
    return rows


def _text_of(field: str) -> dict:
    """Show the row's locale text of ``field`` while sorting keeps using the number."""
    return {"function": f"params.data ? params.data.{field}_text : ''"}


def _grid(kind: str, rows: list[dict], language: str) -> dag.AgGrid:
    number = {"type": "rightAligned", "cellClass": "num", "minWidth": 130, "sortingOrder": ["desc", "asc", None]}
    columns = [
        {"field": "rank", "headerName": t("rankings.col.rank", language), "minWidth": 90, "maxWidth": 110,
         "type": "rightAligned", "cellClass": "num", "sort": "asc", "valueFormatter": _text_of("rank")},
        {"field": "unit", "headerName": t("rankings.col.unit", language), "cellRenderer": "markdown",
         "flex": 3, "minWidth": 320, "tooltipField": "name"},
        {"field": "composite", "headerName": t("rankings.col.composite", language),
         "valueFormatter": _text_of("composite"), **number},
        *[{"field": c, "headerName": t(f"rankings.component.{c}", language), "valueFormatter": _text_of(c),
           "headerTooltip": t(f"rankings.component.{c}.definition", language), **number} for c in COMPONENTS],
        {"field": "rank_change", "headerName": t("rankings.col.change", language), "minWidth": 130,
         "valueFormatter": _text_of("rank_change"), "tooltipField": "rank_change_words",
         "headerTooltip": t("rankings.col.change.definition", language), "cellClass": "num",
         "type": "rightAligned"},
    ]
    return dag.AgGrid(
        id=f"rankings-grid-{kind}",
        rowData=rows,
        columnDefs=columns,
        defaultColDef={"sortable": True, "resizable": True, "suppressMovable": True, "flex": 1,
                       "wrapHeaderText": True, "autoHeaderHeight": True},
        getRowId="params.data.unit_code",
        dashGridOptions={"domLayout": "autoHeight", "tooltipShowDelay": 300, "animateRows": False,
                         "localeText": ui.grid_locale(language)},
        className="ag-theme-alpine rankings-grid",
        style={"height": None, "width": "100%"},
    )


def _bars(kind: str, ranking: pd.DataFrame, view: View, language: str):
    ranking = ranking[ranking["rank"].notna()]  # an unranked unit has no bar
    rows = pd.DataFrame({
        "label": list(ranking["unit"]),
        "value": ranking["composite"].astype("float64"),
        "status": [theme.level(s) for s in ranking["status"]],
        "href": [view.href(screens.path("unit"), unit=code, via="rankings") for code in ranking["unit_code"]],
    })
    rows["text"] = [t("rankings.bar.text", language, status=theme.STATUS_GLYPH[s], score=fmt.decimal(v, language),
                      rank=int(r))
                    for s, v, r in zip(rows["status"], rows["value"], ranking["rank"])]
    # the written scores stand in one column right of the bars (never cut at the edge)
    fig = figures.unit_bars(rows, language, tickformat="", range_max=150)
    fig.update_traces(selector={"type": "bar"}, textposition="none")
    ordered = rows.iloc[::-1]
    fig.add_trace(go.Scatter(
        x=[102] * len(ordered), y=ordered["label"], mode="text", text=ordered["text"],
        textposition="middle right", customdata=ordered["href"], showlegend=False, cliponaxis=False,
        hovertemplate="%{y}: %{text}<extra></extra>",
    ))
    fig.update_xaxes(tickvals=[0, 25, 50, 75, 100])
    fig.update_layout(showlegend=False)
    return figures.graph(fig, f"rankings-bars-{kind}", drill=True)


def _kind_section(kind: str, ranking: pd.DataFrame, view: View, language: str) -> list:
    label = t(f"kind.{kind}", language)
    part = ranking[ranking["kind"] == kind].reset_index(drop=True)
    if part.empty:
        return [ui.section(t("rankings.table.title", language, kind=label),
                           ui.empty(t("rankings.empty.kind", language, kind=label), f"rankings-{kind}"),
                           name=f"rankings-{kind}")]
    table = ui.section(t("rankings.table.title", language, kind=label),
                       _grid(kind, table_rows(part, view, language), language),
                       exports.links("rankings", kind=kind),
                       name=f"rankings-{kind}", note=t("rankings.table.note", language, count=int(part["ranked"].iloc[0])))
    bars = ui.section(t("rankings.bars.title", language, kind=label), _bars(kind, part, view, language),
                      name=f"rankings-bars-{kind}", note=t("rankings.bars.note", language))
    return [html.Div([table, bars], id=f"rankings-kind-{kind}")]


def _method(view: View, language: str):
    weights = data.ranking_weights()
    total = sum(weights.values())
    previous = view.period.previous()
    items = [html.Li([html.Strong(t(f"rankings.component.{c}", language) + ": "),
                      html.Span(fmt.percent(weights[c] / total, language), id=f"rankings-weight-{c}"),
                      html.Span(" — " + t(f"rankings.component.{c}.definition", language))])
             for c in COMPONENTS]
    return ui.section(t("rankings.method.title", language), html.Ul(items, id="rankings-weights"),
                      html.P(t("rankings.method.missing", language), id="rankings-missing"),
                      html.P(t("rankings.method.rank", language, start=fmt.day(previous.start, language),
                               end=fmt.day(previous.end, language))),
                      name="rankings-method")


@ui.screen
def layout(view: View, language: str):
    """Who leads and who lags, among units of the same kind."""
    ranking = ranking_sheet(view, language).rows
    kinds = (view.kind,) if view.kind else UNIT_KINDS
    if ranking.empty:
        body = [ui.section(t("rankings.title", language), ui.empty(t("rankings.empty", language), "rankings"),
                           name="rankings")]
    else:
        body = [part for kind in kinds for part in _kind_section(kind, ranking, view, language)]
    return ui.page(view, "rankings", language, body + [_method(view, language)])


dash.register_page(__name__, path="/rankings", name="rankings", order=40, right="view",
                   title=t("app.title"), layout=layout)
