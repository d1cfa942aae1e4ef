"""The urging letters' files in the web app: a letter's DOCX or PDF for those who may see
it (the office, analysts; a unit user its own unit's only), audited."""
from __future__ import annotations

from pathlib import Path

import flask

from appdb import audit, urgings
from dashboard import context
from dashboard.auth.signin import ip
from dashboard.auth.web import error
from dashboard.briefs.web import TYPES


def register_routes(server: flask.Flask) -> None:
    @server.route("/urgings/file/<int:urging_id>/<name>")
    def urging_file(urging_id: int, name: str):
        who = context.principal()
        row = urgings.get(context.db(), urging_id)
        if not who.can("urging") or (row is not None and not context.scope().allows(row["unit_code"])):
            audit.refused(context.db(), who.label, f"urging {urging_id}", ip())
            return error(403, "forbidden", "auth.forbidden")
        if row is None or name not in row["files"]:
            return error(404, "not_found", "brief.not_found")
        path = Path(row["directory"]) / name
        if not path.is_file():
            return error(404, "not_found", "brief.file_gone")
        audit.record(context.db(), "download", actor=who.label, target=name, ip=ip(), detail={"urging": urging_id})
        return flask.send_file(path, mimetype=TYPES.get(path.suffix, "application/octet-stream"),
                               as_attachment=True, download_name=name, max_age=0)
