"""The indicator API (/api/v1): keys (missing, wrong, revoked) and their scopes, the
registry's numbers per unit and period, the rate limit and the audit of every call, stable
JSON errors for bad input, and an OpenAPI document that lists exactly the served routes."""
from __future__ import annotations

import re
import time
import uuid
from dataclasses import dataclass
from datetime import date

import pandas as pd
import pytest

from appdb import audit
from dashboard.api import clients
from tests.dashboard.conftest import client_as, ensure_user, find, sign_in, text
from warehouse import metrics
from warehouse.periods import Period
from warehouse.scope import Scope

API = "/api/v1"
NOVEMBER = {"from": "2026-11-01", "to": "2026-11-20"}


@dataclass
class Key:
    id: int
    key: str
    label: str  # the audit log's actor


@pytest.fixture(scope="module")
def db(app):
    return app.server.extensions["opscenter"]["db"]


@pytest.fixture
def make_key(db):
    """A new client key (a fresh name each time, so each test has its own rate limit)."""
    def make(**scopes) -> Key:
        name = f"test-api-{uuid.uuid4().hex[:10]}"
        client_id, key = clients.add(db, name, created_by="test", **scopes)
        return Key(client_id, key, f"api:{name}")
    return make


def call(app, path: str, key: Key | str | None = None, method: str = "GET", headers: dict | None = None,
         **query):
    """One API call with a new client (no session cookie); list values repeat a parameter."""
    sent = dict(headers or {})
    if key is not None:
        sent["Authorization"] = f"Bearer {key.key if isinstance(key, Key) else key}"
    return app.server.test_client().open(API + path, method=method, headers=sent, query_string=query)


def ok(answer) -> dict:
    assert answer.status_code == 200, answer.get_data(as_text=True)[:300]
    return answer.get_json()


def refused(answer, status: int, code: str) -> dict:
    assert answer.status_code == status, (answer.status_code, answer.get_data(as_text=True)[:300])
    assert answer.is_json, answer.get_data(as_text=True)[:200]
    error = answer.get_json()["error"]
    assert error["code"] == code and error["message"], error
    return error


def latest(db, key: Key | None = None) -> dict:
    rows, _ = audit.read(db, action="api_call", actor=key.label if key else None, limit=1)
    return rows[0]


def api_calls(db) -> int:
    return audit.read(db, action="api_call", limit=1)[1]


def plain(value):
    return None if value is None or pd.isna(value) else (value.item() if hasattr(value, "item") else value)


# --- keys ----------------------------------------------------------------------------------

def test_calls_without_a_valid_key_are_refused_and_a_revoked_key_at_once(app, db, make_key):
    answer = call(app, "/indicators")
    refused(answer, 401, "unauthenticated")
    assert answer.headers["WWW-Authenticate"].startswith("Bearer")
    refused(call(app, "/indicators", headers={"Authorization": "Basic dXNlcjpwYXNz"}), 401, "unauthenticated")
    answer = call(app, "/data", "opc_not-a-key")
    refused(answer, 401, "invalid_key")
    assert "WWW-Authenticate" in answer.headers
    key = make_key()
    assert ok(call(app, "/indicators", key))["indicators"]
    clients.revoke(db, key.id)
    refused(call(app, "/indicators", key), 401, "key_revoked")
    refused(call(app, "/data", key), 401, "key_revoked")
    assert (latest(db)["actor"], latest(db)["outcome"]) == (key.label, "refused")  # whose revoked key it was


def test_the_openapi_document_needs_no_key_nor_session(app):
    answer = app.server.test_client().get(API + "/openapi.json")
    assert ok(answer)["openapi"].startswith("3.")


def test_a_key_opens_no_screen_and_a_session_opens_no_api(app, demo, make_key):
    key = make_key()
    bearer = {"Authorization": f"Bearer {key.key}"}
    client = app.server.test_client()
    for path in ("/", "/tasks", "/_dash-layout", "/live/state"):
        page = client.get(path, headers={**bearer, "Accept": "text/html"})
        assert page.status_code == 302 and page.headers["Location"].startswith("/login"), (path, page.status_code)
        assert client.get(path, headers=bearer).status_code == 401, path
    signed = client_as(app, ensure_user(demo[0], "analyst", "analyst"))
    assert signed.get("/live/state").status_code == 200  # the session itself is good
    refused(signed.get(API + "/data"), 401, "unauthenticated")
    refused(signed.get(API + "/indicators"), 401, "unauthenticated")


