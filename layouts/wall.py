"""Màn hình lớn / Wall display: no controls, dark, and legible from 5 metres.

Every text on the wall is at least 48 px on its 1920×1080 canvas, which ``assets/wall.js``
scales to the screen (3840×2160 is the same picture, sharper). A slide says three to five
things and names who is behind, in large type ("Sở NN&MT Cần Thơ — 25 hồ sơ quá hạn"),
rather than drawing bars with small labels. The canvas is a fixed grid: the slide, a band
reserved for the alerts of ``dashboard.alerts`` and stale sources (it rotates through
them and never moves or covers a slide), and a footer with "data as of" and the clock.

Slides and their periods come from ``config/wall.toml``; the wall rotates through them in
the browser and reloads only when ``/live/state`` reports a new data version or a
restarted server. While the server does not answer, the last slides stay up with a
"reconnecting" banner.
"""
from __future__ import annotations

import logging
import tomllib
from dataclasses import dataclass

import dash
import pandas as pd
from dash import html

from dashboard import alerts as attention, components as ui, context, data, figures, formatting as fmt, live, periods
from dashboard import theme, tilemap
from dashboard.context import cached
from dashboard.i18n import t
from dashboard.state import View
from warehouse.domain import BUDGET_CATEGORIES, GOVERNMENT_SOURCES, UNIT_KINDS
from warehouse.metrics import REGISTRY, Period
from warehouse.snapshots import NoSnapshot

log = logging.getLogger(__name__)
SCREENS = ("overview", "procedures", "map", "tasks", "budget", "rankings", "alerts")
ROWS = 4  # units named on a slide under its headline
MAP_HEIGHT = 690  # the map slide's figure, in canvas pixels
WALL_FONT = 48  # the smallest text on the wall, in canvas pixels


@dataclass(frozen=True)
class Slide:
    screen: str
    period: str
    seconds: int
    metric: str | None = None  # the map's indicator


def load_playlist(path) -> tuple[list[Slide], int, str]:
    """The slides, the version poll interval and the alerts' period; a bad entry is named."""
    config = tomllib.loads(path.read_text(encoding="utf-8"))
    slides = []
    for number, entry in enumerate(config.get("slide", []), start=1):
        screen, period = entry.get("screen"), entry.get("period", "rolling_30d")
        seconds, metric = entry.get("seconds", 20), entry.get("metric")
        if screen not in SCREENS:
            raise ValueError(f"{path}: slide {number}: screen {screen!r} is not one of {', '.join(SCREENS)}")
        if period not in periods.PRESETS:
            raise ValueError(f"{path}: slide {number}: period {period!r} is not one of {', '.join(periods.PRESETS)}")
        if not isinstance(seconds, int) or seconds < 5:
            raise ValueError(f"{path}: slide {number}: seconds must be a whole number of at least 5")
        if metric is not None and (screen != "map" or metric not in tilemap.METRICS):
            raise ValueError(f"{path}: slide {number}: metric is for a map, one of {', '.join(tilemap.METRICS)}")
        slides.append(Slide(screen, period, seconds, metric))
    if not slides:
        raise ValueError(f"{path}: no [[slide]] entries")
    alerts_period = config.get("alerts_period", "rolling_30d")
    if alerts_period not in periods.PRESETS:
        raise ValueError(f"{path}: alerts_period {alerts_period!r} is not one of {', '.join(periods.PRESETS)}")
    return slides, int(config.get("poll_seconds", 15)), alerts_period


def wall_name(code: str, language: str) -> str:
    """A unit's name for the wall: "Sở NN&MT Cần Thơ" (the province is what tells them apart)."""
    name = data.unit_name(code, language, short=True)
    return name.replace("Sở NN&MT tỉnh ", "Sở NN&MT ").replace("Sở NN&MT thành phố ", "Sở NN&MT ")


def _status(level: str, language: str):
    return html.Span(theme.status_text(level, language), className=f"wall-status status-{level}")


def _tile(label: str, value: str, lines: list, level: str | None, name: str) -> html.Div:
    """One headline number with its label, status and up to two lines."""
    head = [html.Span(value, className="wall-number", id=f"wall-{name}")]
    if level:
        head.append(_status(level, context.language()))
    body = [html.Div(label, className="wall-label"), html.Div(head, className="wall-number-row")]
    body += [html.Div(line, className="wall-line") for line in lines if line]
    return html.Div(body, className="wall-tile" + (f" level-{level}" if level else ""))


