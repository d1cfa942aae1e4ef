"""Scheduled jobs of urging (config/schedule.toml): the mail outbox's retries, and the
daily digest to each unit's contact of its tasks overdue and due soon."""
from __future__ import annotations

import logging
from datetime import date

from appdb import urgings
from appdb.engine import open_db
from dashboard.i18n import t
from dashboard.urging import letters, mail
from warehouse import published
from warehouse.scope import Scope
from warehouse.snapshots import NoSnapshot, Reader

log = logging.getLogger(__name__)
DIGEST_TASKS = 30  # tasks a digest names; it gives the count of all and a link to the rest


def deliver_mail(settings) -> str:
    """Send what the mail outbox holds and is due (refused e-mails are tried again here)."""
    if not settings.smtp_host:
        return "no SMTP server (OPSCENTER_SMTP_HOST)"
    engine = open_db(settings.app_db)
    try:
        report = mail.deliver(engine, settings)
    finally:
        engine.dispose()
    return f"{len(report['sent'])} sent, {len(report['failed'])} failed" + (" (busy)" if report["busy"] else "")


def _lines(frame, language: str) -> list[str]:
    lines = []
    for row in frame.head(DIGEST_TASKS).itertuples(index=False):
        days = (t("tasks.worklist.days_overdue", language, days=int(row.days_overdue)) if row.state == "overdue"
                else t("tasks.worklist.days_left", language, days=int(row.days_left)))
        lines.append(f"- {row.document_ref or ''} — {row.title} (hạn {row.due_on:%d/%m/%Y}, {days})"
                     if language == "vi" else f"- {row.document_ref or ''} — {row.title} (due {row.due_on:%d/%m/%Y}, {days})")
    if len(frame) > DIGEST_TASKS:
        lines.append(f"… (+{len(frame) - DIGEST_TASKS})")
    return lines


def daily_digest(settings, *, language: str = "vi", day: date | None = None) -> str:
    """Queue, for every unit with a contact address and tasks overdue or due soon, one
    e-mail a day (``digest:<unit>:<day>``) listing them with a link to its task list, then
    send the outbox. Units without an address are named in the job's result."""
    try:
        reader = Reader(settings).pinned()
        day = day or settings.reporting_day()
        candidates = letters.units_to_urge(reader, Scope.everything(), day)
    except NoSnapshot:
        return "nothing published yet"
    candidates = candidates[(candidates["overdue"] > 0) | (candidates["due_soon"] > 0)]
    engine = open_db(settings.app_db)
    queued, no_contact = 0, []
    try:
        for items in letters.collect(reader, Scope.everything(), day, list(candidates.index)):
            if items.overdue.empty and items.due_soon.empty:
                continue
            if not items.contact_email:
                no_contact.append(items.unit_code)
                continue
            link = f"{settings.base_url}/tasks?unit={items.unit_code}&to={day.isoformat()}"
            body = "\n".join([
                t("urging.digest.opening", language, unit=items.name(language), day=f"{day:%d/%m/%Y}"), "",
                t("urging.digest.overdue", language, count=len(items.overdue)), *_lines(items.overdue, language), "",
                t("urging.digest.due_soon", language, count=len(items.due_soon),
                  days=published.urging(reader)["due_soon_working_days"]), *_lines(items.due_soon, language), "",
                t("urging.digest.link", language, link=link)])
            key = f"digest:{items.unit_code}:{day.isoformat()}"
            queued += urgings.enqueue(engine, key=key, kind="digest", recipient=items.contact_email,
                                      subject=t("urging.digest.subject", language, day=f"{day:%d/%m/%Y}"),
                                      body=body, message_id=mail.message_id(settings, key))
        report = mail.deliver(engine, settings) if settings.smtp_host else {"sent": [], "failed": []}
    finally:
        engine.dispose()
    if no_contact:
        log.warning("daily digest: no contact e-mail for %s", ", ".join(no_contact))
    return (f"{queued} digests queued, {len(report['sent'])} sent, {len(report['failed'])} failed"
            + (f"; no contact e-mail: {', '.join(no_contact)}" if no_contact else ""))
