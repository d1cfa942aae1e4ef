"""Access control end to end, through the app's own HTTP interface: every route and every
callback refuses an anonymous request; each role opens its screens and no others; a unit
user's crafted callback gets none of another unit's rows; kiosk tokens open the wall
only; the audit log records each action and cannot be changed."""
from __future__ import annotations

import json
from datetime import date

import pytest
from sqlalchemy import delete, update

from appdb import audit
from appdb.schema import audit_log
from dashboard.auth import accounts, kiosk, manage
from dashboard.auth.roles import ROLES, Principal
from tests.dashboard.conftest import PASSWORD, client_as, csrf, ensure_user, find, text

AS_OF = date(2026, 11, 20)
STATIC = ("/assets/", "/_dash-component-suites/", "/_favicon.ico", "/static/")
SIGN_IN = ("/login", "/setup/", "/password/", "/kiosk/")
PUBLIC = ("/api/v1/openapi.json",)  # the API's description: no data
API = "/api/v1/"  # answers machines: JSON refusals, never a sign-in page
SCREENS = {"overview": "/", "procedures": "/procedures", "tasks": "/tasks", "budget": "/budget",
           "rankings": "/rankings", "unit": "/unit", "wall": "/wall", "data": "/data", "urging": "/urging",
           "access": "/admin/access", "api_clients": "/admin/api", "audit": "/admin/audit"}
DESK = {"overview", "procedures", "tasks", "budget", "rankings", "unit", "wall"}
# who opens what: written out here, not derived from the code under test
MATRIX = {"leader": DESK, "office": DESK | {"urging"}, "analyst": DESK | {"urging"}, "unit": DESK | {"urging"},
          "admin": {"data", "access", "api_clients", "audit"}, "kiosk": {"wall"}}
ADMIN = Principal("system", "test-admin", ROLES["admin"], role="admin")


@pytest.fixture(scope="module")
def db(app):
    return app.server.extensions["opscenter"]["db"]


def kiosk_client(app, settings):
    token_id, token = kiosk.add(app.server.extensions["opscenter"]["db"], "Sảnh thử", created_by="test")
    client = app.server.test_client()
    assert client.get(f"/kiosk/{token}").headers["Location"] == "/wall"
    client.environ_base["HTTP_X_CSRFTOKEN"] = csrf(client)
    return client, token_id


def grid_request(unit: str, sort=()) -> dict:
    request = {"startRow": 0, "endRow": 50, "sortModel": [{"colId": c, "sort": d} for c, d in sort],
               "filterModel": {}}
    return {"output": "unit-dossiers-grid.getRowsResponse",
            "outputs": {"id": "unit-dossiers-grid", "property": "getRowsResponse"},
            "inputs": [{"id": "unit-dossiers-grid", "property": "getRowsRequest", "value": request}],
            "state": [{"id": "unit-grid-args", "property": "data", "value": {"unit": unit, "as_of": AS_OF.isoformat()}}],
            "changedPropIds": ["unit-dossiers-grid.getRowsRequest"]}


def grid_rows(client, unit: str, sort=()):
    answer = client.post("/_dash-update-component", json=grid_request(unit, sort))
    if answer.status_code != 200:
        return answer.status_code, None
    return 200, answer.get_json()["response"]["unit-dossiers-grid"]["getRowsResponse"]


