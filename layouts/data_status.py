"""Dữ liệu / Data status: is each source fresh, what did the last runs do, which rows were
refused and why, what the Government Operation Center has received.

Freshness is read live from ``sources.json`` (the pipelines rewrite it after every run,
even a failed one); the run log and the quarantine come from the published snapshot, as
of its publish. The quarantined rows are a bounded list, narrowed by dataset through the
URL (``/data?dataset=tasks``), so a copied link shows the same rows.
"""
from __future__ import annotations

from datetime import datetime
from pathlib import PurePath
from urllib.parse import urlsplit

import dash
import dash_ag_grid as dag
import dash_mantine_components as dmc
import pandas as pd
from dash import dcc, html

from appdb import outbox
from dashboard import components as ui, context, exports, formatting as fmt
from dashboard.briefs import archive, web as briefs_web
from dashboard.context import cached
from dashboard.i18n import t
from dashboard.state import View
from warehouse import freshness, runs

DATASETS = ("dossiers", "tasks", "budget", "units", "procedures")
RUN_ROWS = 50
QUARANTINE_ROWS = 200
BRIEF_ROWS = 5
GOC_ROWS = 10
GOC_ANSWER_CHARS = 200
PATH = "/data"
LOCALES = {"vi": "vi-VN", "en": "en-GB"}


# --- data: the snapshot through the screen cache, freshness live -------------------------

def _last_runs() -> pd.DataFrame:
    return cached("data_status.runs", {"limit": RUN_ROWS},
                  lambda: runs.last_runs(context.reader(), RUN_ROWS))


def _quarantine_counts() -> pd.DataFrame:
    return cached("data_status.quarantine_counts", {}, lambda: runs.quarantine_counts(context.reader()))


def _quarantined(dataset: str | None) -> pd.DataFrame:
    return cached("data_status.quarantined", {"dataset": dataset, "limit": QUARANTINE_ROWS},
                  lambda: runs.quarantined_rows(context.reader(), dataset=dataset, limit=QUARANTINE_ROWS))


def _sources(now: datetime) -> list[dict]:
    """Each source's state with ``stale``; not cached: it changes between publishes."""
    return freshness.read(context.settings(), now)


# --- words -------------------------------------------------------------------------------

def dataset_label(dataset: str, language: str) -> str:
    return t(f"data_status.dataset.{dataset}", language) if dataset in DATASETS else dataset


def duration(minutes: float, language: str) -> str:
    """A span in the largest whole unit that reads naturally: 30 phút, 3 giờ, 2 ngày, 1 tuần."""
    minutes = max(0, int(minutes))
    for unit, size in (("week", 10080), ("day", 1440), ("hour", 60)):
        if minutes >= size and (minutes % size == 0 or minutes >= 2 * size):
            n = minutes // size
            return t(f"data_status.span.{unit}{'' if n == 1 else 's'}", language, n=fmt.count(n, language))
    plural = "" if minutes == 1 else "s"
    return t(f"data_status.span.minute{plural}", language, n=fmt.count(minutes, language))


def _watermark(value, language: str, now: datetime) -> str:
    """A watermark as the source gave it, by the source's own clock; a date-time one in the
    reader's format, with a warning when it is later than ``now`` (aware), so a source's
    clock or records stamped ahead of time are not shown as if they were fresh."""
    if value in (None, ""):
        return fmt.NO_DATA
    try:
        moment = datetime.fromisoformat(str(value))
    except ValueError:
        return str(value)
    written = fmt.moment(moment, language)
    if moment > (now if moment.tzinfo else now.replace(tzinfo=None)):
        written += " " + t("data_status.watermark.future", language)
    return written


def _source_label(source: str) -> str:
    """Where rows came from: the file's name for a file drop, else the source as logged."""
    names = [PurePath(part).name if "/" in part else part for part in str(source).split(", ")]
    return ", ".join(names)


def run_status(status: str, language: str) -> str:
    glyph = {"success": "✓", "failed": "✗", "running": "…"}.get(status, "–")
    key = f"data_status.run.{status}"
    return f"{glyph} {t(key, language) if status in ('success', 'failed', 'running') else status}"


