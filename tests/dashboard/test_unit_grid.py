"""Đơn vị / Unit: the overdue dossiers grid, as its callback answers the browser."""
from __future__ import annotations

import importlib

from tests.conftest import DEMO_TODAY
from tests.dashboard.conftest import request_as
from warehouse import lists
from warehouse.scope import Scope

WORDS = {"vi": "Chờ công dân bổ sung", "en": "Waiting for the citizen"}


def test_a_dossier_waiting_for_the_citizen_says_so_instead_of_its_days(dash_app, reader):
    unit = importlib.import_module("layouts.unit")  # once the app exists: pages register with it
    listed = lists.overdue_dossiers(DEMO_TODAY, scope=Scope.everything(), reader=reader, limit=lists.MAX_ROWS)
    code = listed.loc[listed["waiting"], "unit_code"].iloc[0]  # a unit with one sent back after its due
    expected = listed[listed["unit_code"] == code].set_index("dossier_id")
    assert not expected["waiting"].all()  # and others, shown with their days
    request = {"startRow": 0, "endRow": 500, "sortModel": [], "filterModel": {}}
    for language, words in WORDS.items():
        with request_as(dash_app.server, "analyst", language=language):
            page = unit.rows("dossiers", request, {"unit": code, "as_of": DEMO_TODAY.isoformat()}, language)
        shown = {row["dossier_id"]: row["days_overdue"] for row in page["rowData"]}
        assert shown == {dossier: words if row.waiting else row.days_overdue for dossier, row in expected.iterrows()}