def _strip(label: str, value: str, lines: list, level: str, name: str) -> html.Div:
    """A slide's headline: the number on the left, what it means on the right."""
    return html.Div([
        html.Div([html.Span(value, className="wall-number", id=f"wall-{name}"), _status(level, context.language())],
                 className="wall-number-row"),
        html.Div([html.Div(label, className="wall-label")] + [html.Div(line, className="wall-line") for line in lines if line],
                 className="wall-strip-text"),
    ], className=f"wall-strip level-{level}")


NAME_LINE = 34  # characters of a unit's name on one line of a row (48 px bold, beside its figures)
ROOM_LINES = 8.0  # lines of 48 px (55 px high) the rows under a one-line headline have room for


def fit(rows: list[tuple], room: float = ROOM_LINES) -> list[tuple]:
    """As many rows (at most ``ROWS + 1``) as the slide has room for: a long name takes two
    lines, and a row costs 0.4 of a line besides (its padding and the gap to the next)."""
    used, kept = 0.0, []
    for row in rows[:ROWS + 1]:
        used += (2 if len(row[1]) > NAME_LINE else 1) + 0.4
        if round(used, 6) > room:
            break
        kept.append(row)
    return kept


def _named(rows: list[tuple], name: str, empty: str) -> html.Div:
    """Units named in large type, one a row: (rank, name, level, main figure, second figure)."""
    if not rows:
        return html.Div(empty, className="wall-empty", id=f"wall-{name}-none")
    ranked = any(prefix is not None for prefix, *_ in rows)
    return html.Ol([html.Li(([html.Span(prefix, className="wall-row-rank")] if ranked else [])
                            + [html.Span(unit, className="wall-row-name"),
                               html.Span(main, className="wall-row-main"),
                               html.Span(second or "", className="wall-row-second")],
                            className=f"wall-row level-{level}")
                    for prefix, unit, level, main, second in rows],
                   className="wall-rows" + (" ranked" if ranked else ""), id=f"wall-{name}")


def _versus(period: Period, language: str) -> str:
    before = period.previous()
    return t("wall.versus", language, start=fmt.day(before.start, language), end=fmt.day(before.end, language))


def _change(name: str, period: Period, value, language: str, *, points: bool) -> str:
    before = data.total(name, period.previous())["value"]
    if value is None or before is None:
        return fmt.change(None, language)
    return fmt.change((value - before) * (100 if points else 1), language, points=points, digits=1 if points else 0)


def _overview(slide: Slide, period: Period, language: str):
    end = period.end
    on_time = data.total("dossier_on_time_rate", period)
    overdue_open = data.total("dossier_overdue_open", period)
    tasks = data.total("task_overdue", period, as_of=end)
    budget = data.total("budget_disbursement_rate", period, as_of=end)
    label = lambda name: REGISTRY[name].label(language)  # noqa: E731
    return html.Div([
        html.Div([
            _tile(label("dossier_on_time_rate"), fmt.percent(on_time["value"], language),
                  [_change("dossier_on_time_rate", period, on_time["value"], language, points=True)],
                  theme.level(on_time["status"]), "dossier_on_time_rate"),
            _tile(label("dossier_overdue_open"), fmt.count(overdue_open["value"], language),
                  [_change("dossier_overdue_open", period, overdue_open["value"], language, points=False)],
                  theme.level(overdue_open["status"]), "dossier_overdue_open"),
            _tile(label("task_overdue"), fmt.count(tasks["value"], language),
                  [_change("task_overdue", period, tasks["value"], language, points=False)],
                  theme.level(tasks["status"]), "task_overdue"),
            _tile(label("budget_disbursement_rate"), fmt.percent(budget["value"], language),
                  [t("wall.budget.target", language, target=fmt.percent(budget["target"], language),
                     gap=fmt.points_change(budget["gap_pp"], language))],
                  theme.level(budget["status"]), "budget_disbursement_rate"),
        ], className="wall-tiles"),
        html.Div(_versus(period, language), className="wall-note"),
    ], className="wall-body")


def _procedures(slide: Slide, period: Period, language: str):
    total = data.total("dossier_on_time_rate", period)
    overdue_total = data.total("dossier_overdue_open", period)
    by_unit = data.metric("dossier_on_time_rate", period, by=("unit",))
    by_unit = by_unit[(by_unit["denominator"] > 0) & ~by_unit["small_sample"]].sort_values(["value", "unit_code"]).head(ROWS + 1)
    overdue = data.metric("dossier_overdue_open", period, by=("unit",)).set_index("unit_code")["value"]
    rows = [(None, wall_name(row.unit_code, language), theme.level(row.status),
             f"{fmt.percent(row.value, language)} {theme.STATUS_GLYPH[theme.level(row.status)]}",
             t("wall.overdue_dossiers", language, count=fmt.count(overdue.get(row.unit_code, 0), language)))
            for row in by_unit.itertuples()]
    rows = fit(rows)
    return html.Div([
        _strip(REGISTRY["dossier_on_time_rate"].label(language), fmt.percent(total["value"], language),
               [t("wall.overdue_dossiers", language, count=fmt.count(overdue_total["value"], language))],
               theme.level(total["status"]), "dossier_on_time_rate"),
        html.Div(t("wall.procedures.lowest", language, count=len(rows)), className="wall-subtitle"),
        _named(rows, "procedures-units", t("kpi.no_data", language)),
    ], className="wall-body")


