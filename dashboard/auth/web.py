"""Sign-in and the gate every request passes.

The gate (``before_request``) lets through only static assets and the sign-in routes
without a signed-in principal; everything else, Dash's own routes and callbacks
included, needs one. A page, the page routing callback building it, and a callback its
module registered need the right the page registered with (``dashboard.screens``). A
callback request is judged by the callback it names (its ``output``), never by what its
inputs claim, and must carry exactly that callback's inputs and states: anything else, and
a callback no screen registered, is refused (400, 403) before any callback runs. Past
the gate, what a principal may read is decided where data is read
(``dashboard.context.scope`` and ``require``), not here: the gate is the first line, not
the only one.
"""
from __future__ import annotations

import hmac
import json
import secrets
from datetime import timedelta
from pathlib import Path
from urllib.parse import urlencode

import dash
import flask
import flask_login
from dash._utils import split_callback_id
from flask.sessions import SecureCookieSessionInterface
from werkzeug.exceptions import BadRequest, MethodNotAllowed
from werkzeug.middleware.proxy_fix import ProxyFix

from appdb import audit
from dashboard import context, screens
from dashboard.auth import accounts, kiosk, sso
from dashboard.auth.roles import for_kiosk, for_user
from dashboard.auth.signin import db, ip, page_language, page_values, public, session_of, sign_in_as, sign_out
from dashboard.i18n import t
from dashboard.navigation import remember_language, safe_next

STATIC_PREFIXES = ("/assets/", "/_dash-component-suites/", "/_favicon.ico")
CALLBACKS = "/_dash-update-component"
KIOSK_PATHS = ("/_dash-layout", "/_dash-dependencies", CALLBACKS, "/live/state", "/logout")
PAGES_LOCATION = "_pages_location"  # the dcc.Location of dash.page_container, input of the page routing callback
CSRF_COOKIE = "_csrf_token"  # read by the Dash renderer, sent back as X-CSRFToken
SESSION_COOKIE = "opscenter_session"
bp = flask.Blueprint("auth", __name__)


class _SessionInterface(SecureCookieSessionInterface):
    """Cookies are Secure when the request came over HTTPS ("auto"), or always or never."""

    def get_cookie_secure(self, app) -> bool:
        mode = app.config["OPSCENTER_SECURE_COOKIES"]
        return mode == "always" or (mode == "auto" and flask.has_request_context() and flask.request.is_secure)


def _secret_key(settings) -> str:
    if settings.secret_key is not None:
        return settings.secret_key.get_secret_value()
    path = Path(settings.data_dir) / "secret_key"
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        with open(path, "x", encoding="ascii") as handle:  # "x": two workers starting together keep the first
            handle.write(secrets.token_hex(32))
        path.chmod(0o600)
    return path.read_text(encoding="ascii").strip()


def _csrf_ok() -> bool:
    expected = flask.session.get("csrf")
    sent = flask.request.headers.get("X-CSRFToken") or flask.request.form.get("csrf_token")
    return bool(expected and sent and hmac.compare_digest(expected, sent))


def _wants_html() -> bool:
    """A browser navigating: a page, or a form it posted (a stale token must not show JSON)."""
    browsing = flask.request.method == "GET" or flask.request.mimetype == "application/x-www-form-urlencoded"
    return browsing and "text/html" in flask.request.headers.get("Accept", "")


def error(status: int, code: str, message_key: str):
    """A refusal or error as a page for a browser, as JSON (``{"error": {code, message}}``) else."""
    language = page_language()
    if _wants_html():
        return flask.render_template("auth/message.html", **page_values(
            language, message=t(message_key, language), home=True)), status
    return flask.jsonify({"error": {"code": code, "message": t(message_key, language)}}), status


class BadCallback(ValueError):
    """A callback request no screen sends: answered 400 before any callback runs."""


def _fits(given, declared: dict) -> bool:
    """Whether a request's input (or state) is the callback's declared one: the same id and
    property, or for a pattern id (``{"type": "brief-retry", "id": ALL}``) components whose
    ids fit the pattern (a list of them for ALL)."""
    if declared["id"].startswith("{"):
        pattern = json.loads(declared["id"])
        return all(isinstance(item, dict) and item.get("property") == declared["property"]
                   and isinstance(item.get("id"), dict) and set(item["id"]) == set(pattern)
                   and all(isinstance(want, list) or item["id"][key] == want for key, want in pattern.items())
                   for item in (given if isinstance(given, list) else [given]))
    return isinstance(given, dict) and given.get("id") == declared["id"] \
        and given.get("property") == declared["property"]


