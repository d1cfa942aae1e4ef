"""The briefs in the web app: generation on demand in a background thread (the screen
polls the archive row for progress) and the download of archived files, checked against
the principal's rights and scope and written to the audit log."""
from __future__ import annotations

import logging
import threading
from pathlib import Path

import flask

from appdb import audit
from dashboard import context, formatting as fmt, periods
from dashboard.auth.roles import Principal
from dashboard.auth.signin import ip
from dashboard.auth.web import error
from dashboard.briefs import archive
from dashboard.briefs.generate import BriefFailed, generate, percent
from dashboard.i18n import t
from warehouse.metrics import Period

log = logging.getLogger(__name__)
TYPES = {".docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
         ".pdf": "application/pdf"}


def start(who: Principal, period: Period, language: str) -> int:
    """Start the brief of ``period`` for ``who`` and return its archive id at once."""
    server = flask.current_app._get_current_object()
    brief_id = archive.start(context.db(), period, language=language, unit_code=who.unit_code,
                             requested_by=who.label, trigger="screen")

    def run():
        try:
            generate(server, who, period, language=language, trigger="screen", brief_id=brief_id)
        except BriefFailed:
            pass  # recorded in the archive and the log; the screen shows it

    threading.Thread(target=run, name=f"brief-{brief_id}", daemon=True).start()
    return brief_id


def week_text(period: Period, language: str) -> str:
    """"Tuần 46/2026 (09/11/2026 – 15/11/2026)"."""
    year, week, _ = period.start.isocalendar()
    return t("briefs.week", language, week=week, year=year, start=fmt.day(period.start, language),
             end=fmt.day(period.end, language))


def period_text(period: Period, language: str) -> str:
    """A brief's period as the screens name it: its ISO week, or its first and last day."""
    if periods.week_label(period):
        return week_text(period, language)
    return f"{fmt.day(period.start, language)} – {fmt.day(period.end, language)}"


def status_text(row: dict, language: str) -> str:
    """What became of a brief, in words: done; being made (its step and share); retrying or
    failed, with the reason."""
    if row["status"] == "running":
        return t("briefs.status.running", language, step=t(f"briefs.step.{row['step']}", language),
                 progress=percent(row["step"]))
    error = t("briefs.error.interrupted", language) if row["error"] == "interrupted" else row["error"] or ""
    return t(f"briefs.status.{row['status']}", language, attempts=row["attempts"], error=error)


def may_see(who: Principal, row: dict) -> bool:
    """A ministry-wide principal sees every brief; a unit user only its own unit's."""
    return who.unit_code is None or row["unit_code"] == who.unit_code


def send_archived(directory: str, name: str, who: Principal, detail: dict):
    """A file from an archive's own folder (a brief's, an urging letter's), its download
    audited; a file gone from the disk says so."""
    path = Path(directory) / name
    if not path.is_file():
        return error(404, "not_found", "brief.file_gone")
    audit.record(context.db(), "download", actor=who.label, target=name, ip=ip(), detail=detail)
    return flask.send_file(path, mimetype=TYPES.get(path.suffix, "application/octet-stream"),
                           as_attachment=True, download_name=name, max_age=0)


def register_routes(server: flask.Flask) -> None:
    @server.route("/briefs/file/<int:brief_id>/<name>")
    def brief_file(brief_id: int, name: str):
        """An archived brief file; only names the archive lists, from its own folder."""
        who = context.principal()
        row = archive.get(context.db(), brief_id)
        if not who.can("view") or (row is not None and not may_see(who, row)):
            audit.refused(context.db(), who.label, f"brief {brief_id}", ip())
            return error(403, "forbidden", "auth.forbidden")
        if row is None or row["status"] != "done" or name not in row["files"]:
            return error(404, "not_found", "brief.not_found")
        return send_archived(row["directory"], name, who, {"brief": brief_id})
