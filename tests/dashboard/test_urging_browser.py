"""The whole loop in Chromium against the real app and a real SMTP server: the tasks
screen's overdue list → the Đôn đốc screen with the unit picked → draft → issue (number,
date) → send (the e-mail with the PDF arrives once) → the unit user answers on its own
screen → the office sees the answer."""
from __future__ import annotations


import pytest

from appdb import urgings
from appdb.engine import open_db
from dashboard.urging import letters
from tests.dashboard.conftest import ensure_user, free_port, sign_in, start_app, wait_for
from tests import smtp_inbox
from warehouse.scope import Scope




@pytest.fixture(scope="module")
def smtp():
    with smtp_inbox.serving() as served:
        yield served


@pytest.fixture(scope="module")
def urging_server(demo, smtp):
    settings = demo[0]
    port = free_port()
    proc = start_app(settings, port, OPSCENTER_SMTP_HOST="127.0.0.1", OPSCENTER_SMTP_PORT=str(smtp[0].port))
    try:
        wait_for(f"http://127.0.0.1:{port}/login", proc, 90)
        yield settings, f"http://127.0.0.1:{port}"
    finally:
        proc.terminate()
        proc.wait(10)


def test_draft_issue_send_answer_in_the_browser(urging_server, browser, smtp, reader):
    settings, url = urging_server
    controller, inbox = smtp
    units = letters.units_to_urge(reader, Scope.everything(), settings.reporting_day())
    code = next(c for c in units.index if c.startswith("B") and c != "B26" and units.at[c, "overdue"] > 0)
    ensure_user(settings, "vanphong", "office")
    ensure_user(settings, "donvi", "unit", code)

    office = sign_in(browser, url, "vanphong")
    office.goto(url + f"/tasks?state=overdue&unit={code}")
    office.wait_for_selector("#tasks-worklist-table")
    assert office.locator("#tasks-worklist-table tbody tr").count() == min(50, int(units.at[code, "overdue"]))

    office.goto(url + f"/urging?unit={code}")
    office.wait_for_selector("#urging-draft")
    office.click("#urging-draft")
    db = open_db(settings.app_db)
    office.wait_for_selector(f"text=Đã dự thảo 1 công văn.")
    letter = urgings.listing(db, units={code})[0]
    assert letter["state"] == "draft"
    row = f"#urging-row-{letter['id']}"
    office.wait_for_selector(row)
    office.fill(f"{row} .urging-number input", "315")
    office.click(f"{row} button:has-text('Phát hành')")
    office.wait_for_selector(f"#urging-state-{letter['id']}:has-text('Đã phát hành')")
    office.click(f"{row} button:has-text('Gửi tới')")
    office.wait_for_selector(f"#urging-state-{letter['id']}:has-text('Đã gửi, chờ trả lời')")
    assert len(inbox.messages) == 1
    recipients, message = inbox.messages[0]
    assert recipients == [letter["contact_email"]] and "315/VPB-TH" in message["Subject"]
    assert [p.get_filename() for p in message.iter_attachments()] == [f"{code}_cong-van-don-doc_"
                                                                       f"{settings.reporting_day()}.pdf"]

    unit = sign_in(browser, url, "donvi")
    unit.goto(url + "/urging")
    unit.wait_for_selector(f"#urging-listed-{letter['id']}")
    assert unit.locator("#urging-units input").count() == 0  # no drafting for a unit
    first_task = letter["content"]["tasks"][0]["task_id"]
    unit.locator(f"#urging-listed-{letter['id']} .urging-note input").first.fill("Đang hoàn thiện hồ sơ trình Bộ")
    unit.click(f"#urging-listed-{letter['id']} button:has-text('Gửi trả lời')")
    unit.wait_for_selector(f"#urging-state-{letter['id']}:has-text('Đơn vị đã trả lời')")
    assert urgings.answers_of(db, letter["id"])[first_task]["note"] == "Đang hoàn thiện hồ sơ trình Bộ"

    office.reload()
    office.wait_for_selector(f"#urging-state-{letter['id']}:has-text('Đơn vị đã trả lời')")
    office.click(f"#urging-listed-{letter['id']} summary")
    assert "Đang hoàn thiện hồ sơ trình Bộ" in office.inner_text(f"#urging-listed-{letter['id']}")
    assert len(inbox.messages) == 1  # once
    db.dispose()
