"""What a request needs from the running app: settings, the snapshot reader, today.

Stored on the Flask app by ``create_app`` so that nothing is global and two apps (in
tests) never share a reader.
"""
from __future__ import annotations

from datetime import date, datetime

import flask

from warehouse.snapshots import LOCAL_TZ, Reader

EXTENSION = "opscenter"


def _state() -> dict:
    return flask.current_app.extensions[EXTENSION]


def settings():
    return _state()["settings"]


def reader() -> Reader:
    return _state()["reader"]


def today() -> date:
    """The reporting day: the demo's last day when set, else today in Vietnam."""
    return settings().demo_today or datetime.now(LOCAL_TZ).date()


def language() -> str:
    return settings().language


def scope() -> set[str] | None:
    """Units the requesting user may see; everyone sees all until sign-in exists."""
    return None
