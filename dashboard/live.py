"""What a screen left open asks the server every few seconds: which data version is
published, whether this server process is the one that rendered it, which sources are
stale. The wall reloads only when the answer changes, and shows it is reconnecting while
there is no answer at all."""
from __future__ import annotations

import uuid

import flask

from dashboard import context, data
from warehouse.snapshots import NoSnapshot

BOOT = uuid.uuid4().hex[:12]  # changes when the server restarts, so walls pick up new code


def state() -> dict:
    try:
        version = context.reader().version
    except NoSnapshot:
        version = None
    return {"version": version, "boot": BOOT,
            "stale": [source["source_name"] for source in data.stale_sources()]}


def register_routes(server: flask.Flask) -> None:
    @server.route("/live/state")
    def live_state():
        response = flask.jsonify(state())
        response.headers["Cache-Control"] = "no-store"
        return response