def freshness_status(source: dict, now: datetime, language: str) -> tuple[str, str]:
    """(level, words): ✓ up to date, or ⚠ stale with how long since the last success."""
    limit = duration(source.get("freshness_minutes") or 0, language)
    success = source.get("last_success_at")
    if not source["stale"]:
        return "good", "✓ " + t("data_status.fresh", language, limit=limit)
    if not success:
        return "warn", "⚠ " + t("data_status.stale_never", language)
    age = (now - datetime.fromisoformat(success)).total_seconds() / 60
    return "warn", "⚠ " + t("data_status.stale", language, age=duration(age, language), limit=limit)


# --- sections ----------------------------------------------------------------------------

def _table(headers: list[str], rows: list, name: str) -> dmc.Table:
    return dmc.Table([
        dmc.TableThead(dmc.TableTr([dmc.TableTh(h) for h in headers])),
        dmc.TableTbody(rows),
    ], id=name, striped=True, highlightOnHover=True, withTableBorder=True, className="data-table")


SOURCE_KEYS = ("source_name", "dataset_name", "level", "words", "stale", "last_run_at", "run_status",
               "last_success_at", "limit", "watermark_text", "last_error")


@exports.table("data-sources", screen="data", filters=())
def sources_sheet(view: View, language: str) -> exports.Sheet:
    """Each source's freshness, last run and success, limit, watermark and last error, as now."""
    clock = context.now()
    now = clock.replace(tzinfo=None)
    rows = pd.DataFrame([{
        **source, "dataset_name": dataset_label(source.get("dataset"), language),
        **dict(zip(("level", "words"), freshness_status(source, now, language))),
        "run_status": run_status(source["last_status"], language) if source.get("last_status") else None,
        "limit": duration(source.get("freshness_minutes") or 0, language),
        "watermark_text": _watermark(source.get("watermark"), language, clock),
    } for source in _sources(now)], columns=SOURCE_KEYS)
    label = lambda key: t(f"data_status.col.{key}", language)  # noqa: E731
    column = exports.Column
    return exports.Sheet(t("exports.title.data-sources", language), [
        column("source_name", label("source")), column("dataset_name", label("dataset")),
        column("words", label("status")), column("last_run_at", label("last_run"), "datetime"),
        column("run_status", t("exports.col.last_status", language)),
        column("last_success_at", label("last_success"), "datetime"), column("limit", label("limit")),
        column("watermark_text", label("watermark")), column("last_error", label("last_error")),
    ], rows)


def _source_rows(sheet: exports.Sheet, language: str) -> list:
    written = sheet.texts(language)
    rows = []
    for number, source in enumerate(sheet.rows.itertuples()):
        last = written["last_run_at"][number]
        if written["run_status"][number]:
            last = f"{last} · {written['run_status'][number]}"
        rows.append(dmc.TableTr([
            dmc.TableTd([html.Div(source.source_name, className="source-name"),
                         html.Div(source.dataset_name, className="muted")]),
            dmc.TableTd(html.Span(source.words, className=f"status status-{source.level}",
                                  id=f"data-source-{source.source_name}-status")),
            dmc.TableTd(last),
            dmc.TableTd(written["last_success_at"][number]),
            dmc.TableTd(source.limit),
            dmc.TableTd(source.watermark_text),
            dmc.TableTd(written["last_error"][number] or fmt.NO_DATA, className="error-text"),
        ], id=f"data-source-{source.source_name}", className="source-stale" if source.stale else None))
    return rows


def _sources_section(view: View, language: str):
    sheet = sources_sheet(view, language)
    title = t("data_status.sources", language)
    if sheet.rows.empty:
        return ui.empty_section(title, t("data_status.sources.none", language), "data-sources")
    summary = t("data_status.summary", language, count=fmt.count(len(sheet.rows), language),
                stale=fmt.count(int(sheet.rows["stale"].sum()), language))
    headers = [t(f"data_status.col.{c}", language) for c in
               ("source", "status", "last_run", "last_success", "limit", "watermark", "last_error")]
    return ui.section(title, html.Div(summary, className="data-summary", id="data-summary"),
                      _table(headers, _source_rows(sheet, language), "data-sources"),
                      exports.links("data-sources"),
                      name="data-sources", note=t("data_status.sources.note", language))


def _text_column(field: str, language: str, flex: float = 1, **extra) -> dict:
    return {"field": field, "headerName": t(f"data_status.col.{field}", language), "flex": flex,
            "minWidth": 110, **extra}


