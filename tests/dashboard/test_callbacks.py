"""Every Dash callback is its screen's: the gate asks each callback for its screen's right,
whatever the request says it is (a kiosk token once read the briefs archive by sending the
briefs screen's poll callback with the wall's address as its input). And a crafted
callback request — malformed, or with values no screen sends (a unit as a list, a row
number as text, a filter of 1e308, a repeated URL parameter) — answers 400 or drops the
value, never a 500 or the error screen. All through the app's own HTTP interface."""
from __future__ import annotations

import json
from datetime import date

import dash
import pytest
from dash._utils import split_callback_id, stringify_id

from appdb import briefs as briefs_archive
from dashboard.auth.roles import ROLES
from tests.dashboard.conftest import client_as, ensure_user
from tests.dashboard.test_security import grid_request, kiosk_client
from warehouse.metrics import Period

CALLBACKS = "/_dash-update-component"
ROUTING = ".._pages_content.children..._pages_store.data.."
POLL = "..briefs-archive.children...briefs-poll.disabled.."
# who lacks what: written out here, not derived from the code under test
LACKING = {"view": ("kiosk", "admin"), "admin": ("kiosk", "leader", "analyst"), "wall": ("admin",),
           "urging": ("kiosk", "admin", "leader")}
HOME = {"kiosk": "/wall", "admin": "/data", "leader": "/", "analyst": "/"}


@pytest.fixture(scope="module")
def clients(app, demo):
    settings = demo[0]
    made = {role: client_as(app, ensure_user(settings, f"callbacks-{role}", role))
            for role in ("leader", "analyst", "admin")}
    made["kiosk"] = kiosk_client(app, settings)[0]
    return made


def body(output: str, spec: dict, values: dict | None = None) -> dict:
    """The request Dash's renderer sends for the callback of ``output``, its inputs and
    states at ``values`` (by "id.property"; pattern inputs match nothing)."""
    values = values or {}

    def entry(dependency):
        if dependency["id"].startswith("{"):
            return []
        key = f"{dependency['id']}.{dependency['property']}"
        return {**dependency, "value": values.get(key)}

    inputs = [entry(i) for i in spec["inputs"]]
    return {"output": output, "outputs": split_callback_id(output),
            "inputs": inputs, "state": [entry(s) for s in spec["state"]],
            "changedPropIds": [f"{i['id']}.{i['property']}" for i in spec["inputs"][:1]]}


def routed(path: str, search: str = "") -> dict:
    return {"output": ROUTING, "outputs": split_callback_id(ROUTING),
            "inputs": [{"id": "_pages_location", "property": "pathname", "value": path},
                       {"id": "_pages_location", "property": "search", "value": search}],
            "state": [], "changedPropIds": ["_pages_location.pathname"]}


def test_a_kiosk_cannot_read_the_briefs_archive_through_its_poll(app, clients, db):
    briefs_archive.start(db, Period(date(2026, 11, 9), date(2026, 11, 15)), language="vi", unit_code=None,
                         requested_by="leak-check", trigger="screen")
    kiosk = clients["kiosk"]
    spec = app.callback_map[POLL]
    honest = kiosk.post(CALLBACKS, json=body(POLL, spec, {"briefs-poll.n_intervals": 1}))
    assert honest.status_code == 403
    # the same callback, its input replaced by the wall's address: the gate once took it for
    # the page routing callback building the wall, which a kiosk may open
    crafted = body(POLL, spec)
    crafted["inputs"] = [{"id": "_pages_location", "property": "pathname", "value": "/wall"}]
    answer = kiosk.post(CALLBACKS, json=crafted)
    assert answer.status_code in (400, 403), answer.get_data(as_text=True)[:300]
    assert "leak-check" not in answer.get_data(as_text=True)
    appended = body(POLL, spec, {"briefs-poll.n_intervals": 1})
    appended["inputs"].append({"id": "_pages_location", "property": "pathname", "value": "/wall"})
    assert kiosk.post(CALLBACKS, json=appended).status_code in (400, 403)


def test_every_callback_is_refused_to_a_principal_lacking_its_screens_right(app, clients):
    checked = 0
    for output, spec in app.callback_map.items():
        if "callback" not in spec or output == ROUTING:
            continue  # clientside (answered 400 below); the routing callback: test_security's matrix
        page = dash.page_registry.get(spec["callback"].__module__)
        assert page is not None, f"{output} belongs to no screen"
        lacking = LACKING[page["right"]]
        assert lacking and all(page["right"] not in (ROLES.get(r) or {"wall"}) for r in lacking)
        for role in lacking:
            client = clients[role]
            honest = client.post(CALLBACKS, json=body(output, spec))
            assert honest.status_code == 403, (output, role, honest.status_code)
            disguised = body(output, spec)
            disguised["inputs"] = [{"id": "_pages_location", "property": "pathname", "value": HOME[role]},
                                   {"id": "_pages_location", "property": "search", "value": ""}]
            answer = client.post(CALLBACKS, json=disguised)
            assert answer.status_code in (400, 403), (output, role, answer.status_code)
            checked += 1
    assert checked >= 10  # briefs (3), the unit's grids (2), access (2), API keys, audit, urging


