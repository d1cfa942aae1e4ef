"""``/api/v1``: the indicator catalogue, indicator data and units, for client keys.

Every call but the OpenAPI document needs ``Authorization: Bearer <key>``; the client's
scopes narrow what it reads (its units go through ``context.scope`` like a unit user's),
its rate limit is checked before the view runs, and every call is written to the audit
log with its outcome. Errors are JSON ``{"error": {"code", "message"}}`` whose codes are
stable (``dashboard.api.errors``); messages follow ``Accept-Language`` (Vietnamese by default).
"""
from __future__ import annotations

import re
from datetime import date

import flask
from werkzeug.exceptions import MethodNotAllowed

from appdb import audit
from dashboard import context
from dashboard.api import clients, openapi
from dashboard.api.errors import ApiError
from appdb import audit
from dashboard.auth.signin import public
from dashboard.i18n import LANGUAGES, t
from warehouse import indicators, reference
from warehouse.domain import UNIT_KINDS
from warehouse.registry import REGISTRY
from warehouse.snapshots import NoSnapshot

PREFIX = "/api/v1"
DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
MAX_FILTER_VALUES = 100
bp = flask.Blueprint("api", __name__, url_prefix=PREFIX)


def by_key(view):
    """A route the sign-in gate leaves to this module: it authenticates its callers by key."""
    view.by_key = True
    return view


def _language() -> str:
    return flask.request.accept_languages.best_match(LANGUAGES) or context.settings().language


@bp.errorhandler(ApiError)
def _answer_error(exc: ApiError):
    body = {"error": {"code": exc.code, "message": t(f"api.error.{exc.code}", _language(), **exc.values)}}
    return flask.jsonify(body), exc.status, exc.headers


@bp.errorhandler(NoSnapshot)
def _no_data(_exc):
    return _answer_error(ApiError("no_data"))


@bp.errorhandler(Exception)
def _internal(exc):
    flask.current_app.logger.exception("API call failed: %s", exc)
    return _answer_error(ApiError("internal"))


@bp.before_request
def _authenticate():
    if flask.request.endpoint == "api.openapi_document":
        return None
    scheme, _, key = flask.request.headers.get("Authorization", "").partition(" ")
    if scheme.lower() != "bearer" or not key.strip():
        raise ApiError("unauthenticated", {"WWW-Authenticate": 'Bearer realm="opscenter"'})
    row = clients.by_key(context.db(), key.strip())
    if row is None:
        raise ApiError("invalid_key", {"WWW-Authenticate": 'Bearer error="invalid_token"'})
    principal = clients.principal(row)
    flask.g.api_actor = principal.label
    if row.revoked_at is not None:
        raise ApiError("key_revoked", {"WWW-Authenticate": 'Bearer error="invalid_token"'})
    flask.g.api_client = row
    context.enter(principal)
    wait = clients.take_call(context.db(), row.id, row.rate_limit or context.settings().api_rate_limit)
    if wait is not None:
        raise ApiError("rate_limited", {"Retry-After": str(wait)}, seconds=wait)
    return None


def _outcome(status: int) -> str:
    if status < 400:
        return "ok"
    return {429: "throttled", 401: "refused", 403: "refused"}.get(status, "failed")


def _audit(response: flask.Response) -> flask.Response:
    """Every call, with who made it (``api:?`` for a key that is no client's) and its outcome."""
    audit.record(context.db(), "api_call", actor=flask.g.get("api_actor", "api:?"),
                 outcome=_outcome(response.status_code), target=flask.request.path[:300],
                 ip=flask.request.remote_addr,
                 detail={"status": response.status_code, "method": flask.request.method,
                         "query": {k: v[:200] for k, v in list(flask.request.args.items())[:20]}})
    return response


@bp.after_request
def _audit_call(response: flask.Response) -> flask.Response:
    return response if flask.request.endpoint == "api.openapi_document" else _audit(response)


# --- scopes ------------------------------------------------------------------------------

def _allowed_indicators() -> list[str]:
    chosen = clients.indicators(flask.g.api_client)
    return [code for code in REGISTRY if chosen is None or code in chosen]


def _check_indicator(code: str) -> str:
    if code not in REGISTRY:
        raise ApiError("unknown_indicator", code=code[:60])
    if code not in _allowed_indicators():
        raise ApiError("out_of_scope", what=code)
    return code


def _in_scope(units):
    return context.scope().narrow(units)