def test_every_route_and_callback_refuses_an_anonymous_request(app):
    client = app.server.test_client()
    client.get("/login")
    token = csrf(client)  # an anonymous session's valid token: the refusal must come from the sign-in gate
    checked = 0
    for rule in app.server.url_map.iter_rules():
        path = rule.rule
        for name in rule.arguments:
            path = path.replace(f"<{name}>", "x").replace(f"<path:{name}>", "x").replace(f"<int:{name}>", "1")
        if path.startswith(STATIC) or path.startswith(SIGN_IN):
            continue
        if path in PUBLIC:
            assert set(client.get(path).get_json()) == {"openapi", "info", "servers", "security", "paths",
                                                        "components"}
            continue
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            answer = client.open(path, method=method, headers={"X-CSRFToken": token}, json={})
            assert answer.status_code == 401, (method, rule.rule, answer.status_code)
            page = client.open(path, method=method, headers={"X-CSRFToken": token, "Accept": "text/html"})
            if path.startswith(API):
                assert page.status_code == 401 and page.get_json()["error"]["code"] == "unauthenticated"
            elif method == "GET":
                assert page.status_code == 302 and page.headers["Location"].startswith("/login?next="), rule.rule
            else:
                assert page.status_code == 401, (method, rule.rule)
            checked += 1
    assert checked >= 8  # Dash's routes, the live state, the language toggle, sign-out, the pages
    assert len(app.callback_map) >= 5
    for output, spec in app.callback_map.items():
        payload = {"output": output, "outputs": [], "changedPropIds": [],
                   "inputs": [{**i, "value": None} for i in spec["inputs"]],
                   "state": [{**s, "value": None} for s in spec["state"]]}
        answer = client.post("/_dash-update-component", json=payload, headers={"X-CSRFToken": token})
        assert answer.status_code == 401, output
        assert "rowData" not in answer.get_data(as_text=True)


def test_sign_in_routes_open_without_a_session_reveal_nothing_with_a_bad_token(app):
    client = app.server.test_client()
    assert client.get("/login").status_code == 200
    assert client.get("/setup/not-a-token").status_code == 404
    assert client.get("/password/not-a-token").status_code == 404
    assert client.get("/kiosk/not-a-token").status_code == 403
    assert client.get("/_dash-layout").status_code == 401  # and still nobody


@pytest.mark.parametrize("role", list(MATRIX))
def test_each_role_opens_its_screens_and_no_others(app, demo, role, two_units):
    settings = demo[0]
    if role == "kiosk":
        client, _ = kiosk_client(app, settings)
    else:
        client = client_as(app, ensure_user(settings, f"matrix-{role}", role,
                                            two_units[0] if role == "unit" else None))
    for screen, path in SCREENS.items():
        answer = client.get(path, headers={"Accept": "text/html"})
        if screen in MATRIX[role]:
            assert answer.status_code == 200, (role, screen)
        elif path == "/":
            assert answer.status_code == 302 and answer.headers["Location"] != "/", role  # sent to its home
        else:
            assert answer.status_code == 403, (role, screen, answer.status_code)
        # the page routing callback says the same (a click inside the app, not a page load)
        routed = client.post("/_dash-update-component", json={
            "output": ".._pages_content.children..._pages_store.data..",
            "outputs": [{"id": "_pages_content", "property": "children"}, {"id": "_pages_store", "property": "data"}],
            "inputs": [{"id": "_pages_location", "property": "pathname", "value": path},
                       {"id": "_pages_location", "property": "search", "value": ""}],
            "state": [], "changedPropIds": ["_pages_location.pathname"]})
        said = json.dumps(routed.get_json(), ensure_ascii=False) if routed.status_code == 200 else ""
        refused = routed.status_code == 403 or "không có quyền" in said
        assert refused != (screen in MATRIX[role]), (role, screen, routed.status_code)


def test_a_unit_users_crafted_callback_gets_none_of_another_units_rows(app, demo, two_units):
    own, other = two_units
    unit_user = client_as(app, ensure_user(demo[0], "unit-user", "unit", own))
    analyst = client_as(app, ensure_user(demo[0], "analyst", "analyst"))
    status, theirs = grid_rows(unit_user, other)
    assert status == 200 and theirs["rowData"] == [] and theirs["rowCount"] == 0
    status, mine = grid_rows(unit_user, own)
    assert status == 200 and mine["rowCount"] > 0  # the same request for its own unit does answer
    assert grid_rows(analyst, other)[1]["rowCount"] > 0  # and the other unit does have rows
    # the screens built from metrics hold the unit's own numbers only
    page = unit_user.get("/unit?unit=" + other, headers={"Accept": "text/html"})
    assert page.status_code == 200


