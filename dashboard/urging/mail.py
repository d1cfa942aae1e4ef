"""E-mail through the configured SMTP server (``OPSCENTER_SMTP_*``): the mail outbox of
the app database (``appdb.urgings``) sent by one sender at a time, each message once.

A message that the server refuses, or a server that cannot be reached, is tried again
after a wait that doubles up to ``OPSCENTER_SMTP_RETRY_MAX_SECONDS``; once accepted it is
marked sent and never sent again, and an urging letter becomes ``sent`` with its last day
to answer (``answer_working_days`` working days after, config/urging.toml).
"""
from __future__ import annotations

import logging
import mimetypes
import smtplib
import ssl
from datetime import date, datetime
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid
from pathlib import Path

from sqlalchemy import Engine

from appdb import audit, urgings
from config.settings import LOCAL_TZ
from warehouse.calendar import WorkCalendar
from warehouse.published import load_urging

log = logging.getLogger(__name__)


class MailNotConfigured(RuntimeError):
    """No SMTP server is set (OPSCENTER_SMTP_HOST)."""


def message_id(settings, key: str) -> str:
    domain = settings.smtp_from.rsplit("@", 1)[-1].strip(" >") or "opscenter.local"
    return make_msgid(idstring=key.replace(":", "."), domain=domain)


def compose(settings, message: dict) -> EmailMessage:
    email = EmailMessage()
    email["From"] = settings.smtp_from
    email["To"] = message["recipient"]
    email["Subject"] = message["subject"]
    email["Message-ID"] = message["message_id"]
    email["Date"] = format_datetime(datetime.now(LOCAL_TZ))
    email.set_content(message["body"])
    if message.get("attachment"):
        path = Path(message["attachment"])
        kind = (mimetypes.guess_type(path.name)[0] or "application/octet-stream").split("/")
        email.add_attachment(path.read_bytes(), maintype=kind[0], subtype=kind[1], filename=path.name)
    return email


def _smtp(settings):
    if not settings.smtp_host:
        raise MailNotConfigured("no SMTP server: set OPSCENTER_SMTP_HOST")
    timeout = settings.smtp_timeout_seconds
    if settings.smtp_security == "tls":
        client = smtplib.SMTP_SSL(settings.smtp_host, settings.smtp_port, timeout=timeout,
                                  context=ssl.create_default_context())
    else:
        client = smtplib.SMTP(settings.smtp_host, settings.smtp_port, timeout=timeout)
        if settings.smtp_security == "starttls":
            client.starttls(context=ssl.create_default_context())
    if settings.smtp_username:
        client.login(settings.smtp_username, settings.smtp_password.get_secret_value() if settings.smtp_password else "")
    return client


def _wait(settings, attempts: int) -> float:
    return min(settings.smtp_retry_seconds * 2 ** max(0, attempts), settings.smtp_retry_max_seconds)


def deliver(engine: Engine, settings, *, today: date | None = None) -> dict:
    """Send what the outbox holds and is due; return {"sent": [...], "failed": [...],
    "busy": bool} (busy: another sender holds the outbox)."""
    report = {"sent": [], "failed": [], "busy": False}
    with urgings.sender(engine, settings.data_dir) as held:
        if not held:
            report["busy"] = True
            return report
        due = urgings.due_mail(engine)
        if not due:
            return report
        today = today or datetime.now(LOCAL_TZ).date()
        answer_due = None
        client = None
        for message in due:
            try:
                if client is None:
                    client = _smtp(settings)
                client.send_message(compose(settings, message))
            except (OSError, smtplib.SMTPException, MailNotConfigured) as exc:
                error = f"{type(exc).__name__}: {exc}"
                urgings.mail_failed(engine, message["id"], error, _wait(settings, message["attempts"]))
                audit.record(engine, "mail", actor="system:mail", outcome="failed", target=message["recipient"],
                             detail={"key": message["idempotency_key"], "error": error,
                                     "attempt": message["attempts"] + 1})
                report["failed"].append({"key": message["idempotency_key"], "error": error})
                if client is not None:
                    try:
                        client.close()
                    finally:
                        client = None
                continue
            if message["urging_id"] is not None and answer_due is None:
                calendar = WorkCalendar.from_config(settings.config_dir, today.year + 1)
                days = load_urging(settings.config_dir)["answer_working_days"]
                answer_due = calendar.add_working_days([today], days)[0].astype(date)
            urgings.mail_sent(engine, message, answer_due_on=answer_due if message["urging_id"] else None)
            audit.record(engine, "mail", actor="system:mail", target=message["recipient"],
                         detail={"key": message["idempotency_key"], "message_id": message["message_id"]})
            report["sent"].append(message["idempotency_key"])
        if client is not None:
            try:
                client.quit()
            except (OSError, smtplib.SMTPException):
                client.close()
    return report