def _number_column(field: str, language: str, *, digits: int = 0) -> dict:
    """A numeric column: sorted as a number, written in the reader's locale."""
    options = f"{{maximumFractionDigits: {digits}, minimumFractionDigits: {digits}}}"
    written = f"Number(params.value).toLocaleString('{LOCALES[language]}', {options})"
    return {"field": field, "headerName": t(f"data_status.col.{field}", language), "type": "rightAligned",
            "flex": 1, "minWidth": 90,
            "valueFormatter": {"function": f"params.value == null ? '{fmt.NO_DATA}' : {written}"}}


def _grid(name: str, columns: list[dict], rows: list[dict], language: str, height: str) -> dag.AgGrid:
    return dag.AgGrid(
        id=name,
        columnDefs=columns,
        rowData=rows,
        defaultColDef={"resizable": True, "sortable": True, "wrapText": True, "autoHeight": True},
        dashGridOptions={"localeText": ui.grid_locale(language), "enableCellTextSelection": True},
        className="ag-theme-alpine",
        style={"height": height},
    )


@exports.table("data-runs", screen="data", filters=())
def runs_sheet(view: View, language: str) -> exports.Sheet:
    """The last runs: when, which source, what they read, loaded, left and set aside."""
    frame = _last_runs()
    rows = frame.assign(
        source=[name if isinstance(name, str) and name else _source_label(source)
                for name, source in zip(frame["source_name"], frame["source"])],
        dataset=frame["dataset"].map(lambda v: dataset_label(v, language)),
        status=frame["status"].map(lambda v: run_status(v, language)),
        duration_s=frame["duration_s"].round(1))
    counts = ("rows_read", "rows_loaded", "rows_unchanged", "rows_quarantined")
    return exports.Sheet(t("exports.title.data-runs", language), [
        _column("started_at", language, "datetime"), _column("source", language),
        _column("dataset", language), _column("status", language), *[_column(key, language, "count") for key in counts],
        _column("duration_s", language, "decimal"), _column("error", language),
    ], rows, notes=exports.latest(len(rows), RUN_ROWS, language))


def _column(key: str, language: str, kind: str = "text") -> exports.Column:
    return exports.Column(key, t(f"data_status.col.{key}", language), kind)


def _runs_section(view: View, language: str):
    sheet = runs_sheet(view, language)
    title = t("data_status.runs", language, count=RUN_ROWS)
    if sheet.rows.empty:
        return ui.empty_section(title, t("data_status.runs.none", language), "data-runs")
    columns = [
        _text_column("started_at", language, sortable=False, minWidth=160),
        _text_column("source", language, 1.4),
        _text_column("dataset", language, 1.3), _text_column("status", language, minWidth=140),
        _number_column("rows_read", language), _number_column("rows_loaded", language),
        _number_column("rows_unchanged", language), _number_column("rows_quarantined", language),
        _number_column("duration_s", language, digits=1), _text_column("error", language, 2),
    ]
    return ui.section(title, _grid("data-runs-grid", columns, sheet.records(language), language, "440px"),
                      exports.links("data-runs"), name="data-runs", note=t("data_status.runs.note", language))


@exports.table("data-quarantine-counts", screen="data", filters=())
def counts_sheet(view: View, language: str) -> exports.Sheet:
    """Quarantined rows per dataset, and when the last was set aside."""
    counts = _quarantine_counts()
    return exports.Sheet(t("exports.title.data-quarantine-counts", language), [
        _column("dataset", language, "text"), _column("quarantined", language, "count"),
        _column("last_at", language, "datetime"),
    ], counts.assign(code=counts["dataset"], quarantined=counts["rows"],
                     dataset=counts["dataset"].map(lambda v: dataset_label(v, language))))


def _counts_section(view: View, language: str):
    sheet = counts_sheet(view, language)
    title = t("data_status.quarantine", language)
    if sheet.rows.empty:
        return ui.empty_section(title, t("data_status.quarantine.none", language), "data-quarantine")
    written = sheet.texts(language)
    rows = [dmc.TableTr([
        dmc.TableTd(dcc.Link(row.dataset, href=f"{PATH}?dataset={row.code}#panel-data-quarantined")),
        dmc.TableTd(written["quarantined"][number], className="num"),
        dmc.TableTd(written["last_at"][number]),
    ], id=f"data-quarantine-{row.code}") for number, row in enumerate(sheet.rows.itertuples())]
    total = fmt.count(sheet.rows["quarantined"].sum(), language)
    rows.append(dmc.TableTr([dmc.TableTd(html.Strong(t("data_status.total", language))),
                             dmc.TableTd(html.Strong(total), className="num"), dmc.TableTd("")]))
    headers = [column.label for column in sheet.columns]
    return ui.section(title, _table(headers, rows, "data-quarantine-counts"),
                      exports.links("data-quarantine-counts"),
                      name="data-quarantine", note=t("data_status.quarantine.note", language))


