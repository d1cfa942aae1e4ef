"""Màn hình lớn / Wall display: no controls, dark and legible from across the room.

Slides come from the playlist in ``config/wall.toml`` and are drawn on a 1920×1080 canvas
that ``assets/wall.js`` scales to the screen (so 3840×2160 is the same picture, sharper),
rotates through, and reloads only when ``/live/state`` reports a new data version or a
restarted server. While the server does not answer, the last slides stay up with a
"reconnecting" banner.
"""
from __future__ import annotations

import tomllib
from dataclasses import dataclass

import dash
import pandas as pd
from dash import html

from dashboard import components as ui, context, data, figures, formatting as fmt, live, periods, theme
from dashboard.context import cached
from dashboard.i18n import t
from warehouse.domain import BUDGET_CATEGORIES, TASK_SOURCES, UNIT_KINDS
from warehouse.metrics import REGISTRY, Period
from warehouse.snapshots import NoSnapshot

SCREENS = ("overview", "procedures", "tasks", "budget", "rankings")
CHART_FONT = 22


@dataclass(frozen=True)
class Slide:
    screen: str
    period: str
    seconds: int


def load_playlist(path) -> tuple[list[Slide], int]:
    """The slides and the version poll interval; a bad entry is named in the error."""
    config = tomllib.loads(path.read_text(encoding="utf-8"))
    slides = []
    for number, entry in enumerate(config.get("slide", []), start=1):
        screen, period = entry.get("screen"), entry.get("period", "rolling_30d")
        seconds = entry.get("seconds", 20)
        if screen not in SCREENS:
            raise ValueError(f"{path}: slide {number}: screen {screen!r} is not one of {', '.join(SCREENS)}")
        if period not in periods.PRESETS:
            raise ValueError(f"{path}: slide {number}: period {period!r} is not one of {', '.join(periods.PRESETS)}")
        if not isinstance(seconds, int) or seconds < 5:
            raise ValueError(f"{path}: slide {number}: seconds must be a whole number of at least 5")
        slides.append(Slide(screen, period, seconds))
    if not slides:
        raise ValueError(f"{path}: no [[slide]] entries")
    return slides, int(config.get("poll_seconds", 15))


def _tile(label: str, value: str, lines: list, level: str | None, name: str) -> html.Div:
    body = [html.Div(label, className="wall-label"), html.Div(value, className="wall-number", id=f"wall-{name}")]
    if level:
        body.append(html.Div(theme.status_text(level, context.language()), className=f"status status-{level} wall-status"))
    body += [html.Div(line, className="wall-line") for line in lines if line]
    return html.Div(body, className="wall-tile" + (f" level-{level}" if level else ""))


def _overview(period: Period, language: str):
    end = period.end
    on_time = data.total("dossier_on_time_rate", period)
    overdue_open = data.total("dossier_overdue_open", period)
    tasks = data.total("task_overdue", period, as_of=end)
    budget = data.total("budget_disbursement_rate", period, as_of=end)
    label = lambda name: REGISTRY[name].label(language)  # noqa: E731
    return html.Div([
        _tile(label("dossier_on_time_rate"), fmt.percent(on_time["value"], language),
              [ui.change_line("dossier_on_time_rate", period, on_time["value"], language, points=True),
               t("kpi.on_time.detail", language, numerator=fmt.count(on_time["numerator"], language),
                 denominator=fmt.count(on_time["denominator"], language))],
              theme.level(on_time["status"]), "dossier_on_time_rate"),
        _tile(label("dossier_overdue_open"), fmt.count(overdue_open["value"], language),
              [ui.change_line("dossier_overdue_open", period, overdue_open["value"], language, points=False)],
              None, "dossier_overdue_open"),
        _tile(label("task_overdue"), fmt.count(tasks["value"], language),
              [ui.change_line("task_overdue", period, tasks["value"], language, points=False)],
              theme.level(tasks["status"]), "task_overdue"),
        _tile(label("budget_disbursement_rate"), fmt.percent(budget["value"], language),
              [t("kpi.budget.target", language, target=fmt.percent(budget["target"], language),
                 gap=fmt.points_change(budget["gap_pp"], language))],
              theme.level(budget["status"]), "budget_disbursement_rate"),
    ], className="wall-tiles")


def _bars(frame: pd.DataFrame, name: str, language: str, *, tickformat: str, range_max=None, height: int):
    fig = figures.unit_bars(frame, language, dark=True, tickformat=tickformat, range_max=range_max,
                            height=height, font_size=CHART_FONT)
    return figures.graph(fig, f"wall-{name}")