def test_metrics_read_as_a_unit_user_hold_only_its_scope(app, two_units):
    from dashboard import context, data
    from tests.dashboard.conftest import request_as
    from warehouse.metrics import Period

    period = Period(date(2026, 1, 1), date(2026, 10, 31))
    with request_as(app.server, "unit", two_units[0]):
        context.cache().clear()
        scope = context.scope().codes
        by_unit = data.metric("dossier_on_time_rate", period, by=("unit",))
        ranking = data.metric("unit_ranking", period)
    assert two_units[0] in scope and two_units[1] not in scope
    assert set(by_unit["unit_code"]) <= scope and len(by_unit) >= 1
    assert list(ranking["unit_code"]) == [two_units[0]]  # its own position, not the league table
    assert ranking["ranked"].iloc[0] > 1 and 1 <= ranking["rank"].iloc[0] <= ranking["ranked"].iloc[0]


def test_a_leader_reads_screens_but_cannot_page_through_records(app, demo, two_units):
    leader = client_as(app, ensure_user(demo[0], "leader", "leader"))
    assert grid_rows(leader, two_units[0], sort=[("days_overdue", "desc")])[0] == 403


def test_a_kiosk_token_opens_the_wall_only_and_not_after_revocation(app, demo, db):
    client, token_id = kiosk_client(app, demo[0])
    assert client.get("/wall", headers={"Accept": "text/html"}).status_code == 200
    assert client.get("/live/state").status_code == 200
    assert client.get("/procedures", headers={"Accept": "text/html"}).status_code == 403
    assert client.get("/language/en").status_code == 403
    assert grid_rows(client, "x")[0] == 403
    manage.revoke_kiosk(db, ADMIN, token_id)
    assert client.get("/live/state").status_code == 401
    answer = client.get("/wall", headers={"Accept": "text/html"})
    assert answer.status_code == 302 and answer.headers["Location"].startswith("/login")


def _latest(db, action: str) -> dict:
    rows, _ = audit.read(db, action=action, limit=1)
    return rows[0]


def test_audited_actions_leave_entries(app, demo, db):
    settings = demo[0]
    client = app.server.test_client()
    client.get("/login")
    client.post("/login", data={"username": "analyst", "password": "wrong password", "csrf_token": csrf(client)})
    assert (_latest(db, "sign_in")["outcome"], _latest(db, "sign_in")["target"]) == ("failed", "analyst")
    signed = client_as(app, ensure_user(settings, "analyst", "analyst"))
    assert (_latest(db, "sign_in")["outcome"], _latest(db, "sign_in")["actor"]) == ("ok", "analyst")
    signed.get("/data", headers={"Accept": "text/html"})
    assert (_latest(db, "access_denied")["actor"], _latest(db, "access_denied")["target"]) == ("analyst", "/data")
    signed.post("/logout", data={"csrf_token": csrf(signed)})
    assert _latest(db, "sign_out")["actor"] == "analyst"
    link = manage.add_user(db, ADMIN, "audited", "office")
    assert _latest(db, "user_add")["target"] == "audited"
    fresh = app.server.test_client()
    fresh.get(f"/password/{link}")
    fresh.post(f"/password/{link}", data={"password": PASSWORD, "confirm": PASSWORD, "csrf_token": csrf(fresh)})
    assert _latest(db, "password_set")["actor"] == "audited"
    manage.set_active(db, ADMIN, "audited", False)
    assert _latest(db, "user_disable")["target"] == "audited"
    assert fresh.get("/_dash-layout").status_code == 401  # disabling ended its session
    manage.set_active(db, ADMIN, "audited", True)
    assert _latest(db, "user_enable")["target"] == "audited"
    manage.reset(db, ADMIN, "audited")
    assert _latest(db, "user_reset")["target"] == "audited"
    token_id, _ = manage.add_kiosk(db, ADMIN, "Phòng họp")
    assert _latest(db, "kiosk_add")["target"] == f"{token_id}: Phòng họp"
    manage.revoke_kiosk(db, ADMIN, token_id)
    assert _latest(db, "kiosk_revoke")["target"] == f"{token_id}: Phòng họp"
    kiosk_client(app, settings)
    assert _latest(db, "kiosk_open")["outcome"] == "ok"
    with pytest.raises(manage.AccessDenied):
        manage.add_user(db, Principal("user", "mallory", ROLES["office"], role="office"), "x", "admin")
    assert (_latest(db, "access_denied")["actor"], _latest(db, "access_denied")["outcome"]) == ("mallory", "refused")


