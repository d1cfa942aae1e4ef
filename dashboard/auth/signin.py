"""What every way of signing in shares: the sign-in form and the gate (``web``) and single
sign-on (``sso``) both sign a principal in, mark their routes public and write their pages
with these, so neither imports the other's module for them.

A session is kept on the server (``appdb.sessions``): the signed cookie carries its id, and
the session lives while its row does, so signing out, a new password, disabling an account
or revoking a kiosk token ends it for every copy of the cookie.
"""
from __future__ import annotations

import secrets
from datetime import timedelta
from urllib.parse import urlencode

import flask
import flask_login

from appdb import sessions
from dashboard import context
from dashboard.i18n import LANGUAGES, t

db = context.db


def public(view):
    """Mark a route as open without signing in (the sign-in routes only)."""
    view.public = True
    return view


def ip() -> str | None:
    return flask.request.remote_addr if flask.has_request_context() else None


def csrf_token() -> str:
    if "csrf" not in flask.session:
        flask.session["csrf"] = secrets.token_urlsafe(32)
    return flask.session["csrf"]


SESSION_ID = "sid"  # the cookie's key holding the server-side session's id (``appdb.sessions``)


def idle_limit() -> timedelta:
    return timedelta(hours=context.settings().session_hours)


def sign_in_as(principal) -> None:
    """A new session (a new CSRF token, a new row of ``sessions``) at every sign-in; the
    idle sessions of everyone go at the same time."""
    flask.session.clear()
    flask.session.permanent = True
    flask_login.login_user(principal)
    csrf_token()
    sessions.remove_idle(db(), idle=idle_limit())
    key = {"user_id": principal.id} if principal.kind == "user" else {"kiosk_id": principal.id}
    flask.session[SESSION_ID] = sessions.start(db(), ip=ip(), **key)


def session_of(principal):
    """The server-side session the request's cookie names, if it is ``principal``'s and
    not idle past the limit; else None (signed out, ended by a new password, a disabled
    account or a revoked token, or idle)."""
    token = flask.session.get(SESSION_ID)
    if not isinstance(token, str):
        return None
    row = sessions.current(db(), token, idle=idle_limit())
    owner = (row.user_id, row.kiosk_id) if row is not None else None
    return row if owner == ((principal.id, None) if principal.kind == "user" else (None, principal.id)) else None


def sign_out() -> None:
    token = flask.session.get(SESSION_ID)
    if isinstance(token, str):
        sessions.end(db(), token)
    flask_login.logout_user()
    flask.session.clear()


def page_language() -> str:
    """The sign-in pages switch language with ``?lang=`` (the toggle's route needs a session)."""
    chosen = flask.request.args.get("lang")
    return chosen if chosen in LANGUAGES else context.language()


def page_values(language: str, **values) -> dict:
    other = "en" if language == "vi" else "vi"
    switch = flask.request.path + "?" + urlencode({**flask.request.args.to_dict(), "lang": other})
    return {"language": language, "t": lambda key, **v: t(key, language, **v), "other": other, "switch": switch,
            "csrf_token": csrf_token(), "sso": context.settings().sso, **values}