def _tasks(slide: Slide, period: Period, language: str):
    end = period.end
    total = data.total("task_overdue", period, as_of=end)
    by_source = data.metric("task_overdue", period, by=("source",), as_of=end)
    government = data.government_overdue(by_source)
    by_unit = data.metric("task_overdue", period, by=("unit",), as_of=end)
    by_unit = by_unit[by_unit["value"] > 0].sort_values(["value", "unit_code"], ascending=[False, True]).head(ROWS + 1)
    per_source = data.metric("task_overdue", period, by=("unit", "source"), as_of=end)
    per_source = per_source[per_source["source"].isin(GOVERNMENT_SOURCES)].groupby("unit_code")["value"].sum()
    rows = [(None, wall_name(row.unit_code, language), theme.level(row.status),
             t("wall.tasks.count", language, count=fmt.count(row.value, language)),
             t("wall.tasks.government", language, count=fmt.count(per_source.get(row.unit_code, 0), language)))
            for row in by_unit.itertuples()]
    rows = fit(rows)
    return html.Div([
        _strip(REGISTRY["task_overdue"].label(language), fmt.count(total["value"], language),
               [t("wall.tasks.government_total", language, count=fmt.count(government, language))],
               theme.level(total["status"]), "task_overdue"),
        html.Div(t("wall.tasks.by_unit", language), className="wall-subtitle"),
        _named(rows, "tasks-units", t("wall.tasks.none", language)),
    ], className="wall-body")


def _budget(slide: Slide, period: Period, language: str):
    end = period.end
    total = data.total("budget_disbursement_rate", period, as_of=end)
    by_category = data.metric("budget_disbursement_rate", period, by=("category",), as_of=end).set_index("category")
    categories = " · ".join(f"{t(f'wall.budget.category.{c}', language)} {fmt.percent(by_category['value'].get(c), language)}"
                            for c in BUDGET_CATEGORIES)
    by_unit = data.metric("budget_disbursement_rate", period, by=("unit",), as_of=end)
    behind = by_unit[by_unit["gap_pp"].notna() & (by_unit["denominator"] > 0)].sort_values(["gap_pp", "unit_code"]).head(ROWS + 1)
    rows = [(None, wall_name(row.unit_code, language), theme.level(row.status),
             f"{fmt.percent(row.value, language)} {theme.STATUS_GLYPH[theme.level(row.status)]}",
             t("wall.budget.gap", language, gap=fmt.points_change(row.gap_pp, language)))
            for row in behind.itertuples()]
    rows = fit(rows, ROOM_LINES - 0.7)  # the headline has a line more
    return html.Div([
        _strip(REGISTRY["budget_disbursement_rate"].label(language), fmt.percent(total["value"], language),
               [t("wall.budget.target", language, target=fmt.percent(total["target"], language),
                  gap=fmt.points_change(total["gap_pp"], language)), categories],
               theme.level(total["status"]), "budget_disbursement_rate"),
        html.Div(t("wall.budget.behind", language), className="wall-subtitle"),
        _named(rows, "budget-units", t("kpi.no_data", language)),
    ], className="wall-body")


def _rankings(slide: Slide, period: Period, language: str):
    ranking = data.metric("unit_ranking", period)
    ranking = ranking[ranking["rank"].notna()]
    blocks = []
    for kind in UNIT_KINDS:
        rows = ranking[ranking["kind"] == kind].sort_values(["rank", "unit_code"])
        if rows.empty:
            continue
        chosen = pd.concat([rows.head(1), rows.tail(2)]).drop_duplicates("unit_code")
        named = []
        for row in chosen.itertuples():
            change = None if pd.isna(row.rank_change) else int(row.rank_change)
            arrow = "" if not change else f"▲ {change}" if change > 0 else f"▼ {-change}"
            named.append((f"{int(row.rank)}/{int(row.ranked)}", wall_name(row.unit_code, language),
                          theme.level(row.status) if hasattr(row, "status") else "none",
                          t("wall.rankings.score", language, score=fmt.decimal(row.composite, language)), arrow))
        blocks += [html.Div(t(f"kind.{kind}", language), className="wall-subtitle"),
                   _named(fit(named, 5.5), f"rankings-{kind}", "")]
    if not blocks:
        return html.Div(t("kpi.no_data", language), className="wall-empty")
    return html.Div(blocks, className="wall-body wall-rankings")