def test_the_audit_log_cannot_be_changed(db):
    before = audit.read(db, limit=1)[0][0]
    with pytest.raises(Exception, match="append-only"):
        with db.begin() as connection:
            connection.execute(update(audit_log).values(actor="someone else"))
    with pytest.raises(Exception, match="append-only"):
        with db.begin() as connection:
            connection.execute(delete(audit_log))
    assert audit.read(db, limit=1)[0][0] == before


def test_repeated_failed_sign_ins_are_throttled(app, demo, db):
    settings = demo[0]
    ensure_user(settings, "throttled", "office")
    client = app.server.test_client()
    client.get("/login")
    for _ in range(settings.signin_max_failures):
        answer = client.post("/login", data={"username": "throttled", "password": "nope", "csrf_token": csrf(client)})
        assert answer.status_code == 401
    answer = client.post("/login", data={"username": "throttled", "password": PASSWORD, "csrf_token": csrf(client)})
    assert answer.status_code == 429  # even the right password, for a while
    assert "15" in answer.get_data(as_text=True)
    assert _latest(db, "sign_in")["outcome"] == "throttled"


def test_forms_and_callbacks_need_their_csrf_token(app, demo):
    client = app.server.test_client()
    client.get("/login")
    assert client.post("/login", data={"username": "analyst", "password": PASSWORD}).status_code == 403
    signed = client_as(app, ensure_user(demo[0], "analyst", "analyst"))
    del signed.environ_base["HTTP_X_CSRFTOKEN"]
    assert signed.post("/_dash-update-component", json=grid_request("x")).status_code == 403


def test_headers_and_cookies(app):
    client = app.server.test_client()
    answer = client.get("/login")
    policy = answer.headers["Content-Security-Policy"]
    assert "frame-ancestors 'none'" in policy and "script-src 'self'" in policy and "unsafe-eval" not in policy
    assert answer.headers["X-Content-Type-Options"] == "nosniff"
    cookies = {c.split("=")[0]: c for c in answer.headers.getlist("Set-Cookie")}
    session = cookies["opscenter_session"]
    assert "HttpOnly" in session and "SameSite=Lax" in session and "Secure" not in session  # plain HTTP
    assert "HttpOnly" not in cookies["_csrf_token"] and "SameSite=Strict" in cookies["_csrf_token"]  # Dash reads it
    secure = app.server.test_client().get("/login", base_url="https://localhost")
    assert all("; Secure" in c for c in secure.headers.getlist("Set-Cookie"))


def test_the_first_admin_is_made_through_a_one_time_link(tmp_path):
    from appdb.engine import open_db

    db = open_db(f"sqlite:///{tmp_path / 'app.db'}")
    token = manage.first_admin_link(db)
    assert token and accounts.open_link(db, token, "setup") is not None
    again = manage.first_admin_link(db)
    assert accounts.open_link(db, token, "setup") is None and accounts.open_link(db, again, "setup")
    user_id = accounts.add(db, "root-admin", "admin")
    accounts.set_password(db, user_id, PASSWORD)
    assert manage.first_admin_link(db) is None
    assert accounts.authenticate(db, "root-admin", PASSWORD).id == user_id
    assert accounts.authenticate(db, "root-admin", PASSWORD + "x") is None
    assert accounts.find(db, user_id=user_id).password_hash.startswith("scrypt:")