def test_a_callback_no_screen_serves_is_a_bad_request(app, clients):
    analyst = clients["analyst"]
    clientside = next(o for o, s in app.callback_map.items() if "callback" not in s)
    answers = [
        analyst.post(CALLBACKS, json=body(clientside, app.callback_map[clientside])),
        analyst.post(CALLBACKS, json={**routed("/"), "output": "no-such.children"}),
        analyst.post(CALLBACKS, json=[1, 2]),
        analyst.post(CALLBACKS, json={**routed("/"), "inputs": "x"}),
        analyst.post(CALLBACKS, json={**routed("/"), "inputs": routed("/")["inputs"][:1]}),
        analyst.post(CALLBACKS, json={**routed("/"), "changedPropIds": [{"a": 1}]}),
        analyst.post(CALLBACKS, json={**routed("/"), "outputs": "x"}),
        analyst.post(CALLBACKS, data="{not json", headers={"Content-Type": "application/json"}),
    ]
    assert [a.status_code for a in answers] == [400] * len(answers)
    assert answers[0].get_json()["error"]["code"] == "bad_request"
    assert analyst.post(CALLBACKS, json=routed("/")).status_code == 200  # and the real thing answers


@pytest.mark.parametrize("args", [
    {"unit": ["A", "B"]}, {"unit": {"code": "A"}}, {"unit": 5}, {"unit": "A' or 1=1 --"},
    {"as_of": "x"}, {"as_of": 20261120}, "B01",
])
def test_crafted_grid_arguments_answer_400(clients, two_units, args):
    request = grid_request(two_units[0])
    state = request["state"][0]
    state["value"] = {**state["value"], **args} if isinstance(args, dict) else args
    answer = clients["analyst"].post(CALLBACKS, json=request)
    assert answer.status_code == 400, answer.get_data(as_text=True)[:300]
    assert answer.get_json()["error"]["code"] == "bad_request"


@pytest.mark.parametrize("change", [
    {"startRow": "x"}, {"endRow": {}}, {"startRow": 1e308}, {"endRow": [50]}, {"startRow": True},
    {"sortModel": "x"}, {"sortModel": ["days_overdue"]}, {"filterModel": ["days_overdue"]},
    {"filterModel": {"days_overdue": {"filter": 1e308, "type": "greaterThanOrEqual"}}},
    {"filterModel": {"days_overdue": {"filter": "ba", "type": "greaterThanOrEqual"}}},
    {"filterModel": {"days_overdue": {"filter": True, "type": "lessThanOrEqual"}}},
    {"filterModel": {"dossier_id": {"filter": {"a": 1}, "type": "contains"}}},
    {"filterModel": {"dossier_id": "x"}},
])
def test_crafted_grid_requests_answer_400(clients, two_units, change):
    request = grid_request(two_units[0])
    request["inputs"][0]["value"].update(change)
    answer = clients["analyst"].post(CALLBACKS, json=request)
    assert answer.status_code == 400, (change, answer.status_code, answer.get_data(as_text=True)[:300])


@pytest.mark.parametrize("change", [
    {}, {"sortModel": [{"colId": ["x"], "sort": "asc"}, {"colId": "status", "sort": "sideways"}]},
    {"filterModel": {"nope": {"filter": 1}}}, {"startRow": 50, "endRow": 100.0},
    {"filterModel": {"days_overdue": {"filter": 3.7, "type": "greaterThanOrEqual"}}},
])
def test_grid_requests_a_grid_may_send_still_answer(clients, two_units, change):
    request = grid_request(two_units[0])
    request["inputs"][0]["value"].update(change)
    answer = clients["analyst"].post(CALLBACKS, json=request)
    assert answer.status_code == 200, answer.get_data(as_text=True)[:300]
    assert "rowData" in answer.get_json()["response"]["unit-dossiers-grid"]["getRowsResponse"]


@pytest.mark.parametrize("path, search, refused", [
    ("/unit", "?unit=B01&unit=B02", "unit"),
    ("/procedures", "?field=land&field=water", "field"),
    ("/overview", "?kind=ministry_unit&kind=province_dept", "kind"),
    ("/tasks", "?from=2026-01-01&from=2026-02-01&to=2026-03-01", "period"),
    ("/unit", "?via=x&via=y&structure=a&structure=b", "via"),
])
def test_a_repeated_url_parameter_is_dropped_and_said(clients, path, search, refused):
    answer = clients["analyst"].post(CALLBACKS, json=routed("/" if path == "/overview" else path, search))
    assert answer.status_code == 200
    page = json.dumps(answer.get_json(), ensure_ascii=False)
    assert "Không dựng được màn hình" not in page  # not the error screen
    said = "Kỳ báo cáo trong địa chỉ không hợp lệ" if refused == "period" else f"Bộ lọc {refused} trong địa chỉ"
    assert said in page


