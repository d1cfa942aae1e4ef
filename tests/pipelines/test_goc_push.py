"""The push to the Government Operation Center against a real receiver on 127.0.0.1:
refusals, a timeout and a killed sender change nothing of what arrives, which is every
message exactly once and in order."""
from __future__ import annotations

import os
import subprocess
import sys
import threading
from datetime import date, timedelta
from http.server import BaseHTTPRequestHandler, HTTPServer
from pathlib import Path

import pytest
from pydantic import SecretStr
from sqlalchemy import create_engine

from appdb import outbox
from pipelines.goc import messages, push
from tests.pipelines.goc_receiver import Receiver
from warehouse import indicators, metrics
from warehouse.periods import Period
from warehouse.snapshots import Reader
from warehouse.scope import Scope

ROOT = Path(__file__).resolve().parents[2]
TODAY = date(2026, 11, 20)
FAST = {"goc_push_timeout_seconds": 0.5, "goc_retry_seconds": 0.05, "goc_retry_max_seconds": 0.2,
        "goc_push_seconds": 30}


def push_settings(demo, tmp_path, url, **overrides):
    """The demo warehouse, an outbox of the test's own, and a fast-retrying sender."""
    return demo[0].model_copy(update={"app_db_url": f"sqlite:///{tmp_path / 'app.db'}", "goc_push_url": url,
                                      "goc_push_token": SecretStr("goc-secret"), **FAST, **overrides})


def enqueue_months(settings, first: date) -> list[str]:
    engine = outbox.open_outbox(settings)
    reader = Reader(settings)
    keys = []
    for period in indicators.periods("month", first, TODAY, TODAY):
        message = messages.build(reader, period)
        assert outbox.enqueue(engine, message, trigger="test")
        assert not outbox.enqueue(engine, message, trigger="test")  # one message per period and version
        keys.append(message["idempotency_key"])
    return keys


def test_refusals_and_a_timeout_then_every_message_once_in_order(demo, tmp_path):
    with Receiver(script=["refuse"] * 3 + ["timeout"], late_seconds=1.5) as receiver:
        settings = push_settings(demo, tmp_path, receiver.url)
        keys = enqueue_months(settings, date(2026, 7, 1))
        assert len(keys) == 5
        report = push.deliver(settings, outbox.open_outbox(settings))
    assert receiver.kept == keys  # each once, in the outbox's order
    assert [answer for key, answer in receiver.deliveries if key == keys[0]] == [
        "refused", "refused", "refused", "timeout:new", "accept:duplicate"]
    assert all(key != keys[0] for key, _ in receiver.deliveries[5:])  # nothing overtook the head
    assert (report.sent, report.failed_attempts, report.pending) == (5, 4, 0)
    engine = outbox.open_outbox(settings)
    assert outbox.pending(engine) == (0, None)
    rows = {row.idempotency_key: row for row in outbox.recent(engine, 10)}
    first = rows[keys[0]]
    assert first.attempts == 5 and first.receipt_status == 200 and '"R-1"' in first.receipt
    assert all(row.acknowledged_at is not None and row.last_error is None for row in rows.values())
    assert all(row.rows == len(receiver.bodies[key]["data"]) for key, row in rows.items())


def test_the_messages_hold_the_registry_numbers(demo, tmp_path):
    with Receiver() as receiver:
        settings = push_settings(demo, tmp_path, receiver.url)
        report = push.push(settings)
    version = Reader(settings).version
    # the month, and the one before, never sent yet, with its final figures
    assert receiver.kept == [f"opscenter:month:{m}:{version}" for m in ("2026-10", "2026-11")]
    assert (report.enqueued, report.sent, report.pending) == (2, 2, 0)
    october, november = (receiver.bodies[key] for key in receiver.kept)
    assert october["period"] == {"period_type": "month", "period": "2026-10", "period_start": "2026-10-01",
                                 "period_end": "2026-10-31", "complete": True}
    assert november["period"] == {"period_type": "month", "period": "2026-11", "period_start": "2026-11-01",
                                  "period_end": "2026-11-20", "complete": False}
    assert november["data_version"] == version
    expected = metrics.query("dossier_on_time_rate", Period(date(2026, 11, 1), TODAY), scope=Scope.everything(), reader=Reader(settings))
    total = next(r for r in november["data"] if r["indicator"] == "dossier_on_time_rate" and r["unit_code"] is None)
    assert (total["numerator"], total["denominator"]) == (int(expected["numerator"][0]),
                                                          int(expected["denominator"][0]))
    assert total["value"] == pytest.approx(expected["value"][0], abs=1e-12)
    assert {i["code"] for i in november["indicators"]} == {r["indicator"] for r in november["data"]}
    with Receiver() as receiver:  # nothing new published: nothing new to send
        again = push.push(push_settings(demo, tmp_path, receiver.url))
    assert (again.enqueued, again.sent, receiver.kept) == (0, 0, [])