def _map(slide: Slide, period: Period, language: str):
    name = slide.metric or tilemap.DEFAULT_METRIC
    view = View(period)
    frame = tilemap.provinces(name, view, language)
    fig = tilemap.province_figure(frame, name, language, dark=True, height=MAP_HEIGHT, font_size=WALL_FONT,
                                  labels=False, island_font=WALL_FONT)
    fig.update_layout(hovermode=False)
    counts = frame["level"].value_counts()
    summary = " · ".join(f"{theme.STATUS_GLYPH[level]} {fmt.count(counts.get(level, 0), language)}"
                         for level in ("bad", "warn", "good") if counts.get(level, 0))
    ascending = REGISTRY[name].status is None or not REGISTRY[name].status.lower_is_better
    ranked = frame[frame["value"].notna() & ~frame["small_sample"]].sort_values(
        ["value", "name"], ascending=[ascending, True]).head(ROWS)
    rows = [(None, row.name, row.level, f"{row.text} {theme.STATUS_GLYPH[row.level]}", None)
            for row in ranked.itertuples()]
    return html.Div([
        html.Div(figures.graph(fig, "wall-map"), className="wall-map", id="wall-map-box",
                 **{"data-tiles": str(len(frame))}),
        html.Div([
            html.Div(REGISTRY[name].label(language), className="wall-subtitle"),
            html.Div(t("wall.map.summary", language, summary=summary), className="wall-line", id="wall-map-summary"),
            html.Div(t("wall.map.lowest" if ascending else "wall.map.highest", language), className="wall-label"),
            _named(rows, "map-provinces", t("kpi.no_data", language)),
        ], className="wall-map-side"),
    ], className="wall-body wall-map-slide")


ALERT_LINES = 10  # lines of 48 px the alerts slide has room for
BAND_LINE = 50  # characters of the units named on the band's line (48 px), "và 3 đơn vị khác" aside


def _short(name: str) -> str:
    return name.replace("Sở NN&MT tỉnh ", "Sở NN&MT ").replace("Sở NN&MT thành phố ", "Sở NN&MT ")


def _heading(alert: attention.Alert) -> str:
    return f"{theme.STATUS_GLYPH[alert.level]} {alert.text.rstrip(':')}"


def _band_units(alert: attention.Alert, language: str) -> str:
    """The units an alert names, as many whole ones as the band's line holds."""
    named = []
    for unit in alert.units:
        candidate = " · ".join(named + [f"{_short(unit.name)} {unit.figure}"])
        if named and len(candidate) > BAND_LINE:
            break
        named.append(f"{_short(unit.name)} {unit.figure}")
    more = len(alert.units) - len(named) + alert.more
    return " · ".join(named) + (" " + t("alerts.more", language, count=more) if more > 0 and named else "")


def _alerts(slide: Slide, period: Period, language: str):
    """Each alert with the units it names, one a line, as many as the slide has room for."""
    found = attention.current(View(period), language)
    if not found:
        return html.Div("✓ " + t("overview.alerts.none", language), className="wall-empty", id="wall-alerts-none")
    shown = found[:4]
    room = ALERT_LINES - len(shown)  # lines for units, after each alert's own line
    given = [0] * len(shown)
    while room > 0 and any(given[i] < len(a.units) for i, a in enumerate(shown)):
        for i, alert in enumerate(shown):  # in turn, so every alert names its worst units
            if room > 0 and given[i] < len(alert.units):
                given[i], room = given[i] + 1, room - 1
    blocks = []
    for alert, count in zip(shown, given):
        lines = [html.Div(_heading(alert), className="wall-alert-line")]
        lines += [html.Div(f"{_short(u.name)} — {u.figure}", className="wall-line wall-alert-unit")
                  for u in alert.units[:count]]
        blocks.append(html.Div(lines, className=f"wall-alert level-{alert.level}", id=f"wall-alert-{alert.key}"))
    return html.Div(blocks, className="wall-body wall-alert-list")


BUILDERS = {"overview": _overview, "procedures": _procedures, "map": _map, "tasks": _tasks, "budget": _budget,
            "rankings": _rankings, "alerts": _alerts}