def test_crafted_values_of_the_other_callbacks(app, clients):
    analyst, admin = clients["analyst"], clients["admin"]
    generate = next(o for o in app.callback_map if o.startswith("..briefs-archive.children@"))
    spec = app.callback_map[generate]
    for week in ({"x": 1}, ["2026-W47"], 47):
        request = body(generate, spec, {"briefs-generate.n_clicks": 1, "briefs-kind.value": "week",
                                        "briefs-week.value": week, "briefs-language.value": "vi"})
        answer = analyst.post(CALLBACKS, json=request)
        assert answer.status_code == 200, (week, answer.status_code)  # the form's own answer: no such week
        assert "Chọn một tuần, hoặc ngày bắt đầu" in json.dumps(answer.get_json(), ensure_ascii=False)
    retry = body(generate, spec)
    retry["inputs"][1] = [{"id": {"type": "brief-retry", "id": "x"}, "property": "n_clicks", "value": 1}]
    retry["changedPropIds"] = ['{"id":"x","type":"brief-retry"}.n_clicks']
    assert analyst.post(CALLBACKS, json=retry).status_code == 400
    show = "..audit-entries.children...audit-offset.data.."
    spec = app.callback_map[show]
    for values in ({"audit-offset.data": "x"}, {"audit-offset.data": {"a": 1}}, {"audit-offset.data": 1e308},
                   {"audit-actor.value": {"a": 1}}, {"audit-action.value": ["sign_in"]}):
        answer = admin.post(CALLBACKS, json=body(show, spec, {"audit-older.n_clicks": 1, **values}))
        assert answer.status_code == 400, (values, answer.status_code)


@pytest.fixture(scope="module")
def db(app):
    return app.server.extensions["opscenter"]["db"]


CRAFTED = (["a", "b"], {"x": 1}, 5, "x", 1e308, True, -1)


def _component(dependency, wildcard, value):
    """The one component a pattern dependency matches, its wildcards set to ``wildcard``."""
    pattern = json.loads(dependency["id"])
    return {"id": {k: wildcard if isinstance(v, list) else v for k, v in pattern.items()},
            "property": dependency["property"], "value": value}


def _crafted(output: str, spec: dict):
    """Requests for the callback of ``output``, each with one crafted value (or a crafted
    id of the component that fired it), the callback fired by each of its inputs in turn."""
    dependencies = spec["inputs"] + spec["state"]
    for trigger, fired in enumerate(spec["inputs"]):
        for wildcard in (1, *(CRAFTED if fired["id"].startswith("{") else ())):
            for position, value in [(None, None), *((p, v) for p in range(len(dependencies)) for v in CRAFTED)]:
                if wildcard != 1 and position is not None:
                    continue
                entries = []
                for index, dependency in enumerate(dependencies):
                    given = 1 if index == trigger else (value if index == position else None)
                    entries.append([_component(dependency, wildcard if index == trigger else 1, given)]
                                   if dependency["id"].startswith("{") else {**dependency, "value": given})
                prop = (stringify_id(entries[trigger][0]["id"]) if fired["id"].startswith("{") else fired["id"])
                yield {"output": output, "outputs": split_callback_id(output), "inputs": entries[:len(spec["inputs"])],
                       "state": entries[len(spec["inputs"]):], "changedPropIds": [f"{prop}.{fired['property']}"]}


def test_no_crafted_value_of_any_callback_is_a_server_error(app, demo, tmp_path, monkeypatch):
    """Every screen callback, fired by each of its inputs, with each input or state (or the
    firing component's id) set in turn to a list, a dict, a number, text, 1e308, a boolean:
    an answer or a 400, never a 5xx. On an app database of its own (the forms create what
    they are given)."""
    from appdb.engine import open_db

    state = app.server.extensions["opscenter"]
    monkeypatch.setitem(state, "db", open_db(f"sqlite:///{tmp_path / 'app.db'}"))
    holders = {"view": "analyst", "urging": "analyst", "admin": "admin"}
    clients = {role: client_as(app, ensure_user_in(state["db"], f"crafted-{role}", role))
               for role in set(holders.values())}
    failures, asked = [], 0
    for output, spec in app.callback_map.items():
        if "callback" not in spec or output == ROUTING:
            continue
        client = clients[holders[dash.page_registry[spec["callback"].__module__]["right"]]]
        for request in _crafted(output, spec):
            answer = client.post(CALLBACKS, json=request)
            asked += 1
            if answer.status_code >= 500:
                failures.append((output, request["changedPropIds"], answer.status_code))
    assert asked > 500 and failures == [], failures[:10]


def ensure_user_in(db, username: str, role: str) -> str:
    from dashboard.auth import accounts
    from tests.dashboard.conftest import PASSWORD

    accounts.ensure(db, username, role, PASSWORD)
    return username