def _check_shape(body, spec: dict) -> None:
    """The request carries exactly the callback's inputs and states, in their order (Dash
    hands them to the callback as its arguments by position), outputs as it declares them."""
    for part in ("inputs", "state"):
        given, declared = body.get(part, []), spec.get(part) or []
        if not isinstance(given, list) or len(given) != len(declared) or not all(map(_fits, given, declared)):
            raise BadCallback(f"{part} are not the callback's")
    changed = body.get("changedPropIds", [])
    if not isinstance(changed, list) or not all(isinstance(prop, str) for prop in changed):
        raise BadCallback("changedPropIds")
    outputs = body.get("outputs")
    if outputs is not None:
        declared = split_callback_id(body["output"])
        declared = declared if isinstance(declared, list) else [declared]
        given = outputs if isinstance(outputs, list) else [outputs]
        if len(given) != len(declared) or not all(isinstance(o, dict) for o in given):
            raise BadCallback("outputs are not the callback's")


def _callback_page(body) -> tuple[dict | None, bool]:
    """The screen a callback request needs the right of, and whether the request is the
    page routing callback (which builds the page at the address it is given: that page's).

    The callback is the one Dash runs, named by ``output``; the page is its module's, never
    what the request's inputs claim. A request no screen's callback takes is a BadCallback.
    """
    if not isinstance(body, dict) or not isinstance(body.get("output"), str):
        raise BadCallback("not a callback request")
    spec = context.state()["dash"].callback_map.get(body["output"])
    if spec is None or "callback" not in spec:  # none, or the browser's own (clientside)
        raise BadCallback("no such callback")
    _check_shape(body, spec)
    declared = [{"id": i["id"], "property": i["property"]} for i in spec["inputs"]]
    routing = {"id": PAGES_LOCATION, "property": "pathname"}
    if routing in declared:
        pathname = body["inputs"][declared.index(routing)].get("value")
        if not isinstance(pathname, str):
            raise BadCallback("pathname")
        return screens.at(pathname), True
    return dash.page_registry.get(getattr(spec["callback"], "__module__", None)), False


def _page_asked(path: str) -> tuple[dict | None, bool]:
    """The page a request would run and whether a screen must answer for it: the page at
    its address, or the page whose callback (or page routing) is asked for."""
    if path != CALLBACKS:
        return screens.at(path), False
    if flask.request.method != "POST":
        return None, False
    page, routing = _callback_page(flask.request.get_json(silent=True))
    return page, not routing  # a callback that is no screen's is nobody's to run


def _bad_request(problem=None):
    return error(400, "bad_request", "auth.bad_request")


def _gate():
    path = flask.request.path
    if path.startswith(STATIC_PREFIXES):
        return None
    if isinstance(flask.request.routing_exception, MethodNotAllowed):
        return None  # answered 405 by the route's own rules, whoever asks: it reveals nothing
    view = flask.current_app.view_functions.get(flask.request.endpoint)
    if getattr(view, "by_key", False):  # the API checks its callers' keys; it reads no session cookie
        return None
    if flask.request.method == "POST" and not _csrf_ok():
        return error(403, "csrf", "auth.csrf")
    if getattr(view, "public", False):
        return None
    principal = flask_login.current_user
    if not principal.is_authenticated:
        if _wants_html():  # back to the page asked for; a form posted after the session ended starts over
            return flask.redirect("/login?" + urlencode({"next": flask.request.full_path.rstrip("?")})
                                  if flask.request.method == "GET" else "/login")
        return error(401, "unauthenticated", "auth.required")
    # the user itself, not Flask-Login's proxy: work the request starts (a brief) acts for it later
    principal = context.enter(principal._get_current_object())
    try:
        page, needs_page = _page_asked(path)
    except BadCallback:
        return _bad_request()
    if needs_page and page is None:  # a server callback no screen registered: nobody may run it
        return _refuse(principal, path)
    if page is not None and not principal.can(page["right"]):
        if path == "/":
            return flask.redirect(screens.home(principal))
        return _refuse(principal, page["path"])
    if principal.kind == "kiosk" and page is None and path not in KIOSK_PATHS:
        return _refuse(principal, path)
    return None


