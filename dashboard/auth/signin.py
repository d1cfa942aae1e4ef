"""What every way of signing in shares: the sign-in form and the gate (``web``) and single
sign-on (``sso``) both sign a principal in, mark their routes public and write their pages
with these, so neither imports the other's module for them.
"""
from __future__ import annotations

import secrets
from urllib.parse import urlencode

import flask
import flask_login

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


def sign_in_as(principal) -> None:
    flask.session.clear()  # a new session (and a new CSRF token) at every sign-in
    flask.session.permanent = True
    flask_login.login_user(principal)
    csrf_token()


def page_language() -> str:
    """The sign-in pages switch language with ``?lang=`` (the toggle's route needs a session)."""
    chosen = flask.request.args.get("lang")
    return chosen if chosen in LANGUAGES else context.language()


def page_values(language: str, **values) -> dict:
    other = "en" if language == "vi" else "vi"
    switch = flask.request.path + "?" + urlencode({**flask.request.args.to_dict(), "lang": other})
    return {"language": language, "t": lambda key, **v: t(key, language, **v), "other": other, "switch": switch,
            "csrf_token": csrf_token(), "sso": context.settings().sso, **values}
