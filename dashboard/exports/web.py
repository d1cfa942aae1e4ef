"""The download routes and the links to them.

``/export/table/<name>.<csv|xlsx>?<view>`` writes a registered table for the view in the
URL; ``/export/chart/<screen>/<graph>.<png|svg>?<view>`` draws a chart of the screen as
that view shows it. Both answer only a principal holding the screen's export rights, read
through ``dashboard.data`` (so within its scope, like the screen), and leave an entry in
the audit log, refusals included.
"""
from __future__ import annotations

import re
import unicodedata
from urllib.parse import quote, urlencode

import flask
from dash import html

from appdb import audit
from dashboard import components as ui, context, data, formatting as fmt, images, screens
from dashboard.auth.signin import ip
from dashboard.auth.web import error
from dashboard.exports.files import TYPES, to_csv, to_xlsx
from dashboard.exports.sheet import TABLES, BadQuery, Table, needs
from dashboard.i18n import t
from dashboard.state import View, from_query
from warehouse.snapshots import NoSnapshot

PARAM_CHARS = 120  # a table's own parameter (the audit log's actor filter) at most


def _may(screen: str) -> bool:
    who = context.signed_in()
    return who is not None and all(who.can(right) for right in needs(screen))


def _links(path: str, kinds: tuple[str, ...], screen: str, extra: dict):
    if not _may(screen):
        return None
    page = ui.current_page()
    query = {k: v for k, v in {**(page[1] if page else {}), **extra}.items() if v not in (None, "")}
    suffix = f"?{urlencode(query)}" if query else ""
    anchors = []
    for kind in kinds:
        if anchors:
            anchors.append(" · ")
        anchors.append(html.A(kind.upper(), href=f"{path}.{kind}{suffix}", download="",
                              className="download-link"))
    return html.Div([t("exports.download", context.language()) + " ", *anchors], className="downloads")


def links(name: str, **extra):
    """"Tải xuống: CSV · XLSX" for table ``name`` in the view being built (``extra``: URL
    parameters beyond the view, e.g. the grid's unit kind); None for who may not export it."""
    return _links(f"/export/table/{name}", ("csv", "xlsx"), TABLES[name].screen, extra)


def chart_links(name: str):
    """"Tải xuống: PNG · SVG" for the chart ``name`` of the screen being built, if any."""
    page = ui.current_page()
    if page is None:
        return None
    return _links(f"/export/chart/{page[0]}/{name}", tuple(images.TYPES), page[0], {})


# --- the files' words ---------------------------------------------------------------------

def _filters(table: Table, view: View, language: str) -> list[str]:
    said = []
    if "period" in table.filters:
        said.append(t("exports.period", language, start=fmt.day(view.period.start, language),
                      end=fmt.day(view.period.end, language)))
    if "kind" in table.filters:
        kind = t(f"kind.{view.kind}", language) if view.kind else t("filter.all", language)
        said.append(f"{t('filter.kind', language)}: {kind}")
    if "structure" in table.filters:
        said.append(f"{t('filter.structure', language)}: {t(f'structure.{view.structure}', language)}")
    if "field" in table.filters:
        field = ui.field_label(view.field, language) if view.field else t("filter.all", language)
        said.append(f"{t('filter.field', language)}: {field}")
    if "unit" in table.filters and view.unit:
        said.append(f"{t('nav.unit', language)}: {data.unit_label(view.unit, language)}")
    if (own := context.principal().unit_code) is not None:  # a unit user's files hold its units only
        said.append(t("exports.scope", language, unit=data.unit_label(own, language)))
    return said


def heading(table: Table, view: View, notes: tuple[str, ...], language: str) -> str:
    """The files' first line: the filters, what the file holds (notes: cut, empty, as of),
    the data version and when it was exported."""
    reader = context.reader()
    filters = " · ".join(_filters(table, view, language))
    return " · ".join([
        t("exports.filters", language, filters=filters) if filters else t("exports.no_filters", language),
        *notes,
        t("exports.version", language, version=reader.version,
          time=fmt.moment(reader.published_at, language)),
        t("exports.exported", language, time=fmt.moment(context.now(), language)),
    ])


def _slug(text: str) -> str:
    """ASCII words joined by hyphens: "Hồ sơ quá hạn" -> "ho-so-qua-han"."""
    plain = unicodedata.normalize("NFKD", text.replace("đ", "d").replace("Đ", "D"))
    plain = plain.encode("ascii", "ignore").decode("ascii").lower()
    return re.sub(r"[^a-z0-9]+", "-", plain).strip("-") or "export"