# --- scopes --------------------------------------------------------------------------------

def test_a_key_held_to_one_indicator_reads_only_it(app, make_key):
    key = make_key(indicators=["task_overdue"])
    assert [i["code"] for i in ok(call(app, "/indicators", key))["indicators"]] == ["task_overdue"]
    assert ok(call(app, "/indicators/task_overdue", key))["code"] == "task_overdue"
    refused(call(app, "/indicators/dossier_on_time_rate", key), 403, "out_of_scope")
    refused(call(app, "/data", key, indicator="dossier_on_time_rate", **NOVEMBER), 403, "out_of_scope")
    refused(call(app, "/data", key, indicator=["task_overdue", "dossier_on_time_rate"]), 403, "out_of_scope")
    items = ok(call(app, "/data", key, **NOVEMBER))["items"]
    assert items and {row["indicator"] for row in items} == {"task_overdue"}


def test_a_key_held_to_one_unit_reads_it_its_sub_units_and_predecessors_only(app, make_key):
    full = make_key()
    units = pd.DataFrame(ok(call(app, "/units", full))["units"])
    provinces = units[(units["kind"] == "province_dept") & units["is_current"]]
    # the department with the most units merged into it
    code = units[units["current_code"].isin(provinces["unit_code"])]["current_code"].value_counts().index[0]
    other = next(c for c in provinces["unit_code"] if c != code)
    found, queue = {code}, [code]
    while queue:
        parent = queue.pop()
        for child in units.loc[units["parent_code"] == parent, "unit_code"]:
            found.add(child)
            queue.append(child)
    expected = found | set(units.loc[units["current_code"].isin(found), "unit_code"])
    assert len(expected) > 1  # the test covers merged predecessors

    key = make_key(units=[code])
    seen = ok(call(app, "/units", key))["units"]
    assert {u["unit_code"] for u in seen} == expected
    assert all(u["current_code"] in expected for u in seen)
    assert {u["unit_code"] for u in ok(call(app, "/units", key, kind="ministry_unit"))["units"]} == set()
    refused(call(app, "/data", key, unit=other), 403, "out_of_scope")
    refused(call(app, "/data", key, unit=[code, other]), 403, "out_of_scope")

    items = ok(call(app, "/data", key, **NOVEMBER))["items"]
    assert items and {row["unit_code"] for row in items} <= expected  # never another unit, never None
    mine = [r for r in items if r["unit_code"] == code]
    assert mine
    full_items = ok(call(app, "/data", full, **NOVEMBER))["items"]
    assert any(row["unit_code"] is None for row in full_items)  # the ministry as a whole
    assert any(row["unit_code"] == other for row in full_items)
    assert [r for r in full_items if r["unit_code"] == code and r["indicator"] != "unit_ranking"] == \
        [r for r in mine if r["indicator"] != "unit_ranking"]  # the same numbers whoever asks
    narrowed = ok(call(app, "/data", full, unit=code, **NOVEMBER))["items"]
    assert narrowed and {r["unit_code"] for r in narrowed} == {code}


# --- numbers -------------------------------------------------------------------------------

def test_data_are_the_registry_numbers_with_running_periods_marked(app, make_key):
    reader = app.server.extensions["opscenter"]["reader"]
    key = make_key()
    page = ok(call(app, "/data", key, indicator="dossier_on_time_rate", period_type="month",
                   **{"from": "2026-09-01", "to": "2026-11-30"}))
    assert page["count"] == len(page["items"])
    period = Period(date(2026, 9, 1), date(2026, 11, 20))
    by_unit = metrics.query("dossier_on_time_rate", period, by=("unit", "month"), scope=Scope.everything(), reader=reader)
    total = metrics.query("dossier_on_time_rate", period, by=("month",), scope=Scope.everything(), reader=reader)
    expected = {(r["unit_code"], r["month"]): tuple(plain(r[c]) for c in ("value", "numerator", "denominator"))
                for r in by_unit.to_dict("records")}
    expected |= {(None, r["month"]): tuple(plain(r[c]) for c in ("value", "numerator", "denominator"))
                 for r in total.to_dict("records")}
    got = {(r["unit_code"], r["period"]): (r["value"], r["numerator"], r["denominator"]) for r in page["items"]}
    assert len(got) == len(page["items"])
    assert got == expected
    periods = {r["period"]: (r["period_start"], r["period_end"], r["complete"]) for r in page["items"]}
    assert periods == {"2026-09": ("2026-09-01", "2026-09-30", True), "2026-10": ("2026-10-01", "2026-10-31", True),
                       "2026-11": ("2026-11-01", "2026-11-20", False)}


