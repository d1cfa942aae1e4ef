"""What a request needs from the running app: settings, the snapshot reader, the cache,
today, the reader's language and scope.

Stored on the Flask app by ``create_app`` so that nothing is global and two apps (in
tests) never share a reader or a cache.
"""
from __future__ import annotations

from datetime import date, datetime

import flask

from dashboard.i18n import LANGUAGES
from warehouse.snapshots import LOCAL_TZ, Reader

EXTENSION = "opscenter"
LANGUAGE_COOKIE = "opscenter_lang"


def _state() -> dict:
    return flask.current_app.extensions[EXTENSION]


def settings():
    return _state()["settings"]


def reader() -> Reader:
    return _state()["reader"]


def cache():
    return _state()["cache"]


def now() -> datetime:
    return datetime.now(LOCAL_TZ)


def today() -> date:
    """The reporting day: the demo's last day when set, else today in Vietnam."""
    return settings().demo_today or now().date()


def language() -> str:
    """The language chosen with the toggle (a cookie), else the configured default."""
    chosen = flask.request.cookies.get(LANGUAGE_COOKIE) if flask.has_request_context() else None
    return chosen if chosen in LANGUAGES else settings().language


def scope() -> set[str] | None:
    """Units the requesting user may see; everyone sees all until sign-in exists."""
    return None