@exports.table("data-quarantined", screen="data", filters=(), params=("dataset",))
def quarantined_sheet(view: View, language: str, dataset: str | None = None) -> exports.Sheet:
    """The quarantined rows (of one dataset, when chosen) with the reason each was refused;
    none for a reader of some units only, since a record may name any unit."""
    if dataset is not None and dataset not in DATASETS:
        raise exports.BadQuery(dataset)
    frame = _quarantined(dataset)
    if not context.scope().is_everything:
        frame = frame.iloc[0:0]
    rows = frame.assign(dataset=frame["dataset"].map(lambda v: dataset_label(v, language)),
                        source=frame["source"].map(_source_label))
    chosen = f"{t('data_status.filter.dataset', language)}: {dataset_label(dataset, language)}"
    notes = ((chosen,) if dataset else ()) + exports.latest(len(rows), QUARANTINE_ROWS, language)
    return exports.Sheet(t("exports.title.data-quarantined", language), [
        _column("quarantined_at", language, "datetime"), _column("dataset", language),
        _column("source", language), _column("row_number", language, "count"), _column("reason", language), _column("record", language),
    ], rows, notes=notes)


def _quarantined_section(view: View, dataset: str | None, language: str):
    title = t("data_status.quarantined", language, count=QUARANTINE_ROWS)
    picker = html.Div([
        html.Label(t("data_status.filter.dataset", language), className="chips-label",
                   htmlFor="data-dataset-select"),
        dcc.Dropdown(id={"type": "nav-select", "param": "dataset"},
                     options=[{"label": dataset_label(d, language), "value": d} for d in DATASETS],
                     value=dataset, placeholder=t("filter.all", language), clearable=True,
                     className="field-select"),
    ], className="chips", id="data-dataset-filter")
    if not context.scope().is_everything:  # a record may name any unit: only readers of every unit see them
        return ui.section(title, ui.notice(t("data_status.quarantined.restricted", language), "warning"),
                          name="data-quarantined")
    sheet = quarantined_sheet(view, language, dataset)
    if sheet.rows.empty:
        reason = (t("data_status.quarantined.none_in", language, dataset=dataset_label(dataset, language))
                  if dataset else t("data_status.quarantine.none", language))
        return ui.section(title, picker, ui.empty(reason, "data-quarantined"), name="data-quarantined")
    columns = [
        _text_column("quarantined_at", language, sortable=False, minWidth=160),
        _text_column("dataset", language),
        _text_column("source", language, 1.3), _number_column("row_number", language),
        _text_column("reason", language, 2), _text_column("record", language, 3, cellClass="record-json"),
    ]
    grid = _grid("data-quarantine-grid", columns, sheet.records(language), language, "560px")
    return ui.section(title, picker, grid, exports.links("data-quarantined", dataset=dataset),
                      name="data-quarantined",
                      note=t("data_status.quarantined.note", language, count=QUARANTINE_ROWS))


def _briefs_section(language: str):
    """The scheduled weekly briefs: an administrator opens no Briefs screen, yet must see
    one that failed."""
    title = t("data_status.briefs", language)
    rows = archive.recent(context.db(), context.settings(), None, trigger="schedule", limit=BRIEF_ROWS)
    if not rows:
        return ui.empty_section(title, t("data_status.briefs.none", language), "data-briefs")
    columns = [(t(f"briefs.col.{key}", language), False) for key in ("period", "created", "status")]
    cells = [[briefs_web.period_text(row["period"], language), fmt.moment(row["created_at"], language),
              html.Span(briefs_web.status_text(row, language), className=f"brief-status brief-{row['status']}")]
             for row in rows]
    return ui.section(title, ui.table(columns, cells, "data-briefs-table"), name="data-briefs",
                      note=t("data_status.briefs.note", language, count=BRIEF_ROWS))


