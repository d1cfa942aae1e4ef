"""Shared screen components: the page scaffold (breadcrumbs, filters, data as of), KPI
cards, empty states, notices. Screens compose these; none of them reads data itself
except through ``dashboard.data``."""
from __future__ import annotations

import json
import logging
import math
from typing import NoReturn

import dash
import dash_mantine_components as dmc
from dash import dcc, html
from dash._utils import to_json
from werkzeug.exceptions import BadRequest

from dashboard import context, data, formatting as fmt, periods, screens, theme
from dashboard.auth import accounts, manage
from dashboard.context import cached
from dashboard.i18n import catalogue, t
from dashboard.state import STRUCTURES, View, from_query
from warehouse.domain import UNIT_KINDS
from warehouse.registry import REGISTRY
from warehouse.snapshots import NoSnapshot

log = logging.getLogger(__name__)
# URL parameters a screen passes on when the user moves to another screen from the menu
CARRIED = ("from", "to", "kind", "structure", "field")


def field_label(field: str, language: str) -> str:
    key = f"field.{field}"
    return t(key, language) if key in catalogue() else field


def kpi_card(metric_name: str, title: str, value: str, detail, description: str, *,
             change: str | None = None, level: str | None = None, href: str | None = None):
    """One headline number; its ids carry the metric name so tests and drill-down find it.

    The metric's definition is the card's tooltip: what is counted is one hover away. The
    status is a glyph and a word beside the number, the colour only repeats it. A card with
    ``href`` is a link to the screen that explains the number.
    """
    language = context.language()
    value_row = [html.Span(value, className="kpi-value", id=f"kpi-{metric_name}")]
    if level:
        value_row.append(html.Span(theme.status_text(level, language), className=f"status status-{level}"))
    body = [html.H2(title, className="kpi-title"), html.Div(value_row, className="kpi-value-row")]
    if change:
        body.append(html.Div(change, className="kpi-change", id=f"kpi-{metric_name}-change"))
    body.append(html.Div(detail, className="kpi-detail"))
    card = html.Section(body, className="kpi-card" + (f" level-{level}" if level else ""), title=description)
    return dcc.Link(card, href=href, className="kpi-link") if href else card


def change_line(name: str, period, current, language: str, *, points: bool, **options) -> str:
    """The change of a metric's value against its comparison period (DOMAIN.md: cùng kỳ for
    a calendar-aligned period), in words and a glyph, naming that period: "▲ tăng 1,3 điểm %
    so với cùng kỳ (01/11/2026 – 02/11/2026)" (points for rates, counts else)."""
    before = data.total(name, period.previous(), **options)["value"]
    if current is None or before is None:
        return fmt.change(None, language)
    delta = (current - before) * (100 if points else 1)
    return fmt.change(delta, language, points=points, digits=1 if points else 0) + " " + fmt.comparison(period, language)


def detail_with_sample(detail, row: dict, name: str, language: str):
    """A card's detail, with "ít số liệu (n = 7)" below it when the rate rests on fewer
    records than the minimum: shown, never judged (DOMAIN.md, Small samples)."""
    if not row.get("small_sample"):
        return detail
    note = html.Div(t("sample.small", language, n=fmt.count(row.get("denominator"), language)),
                    className="sample-small", id=f"kpi-{name}-sample",
                    title=t("sample.small.title", language, minimum=data.minimum(name)))
    return [detail, note]


def notice(text, kind: str = "info") -> dmc.Alert:
    return dmc.Alert(text, color="yellow" if kind == "warning" else "blue", className="notice")


def empty(reason: str, name: str = "") -> html.Div:
    """An empty state that says why there is nothing (never a blank chart)."""
    return html.Div([html.Div(t("empty.title", context.language()), className="empty-title"),
                     html.Div(reason, className="empty-reason")],
                    className="empty-state", **({"id": f"{name}-empty"} if name else {}))


def empty_section(title: str, reason: str, name: str) -> html.Section:
    """A panel with nothing to show, saying why (its empty state carries the panel's name)."""
    return section(title, empty(reason, name), name=name)


def form_field(label: str, control) -> html.Label:
    return html.Label([html.Span(label), control], className="form-field")


def unit_options(language: str) -> list[dict]:
    """The units that exist today, for a picker (by name or code)."""
    return [{"label": data.unit_label(code, language), "value": code} for code in data.current_units().index]


def shown_once(text: str, secret: str, name: str) -> dmc.Alert:
    """A link or key shown once (only its digest is kept), selectable for copying."""
    return notice([html.Div(text), html.Code(secret, id=name, className="one-time-link")])


