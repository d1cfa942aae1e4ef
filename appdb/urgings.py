"""Urging letters and the mail outbox in the app database.

A letter's life (DOMAIN.md, Urging): ``draft`` → ``issued`` (the office enters the number
and date of its outgoing register) → ``sent`` (the SMTP server accepted the e-mail to the
unit's contact address) → ``answered`` (the unit gave, per task, an expected completion
date and a note). Each step checks the one before in the same statement that moves it
(``update … where state = …``), so two workers cannot both move a letter, and nothing is
sent before it is issued. A unit that has not answered by ``answer_due_on`` is late.

The mail outbox follows the push outbox (``appdb.outbox``): a message is written before any
attempt to send it, keyed by an idempotency key (``urging:<id>``: one e-mail per letter,
ever), tried again with a growing wait when the server refuses, and marked sent once the
server accepted it; one sender at a time holds it. Its Message-ID stays the same across
tries, so a receiving server that got a message twice (a crash between its acceptance and
our mark) can tell.
"""
from __future__ import annotations

import json
from datetime import date, timedelta

from sqlalchemy import Engine, insert, select, update
from sqlalchemy.exc import IntegrityError

from appdb.engine import now, utc
from appdb.locks import exclusive
from appdb.schema import mail_outbox, urging_answers, urgings

STATES = ("draft", "issued", "sent", "answered")
SENDER_LOCK = 0x6F7063_6D61696C  # "opc mail": PostgreSQL's advisory lock of the mail sender
ERROR_CHARS = 2000


class TransitionError(ValueError):
    """A letter asked to move from a state it is not in (sent before issued, twice issued)."""


class NoContact(ValueError):
    """The unit has no contact e-mail: the letter cannot be sent (reported, never skipped)."""


def _row(row) -> dict | None:
    if row is None:
        return None
    found = dict(row._mapping)
    for key in ("created_at", "issued_at", "sent_at", "answered_at"):
        found[key] = utc(found.get(key))
    found["content"] = json.loads(found["content"])
    found["files"] = json.loads(found["files"]) if found.get("files") else []
    return found


def create(engine: Engine, *, unit_code: str, unit_name: str, contact_email: str | None, as_of: date,
           language: str, data_version: str, content: dict, actor: str) -> int:
    """A new draft letter; its content (what it lists) is kept as it was read."""
    with engine.begin() as connection:
        return connection.execute(insert(urgings).values(
            unit_code=unit_code, unit_name=unit_name, contact_email=contact_email, as_of=as_of,
            language=language, data_version=data_version,
            content=json.dumps(content, ensure_ascii=False, default=str), state="draft", created_by=actor,
            created_at=now())).inserted_primary_key[0]


def set_files(engine: Engine, urging_id: int, directory: str, files: list[str]) -> None:
    with engine.begin() as connection:
        connection.execute(update(urgings).where(urgings.c.id == urging_id).values(
            directory=directory, files=json.dumps(files)))


def get(engine: Engine, urging_id: int) -> dict | None:
    with engine.connect() as connection:
        return _row(connection.execute(select(urgings).where(urgings.c.id == urging_id)).first())


def listing(engine: Engine, *, units: set[str] | None = None, state: str | None = None,
            limit: int = 200) -> list[dict]:
    """The newest letters first; ``units``: only those addressed to these units."""
    query = select(urgings).order_by(urgings.c.id.desc()).limit(limit)
    if units is not None:
        query = query.where(urgings.c.unit_code.in_(sorted(units)))
    if state:
        query = query.where(urgings.c.state == state)
    with engine.connect() as connection:
        return [_row(row) for row in connection.execute(query)]


def _move(engine: Engine, urging_id: int, before: str, after: str, **values) -> dict:
    with engine.begin() as connection:
        moved = connection.execute(update(urgings).where(urgings.c.id == urging_id, urgings.c.state == before)
                                   .values(state=after, **values)).rowcount
    if not moved:
        current = get(engine, urging_id)
        if current is None:
            raise LookupError(f"no urging letter {urging_id}")
        raise TransitionError(f"letter {urging_id} is {current['state']}, not {before}: it cannot become {after}")
    return get(engine, urging_id)


def issue(engine: Engine, urging_id: int, *, number: str, issued_on: date, actor: str) -> dict:
    """The office registered the letter: its number and date. Only a draft is issued."""
    number = (number or "").strip()
    if not number or len(number) > 40:
        raise ValueError("the register's number is required (at most 40 characters)")
    return _move(engine, urging_id, "draft", "issued", number=number, issued_on=issued_on, issued_by=actor,
                 issued_at=now())


def queue_mail(engine: Engine, urging_id: int, *, subject: str, body: str, attachment: str,
               message_id: str) -> bool:
    """Queue the issued letter's e-mail to its unit; False when it is queued already (one
    e-mail per letter, ever). Raises TransitionError before issue, NoContact without an
    address."""
    letter = get(engine, urging_id)
    if letter is None:
        raise LookupError(f"no urging letter {urging_id}")
    if letter["state"] != "issued":
        raise TransitionError(f"letter {urging_id} is {letter['state']}: only an issued letter is sent")
    if not letter["contact_email"]:
        raise NoContact(f"{letter['unit_name']} ({letter['unit_code']}) has no contact e-mail")
    return enqueue(engine, key=f"urging:{urging_id}", kind="urging", urging_id=urging_id,
                   recipient=letter["contact_email"], subject=subject, body=body, attachment=attachment,
                   message_id=message_id)


