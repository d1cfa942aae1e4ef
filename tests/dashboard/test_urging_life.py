"""The life of an urging letter against a real SMTP server (aiosmtpd on 127.0.0.1, started
here): draft → issued → sent → answered; nothing sent before it is issued; each letter
arrives once with its PDF, a refused connection is retried without sending twice; a unit
without a contact address is reported; a unit user answers only its own letters, and a
crafted answer to another's is refused and audited; a late answer is flagged."""
from __future__ import annotations

from datetime import date, timedelta

import pytest

from appdb import audit, urgings
from appdb.engine import open_db
from dashboard.urging import mail, service
from tests import urging_world as world
from tests import smtp_inbox
from warehouse.scope import Scope
from warehouse.snapshots import Reader

OFFICE = "office1"
EVERYTHING = Scope.everything()






@pytest.fixture
def smtp():
    with smtp_inbox.serving() as served:
        yield served


@pytest.fixture(scope="module")
def published(tmp_path_factory):
    from tests.conftest import make_settings

    folder = tmp_path_factory.mktemp("urging_life")
    settings = make_settings(folder / "var", demo=False)
    world.build(folder / "files", settings)
    return settings


@pytest.fixture
def office(published, tmp_path):
    """A fresh app database over the published world, and the SMTP settings of a port."""
    def make(port: int, **overrides):
        settings = published.model_copy(update={
            "app_db_url": f"sqlite:///{tmp_path / 'app.db'}", "smtp_host": "127.0.0.1", "smtp_port": port,
            "smtp_retry_seconds": 0, "data_dir": published.data_dir, **overrides})
        return settings, open_db(settings.app_db)
    return make


def _drafts(settings, engine, **options):
    return service.draft(engine, Reader(settings), settings, scope=EVERYTHING, as_of=world.D, actor=OFFICE,
                         **options)


def test_nothing_is_sent_before_it_is_issued_and_each_letter_arrives_once(office, smtp):
    controller, inbox = smtp
    settings, engine = office(controller.port)
    drafted = {row["unit_code"]: row for row in _drafts(settings, engine)}
    assert sorted(drafted) == ["U1", "U2"]
    u1 = drafted["U1"]
    assert u1["state"] == "draft" and len(u1["files"]) == 2
    with pytest.raises(urgings.TransitionError):
        service.send(engine, settings, u1["id"], actor=OFFICE, scope=EVERYTHING)
    assert urgings.mail_waiting(engine) == [] and inbox.messages == []

    issued = service.issue(engine, settings, u1["id"], number="215", issued_on=world.D, actor=OFFICE,
                           scope=EVERYTHING)
    assert issued["state"] == "issued" and issued["number"] == "215"
    with pytest.raises(urgings.TransitionError):  # issued once
        service.issue(engine, settings, u1["id"], number="216", issued_on=world.D, actor=OFFICE, scope=EVERYTHING)
    with pytest.raises(urgings.TransitionError):  # answered only once sent
        urgings.answer(engine, u1["id"], {"PM-LATE": (date(2026, 3, 20), "")}, actor="u1")

    report = service.send_many(engine, settings, [u1["id"]], actor=OFFICE, scope=EVERYTHING)
    assert report["queued"] == [u1["id"]] and report["delivery"]["sent"] == [f"urging:{u1['id']}"]
    assert service.send(engine, settings, u1["id"], actor=OFFICE, scope=EVERYTHING) is False  # once, ever
    assert mail.deliver(engine, settings)["sent"] == []
    assert len(inbox.messages) == 1
    recipients, message = inbox.messages[0]
    assert recipients == ["cmt@mae.gov.vn"]
    assert "215/VPB-TH" in message["Subject"]
    attachments = [part for part in message.iter_attachments()]
    assert [part.get_filename() for part in attachments] == ["U1_cong-van-don-doc_2026-03-02.pdf"]
    assert attachments[0].get_payload(decode=True).startswith(b"%PDF")
    sent = urgings.get(engine, u1["id"])
    assert sent["state"] == "sent" and sent["sent_at"] is not None and sent["answer_due_on"] is not None


def test_a_refused_connection_is_retried_and_nothing_is_sent_twice(office):
    port = smtp_inbox.free_port()  # nothing listens yet
    settings, engine = office(port)
    u1 = next(row for row in _drafts(settings, engine, units=["U1"]))
    service.issue(engine, settings, u1["id"], number="7", issued_on=world.D, actor=OFFICE, scope=EVERYTHING)
    report = service.send_many(engine, settings, [u1["id"]], actor=OFFICE, scope=EVERYTHING)
    assert report["queued"] == [u1["id"]] and report["delivery"]["sent"] == []
    assert "ConnectionRefusedError" in report["delivery"]["failed"][0]["error"]
    waiting = urgings.mail_waiting(engine)
    assert len(waiting) == 1 and waiting[0]["attempts"] == 1 and "Refused" in waiting[0]["last_error"]
    assert urgings.get(engine, u1["id"])["state"] == "issued"

    inbox = smtp_inbox.Inbox()
    controller = smtp_inbox.Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        assert mail.deliver(engine, settings)["sent"] == [f"urging:{u1['id']}"]
        assert mail.deliver(engine, settings)["sent"] == []
        assert service.send(engine, settings, u1["id"], actor=OFFICE, scope=EVERYTHING) is False
        assert mail.deliver(engine, settings)["sent"] == []
    finally:
        controller.stop()
    assert len(inbox.messages) == 1
    assert urgings.mail_of(engine, u1["id"])["attempts"] == 2
    assert urgings.get(engine, u1["id"])["state"] == "sent"