def _procedures(period: Period, language: str):
    by_unit = data.metric("dossier_on_time_rate", period, by=("unit",))
    by_unit = by_unit[(by_unit["denominator"] > 0) & ~by_unit["small_sample"]].sort_values(["value", "unit_code"]).head(12)
    if by_unit.empty:
        return html.Div(t("kpi.no_data", language), className="wall-empty")
    frame = pd.DataFrame({
        "label": [data.unit_name(code, language, short=True) for code in by_unit["unit_code"]],
        "value": by_unit["value"],
        "status": [theme.level(s) for s in by_unit["status"]],
        "href": "",
    })
    frame["text"] = [f"{fmt.percent(v, language)} {theme.STATUS_GLYPH[s]}" for v, s in zip(frame["value"], frame["status"])]
    return _bars(frame, "procedures-units", language, tickformat=".0%", range_max=1.12, height=780)


def _tasks(period: Period, language: str):
    end = period.end
    by_source = data.metric("task_overdue", period, by=("source",), as_of=end).set_index("source")
    tiles = [_tile(t(f"task_source.{source}", language),
                   fmt.count(by_source["value"].get(source, 0), language), [],
                   theme.level(by_source["status"].get(source)), f"tasks-{source}")
             for source in TASK_SOURCES]
    by_unit = data.metric("task_overdue", period, by=("unit",), as_of=end)
    by_unit = by_unit[by_unit["value"] > 0].sort_values(["value", "unit_code"], ascending=[False, True]).head(8)
    if by_unit.empty:
        chart = html.Div(t("wall.tasks.none", language), className="wall-empty")
    else:
        frame = pd.DataFrame({
            "label": [data.unit_name(code, language, short=True) for code in by_unit["unit_code"]],
            "value": by_unit["value"], "status": [theme.level(s) for s in by_unit["status"]], "href": "",
            "text": [f"{fmt.count(v, language)} {theme.STATUS_GLYPH[theme.level(s)]}"
                     for v, s in zip(by_unit["value"], by_unit["status"])],
        })
        chart = html.Div([html.Div(t("wall.tasks.by_unit", language), className="wall-subtitle"),
                          _bars(frame, "tasks-units", language, tickformat=",d", range_max=float(frame["value"].max()) * 1.15,
                                height=540)])
    return html.Div([html.Div(tiles, className="wall-tiles wall-tiles-small"), chart])


def _budget(period: Period, language: str):
    year = Period(period.end.replace(month=1, day=1), period.end)
    curve = data.metric("budget_disbursement_rate", year, by=("month",))
    curve = curve[curve["denominator"] > 0]
    by_category = data.metric("budget_disbursement_rate", period, by=("category",), as_of=period.end).set_index("category")
    tiles = [_tile(t(f"wall.budget.category.{category}", language),
                   fmt.percent(by_category["value"].get(category), language),
                   [t("kpi.budget.target", language, target=fmt.percent(by_category["target"].get(category), language),
                      gap=fmt.points_change(by_category["gap_pp"].get(category), language))],
                   theme.level(by_category["status"].get(category)), f"budget-{category}")
             for category in BUDGET_CATEGORIES]
    if curve.empty:
        return html.Div([html.Div(tiles, className="wall-stack"),
                         html.Div(t("kpi.no_data", language), className="wall-empty")], className="wall-split")
    frame = curve.assign(
        label=curve["month"].map(lambda m: fmt.month(m, language)),
        actual_text=curve["value"].map(lambda v: fmt.percent(v, language)),
        target_text=curve["target"].map(lambda v: fmt.percent(v, language)),
    )
    fig = figures.trend(frame, "label", [("value", t("wall.budget.actual", language), "actual_text"),
                                         ("target", t("wall.budget.target", language), "target_text")],
                        language, dark=True, height=700, font_size=CHART_FONT, dashed=("target",))
    fig.update_traces(mode="lines+markers+text", textposition="top center", selector={"name": t("wall.budget.actual", language)})
    fig.update_traces(texttemplate="%{text}")
    fig.update_traces(mode="lines", selector={"name": t("wall.budget.target", language)})
    return html.Div([html.Div(tiles, className="wall-stack"),
                     html.Div([html.Div(t("wall.budget.curve", language, year=period.end.year), className="wall-subtitle"),
                               figures.graph(fig, "wall-budget-curve")])], className="wall-split")