def test_a_rate_without_denominator_is_null_never_zero(app, make_key):
    key = make_key()
    items = ok(call(app, "/data", key, period_type="day", indicator=["dossier_closed_on_time_rate",
                                                                     "dossier_online_rate"], **NOVEMBER))["items"]
    empty = [r for r in items if r["denominator"] == 0]
    assert empty  # the demo has days without a closed or received dossier
    assert all(r["value"] is None for r in empty)
    assert all(r["value"] is not None for r in items if r["denominator"])


def test_repeating_an_indicator_does_not_repeat_its_rows(app, make_key):
    key = make_key()
    once = ok(call(app, "/data", key, indicator="task_overdue", **NOVEMBER))["items"]
    twice = ok(call(app, "/data", key, indicator=["task_overdue", "task_overdue"], **NOVEMBER))["items"]
    assert len(twice) == len(once), f"{len(twice)} rows for a repeated indicator, {len(once)} for one"


# --- rate limit and audit ------------------------------------------------------------------

def test_the_rate_limit_refuses_with_retry_after_until_the_next_minute(app, db, make_key):
    key = make_key(rate_limit=3)
    if time.time() % 60 > 55:  # the calls must fall in one minute
        time.sleep(61 - time.time() % 60)
    answers = [call(app, "/indicators", key) for _ in range(5)]
    assert [a.status_code for a in answers] == [200, 200, 200, 429, 429]
    refused(answers[3], 429, "rate_limited")
    fourth, fifth = (int(a.headers["Retry-After"]) for a in answers[3:])
    assert 5 <= fourth <= 60 and fifth <= fourth  # the seconds left in this minute
    assert abs(fourth - (60 - time.time() % 60)) <= 2
    rows, total = audit.read(db, action="api_call", actor=key.label, limit=10)
    assert total == 5 and [r["outcome"] for r in rows] == ["throttled", "throttled", "ok", "ok", "ok"]


def test_every_call_is_audited_with_its_outcome(app, db, make_key):
    key = make_key(indicators=["task_overdue"])
    cases = [(None, "/indicators", {}, 401, "refused"), ("opc_wrong", "/data", {}, 401, "refused"),
             (key, "/indicators", {}, 200, "ok"), (key, "/indicators/dossier_on_time_rate", {}, 403, "refused"),
             (key, "/data", {"period_type": "fortnight"}, 400, "failed")]
    for who, path, query, status, outcome in cases:
        before = api_calls(db)
        assert call(app, path, who, **query).status_code == status
        assert api_calls(db) == before + 1, path
        row = latest(db)
        assert (row["outcome"], row["target"]) == (outcome, API + path)
        assert row["actor"] == (key.label if who is key else "api:?")
    before = api_calls(db)
    ok(app.server.test_client().get(API + "/openapi.json"))
    assert api_calls(db) == before  # the public document is no call of a client


# --- bad input -----------------------------------------------------------------------------

@pytest.mark.parametrize("query, status, code", [
    ({"from": "2026-13-01"}, 400, "bad_query"),
    ({"from": "2026-1-1"}, 400, "bad_query"),
    ({"to": "yesterday"}, 400, "bad_query"),
    ({"from": ""}, 400, "bad_query"),
    ({"unit": ""}, 400, "bad_query"),
    ({"unit": "X" * 41}, 400, "bad_query"),
    ({"period_type": "fortnight"}, 400, "bad_query"),
    ({"period_type": ""}, 400, "bad_query"),
    ({"indicator": "nope"}, 400, "unknown_indicator"),
    ({"unit": "NOPE"}, 404, "unknown_unit"),
])
def test_bad_queries_get_a_stable_code(app, make_key, query, status, code):
    refused(call(app, "/data", make_key(), **query), status, code)


def test_a_long_range_is_answered_in_pages_of_thirty_six_periods(app, make_key):
    key = make_key()
    first = ok(call(app, "/data", key, period_type="month", indicator="task_overdue",
                    **{"from": "2023-11-01", "to": "2026-11-20"}))  # 37 months
    assert len({r["period"] for r in first["items"]}) == 36 and first["next_from"] == "2026-11-01"
    rest = ok(call(app, "/data", key, period_type="month", indicator="task_overdue",
                   **{"from": first["next_from"], "to": "2026-11-20"}))
    assert {r["period"] for r in rest["items"]} == {"2026-11"} and rest["next_from"] is None
    whole = ok(call(app, "/data", key, period_type="month", indicator="task_overdue",
                    **{"from": "2023-12-01", "to": "2026-11-20"}))
    assert len({r["period"] for r in whole["items"]}) == 36 and whole["next_from"] is None