def test_a_rejected_one_time_form_leaves_its_link_usable(tmp_path, app, db):
    token = accounts.issue_link(db, "setup")
    client = app.server.test_client()
    client.get(f"/setup/{token}")
    refused = client.post(f"/setup/{token}", data={"username": "hai từ", "password": PASSWORD, "confirm": PASSWORD,
                                                   "csrf_token": csrf(client)})
    assert refused.status_code == 400 and "Tên đăng nhập là một từ" in refused.get_data(as_text=True)
    assert accounts.open_link(db, token, "setup") is not None  # not spent by the bad form
    short = client.post(f"/setup/{token}", data={"username": "x", "password": "short", "confirm": "short",
                                                 "csrf_token": csrf(client)})
    assert short.status_code == 400 and accounts.open_link(db, token, "setup") is not None
    name = f"setup-{tmp_path.name[-6:]}".lower()
    done = client.post(f"/setup/{token}", data={"username": name, "password": PASSWORD, "confirm": PASSWORD,
                                                "csrf_token": csrf(client)})
    assert done.status_code == 302 and accounts.find(db, username=name).role == "admin"
    assert accounts.open_link(db, token, "setup") is None


def test_account_errors_say_why_in_the_readers_language(db):
    manage.add_user(db, ADMIN, "twice", "office")
    with pytest.raises(accounts.AccountError) as refused:
        manage.add_user(db, ADMIN, "twice", "office")
    assert refused.value.text("vi") == "Tài khoản twice đã có."  # the admin screen
    assert str(refused.value) == "User twice already exists."  # the CLI
    with pytest.raises(accounts.AccountError) as merged:
        manage.add_user(db, ADMIN, "old-unit", "unit", unit_code="GONE", known_units={"S-HUE"})
    assert merged.value.text("vi") == "Không có đơn vị hiện hành mã GONE trong kho dữ liệu."


def test_a_kiosk_opening_the_root_goes_to_the_wall(app, demo):
    client, _ = kiosk_client(app, demo[0])
    assert client.get("/").headers["Location"] == "/wall"


def test_a_stale_form_token_gets_a_page_not_json(app):
    client = app.server.test_client()
    client.get("/login")
    answer = client.post("/login", data={"username": "x", "password": "y", "csrf_token": "stale"},
                         headers={"Accept": "text/html"})
    assert answer.status_code == 403 and answer.mimetype == "text/html"
    assert "<html" in answer.get_data(as_text=True).lower()


def test_a_disabled_account_gets_no_password_link(db):
    accounts.ensure(db, "nghi-viec", "office", PASSWORD)
    token = manage.reset(db, ADMIN, "nghi-viec")
    manage.set_active(db, ADMIN, "nghi-viec", False)
    with pytest.raises(accounts.AccountError, match="disabled"):
        manage.reset(db, ADMIN, "nghi-viec")
    assert accounts.open_link(db, token, "password") is not None  # issued before: its form refuses it


def test_the_admin_screens_work_before_the_first_publish(render, use, tmp_path):
    import importlib

    from tests.conftest import make_settings
    from warehouse.snapshots import Reader

    empty = make_settings(tmp_path / "empty", demo=False)
    use(empty, Reader(empty))
    for screen in ("access", "api_clients"):
        tree = render(importlib.import_module(f"layouts.{screen}").layout, role="admin")
        assert "Chưa có dữ liệu" in text(tree) and find(tree, "panel-access-add" if screen == "access"
                                                              else "panel-api-client-add") is not None