def revocable_table(sheet, name: str, button_id, language: str, *, none: str, links=None):
    """An administrator's table of tokens or keys, a "Thu hồi" (revoke) button on each one
    still in use, asking first (a wall or a system loses its access at once); its
    ``submit_n_clicks`` is what the screen's callback hears, ``button_id(row)`` its id;
    ``none`` says why the table is empty."""
    if sheet.rows.empty:
        return empty(none, name)
    rows = [cells + [html.Td(None if row.revoked else dcc.ConfirmDialogProvider(
        html.Button(t("access.action.revoke", language), className="small-button"), id=button_id(row),
        message=t("access.revoke_confirm", language, name=row.name)), className="actions")]
        for cells, row in zip(sheet.written_rows(language), sheet.rows.itertuples())]
    return html.Div([table(sheet.headers() + [(t("access.col.actions", language), False)], rows, f"{name}-table"),
                     links])


def admin_action(action, language: str):
    """What an administrator's ``action`` returns, or its refusal as a warning in the
    reader's language (the action checks the right again and writes the audit log)."""
    try:
        return action()
    except accounts.AccountError as exc:
        return notice(exc.text(language), "warning")
    except manage.AccessDenied:
        return notice(t("auth.forbidden", language), "warning")


def refuse(what: str) -> NoReturn:
    """A callback value no screen sends (a crafted request): answered 400, nothing read."""
    raise BadRequest(f"not a value this screen sends: {what}")


def whole(value, what: str, low: int, high: int, default: int | None = None) -> int:
    """A number a callback was sent (a row, an offset, a filter), as a whole number within
    [low, high]; a missing one is ``default``; text, a list, a boolean or 1e308 is refused."""
    if value is None and default is not None:
        return default
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value) \
            or not low <= value <= high:
        refuse(what)
    return int(value)


def text(value, what: str) -> str | None:
    """A form field's value as a callback was sent it: text, or None when empty; anything
    else (a list, a number where text goes) is refused."""
    if value is None or isinstance(value, str):
        return value
    refuse(what)


def texts(value, what: str) -> list[str] | None:
    """A multiple choice's value: a list of texts, or None; anything else is refused."""
    if value is None or (isinstance(value, list) and all(isinstance(item, str) for item in value)):
        return value
    refuse(what)


def fields(value, what: str) -> list[str | None]:
    """The values of a pattern's fields (each text or empty), as a callback was sent them."""
    if value is None:
        return []
    if isinstance(value, list) and all(item is None or isinstance(item, str) for item in value):
        return value
    refuse(what)


def ids(value, what: str, *keys: str) -> list[dict]:
    """The ids of a pattern's components (each a dict with ``keys``), as a callback was sent them."""
    if value is None:
        return []
    if isinstance(value, list) and all(isinstance(item, dict) and all(k in item for k in keys) for item in value):
        return value
    refuse(what)


def clicked() -> bool:
    """A real click, not a table of buttons being drawn again (new buttons start at no clicks)."""
    return bool(dash.ctx.triggered and dash.ctx.triggered[0]["value"])


def admin_callback(name: str, table, *dependencies):
    """Register ``action(language, who, db, *states)`` as the callback of the admin panel
    ``name``: on a real click (one of the ``Input`` dependencies) it runs, its result or its
    refusal goes to ``{name}-result``, and ``table(language)`` is drawn again into ``name``."""
    inputs = sum(isinstance(dependency, dash.Input) for dependency in dependencies)

    def register(action):
        def run(*values):
            if not clicked():
                return dash.no_update, dash.no_update
            language = context.language()
            result = admin_action(lambda: action(language, context.principal(), context.db(), *values[inputs:]),
                                  language)
            return table(language), result

        run.__module__ = action.__module__  # the page's own callback: the gate asks for that page's right
        dash.callback(dash.Output(name, "children"), dash.Output(f"{name}-result", "children"), *dependencies,
                      prevent_initial_call=True)(run)
        return action
    return register


def section(title: str, *children, name: str, note: str | None = None) -> html.Section:
    head = [html.H3(title, className="section-title")]
    if note:
        head.append(html.Div(note, className="section-note"))
    return html.Section(head + list(children), className="panel", id=f"panel-{name}")