def test_a_range_with_no_period_in_it_is_empty(app, make_key):
    key = make_key()
    backwards = ok(call(app, "/data", key, **{"from": "2026-11-20", "to": "2026-11-01"}))
    assert backwards["items"] == [] and backwards["count"] == 0
    ancient = ok(call(app, "/data", key, **{"from": "0001-01-01", "to": "0001-01-31"}))
    assert ancient["items"] == [] and ancient["from"] == "0001-01-01"
    gov = ok(call(app, "/data", key, period_type="gov_month", **{"from": "0001-01-01"}))
    assert gov["next_from"] == "1902-12-15"  # read from 1900: no record is older
    assert {r["unit_code"] for r in gov["items"]} == {None}  # the ministry's empty totals only
    assert {r["numerator"] for r in gov["items"]} == {0}


def test_unknown_addresses_and_methods_get_json_refusals(app, db, make_key):
    key = make_key()
    refused(call(app, "/nope", key), 404, "not_found")
    refused(call(app, "/indicators/nope", key), 404, "not_found")
    refused(call(app, "/nope"), 401, "unauthenticated")  # the key is checked first
    for method, path in (("POST", "/data"), ("DELETE", "/indicators"), ("PUT", "/openapi.json")):
        before = api_calls(db)
        answer = call(app, path, key, method=method)
        refused(answer, 405, "method_not_allowed")
        assert "GET" in answer.headers["Allow"]
        assert api_calls(db) == before + 1 and latest(db)["outcome"] == "failed"  # audited too


def test_the_prefix_itself_answers_as_the_api(app, make_key):
    # {"code": "unauthenticated", "message": "Cần đăng nhập."} to a caller with a valid key
    refused(call(app, "/", make_key()), 404, "not_found")


def test_messages_follow_accept_language(app, make_key):
    key = make_key()
    english = refused(call(app, "/data", key, headers={"Accept-Language": "en"}, period_type="fortnight"),
                      400, "bad_query")
    assert english["message"].startswith("The query is not valid (period_type:")
    vietnamese = refused(call(app, "/data", key, period_type="fortnight"), 400, "bad_query")
    assert vietnamese["message"].startswith("Tham số truy vấn không hợp lệ (period_type:")
    assert refused(call(app, "/x", headers={"Accept-Language": "en-GB,en;q=0.8"}), 401,
                   "unauthenticated")["message"].startswith("An API key is needed")


# --- the OpenAPI document ------------------------------------------------------------------

def test_the_openapi_document_lists_exactly_the_routes_and_their_shapes(app, make_key):
    document = ok(app.server.test_client().get(API + "/openapi.json"))
    assert document["servers"][0]["url"].endswith(API)
    routes = {re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", rule.rule[len(API):])
              for rule in app.server.url_map.iter_rules()
              if rule.rule.startswith(API + "/") and rule.endpoint != "api.unknown" and "GET" in rule.methods}
    assert routes == set(document["paths"])
    for path, item in document["paths"].items():
        assert set(item) == {"get"}, path
        operation = item["get"]
        if operation.get("security") == []:  # the document itself: no key, no limit
            assert path == "/openapi.json" and "200" in operation["responses"]
            continue
        assert {"200", "401", "429"} <= set(operation["responses"]), path
    # what is served has the documented fields, no more, no fewer
    schemas = document["components"]["schemas"]
    key = make_key()
    page = ok(call(app, "/data", key, indicator="task_overdue", **NOVEMBER))
    assert set(page) == set(schemas["DataPage"]["required"])
    assert set(page["items"][0]) == set(schemas["DataRow"]["required"])
    assert set(ok(call(app, "/units", key))["units"][0]) == set(schemas["Unit"]["required"])
    assert set(ok(call(app, "/indicators", key))["indicators"][0]) == set(schemas["Indicator"]["required"])


# --- issuing keys -----------------------------------------------------------------------------