def _refuse(principal, path: str):
    audit.refused(db(), principal.label, path, ip())
    return error(403, "forbidden", "auth.forbidden")


def _headers(response: flask.Response) -> flask.Response:
    app = flask.current_app
    response.headers["Content-Security-Policy"] = _policy(app)
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["X-Frame-Options"] = "DENY"
    response.headers["Referrer-Policy"] = "same-origin"
    if "csrf" in flask.session and flask.request.cookies.get(CSRF_COOKIE) != flask.session["csrf"]:
        response.set_cookie(CSRF_COOKIE, flask.session["csrf"], samesite="Strict", httponly=False,
                            secure=app.session_interface.get_cookie_secure(app))
    return response


def _policy(server: flask.Flask) -> str:
    """Scripts from this server only, plus Dash's own inline scripts by their hashes;
    styles inline too (Plotly and Mantine write style elements); never framed.

    Built once Dash has registered its page routing callbacks (at its first request),
    whose title script is one of the inline scripts.
    """
    if "OPSCENTER_CSP" in server.config:
        return server.config["OPSCENTER_CSP"]
    app = context.state()["dash"]
    scripts = " ".join(["'self'", *app.csp_hashes()])
    policy = "; ".join([
        "default-src 'self'", f"script-src {scripts}", "style-src 'self' 'unsafe-inline'",
        "img-src 'self' data: blob:", "font-src 'self' data:", "connect-src 'self'",
        "object-src 'none'", "base-uri 'self'", "form-action 'self'", "frame-ancestors 'none'",
    ])
    if app._got_first_request.get("pages", True):  # noqa: SLF001 - Dash has no public flag for it
        server.config["OPSCENTER_CSP"] = policy
    return policy


def _load(session_id: str):
    """The principal a session names, while its account is active and its epoch current
    (or its kiosk token unrevoked), and while the server still holds the session itself."""
    kind, _, rest = session_id.partition(":")
    key, _, epoch = rest.partition(":")
    if not key.isdigit():
        return None
    principal = None
    if kind == "user":
        row = accounts.find(db(), user_id=int(key))
        principal = for_user(row) if row is not None and row.active and str(row.epoch) == epoch else None
    elif kind == "kiosk":
        row = kiosk.active(db(), token_id=int(key))
        principal = for_kiosk(row) if row is not None else None
    return principal if principal is not None and session_of(principal) is not None else None


@bp.after_request
def _keep_language(response: flask.Response) -> flask.Response:
    return remember_language(response, flask.request.args.get("lang"))


@bp.route("/login", methods=["GET", "POST"])
@public
def sign_in():
    language = page_language()
    target = safe_next(flask.request.values.get("next"))
    if flask.request.method == "GET":
        if flask_login.current_user.is_authenticated:
            return flask.redirect(target)
        return flask.render_template("auth/sign_in.html", **page_values(language, next=target))
    settings = context.settings()
    username = flask.request.form.get("username", "").strip().lower()[:120]
    by_name, by_ip = audit.failed_sign_ins(db(), username=username, ip=ip(), minutes=settings.signin_lockout_minutes)
    if by_name >= settings.signin_max_failures or by_ip >= 4 * settings.signin_max_failures:
        audit.record(db(), "sign_in", actor=username or "?", outcome="throttled", target=username, ip=ip())
        return flask.render_template("auth/sign_in.html", **page_values(
            language, next=target, error=t("auth.throttled", language, minutes=settings.signin_lockout_minutes),
            username=username)), 429
    row = accounts.authenticate(db(), username, flask.request.form.get("password", ""))
    if row is None:
        audit.record(db(), "sign_in", actor=username or "?", outcome="failed", target=username, ip=ip())
        return flask.render_template("auth/sign_in.html", **page_values(
            language, next=target, error=t("auth.failed", language), username=username)), 401
    principal = for_user(row)
    sign_in_as(principal)
    audit.record(db(), "sign_in", actor=principal.label, target=username, ip=ip())
    return flask.redirect(target if target != "/" else screens.home(principal))