def _values(name: str) -> list[str]:
    values = flask.request.args.getlist(name)
    if len(values) > MAX_FILTER_VALUES or any(not 0 < len(value) <= openapi.MAX_CODE for value in values):
        raise ApiError("bad_query", reason=f"{name}: ≤ {MAX_FILTER_VALUES} × 1–{openapi.MAX_CODE}")
    return values


def _choice(name: str, choices, default: str | None = None) -> str | None:
    value = flask.request.args.get(name, default)
    if value is not None and value not in choices:
        raise ApiError("bad_query", reason=f"{name}: " + " | ".join(choices))
    return value


def _day(name: str) -> date | None:
    text = flask.request.args.get(name)
    if text is None:
        return None
    try:
        if not DATE.match(text):
            raise ValueError(text)
        return date.fromisoformat(text)
    except ValueError:
        raise ApiError("bad_query", reason=f"{name}: YYYY-MM-DD") from None


# --- views -------------------------------------------------------------------------------

@bp.get("/openapi.json")
@public
def openapi_document():
    """Public: the description of what is served, no data."""
    return flask.jsonify(openapi.document(context.settings().base_url + PREFIX))


@bp.get("/indicators")
@by_key
def indicator_list():
    return flask.jsonify({"indicators": indicators.catalogue(_allowed_indicators())})


@bp.get("/indicators/<code>")
@by_key
def indicator(code: str):
    if code not in REGISTRY:
        raise ApiError("not_found")
    return flask.jsonify(indicators.entry(REGISTRY[_check_indicator(code)]))


@bp.get("/units")
@by_key
def unit_list():
    kind = _choice("kind", UNIT_KINDS)
    reader = context.reader()
    units = _in_scope(reference.units(reader))
    if kind:
        units = units[units["kind"] == kind]
    columns = ["unit_code", "name_vi", "name_en", "kind", "parent_code", "current_code", "is_current", "valid_to"]
    rows = [{key: indicators.plain(value) for key, value in row.items()} for row in units[columns].to_dict("records")]
    return flask.jsonify({"data_version": reader.version, "units": rows})


@bp.get("/data")
@by_key
def indicator_data():
    codes = [_check_indicator(code) for code in dict.fromkeys(_values("indicator"))] or _allowed_indicators()
    units = list(dict.fromkeys(_values("unit"))) or None
    period_type = _choice("period_type", indicators.PERIOD_TYPES, "month")
    first, last = _day("from"), _day("to")
    reader = context.reader()
    if units:
        every = reference.units(reader)
        known, allowed = set(every["unit_code"]), set(_in_scope(every)["unit_code"])
        for code in units:
            if code not in known:
                raise ApiError("unknown_unit", code=code[:60])
            if code not in allowed:
                raise ApiError("out_of_scope", what=code)
    as_of = indicators.data_day(reader, context.today())
    first = first or last or as_of
    last = last or max(first, as_of)
    periods = indicators.periods(period_type, first, last, as_of, limit=indicators.MAX_PERIODS + 1)
    following = periods[indicators.MAX_PERIODS].start if len(periods) > indicators.MAX_PERIODS else None
    periods = periods[:indicators.MAX_PERIODS]
    version, rows = indicators.data(reader, codes, periods, scope=context.scope(), units=units,
                                    totals=context.scope().is_everything and units is None)
    return flask.jsonify({"data_version": version, "as_of": as_of.isoformat(), "period_type": period_type,
                          "from": first.isoformat(), "to": last.isoformat(), "count": len(rows),
                          "next_from": following.isoformat() if following else None, "items": rows})


@bp.get("/", defaults={"rest": ""})
@bp.get("/<path:rest>")
@by_key
def unknown(rest: str):
    """Any other address under the prefix: a JSON refusal, after the key check."""
    raise ApiError("not_found")


def _method_not_allowed(exc: MethodNotAllowed):
    """The API is read-only: a JSON refusal that keeps werkzeug's Allow header (other
    routes keep werkzeug's own answer)."""
    if not flask.request.path.startswith(PREFIX + "/"):
        return exc
    response = exc.get_response()
    response.set_data(_answer_error(ApiError("method_not_allowed"))[0].get_data())
    response.content_type = "application/json"
    return _audit(response)  # no key was read: the caller is unknown


def register_routes(server: flask.Flask) -> None:
    server.register_blueprint(bp)
    server.register_error_handler(MethodNotAllowed, _method_not_allowed)
