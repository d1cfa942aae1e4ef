"""Sending the outbox to the Government Operation Center, in order, until it is empty.

One sender at a time (``outbox.sender``); the oldest message goes first and the next waits
until it is acknowledged, so the receiver gets them in order. Only a 2xx answer
acknowledges a message: a refusal, an error, a redirect or a timeout postpones it with a
doubling wait, and the run stops when its time is up, leaving the rest to the next run.
"""
from __future__ import annotations

import logging
import time
import urllib.error
import urllib.request
from dataclasses import dataclass

from appdb import outbox
from pipelines.goc import messages

log = logging.getLogger(__name__)


@dataclass
class PushReport:
    enqueued: int = 0
    sent: int = 0
    failed_attempts: int = 0
    pending: int = 0
    busy: bool = False  # another sender held the outbox


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    """A redirect is an answer to be shown, never followed: following it would drop the
    body and carry the token to another address."""

    def redirect_request(self, *_args, **_kwargs):
        return None


_OPENER = urllib.request.build_opener(_NoRedirect)


def backoff(settings, attempts: int) -> float:
    """Seconds before the next try after ``attempts`` failed ones: 30, 60, 120... up to the cap."""
    return min(settings.goc_retry_max_seconds, settings.goc_retry_seconds * 2 ** min(attempts - 1, 40))


def _post(settings, row) -> tuple[int, str]:
    """The receiver's status and answer; a network failure or timeout raises OSError."""
    headers = {"Content-Type": "application/json; charset=utf-8", "Idempotency-Key": row.idempotency_key,
               "User-Agent": "opscenter-goc-push/1"}
    if settings.goc_push_token is not None:
        headers["Authorization"] = f"Bearer {settings.goc_push_token.get_secret_value()}"
    request = urllib.request.Request(settings.goc_push_url, data=row.payload.encode(), headers=headers,
                                     method="POST")
    try:
        with _OPENER.open(request, timeout=settings.goc_push_timeout_seconds) as response:
            return response.status, response.read(outbox.RECEIPT_CHARS).decode("utf-8", "replace")
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read(outbox.RECEIPT_CHARS).decode("utf-8", "replace")


def _attempt(settings, engine, row, report: PushReport) -> bool:
    """One try of ``row``; whether the receiver acknowledged it."""
    try:
        status, answer = _post(settings, row)
    except (OSError, ValueError) as exc:  # refused, unreachable, timed out, a bad URL
        status, answer = None, f"{type(exc).__name__}: {exc}"
    if status is not None and 200 <= status < 300:
        outbox.acknowledge(engine, row.id, status, answer)
        report.sent += 1
        log.info("GOC push %s acknowledged (%s)", row.idempotency_key, status)
        return True
    error = f"HTTP {status}: {answer}" if status is not None else answer
    wait = backoff(settings, row.attempts + 1)
    outbox.postpone(engine, row.id, error, wait)
    report.failed_attempts += 1
    log.warning("GOC push %s failed (try %d): %s; next try in %.0f s", row.idempotency_key, row.attempts + 1,
                error[:200], wait)
    return False


def deliver(settings, engine, *, seconds: float | None = None, report: PushReport | None = None) -> PushReport:
    """Send what the outbox holds, oldest first, for at most ``seconds`` (default: the
    configured run length; 0: until the first failure, without waiting for a retry)."""
    report = report or PushReport()
    seconds = settings.goc_push_seconds if seconds is None else seconds
    with outbox.sender(engine, settings.data_dir) as held:
        if not held:
            report.busy = True
        else:
            deadline = time.monotonic() + seconds
            while (row := outbox.head(engine)) is not None:
                wait = (outbox.utc(row.next_attempt_at) - outbox.now()).total_seconds()
                if wait > 0:
                    if time.monotonic() + wait > deadline:
                        break
                    time.sleep(wait)
                if not _attempt(settings, engine, row, report) and time.monotonic() >= deadline:
                    break
    report.pending = outbox.pending(engine)[0]
    return report


def enqueue_due(settings, engine, *, trigger: str, reader=None) -> int:
    """Put the messages due now into the outbox; returns how many were new."""
    finished = lambda period_type, label: outbox.finished(engine, period_type, label)  # noqa: E731
    return sum(outbox.enqueue(engine, message, trigger=trigger)
               for message in messages.due(settings, reader, finished))


def push(settings, *, trigger: str = "schedule", seconds: float | None = None) -> PushReport:
    """The scheduled job (and ``python -m pipelines goc push``): the period's data as now
    published, then everything the outbox holds."""
    if not settings.goc_push:
        log.info("GOC push not configured (OPSCENTER_GOC_PUSH_URL); nothing to do")
        return PushReport()
    engine = outbox.open_outbox(settings)
    try:
        report = PushReport(enqueued=enqueue_due(settings, engine, trigger=trigger))
        return deliver(settings, engine, seconds=seconds, report=report)
    finally:
        engine.dispose()


def after_publish(settings) -> PushReport:
    """Right after a publish: queue the new figures and send until the first failure; a
    failure here is logged, never the pull's, and the scheduled push catches up."""
    try:
        return push(settings, trigger="publish", seconds=0)
    except Exception as exc:  # noqa: BLE001 - the pull has published; the push must not undo that
        log.exception("GOC push after publish failed: %s", exc)
        return PushReport()