def test_a_unit_without_a_contact_address_is_reported(office, smtp):
    controller, inbox = smtp
    settings, engine = office(controller.port)
    u2 = next(row for row in _drafts(settings, engine, units=["U2"]))
    assert u2["contact_email"] is None
    service.issue(engine, settings, u2["id"], number="8", issued_on=world.D, actor=OFFICE, scope=EVERYTHING)
    report = service.send_many(engine, settings, [u2["id"]], actor=OFFICE, scope=EVERYTHING)
    assert report["no_contact"] == [u2["id"]] and report["queued"] == []
    entries, _ = audit.read(engine, action="urging_send")
    assert entries[0]["outcome"] == "failed" and "no contact e-mail" in entries[0]["detail"]
    assert urgings.get(engine, u2["id"])["state"] == "issued" and inbox.messages == []


def test_a_unit_answers_its_own_letter_only_and_a_late_one_is_flagged(office, smtp):
    controller, inbox = smtp
    settings, engine = office(controller.port)
    drafted = {row["unit_code"]: row for row in _drafts(settings, engine)}
    for row in drafted.values():
        service.issue(engine, settings, row["id"], number=str(row["id"]), issued_on=world.D, actor=OFFICE,
                      scope=EVERYTHING)
    service.send_many(engine, settings, [drafted["U1"]["id"]], actor=OFFICE, scope=EVERYTHING)
    u1 = urgings.get(engine, drafted["U1"]["id"])
    assert u1["state"] == "sent"
    # the last day to answer: 3 working days after sending
    assert urgings.unanswered_late(engine, u1["answer_due_on"]) == []
    assert [r["id"] for r in urgings.unanswered_late(engine, u1["answer_due_on"] + timedelta(days=1))] == [u1["id"]]

    u2_user = Scope(frozenset({"U2"}))
    with pytest.raises(service.Refused):  # a crafted answer for another unit's letter
        service.answer(engine, u1["id"], {"PM-LATE": (date(2026, 3, 20), "xong")}, actor="socantho", scope=u2_user)
    refused, _ = audit.read(engine, action="access_denied")
    assert refused[0]["actor"] == "socantho" and f"#{u1['id']}" in refused[0]["target"]
    assert [r["unit_code"] for r in service.visible(engine, u2_user)] == ["U2"]

    u1_user = Scope(frozenset({"U1"}))
    with pytest.raises(ValueError):  # a task the letter did not list
        service.answer(engine, u1["id"], {"U2-LATE": (date(2026, 3, 20), "")}, actor="cmt", scope=u1_user)
    answered = service.answer(engine, u1["id"], {"PM-LATE": (date(2026, 3, 20), "Đang trình Bộ trưởng"),
                                                 "SOON": (date(2026, 3, 6), "")}, actor="cmt", scope=u1_user)
    assert answered["state"] == "answered" and answered["answered_by"] == "cmt"
    assert urgings.answers_of(engine, u1["id"])["PM-LATE"] == {"expected_on": date(2026, 3, 20),
                                                               "note": "Đang trình Bộ trưởng"}
    assert urgings.unanswered_late(engine, u1["answer_due_on"] + timedelta(days=30)) == []
    with pytest.raises(urgings.TransitionError):  # once
        service.answer(engine, u1["id"], {"SOON": (None, "again")}, actor="cmt", scope=u1_user)


def test_the_daily_digest_arrives_once_per_unit_and_day_and_names_units_without_an_address(office, smtp):
    from dashboard.urging import jobs

    controller, inbox = smtp
    settings, engine = office(controller.port)
    result = jobs.daily_digest(settings, day=world.D)
    assert result.startswith("1 digests queued, 1 sent") and "no contact e-mail: U2" in result
    assert jobs.daily_digest(settings, day=world.D).startswith("0 digests queued, 0 sent")  # once a day
    assert len(inbox.messages) == 1
    recipients, message = inbox.messages[0]
    assert recipients == ["cmt@mae.gov.vn"]
    body = message.get_body().get_content()
    for task in ("PM-LATE", "GOV-LATE", "ML-LATE", "SOON"):
        assert world.TASKS[task][0] in body
    assert world.TASKS["TRACK"][0] not in body and "/tasks?unit=U1" in body