def breadcrumbs(view: View, screen: str, language: str, current: str | None = None) -> html.Nav:
    """Tổng quan › the screen drilled from › this screen (› the unit); the overview only for
    those who may open it (an administrator's trail starts at its own screen)."""
    trail = []
    if context.principal().can(screens.right("overview")):
        trail.append((t("nav.overview", language), view.href(screens.path("overview"), unit=None, via=None)))
    if view.via not in ("overview", screen) and view.via in {page["name"] for page in screens.menu()}:
        trail.append((t(f"nav.{view.via}", language), view.href(screens.path(view.via), unit=None, via=None)))
    if screen != "overview":
        trail.append((t(f"nav.{screen}", language), view.href(screens.path(screen), unit=None) if current else None))
    if current:
        trail.append((current, None))
    items = []
    for number, (label, href) in enumerate(trail):
        if number:
            items.append(html.Span("›", className="crumb-sep", **{"aria-hidden": "true"}))
        items.append(dcc.Link(label, href=href, className="crumb") if href
                     else html.Span(label, className="crumb current", **{"aria-current": "page"}))
    return html.Nav(items, className="breadcrumbs", id="breadcrumbs", **{"aria-label": t("nav.breadcrumb", language)})


def _chips(view: View, path: str, param: str, choices, language: str, label_key: str) -> html.Div:
    current = getattr(view, param)
    links = [html.Span(t(label_key, language), className="chips-label")]
    for value, label in choices:
        active = value == current
        links.append(dcc.Link(label, href=view.href(path, **{param: value}),
                              className="chip" + (" active" if active else "")))
    return html.Div(links, className="chips", id=f"filter-{param}")


def filter_bar(view: View, path: str, language: str, controls=("period", "kind", "structure")) -> html.Div:
    """The filters a screen offers; each one changes the URL, nothing else."""
    today = context.today()
    rows = []
    if "period" in controls:
        presets = [dcc.Link(t(f"period.{key}", language), href=view.href(path, period=preset(today)),
                            className="chip" + (" active" if preset(today) == view.period else ""))
                   for key, preset in ((k, periods.PRESETS[k]) for k in periods.CHIPS)]
        picker = dcc.DatePickerRange(
            id="period-range", start_date=view.period.start, end_date=view.period.end,
            # Monday first; month and weekday names from assets/datepicker-vi.js ("Tháng 12", T2 … CN)
            display_format="DD/MM/YYYY", first_day_of_week=1, minimum_nights=0,
            month_format="MMMM/YYYY" if language == "vi" else "MMMM YYYY",
            max_date_allowed=today, start_date_placeholder_text=t("period.from", language),
            end_date_placeholder_text=t("period.to", language), className="period-range")
        shown = dcc.Store(id="period-shown", data=[view.period.start.isoformat(), view.period.end.isoformat()])
        rows.append(html.Div(presets + [picker, shown], className="chips", id="filter-period"))
    if "kind" in controls:
        rows.append(_chips(view, path, "kind", [(None, t("filter.all", language))]
                           + [(k, t(f"kind.{k}", language)) for k in UNIT_KINDS], language, "filter.kind"))
    if "structure" in controls:
        rows.append(_chips(view, path, "structure", [(s, t(f"structure.{s}", language)) for s in STRUCTURES],
                           language, "filter.structure"))
    if "field" in controls:
        rows.append(html.Div([
            html.Label(t("filter.field", language), className="chips-label", htmlFor="filter-field-select"),
            dcc.Dropdown(id={"type": "nav-select", "param": "field"},
                         options=[{"label": field_label(f, language), "value": f} for f in data.fields()],
                         value=view.field, placeholder=t("filter.all", language), clearable=True,
                         className="field-select"),
        ], className="chips", id="filter-field"))
    return html.Div(rows, className="filter-bar")


def grid_locale(language: str) -> dict:
    """AG Grid's own words (paging, filters) from the catalogue."""
    keys = ("loadingOoo", "noRowsToShow", "page", "of", "to", "more", "pageSizeSelectorLabel", "contains",
            "greaterThanOrEqual", "lessThanOrEqual", "filterOoo", "applyFilter", "resetFilter", "clearFilter")
    return {key: t(f"grid.{key}", language) for key in keys}


def data_status_line(language: str) -> html.Div:
    """"Data as of", and the stale-source alarm, which ``assets/opscenter.js`` keeps
    current from ``/live/state`` (a source can go stale without any new publish)."""
    try:
        as_of = t("data.as_of", language, time=fmt.moment(context.reader().published_at, language))
    except NoSnapshot:  # an administrator's screens work before the first publish
        as_of = t("data.none", language)
    return html.Div([
        html.Span(as_of, className="data-as-of", id="data-as-of"),
        html.Span("", className="stale-alarm", id="stale-alarm", role="alert",
                  **{"data-template": "⚠ " + t("data.stale", language, sources="{sources}")}),
    ], className="data-line")