@bp.route("/logout", methods=["POST"])
def logout():
    audit.record(db(), "sign_out", actor=context.principal().label, ip=ip())
    sign_out()  # the server forgets the session: a copy of the cookie signs nobody in
    return flask.redirect("/login")


def _password_form(token: str, purpose: str):
    """The one-time link's form: the first administrator ("setup") or a password."""
    language = page_language()
    link = accounts.open_link(db(), token, purpose)
    if link is None:
        return flask.render_template("auth/message.html", **page_values(
            language, message=t("auth.link_invalid", language), home=False)), 404
    user = accounts.find(db(), user_id=link.user_id) if link.user_id is not None else None
    if user is not None and not user.active:  # disabled after the link was issued
        return flask.render_template("auth/message.html", **page_values(
            language, message=t("account.disabled", language, name=user.username), home=False)), 403
    values = {"purpose": purpose, "user": user}
    if flask.request.method == "GET":
        return flask.render_template("auth/password.html", **page_values(language, **values))
    form = flask.request.form
    password, username = form.get("password", ""), form.get("username", "")
    try:
        # every check before the link is spent: a rejected form leaves the link usable
        if password != form.get("confirm", ""):
            raise accounts.AccountError("auth.mismatch")
        accounts.check_new_password(password)
        if purpose == "setup":
            accounts.check_new(db(), username, "admin", display_name=form.get("display_name"))
        if not accounts.use_link(db(), link.id):
            raise accounts.AccountError("auth.link_invalid")
        if purpose == "setup":
            user_id = accounts.add(db(), username, "admin", display_name=form.get("display_name") or None)
            audit.record(db(), "user_add", actor="setup-link", target=username.strip().lower(), ip=ip(),
                         detail={"role": "admin"})
        else:
            user_id = user.id
        accounts.set_password(db(), user_id, password)
    except accounts.AccountError as exc:
        return flask.render_template("auth/password.html", **page_values(language, error=exc.text(language),
                                                                         **values)), 400
    principal = for_user(accounts.find(db(), user_id=user_id))
    audit.record(db(), "password_set", actor=principal.label, target=principal.name, ip=ip())
    sign_in_as(principal)
    return flask.redirect(screens.home(principal))


@bp.route("/setup/<token>", methods=["GET", "POST"])
@public
def setup(token: str):
    return _password_form(token, "setup")


@bp.route("/password/<token>", methods=["GET", "POST"])
@public
def password(token: str):
    return _password_form(token, "password")


@bp.route("/kiosk/<token>")
@public
def kiosk_entry(token: str):
    """A wall screen's address: signs the screen in as its kiosk token, then shows the wall."""
    row = kiosk.active(db(), token=token)
    if row is None:
        audit.record(db(), "kiosk_open", actor="kiosk:?", outcome="refused", ip=ip())
        return error(403, "forbidden", "auth.kiosk_invalid")
    principal = for_kiosk(row)
    sign_in_as(principal)
    audit.record(db(), "kiosk_open", actor=principal.label, target=str(row.id), ip=ip())
    return flask.redirect("/wall")


def init_app(app: dash.Dash, settings) -> None:
    """Open the app database, then put sign-in, the gate and the headers in front of every route."""
    server = app.server
    server.config.update(
        SECRET_KEY=_secret_key(settings), SESSION_COOKIE_NAME=SESSION_COOKIE, SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax", PERMANENT_SESSION_LIFETIME=timedelta(hours=settings.session_hours),
        OPSCENTER_SECURE_COOKIES=settings.secure_cookies, REMEMBER_COOKIE_DURATION=timedelta(0),
    )
    server.session_interface = _SessionInterface()
    if settings.trusted_proxies:
        server.wsgi_app = ProxyFix(server.wsgi_app, x_for=settings.trusted_proxies,
                                   x_proto=settings.trusted_proxies, x_host=settings.trusted_proxies)
    manager = flask_login.LoginManager(server)
    manager.user_loader(_load)
    server.register_blueprint(bp)
    if settings.sso:
        sso.init_app(server, settings)
    server.before_request(_gate)
    server.after_request(_headers)
    server.register_error_handler(BadRequest, _bad_request)  # a value a callback refuses, a body not JSON
