"""Sending the outbox to the Government Operation Center, in order, until it is empty.

One sender at a time (a lock file in the data dir, released by the system if the sender
dies); the oldest message goes first and the next waits until it is acknowledged, so the
receiver gets them in order. A refusal, an error or a timeout postpones the message with
a doubling wait; the run stops when its time is up and the next run takes over.
"""
from __future__ import annotations

import logging
import time
import urllib.error
import urllib.request
from dataclasses import dataclass

from filelock import FileLock, Timeout

from pipelines.goc import messages, outbox

log = logging.getLogger(__name__)


@dataclass
class PushReport:
    enqueued: int = 0
    sent: int = 0
    failed_attempts: int = 0
    pending: int = 0
    busy: bool = False  # another sender held the outbox


def backoff(settings, attempts: int) -> float:
    """Seconds before the next try after ``attempts`` failed ones: 30, 60, 120... up to the cap."""
    return min(settings.goc_retry_max_seconds, settings.goc_retry_seconds * 2 ** (attempts - 1))


def _post(settings, row) -> tuple[int, str]:
    """The receiver's status and answer; a network failure or timeout raises OSError."""
    headers = {"Content-Type": "application/json; charset=utf-8", "Idempotency-Key": row.idempotency_key,
               "User-Agent": "opscenter-goc-push/1"}
    if settings.goc_push_token is not None:
        headers["Authorization"] = f"Bearer {settings.goc_push_token.get_secret_value()}"
    request = urllib.request.Request(settings.goc_push_url, data=row.payload.encode(), headers=headers,
                                     method="POST")
    try:
        with urllib.request.urlopen(request, timeout=settings.goc_push_timeout_seconds) as response:
            return response.status, response.read(outbox.RECEIPT_CHARS).decode("utf-8", "replace")
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read(outbox.RECEIPT_CHARS).decode("utf-8", "replace")


def _attempt(settings, engine, row, report: PushReport) -> None:
    try:
        status, answer = _post(settings, row)
    except (OSError, ValueError) as exc:  # refused, unreachable, timed out, a bad URL
        status, answer = None, f"{type(exc).__name__}: {exc}"
    if status is not None and 200 <= status < 300:
        outbox.acknowledge(engine, row.id, status, answer)
        report.sent += 1
        log.info("GOC push %s acknowledged (%s)", row.idempotency_key, status)
        return
    error = f"HTTP {status}: {answer}" if status is not None else answer
    wait = backoff(settings, row.attempts + 1)
    outbox.postpone(engine, row.id, error, wait)
    report.failed_attempts += 1
    log.warning("GOC push %s failed (try %d): %s; next try in %.0f s", row.idempotency_key, row.attempts + 1,
                error[:200], wait)


def deliver(settings, engine=None, *, seconds: float | None = None, report: PushReport | None = None) -> PushReport:
    """Send what the outbox holds, oldest first, for at most ``seconds`` (default: the
    configured run length; 0: one pass, no waiting for a retry)."""
    engine = engine or outbox.open_outbox(settings)
    report = report or PushReport()
    seconds = settings.goc_push_seconds if seconds is None else seconds
    lock = FileLock(settings.data_dir / "goc-push.lock")
    try:
        lock.acquire(timeout=0)
    except Timeout:
        report.busy = True
        return report
    try:
        deadline = time.monotonic() + seconds
        while (row := outbox.head(engine)) is not None:
            wait = (outbox.utc(row.next_attempt_at) - outbox.now()).total_seconds()
            if wait > 0:
                if time.monotonic() + wait > deadline:
                    break
                time.sleep(wait)
            _attempt(settings, engine, row, report)
    finally:
        lock.release()
        report.pending = outbox.pending(engine)[0]
    return report


def enqueue_due(settings, engine, *, trigger: str, reader=None) -> int:
    """Put the messages due now into the outbox; returns how many were new."""
    return sum(outbox.enqueue(engine, message, trigger=trigger) for message in messages.due(settings, reader))


def push(settings, *, trigger: str = "schedule", seconds: float | None = None) -> PushReport:
    """The scheduled job (and ``python -m pipelines goc push``): the period's data as now
    published, then everything the outbox holds."""
    if not settings.goc_push:
        log.info("GOC push not configured (OPSCENTER_GOC_PUSH_URL); nothing to do")
        return PushReport()
    engine = outbox.open_outbox(settings)
    report = PushReport(enqueued=enqueue_due(settings, engine, trigger=trigger))
    return deliver(settings, engine, seconds=seconds, report=report)


def after_publish(settings, reader=None) -> PushReport:
    """Right after a publish: queue the new figures and make one pass (no waiting); a
    failure here is logged, never the pull's, and the scheduled push catches up."""
    try:
        engine = outbox.open_outbox(settings)
        report = PushReport(enqueued=enqueue_due(settings, engine, trigger="publish", reader=reader))
        return deliver(settings, engine, seconds=0, report=report)
    except Exception as exc:  # noqa: BLE001 - the pull has published; the push must not undo that
        log.exception("GOC push after publish failed: %s", exc)
        return PushReport()