def _body(slide: Slide, period: Period, language: str):
    """A slide's body; one that fails says so on its slide, and the others still show."""
    try:
        return BUILDERS[slide.screen](slide, period, language)
    except NoSnapshot:
        raise
    except Exception:  # noqa: BLE001 - one broken slide must not blank the wall
        log.exception("wall slide %s failed", slide)
        return html.Div(t("screen.error", language), className="wall-empty")


def _slide(number: int, slide: Slide, language: str) -> html.Section:
    period = periods.PRESETS[slide.period](context.today())
    return html.Section([
        html.Div([html.H2(t(f"wall.slide.{slide.screen}", language), className="wall-title"),
                  html.Div(f"{fmt.day(period.start, language)} – {fmt.day(period.end, language)}",
                           className="wall-period")],
                 className="wall-slide-head"),
        _body(slide, period, language),
    ], className="wall-slide" + (" active" if number == 0 else ""), id=f"wall-slide-{number}",
        **{"data-seconds": str(slide.seconds), "data-screen": slide.screen})


def _band(preset: str, language: str) -> list:
    """The alerts of the band, gravest first; "no alert" is said, the band is never empty."""
    try:
        found = attention.current(View(periods.PRESETS[preset](context.today())), language)
    except NoSnapshot:
        raise
    except Exception:  # noqa: BLE001 - the slides still show
        log.exception("wall alerts failed")
        return [html.Div(html.Div(t("screen.error", language), className="wall-band-text"),
                         className="wall-band-item level-warn", id="wall-band-error")]
    if not found:
        return [html.Div([html.Div("✓ " + t("overview.alerts.none", language), className="wall-band-text")],
                         className="wall-band-item level-good", id="wall-band-none")]
    return [html.Div([html.Div(line, className="wall-band-text") for line in (_heading(alert), _band_units(alert, language))
                       if line],
                     className=f"wall-band-item level-{alert.level}", id=f"wall-band-{alert.key}")
            for alert in found]


def layout(**_query):
    """Rendered once per data version; ``assets/wall.js`` does the rest in the browser."""
    language = context.language()
    if (no := ui.refusal("wall", language)) is not None:
        return no
    settings = context.settings()
    try:
        slides, poll_seconds, alerts_period = load_playlist(settings.wall_path)
        state = live.state()
        if state["version"] is None:
            raise NoSnapshot("no snapshot")
        key = {"screen": __name__, "slides": [vars(s) for s in slides], "language": language,
               "today": context.today(), "alerts": alerts_period}
        content = cached("page", key, lambda: [_slide(number, slide, language) for number, slide in enumerate(slides)],
                         encode=ui.as_json)
        band = cached("page", {**key, "part": "band"}, lambda: _band(alerts_period, language), encode=ui.as_json)
        as_of = t("data.as_of", language, time=fmt.moment(context.reader().published_at, language))
    except NoSnapshot:
        slides, poll_seconds, state, band = [], 15, live.state(), []
        content, as_of = [html.Div(t("data.none", language), className="wall-empty")], ""
    except (OSError, ValueError, tomllib.TOMLDecodeError) as exc:
        slides, poll_seconds, state, band = [], 15, live.state(), []
        content, as_of = [html.Div(t("wall.playlist_error", language, problem=str(exc)), className="wall-empty")], ""
    stale = state["stale"]
    alarm = html.Div(html.Div("⚠ " + t("data.stale", language, sources=", ".join(stale)) if stale else "",
                              className="wall-band-text", id="wall-alarm-text"),
                     className="wall-band-item wall-alarm level-warn" + (" on" if stale else ""), id="wall-alarm",
                     role="alert", **{"data-template": "⚠ " + t("data.stale", language, sources="{sources}")})
    return html.Div(html.Div([
        html.Div(content, className="wall-slides"),
        html.Div([alarm, *band], className="wall-band", id="wall-band", role="status",
                 **{"aria-label": t("overview.alerts", language)}),
        html.Footer([
            html.Div(as_of, className="wall-as-of", id="wall-as-of"),
            html.Div("", className="wall-clock", id="wall-clock", **{"aria-label": t("wall.clock", language)}),
        ], className="wall-footer"),
        html.Div(t("wall.reconnecting", language), className="wall-reconnect", id="wall-reconnect", role="status"),
    ], className="wall-canvas", id="wall-canvas", lang=language), className="wall", id="wall",
        **{"data-version": state["version"] or "", "data-boot": state["boot"], "data-poll": str(poll_seconds),
           "data-language": language})


dash.register_page(__name__, path="/wall", name="wall", order=110, right="wall", menu=False,
                   title=t("nav.wall"), layout=layout)