def test_an_older_data_version_is_never_queued_after_a_newer_one(demo, tmp_path):
    settings = push_settings(demo, tmp_path, "http://127.0.0.1:9/")
    engine = outbox.open_outbox(settings)
    period = indicators.periods("month", TODAY, TODAY, TODAY)[0]
    message = messages.build(Reader(settings), period)
    newer = {**message, "data_version": "29991231-000000-000000", "idempotency_key": "newer"}
    assert outbox.enqueue(engine, newer, trigger="test")
    assert not outbox.enqueue(engine, message, trigger="test")  # built from an older snapshot: stale
    assert [row.idempotency_key for row in outbox.recent(engine, 5)] == ["newer"]


def test_a_redirect_is_not_an_acknowledgement(demo, tmp_path):
    class Redirect(BaseHTTPRequestHandler):
        def log_message(self, *_):
            pass

        def do_POST(self):
            self.send_response(302)
            self.send_header("Location", "http://127.0.0.1:9/elsewhere")
            self.send_header("Content-Length", "0")
            self.end_headers()

    server = HTTPServer(("127.0.0.1", 0), Redirect)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        settings = push_settings(demo, tmp_path, f"http://127.0.0.1:{server.server_address[1]}/",
                                 goc_push_seconds=0)
        report = push.push(settings)
    finally:
        server.shutdown()
        server.server_close()
    assert (report.sent, report.failed_attempts, report.pending) == (0, 1, 2)
    assert outbox.head(outbox.open_outbox(settings)).last_error.startswith("HTTP 302")


def test_killing_the_sender_mid_send_loses_nothing(demo, tmp_path):
    with Receiver(script=["hold"]) as receiver:
        settings = push_settings(demo, tmp_path, receiver.url)
        keys = enqueue_months(settings, date(2026, 9, 1))
        env = {**os.environ, "OPSCENTER_DATA_DIR": str(settings.data_dir), "OPSCENTER_DEMO_TODAY": TODAY.isoformat(),
               "OPSCENTER_APP_DB_URL": settings.app_db, "OPSCENTER_GOC_PUSH_URL": receiver.url,
               "OPSCENTER_GOC_PUSH_TOKEN": "goc-secret", "OPSCENTER_GOC_RETRY_SECONDS": "0.05",
               "OPSCENTER_GOC_PUSH_TIMEOUT_SECONDS": "5"}
        command = [sys.executable, "-m", "pipelines", "goc", "push", "--seconds", "30"]
        sender = subprocess.Popen(command, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        try:
            assert receiver.held.wait(60), "the sender never reached the receiver"
        finally:
            sender.kill()
            sender.wait()
        engine = outbox.open_outbox(settings)
        assert outbox.pending(engine)[0] == 3  # killed mid-send: nothing acknowledged, nothing lost
        receiver.release.set()  # the receiver keeps what it had been sent before the sender died
        again = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)
    assert again.returncode == 0, again.stdout + again.stderr
    assert "queued 0, sent 3" in again.stdout  # the month as now published was already queued
    assert receiver.kept == keys
    assert [key for key, answer in receiver.deliveries if answer.endswith(":duplicate")] == [keys[0]]
    assert outbox.pending(engine) == (0, None)