def _goc_period(row, language: str) -> str:
    """A pushed period in words: Tháng 11/2026, Tuần 47/2026, Quý 4/2026, Năm 2026..."""
    year, _, part = row.period.partition("-")
    number = part.lstrip("WQ").lstrip("0") if row.period_type in ("week", "quarter", "month", "gov_month") else ""
    words = (fmt.day(row.period_start, language) if row.period_type == "day"
             else t(f"data_status.goc.period.{row.period_type}", language, n=number, year=year))
    return words if row.complete else t("data_status.goc.period.to_date", language, period=words,
                                        day=fmt.day(row.period_end, language))


def _goc_status(row, language: str):
    if row.acknowledged_at is not None:
        return "good", "✓ " + t("data_status.goc.acknowledged", language,
                                at=fmt.moment(outbox.utc(row.acknowledged_at), language))
    if not row.attempts:
        return "warn", "… " + t("data_status.goc.waiting", language)
    return "warn", "⚠ " + t("data_status.goc.retrying", language, n=fmt.count(row.attempts, language),
                            at=fmt.moment(outbox.utc(row.next_attempt_at), language), error=_cut(row.last_error))


def _goc_section(language: str):
    """The push to the Government Operation Center: where it goes, what waits, what was received."""
    settings = context.settings()
    title = t("data_status.goc", language)
    rows = outbox.recent(context.db(), GOC_ROWS)
    if not settings.goc_push:
        off = ui.notice(t("data_status.goc.off", language))
        return ui.section(title, off, *([_goc_table(rows, language)] if rows else []), name="data-goc")
    target = urlsplit(settings.goc_push_url)
    host = f"{target.hostname}:{target.port}" if target.port else target.hostname
    count, oldest = outbox.pending(context.db())
    head = (t("data_status.goc.pending", language, target=host, n=fmt.count(count, language),
              since=fmt.moment(oldest, language)) if count else t("data_status.goc.clear", language, target=host))
    summary = [html.Div(head, className="data-summary", id="data-goc-summary")]
    if target.scheme != "https":
        summary.append(ui.notice(t("data_status.goc.insecure", language), "warning"))
    body = _goc_table(rows, language) if rows else ui.empty(t("data_status.goc.none", language), "data-goc")
    return ui.section(title, *summary, body, name="data-goc", note=t("data_status.goc.note", language, count=GOC_ROWS))


def _goc_table(rows, language: str):
    columns = [(t(f"data_status.goc.col.{key}", language), key in ("rows", "attempts"))
               for key in ("period", "version", "rows", "created", "attempts", "status", "receipt")]
    cells = []
    for row in rows:
        level, words = _goc_status(row, language)
        cells.append([_goc_period(row, language), row.data_version, fmt.count(row.rows, language),
                      fmt.moment(outbox.utc(row.created_at), language), fmt.count(row.attempts, language),
                      html.Span(words, className=f"status status-{level}"),
                      _cut(row.receipt) if row.receipt else fmt.NO_DATA])
    return ui.table(columns, cells, "data-goc-table")


def _cut(answer: str, length: int = GOC_ANSWER_CHARS) -> str:
    """A receiver's answer as a cell shows it (the whole is kept, up to 2 000 characters)."""
    return answer if len(answer) <= length else answer[:length] + "…"


# --- the page ------------------------------------------------------------------------------

def _render(view: View, language: str, dataset: str | None, refused: str | None):
    body = []
    if refused:
        body.append(ui.notice(t("filter.invalid", language, name="dataset", value=refused), "warning"))
    body += [
        _sources_section(view, language),
        _counts_section(view, language),
        _runs_section(view, language),
        _quarantined_section(view, dataset, language),
        _goc_section(language),
        _briefs_section(language),
    ]
    return ui.page(view, "data", language, body, controls=())


def layout(dataset: str | None = None, **query):
    """Sources and their freshness, the last runs, the quarantined rows (``?dataset=``)."""
    chosen = dataset if dataset in DATASETS else None
    refused = str(dataset)[:40] if dataset not in (None, "") and chosen is None else None
    return ui.screen(lambda view, language: _render(view, language, chosen, refused), cache=False)(**query)


dash.register_page(__name__, path=PATH, name="data", order=70, right="admin",
                   title=t("app.title"), layout=layout)