def _attachment(body: bytes, mimetype: str, name: str, title: str, asked: dict) -> flask.Response:
    """The file as a download: an ASCII name, and the title in Vietnamese as RFC 5987's
    ``filename*``; logged as an export with what was ``asked`` (the view's own parameters,
    never the raw query string)."""
    who = context.principal()
    audit.record(context.db(), "export", actor=who.label, target=name, ip=ip(), detail=asked or None)
    response = flask.Response(body, mimetype=mimetype)
    response.headers["Content-Disposition"] = (
        f"attachment; filename=\"{name}\"; filename*=UTF-8''{quote(title, safe='')}")
    response.headers["Cache-Control"] = "private, no-store"
    return response


def _refused(screen: str, target: str):
    """None when the principal may export from ``screen``; else the refusal, logged."""
    if _may(screen):
        return None
    audit.record(context.db(), "export", actor=context.principal().label, outcome="refused", target=target,
                 ip=ip(), detail={"needs": " + ".join(needs(screen))})
    return error(403, "forbidden", "auth.forbidden")


# --- the routes -----------------------------------------------------------------------------

def _view() -> View:
    return from_query(flask.request.args.to_dict(), context.today())


def _unknown_unit(view: View):
    """A unit's list needs a unit that exists: without one it would be every unit's list, a
    file no screen offers. (Another unit than the principal's own gives an empty file: the
    reads keep to its scope.)"""
    if not view.unit or view.unit not in data.units().index:
        return error(404, "not_found", "exports.unit_unknown")
    return None


def table_file(name: str, kind: str):
    table = TABLES.get(name)
    if table is None or kind not in TYPES:
        return error(404, "not_found", "exports.not_found")
    if (no := _refused(table.screen, f"{name}.{kind}")) is not None:
        return no
    language, view = context.language(), _view()
    if view.problems:  # a file must hold what was asked for, not this month in its place
        return error(400, "bad_query", "exports.bad_query")
    try:
        if "unit" in table.filters and (no := _unknown_unit(view)) is not None:
            return no
        params = {p: (flask.request.args.get(p) or "")[:PARAM_CHARS] or None for p in table.params}
        sheet = table.build(view, language, **params)
    except NoSnapshot:
        return error(503, "no_data", "data.none")
    except BadQuery:
        return error(400, "bad_query", "exports.bad_query")
    notes = sheet.notes + ((t("exports.empty", language),) if sheet.rows.empty else ())
    line = heading(table, view, notes, language)
    body = to_csv(sheet, line, language) if kind == "csv" else to_xlsx(sheet, line)
    parts = (([view.unit] if "unit" in table.filters else [])
             + ([view.kind] if "kind" in table.filters and view.kind else [])  # one ranking file per kind
             + ([view.period.start.isoformat(), view.period.end.isoformat()] if "period" in table.filters
                else [context.now().strftime("%Y-%m-%d_%H%M")]))
    name = "_".join([_slug(sheet.title), *parts]) + f".{kind}"
    return _attachment(body, TYPES[kind], name, "_".join([sheet.title, *parts]) + f".{kind}",
                       {**view.params(), **{k: v for k, v in params.items() if v}})


def _graph(tree, name: str):
    """The figure of the ``dcc.Graph`` named ``name`` in a page's JSON form, or None."""
    if isinstance(tree, list):
        return next((found for child in tree if (found := _graph(child, name)) is not None), None)
    if not isinstance(tree, dict):
        return None
    props = tree.get("props", {})
    graph_id = props.get("id")
    named = graph_id.get("name") if isinstance(graph_id, dict) else graph_id  # a drill graph's id is a dict
    if tree.get("type") == "Graph" and named == name:
        return props.get("figure")
    return _graph(props.get("children"), name)


def chart_file(screen: str, name: str, kind: str):
    page = next((p for p in screens.menu() if p["name"] == screen), None)  # the wall offers no files
    if page is None or kind not in images.TYPES:
        return error(404, "not_found", "exports.not_found")
    if (no := _refused(screen, f"{screen}/{name}.{kind}")) is not None:
        return no
    view = _view()
    if view.problems:
        return error(400, "bad_query", "exports.bad_query")
    try:
        context.reader().version  # the page would only say there is no data, and hold no chart
    except NoSnapshot:
        return error(503, "no_data", "data.none")
    figure = _graph(ui.as_json(page["layout"](**flask.request.args.to_dict())), name)
    if figure is None:
        return error(404, "not_found", "exports.not_found")
    stem = f"{name}_{view.period.start.isoformat()}_{view.period.end.isoformat()}.{kind}"
    return _attachment(images.render(figure, kind), images.TYPES[kind], stem, stem, view.params())


def register_routes(server: flask.Flask) -> None:
    server.add_url_rule("/export/table/<name>.<kind>", "export_table", table_file)
    server.add_url_rule("/export/chart/<screen>/<name>.<kind>", "export_chart", chart_file)