def page(view: View, screen: str, language: str, body, *, controls=("period", "kind", "structure"),
         title: str | None = None, current: str | None = None) -> html.Div:
    """The scaffold every desk screen shares: where you are, what you filter, how fresh."""
    problems = [notice(t("period.invalid", language, problem=value) if name == "period"
                       else t("filter.invalid", language, name=name, value=value), "warning")
                for name, value in view.problems]
    return html.Div([
        breadcrumbs(view, screen, language, current),
        html.Div([html.H2(title or t(f"nav.{screen}", language), className="page-title"),
                  data_status_line(language)], className="page-head"),
        html.Div(t("period.label", language, start=fmt.day(view.period.start, language),
                   end=fmt.day(view.period.end, language)), className="period-label", id="period-label")
        if "period" in controls else None,
        filter_bar(view, screens.path(screen), language, controls),
        *problems,
        html.Div(body, className="page-body"),
    ], className=f"screen screen-{screen}")


def as_json(tree):
    """A component tree as the JSON Dash sends (components, figures and all)."""
    return json.loads(to_json(tree))


def refusal(screen_name: str, language: str):
    """The notice a principal gets instead of a screen its role does not open (logged), else None."""
    return None if context.allowed(screens.right(screen_name)) else notice(t("auth.forbidden", language), "warning")


def screen(render=None, *, cache: bool = True):
    """A page's ``layout(**query)`` from ``render(view, language)``: the view comes from the
    URL, and a warehouse with nothing published yet shows why instead of an error.

    Only a principal whose role opens the screen gets it (a crafted routing callback
    included). The rendered page is cached like a metric (by URL query, language, today,
    data version, scope and capabilities): the same view on the same data for the same
    rights is built once. A page whose content changes
    between publishes (the data status) passes ``cache=False``.
    """
    def decorate(render):
        def layout(**query):
            language = context.language()
            name = dash.page_registry[render.__module__]["name"]
            if (no := refusal(name, language)) is not None:
                return no
            context.enter_page(name, query)
            who = context.principal()
            today = context.today()
            build = lambda: render(from_query(query, today), language)  # noqa: E731
            try:
                if not cache:
                    return build()
                return cached("page", {"screen": render.__module__, "query": query, "language": language,
                                       "today": today, "can": sorted(who.capabilities)}, build, encode=as_json)
            except NoSnapshot:
                return notice(t("data.none", language), "warning")
            except Exception:  # noqa: BLE001 - one broken screen must say so, not leave a blank page
                log.exception("screen %s failed for %s", render.__module__, query)
                return notice(t("screen.error", language), "warning")

        layout.__doc__ = render.__doc__
        return layout

    return decorate(render) if render is not None else decorate


def current_page() -> tuple[str, dict] | None:
    """The screen being built and its URL query (set by ``screen``), for the links that
    download its tables and charts; None outside a screen (the wall, the weekly brief)."""
    return context.current_page()


def table(columns: list[tuple[str, bool]], rows: list[list], table_id: str) -> html.Table:
    """A plain, accessible table: ``columns`` are (header, numeric); numbers right-aligned.
    A cell that is already a ``Td``/``Th`` is kept as it is (e.g. a row header)."""
    head = html.Thead(html.Tr([html.Th(label, scope="col", className="num" if numeric else None)
                               for label, numeric in columns]))
    # each cell carries its column's header, which a phone writes before it (a row becomes a card)
    body = html.Tbody([html.Tr([cell if isinstance(cell, (html.Td, html.Th)) else
                                html.Td(cell, className="num" if numeric else None, **{"data-label": label})
                                for cell, (label, numeric) in zip(row, columns)]) for row in rows])
    return html.Table([head, body], className="data-table", id=table_id)


def status_legend(language: str, name: str) -> str:
    """The metric's status rule in words, "✓ Đạt ≥ 95,0% · ! Cần chú ý ≥ 85,0% · ✗ Chậm", with
    the thresholds the data in use was published with."""
    rule = REGISTRY[name].status
    limits = data.thresholds(name)
    sign = "≤" if rule.lower_is_better else "≥"
    if rule.on == "gap_pp":
        write = lambda v: fmt.points_change(v, language) + " " + t("unit.pp", language)  # noqa: E731
    elif rule.scale in ("count", "score"):
        write = lambda v: fmt.decimal(v, language, 0)  # noqa: E731
    else:
        write = lambda v: fmt.percent(v, language)  # noqa: E731
    per_unit = " " + t("status.per_unit", language) if rule.per_unit else ""
    return " · ".join([f"{theme.status_text('good', language)} {sign} {write(limits['good'])}",
                       f"{theme.status_text('warn', language)} {sign} {write(limits['watch'])}{per_unit}",
                       theme.status_text("bad", language)])