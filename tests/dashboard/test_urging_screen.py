"""The Đôn đốc screen on the demo: the office drafts for the units to urge and sees every
letter with its actions; a unit user sees only its own letters and the answer form of a
sent one; a letter's file is refused (and audited) to another unit's user."""
from __future__ import annotations

import pytest

from appdb import audit, urgings
from dashboard.urging import letters, service
from tests.dashboard.conftest import client_as, ensure_user, find, text
from warehouse.scope import Scope


@pytest.fixture(scope="module")
def layout(dash_app):
    from layouts.urging import layout

    return layout


@pytest.fixture(scope="module")
def drafted(app, demo, reader):
    settings = demo[0]
    db = app.server.extensions["opscenter"]["db"]
    units = letters.units_to_urge(reader, Scope.everything(), settings.reporting_day())
    ministry = [code for code in units.index if code.startswith("B") and code != "B26"][:2]  # B26: no address
    rows = service.draft(db, reader, settings, scope=Scope.everything(), as_of=settings.reporting_day(),
                         actor="office-test", units=ministry)
    assert [row["unit_code"] for row in rows] == ministry
    first = rows[0]
    urgings.issue(db, first["id"], number="101", issued_on=settings.reporting_day(), actor="office-test")
    service.render(db, settings, urgings.get(db, first["id"]))
    urgings.queue_mail(db, first["id"], subject="s", body="b", attachment="/nonexistent.pdf", message_id="<t@x>")
    urgings.mail_sent(db, urgings.mail_waiting(db)[0], answer_due_on=settings.reporting_day())
    return settings, db, rows


def test_the_office_sees_the_units_to_urge_and_every_letter(render, layout, drafted, reader):
    settings, db, rows = drafted
    tree = render(layout, role="office")
    assert find(tree, "urging-units") is not None and find(tree, "urging-draft") is not None
    candidates = letters.units_to_urge(reader, Scope.everything(), settings.reporting_day())
    assert [o["value"] for o in find(tree, "urging-units").options] == list(candidates.index)
    table = text(find(tree, "urging-letters-table"))
    for row in rows:
        assert row["unit_code"] in table
    assert "Đã gửi, chờ trả lời" in text(find(tree, f"urging-state-{rows[0]['id']}"))
    assert "Dự thảo" in text(find(tree, f"urging-state-{rows[1]['id']}"))


def test_a_unit_user_sees_only_its_own_letters_and_answers_a_sent_one(render, layout, drafted):
    settings, db, rows = drafted
    mine, theirs = rows
    tree = render(layout, role="unit", unit=mine["unit_code"])
    assert find(tree, "panel-urging-draft") is None and find(tree, "urging-units").options == []  # no drafting
    assert find(tree, f"urging-row-{mine['id']}") is not None and find(tree, f"urging-row-{theirs['id']}") is None
    listed = find(tree, f"urging-listed-{mine['id']}")
    assert listed.open and "Gửi trả lời" in text(listed)


def test_a_letter_file_is_refused_to_another_units_user(app, drafted):
    settings, db, rows = drafted
    mine, theirs = rows
    client = client_as(app, ensure_user(settings, "urging-unit", "unit", mine["unit_code"]))
    own = client.get(f"/urgings/file/{mine['id']}/{mine['files'][1]}")
    assert own.status_code == 200 and own.data.startswith(b"%PDF")
    other = client.get(f"/urgings/file/{theirs['id']}/{theirs['files'][1]}")
    assert other.status_code == 403
    entries, _ = audit.read(db, action="access_denied", actor="urging-unit")
    assert entries and entries[0]["target"] == f"urging {theirs['id']}"