def _ranking_list(rows: pd.DataFrame, language: str) -> html.Ol:
    items = []
    for row in rows.itertuples():
        change = None if pd.isna(row.rank_change) else float(row.rank_change)
        arrow = "–" if change is None else "▲" if change > 0 else "▼" if change < 0 else "="
        items.append(html.Li([
            html.Span(str(row.rank), className="wall-rank"),
            html.Span(data.unit_name(row.unit_code, language, short=True), className="wall-rank-name"),
            html.Span(fmt.decimal(row.composite, language), className="wall-rank-score"),
            html.Span(f"{arrow} {abs(int(change)) if change else ''}".strip(), className="wall-rank-change"),
        ]))
    return html.Ol(items, className="wall-ranking")


def _rankings(period: Period, language: str):
    ranking = data.metric("unit_ranking", period)
    columns = []
    for kind in UNIT_KINDS:
        rows = ranking[ranking["kind"] == kind].sort_values(["rank", "unit_code"])
        if rows.empty:
            continue
        columns.append(html.Div([
            html.Div(t(f"kind.{kind}", language), className="wall-subtitle"),
            html.Div(t("wall.top", language), className="wall-label"), _ranking_list(rows.head(5), language),
            html.Div(t("wall.bottom", language), className="wall-label"), _ranking_list(rows.tail(5), language),
        ], className="wall-column"))
    return html.Div(columns, className="wall-columns") if columns else html.Div(t("kpi.no_data", language),
                                                                                className="wall-empty")


BUILDERS = {"overview": _overview, "procedures": _procedures, "tasks": _tasks, "budget": _budget,
            "rankings": _rankings}


def _slide(number: int, slide: Slide, language: str) -> html.Section:
    period = periods.PRESETS[slide.period](context.today())
    return html.Section([
        html.Div([html.H2(t(f"wall.slide.{slide.screen}", language), className="wall-title"),
                  html.Div(t("period.label", language, start=fmt.day(period.start, language),
                             end=fmt.day(period.end, language)), className="wall-period")],
                 className="wall-slide-head"),
        BUILDERS[slide.screen](period, language),
    ], className="wall-slide" + (" active" if number == 0 else ""), id=f"wall-slide-{number}",
        **{"data-seconds": str(slide.seconds), "data-screen": slide.screen})


def layout(**_query):
    """Rendered once per data version; ``assets/wall.js`` does the rest in the browser."""
    language = context.language()
    if (no := ui.refusal("wall", language)) is not None:
        return no
    settings = context.settings()
    header_parts = [html.Div(t("app.title", language), className="wall-app")]
    try:
        slides, poll_seconds = load_playlist(settings.wall_path)
        state = live.state()
        if state["version"] is None:
            raise NoSnapshot("no snapshot")
        content = cached("page", {"screen": __name__, "slides": [vars(s) for s in slides], "language": language,
                                  "today": context.today()},
                         lambda: [_slide(number, slide, language) for number, slide in enumerate(slides)],
                         encode=ui.as_json)
        as_of = t("data.as_of", language, time=fmt.moment(context.reader().published_at, language))
    except NoSnapshot:
        slides, poll_seconds, state = [], 15, live.state()
        content, as_of = [html.Div(t("data.none", language), className="wall-empty")], ""
    except (OSError, ValueError, tomllib.TOMLDecodeError) as exc:
        slides, poll_seconds, state = [], 15, live.state()
        content, as_of = [html.Div(t("wall.playlist_error", language, problem=str(exc)), className="wall-empty")], ""
    stale = state["stale"]
    return html.Div(html.Div([
        html.Header([
            *header_parts,
            html.Div(as_of, className="wall-as-of", id="wall-as-of"),
            html.Div("⚠ " + t("data.stale", language, sources=", ".join(stale)) if stale else "",
                     className="wall-alarm" + (" on" if stale else ""), id="wall-alarm", role="alert",
                     **{"data-template": "⚠ " + t("data.stale", language, sources="{sources}")}),
            html.Div("", className="wall-clock", id="wall-clock", **{"aria-label": t("wall.clock", language)}),
        ], className="wall-header"),
        html.Div(content, className="wall-slides"),
        html.Div(t("wall.reconnecting", language), className="wall-reconnect", id="wall-reconnect", role="status"),
    ], className="wall-canvas", id="wall-canvas", lang=language), className="wall", id="wall",
        **{"data-version": state["version"] or "", "data-boot": state["boot"], "data-poll": str(poll_seconds),
           "data-language": language})


dash.register_page(__name__, path="/wall", name="wall", order=110, right="wall", menu=False,
                   title=t("nav.wall"), layout=layout)