def test_only_an_administrator_issues_and_revokes_keys_and_each_is_audited(app, db, render):
    import importlib

    from dashboard.auth import accounts, manage
    from dashboard.auth.roles import ROLES, Principal

    admin = Principal("system", "test-admin", ROLES["admin"], role="admin")
    analyst = Principal("user", "someone", ROLES["analyst"], role="analyst")
    with pytest.raises(manage.AccessDenied):
        manage.add_api_client(db, analyst, "sneaky")
    assert audit.read(db, action="access_denied", actor="someone")[0][0]["target"] == "issue API keys"
    with pytest.raises(accounts.AccountError, match="no indicator nope"):
        manage.add_api_client(db, admin, "bad scope", indicators=["nope"], known_indicators={"task_overdue"})
    name = f"GOC-{uuid.uuid4().hex[:6]}"
    client_id, key = manage.add_api_client(db, admin, name, indicators=["task_overdue"], rate_limit=5,
                                           known_indicators={"task_overdue"})
    with pytest.raises(accounts.AccountError, match="already an API key"):
        manage.add_api_client(db, admin, name)
    stored = clients.by_key(db, key)
    assert stored.key_hash != key and key not in (stored.key_hash, stored.key_prefix + "x")  # only a digest kept
    entry = audit.read(db, action="api_key_add", actor="test-admin")[0][0]
    assert entry["target"] == f"{client_id}: {name}" and '"rate_limit": 5' in entry["detail"]
    screen = importlib.import_module("layouts.api_clients")
    listed = text(find(render(screen.layout, role="admin"), "api-clients-table"))
    assert name in listed and "Nhiệm vụ quá hạn" in listed and stored.key_prefix in listed and key not in listed
    ok(call(app, "/indicators", key))
    manage.revoke_api_client(db, admin, client_id)
    refused(call(app, "/indicators", key), 401, "key_revoked")
    assert audit.read(db, action="api_key_revoke", actor="test-admin")[0][0]["target"] == f"{client_id}: {name}"


def test_an_administrator_issues_and_revokes_a_key_on_the_screen(server, browser):
    """In Chromium: the form issues a key shown once, the key reads only its unit, and
    revoking asks first, then cuts the key off."""
    import json
    import urllib.error
    import urllib.request

    settings, url = server
    ensure_user(settings, "admin-keys", "admin")
    page = sign_in(browser, url, "admin-keys")
    page.goto(url + "/admin/api")
    page.wait_for_selector("#api-client-name")
    name = f"Sở Cần Thơ {uuid.uuid4().hex[:4]}"
    page.fill("#api-client-name", name)
    page.click("#api-client-units")
    page.keyboard.type("Cần Thơ")
    page.keyboard.press("Enter")
    page.click("#api-client-add")
    key = page.wait_for_selector("#api-client-key").inner_text().strip()
    assert key.startswith("opc_") and name in page.inner_text("#api-clients-table")

    def read(path: str):
        request = urllib.request.Request(url + API + path, headers={"Authorization": f"Bearer {key}"})
        try:
            with urllib.request.urlopen(request, timeout=30) as answer:
                return answer.status, json.load(answer)
        except urllib.error.HTTPError as exc:
            return exc.code, json.load(exc)

    status, page_data = read("/data?indicator=dossier_on_time_rate")
    assert status == 200 and {r["unit_code"] for r in page_data["items"]} == {"S-CANTHO"}
    asked = []
    page.once("dialog", lambda dialog: (asked.append(dialog.message), dialog.dismiss()))
    row = page.locator("#api-clients-table tr", has_text=name)
    row.get_by_role("button", name="Thu hồi").click()
    page.wait_for_timeout(500)
    assert asked and name in asked[0] and read("/units")[0] == 200  # dismissed: still in use
    page.once("dialog", lambda dialog: dialog.accept())
    row.get_by_role("button", name="Thu hồi").click()
    page.wait_for_selector("text=Đã thu hồi khóa API")
    status, body = read("/units")
    assert status == 401 and body["error"]["code"] == "key_revoked"
    assert "Đã thu hồi lúc" in page.locator("#api-clients-table tr", has_text=name).inner_text()


@pytest.mark.parametrize("rate", [0, 2.7, 10**9])
def test_a_key_needs_a_whole_rate_in_range(db, rate):
    from dashboard.auth.accounts import AccountError

    with pytest.raises(AccountError, match="whole number from 1 to 100000"):
        clients.add(db, f"rate-{uuid.uuid4().hex[:6]}", created_by="test", rate_limit=rate)