def enqueue(engine: Engine, *, key: str, kind: str, recipient: str, subject: str, body: str,
            message_id: str, attachment: str | None = None, urging_id: int | None = None) -> bool:
    """Keep an e-mail to be sent; False when the key is queued already."""
    try:
        with engine.begin() as connection:
            connection.execute(insert(mail_outbox).values(
                idempotency_key=key, kind=kind, urging_id=urging_id, recipient=recipient, subject=subject,
                body=body, attachment=attachment, message_id=message_id, created_at=now(), attempts=0,
                next_attempt_at=now()))
    except IntegrityError:
        return False
    return True


def sender(engine: Engine, data_dir):
    """Hold the mail outbox for sending (yields True), or yield False when another holds it."""
    database = engine.url.database
    lock_file = f"{database}.mail.lock" if database else data_dir / "mail.lock"
    return exclusive(engine, SENDER_LOCK, lock_file, wait=False)


def due_mail(engine: Engine, limit: int = 50) -> list[dict]:
    """Messages not sent yet whose next try is due, oldest first."""
    with engine.connect() as connection:
        rows = connection.execute(select(mail_outbox).where(
            mail_outbox.c.sent_at.is_(None), mail_outbox.c.next_attempt_at <= now())
            .order_by(mail_outbox.c.id).limit(limit)).mappings().all()
    return [dict(row) for row in rows]


def mail_sent(engine: Engine, message: dict, *, answer_due_on: date | None = None) -> None:
    """The server accepted ``message``: mark it sent, and its letter sent (with the last
    day to answer), in one transaction."""
    with engine.begin() as connection:
        marked = connection.execute(update(mail_outbox).where(
            mail_outbox.c.id == message["id"], mail_outbox.c.sent_at.is_(None)).values(
            sent_at=now(), last_attempt_at=now(), attempts=mail_outbox.c.attempts + 1, last_error=None)).rowcount
        if marked and message.get("urging_id") is not None:
            connection.execute(update(urgings).where(
                urgings.c.id == message["urging_id"], urgings.c.state == "issued").values(
                state="sent", sent_at=now(), answer_due_on=answer_due_on))


def mail_failed(engine: Engine, message_id: int, error: str, wait_seconds: float) -> None:
    with engine.begin() as connection:
        connection.execute(update(mail_outbox).where(mail_outbox.c.id == message_id).values(
            attempts=mail_outbox.c.attempts + 1, last_attempt_at=now(), last_error=error[:ERROR_CHARS],
            next_attempt_at=now() + timedelta(seconds=wait_seconds)))


def mail_of(engine: Engine, urging_id: int) -> dict | None:
    with engine.connect() as connection:
        row = connection.execute(select(mail_outbox).where(mail_outbox.c.urging_id == urging_id)).mappings().first()
    return dict(row) if row else None


def mail_waiting(engine: Engine) -> list[dict]:
    with engine.connect() as connection:
        return [dict(r) for r in connection.execute(select(mail_outbox).where(mail_outbox.c.sent_at.is_(None))
                                                    .order_by(mail_outbox.c.id)).mappings()]


def answer(engine: Engine, urging_id: int, answers: dict[str, tuple[date | None, str]], *, actor: str) -> dict:
    """The unit's answer: per task listed, an expected completion date and a note. Only a
    sent letter is answered, once; tasks the letter did not list are refused."""
    letter = get(engine, urging_id)
    if letter is None:
        raise LookupError(f"no urging letter {urging_id}")
    listed = {task["task_id"] for task in letter["content"].get("tasks", [])}
    unknown = sorted(set(answers) - listed)
    if unknown:
        raise ValueError(f"tasks not listed in letter {urging_id}: {', '.join(unknown)}")
    if not answers:
        raise ValueError("an answer gives at least one task's expected date or note")
    with engine.begin() as connection:
        moved = connection.execute(update(urgings).where(urgings.c.id == urging_id, urgings.c.state == "sent")
                                   .values(state="answered", answered_by=actor, answered_at=now())).rowcount
        if not moved:
            raise TransitionError(f"letter {urging_id} is {letter['state']}: only a sent letter is answered")
        for task_id, (expected_on, note) in answers.items():
            connection.execute(insert(urging_answers).values(
                urging_id=urging_id, task_id=task_id, expected_on=expected_on, note=(note or "").strip() or None))
    return get(engine, urging_id)


def answers_of(engine: Engine, urging_id: int) -> dict[str, dict]:
    with engine.connect() as connection:
        rows = connection.execute(select(urging_answers).where(urging_answers.c.urging_id == urging_id)).mappings()
        return {row["task_id"]: {"expected_on": row["expected_on"], "note": row["note"]} for row in rows}


def unanswered_late(engine: Engine, today: date, *, units: set[str] | None = None) -> list[dict]:
    """Sent letters whose last day to answer has passed without an answer."""
    query = select(urgings).where(urgings.c.state == "sent", urgings.c.answer_due_on < today)
    if units is not None:
        query = query.where(urgings.c.unit_code.in_(sorted(units)))
    with engine.connect() as connection:
        return [_row(row) for row in connection.execute(query.order_by(urgings.c.answer_due_on))]