def test_the_outbox_on_postgresql(demo, tmp_path, postgres_url):
    with Receiver(script=["refuse", "timeout"], late_seconds=1) as receiver:
        settings = push_settings(demo, tmp_path, receiver.url, app_db_url=postgres_url)
        keys = enqueue_months(settings, date(2026, 10, 1))
        report = push.deliver(settings, outbox.open_outbox(settings))
    assert receiver.kept == keys and (report.sent, report.failed_attempts, report.pending) == (2, 2, 0)
    rows = outbox.recent(outbox.open_outbox(settings), 5)
    assert [row.idempotency_key for row in reversed(rows)] == keys
    assert all(row.payload_sha256 and row.receipt_status == 200 for row in rows)


def test_after_publish_with_the_receiver_down_keeps_the_messages_for_later(demo, tmp_path):
    with Receiver() as receiver:
        url = receiver.url
    settings = push_settings(demo, tmp_path, url, goc_retry_seconds=60, goc_retry_max_seconds=3600)  # nobody listens
    report = push.after_publish(settings)
    assert (report.enqueued, report.sent, report.failed_attempts, report.pending) == (2, 0, 1, 2)
    engine = outbox.open_outbox(settings)
    row = outbox.head(engine)
    assert row.attempts == 1 and "Connection refused" in row.last_error
    assert outbox.utc(row.next_attempt_at) - outbox.utc(row.last_attempt_at) == pytest.approx(
        timedelta(seconds=60), abs=timedelta(seconds=1))
    assert push.deliver(settings, engine, seconds=0).sent == 0  # its wait has not passed: not tried again yet
    with Receiver() as receiver:
        later = push_settings(demo, tmp_path, receiver.url)
        with engine.begin() as connection:  # time passes
            connection.execute(outbox.goc_outbox.update().values(next_attempt_at=outbox.now()))
        report = push.push(later)
    assert (report.enqueued, report.sent, report.pending) == (0, 2, 0)
    assert receiver.kept[0] == row.idempotency_key and len(receiver.kept) == 2


def test_a_wrong_token_is_retried_not_dropped(demo, tmp_path):
    with Receiver(token="another") as receiver:
        settings = push_settings(demo, tmp_path, receiver.url, goc_push_seconds=0.3)
        report = push.push(settings)
    assert report.sent == 0 and report.pending == 2 and report.failed_attempts >= 2  # the first blocks the second
    assert outbox.head(outbox.open_outbox(settings)).last_error.startswith("HTTP 401")


def test_no_endpoint_no_push(demo, tmp_path):
    settings = push_settings(demo, tmp_path, None)
    assert push.push(settings) == push.PushReport()
    assert not (tmp_path / "app.db").exists()


def test_backoff_doubles_up_to_the_cap(settings):
    assert [push.backoff(settings, n) for n in (1, 2, 3, 4, 8, 20, 5000)] == [30, 60, 120, 240, 3600, 3600, 3600]


def test_the_previous_period_is_pushed_until_its_final_figures_are_queued():
    def labels(day, finished=lambda _type, _label: False):
        return [(p.label, p.complete, p.end.day) for p in messages.due_periods(day, 3, finished)]

    done = lambda _type, label: label == "2026-11"  # noqa: E731
    assert labels(date(2026, 12, 1)) == [("2026-11", True, 30), ("2026-12", False, 1)]
    assert labels(date(2026, 12, 3), done) == [("2026-11", True, 30), ("2026-12", False, 3)]  # late records
    assert labels(date(2026, 12, 4), done) == [("2026-12", False, 4)]
    assert labels(date(2026, 12, 20)) == [("2026-11", True, 30), ("2026-12", False, 20)]  # never queued yet
    october_done = lambda _type, label: label == "2026-10"  # noqa: E731
    assert labels(date(2026, 11, 30), october_done) == [("2026-11", False, 30)]  # its last day is still running


@pytest.mark.parametrize("database", ["sqlite", "postgresql"])
def test_one_sender_holds_the_outbox_whichever_process_asks(database, tmp_path, request):
    url = (f"sqlite:///{tmp_path / 'app.db'}" if database == "sqlite"
           else request.getfixturevalue("postgres_url"))
    first, second = (create_engine(url) for _ in range(2))  # two processes' own connections
    try:
        with outbox.sender(first, tmp_path) as held:
            with outbox.sender(second, tmp_path / "another-data-dir") as also:
                assert held and not also
        with outbox.sender(second, tmp_path) as now_free:
            assert now_free
    finally:
        first.dispose()
        second.dispose()
