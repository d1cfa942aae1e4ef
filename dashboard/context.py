"""The request boundary: what a request needs from the running app (settings, the
snapshot reader, the screen cache, the app database, today, the reader's language) and
who is asking with their scope.

The sign-in gate (or the API's key check, or ``acting_as`` for a job) calls ``enter``
once per request: it resolves the principal's ``Scope`` there, and every read below takes
it from ``scope()`` and hands it to the warehouse explicitly. This module is the only
one that keeps request state (``flask.g``). The app's parts are stored on the Flask app
by ``create_app`` so that nothing is global and two apps (in tests) never share a reader
or a cache.
"""
from __future__ import annotations

from contextlib import contextmanager
from datetime import date, datetime
from typing import Callable, TypeVar

import flask
from sqlalchemy import Engine
from werkzeug.exceptions import Forbidden, Unauthorized

from appdb import audit
from appdb.engine import open_db
from dashboard import cache as screen_cache
from dashboard.auth.roles import Principal
from dashboard.i18n import LANGUAGES
from warehouse import indicators, reference
from warehouse.scope import Scope
from warehouse.snapshots import LOCAL_TZ, NoSnapshot, Reader

EXTENSION = "opscenter"
LANGUAGE_COOKIE = "opscenter_lang"
T = TypeVar("T")


def state() -> dict:
    return flask.current_app.extensions[EXTENSION]


def settings():
    return state()["settings"]


def reader() -> Reader:
    """The snapshot reader, held on one snapshot for the whole request (or job), so a page,
    a file or a brief reads one data version even if a publish lands meanwhile."""
    if "opscenter_reader" not in flask.g:
        flask.g.opscenter_reader = state()["reader"].pinned()
    return flask.g.opscenter_reader


def cache():
    return state()["cache"]


def db() -> Engine:
    return state()["db"]


def now() -> datetime:
    return datetime.now(LOCAL_TZ)


def today() -> date:
    """The data date (DOMAIN.md): the last day the published data covers, where "this
    month" and every preset period end; the reporting day (the demo's last day, else today
    in Vietnam) when nothing is published yet."""
    try:
        return indicators.data_day(reader(), settings().reporting_day())
    except NoSnapshot:
        return settings().reporting_day()


def language() -> str:
    """The language chosen with the toggle (a cookie), else the configured default."""
    chosen = flask.request.cookies.get(LANGUAGE_COOKIE) if flask.has_request_context() else None
    return chosen if chosen in LANGUAGES else settings().language


def signed_in() -> Principal | None:
    """Who the request acts for, if anyone (the frame is also built by Dash at start-up)."""
    return flask.g.get("principal") if flask.has_app_context() else None


def principal() -> Principal:
    """Who the request acts for; set by the sign-in gate (or ``acting_as``). A read with
    nobody behind it is refused, never answered with everything."""
    who = signed_in()
    if who is None:
        raise Unauthorized("no signed-in principal")
    return who


def install(server: flask.Flask, settings, reader: Reader | None = None) -> dict:
    """Give ``server`` what requests read through this module: settings, the snapshot
    reader, the screen cache and the app database."""
    server.extensions[EXTENSION] = {"settings": settings, "reader": reader or Reader(settings),
                                    "cache": screen_cache.make_cache(server, settings),
                                    "db": open_db(settings.app_db)}
    return server.extensions[EXTENSION]


def standalone(settings) -> flask.Flask:
    """A bare Flask app for reading outside the web app (the CLI, a scheduled job): the
    same reads and scope rules as the screens, without their frame or routes."""
    server = flask.Flask("opscenter")
    install(server, settings)
    return server


@contextmanager
def acting_in(server: flask.Flask, who: Principal, language: str):
    """A request of ``server`` for ``who`` reading in ``language``, outside any browser
    request (warm-up, brief generation)."""
    with server.test_request_context("/", headers={"Cookie": f"{LANGUAGE_COOKIE}={language}"}), acting_as(who):
        yield who


def enter(who: Principal) -> Principal:
    """Start acting for ``who``: the request's principal and its scope, resolved once."""
    flask.g.principal = who
    flask.g.opscenter_scope = _resolve(who)
    return who


@contextmanager
def acting_as(who: Principal):
    """Run reads as ``who`` inside the current request or app context (warm-up, tests, CLI)."""
    previous = (flask.g.get("principal"), flask.g.get("opscenter_scope"))
    enter(who)
    try:
        yield who
    finally:
        flask.g.principal, flask.g.opscenter_scope = previous


def allowed(capability: str) -> bool:
    """Whether the principal holds ``capability``; a refusal is written to the audit log."""
    who = principal()
    if who.can(capability):
        return True
    audit.refused(db(), who.label, capability, flask.request.remote_addr if flask.has_request_context() else None)
    return False


def require(capability: str) -> Principal:
    """The principal, when it holds ``capability``; a refusal (403, logged) otherwise."""
    if not allowed(capability):
        raise Forbidden(f"{principal().label} lacks {capability}")
    return principal()


def scope() -> Scope:
    """The units the principal may read, as the gate resolved them for this request."""
    principal()
    return flask.g.opscenter_scope


def _resolve(who: Principal) -> Scope:
    """Every unit for a principal without units; else its units with their sub-units and
    the units merged into any of them, on the published reference data (memoised per data
    version). Before the first publish no unit is known: its own codes only."""
    codes = who.scope_units
    if codes is None:
        return Scope.everything()
    try:
        version = reader().version
    except NoSnapshot:
        return Scope(frozenset(codes))
    scopes = state().setdefault("scopes", {})
    if (version, codes) not in scopes:
        if len(scopes) > 10_000:  # versions come and go; keep the memo bounded
            scopes.clear()
        scopes[(version, codes)] = Scope.of(reference.units(reader()), codes)
    return scopes[(version, codes)]


def enter_page(name: str, query: dict) -> None:
    """The screen this request builds, and its URL query (``components.screen`` sets it)."""
    flask.g.opscenter_page = (name, query)


def current_page() -> tuple[str, dict] | None:
    return flask.g.get("opscenter_page") if flask.has_app_context() else None


def memo(name: str, compute: Callable[[], T]) -> T:
    """``compute()`` once per request (reference tables a page names many times)."""
    key = f"opscenter_memo_{name}"
    if key not in flask.g:
        setattr(flask.g, key, compute())
    return flask.g.get(key)


def cached(kind: str, params: dict, compute: Callable[[], T], *, encode: Callable[[T], object] | None = None):
    """The screen cache for this request: keyed by what was asked, the data version the
    request is pinned to and the principal's scope."""
    return screen_cache.cached(cache(), kind, params, compute, version=reader().version, scope=scope(),
                               encode=encode)
