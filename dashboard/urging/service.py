"""The office's and the units' actions on urging letters, each checked and audited:
draft (from the warehouse as of D, within the actor's scope), issue (number and date),
send (queue the e-mail with the PDF, then deliver), answer (the unit's own letters only).

Screens and the CLI call these with the actor's label and scope; nothing here reads a
request, so a crafted callback gets exactly what the function allows.
"""
from __future__ import annotations

from datetime import date
from pathlib import Path

from sqlalchemy import Engine

from appdb import audit, urgings
from dashboard.i18n import t
from dashboard.urging import documents, letters, mail
from warehouse import published
from warehouse.scope import Scope
from warehouse.snapshots import Reader


class Refused(PermissionError):
    """The actor may not act on this letter (another unit's); the refusal is audited."""


def _document(settings, letter_row: dict, reader_settings: dict | None = None) -> letters.Letter:
    items = letters.UnitItems.from_content(letter_row["content"])
    config = letters.letter_config(settings.config_dir)
    urging = reader_settings or published.load_urging(settings.config_dir)
    return letters.letter(items, config, version=letter_row["data_version"],
                          due_soon_days=urging["due_soon_working_days"], answer_days=urging["answer_working_days"],
                          language=letter_row["language"], number=letter_row.get("number"),
                          issued_on=letter_row.get("issued_on"))


def render(engine: Engine, settings, letter_row: dict) -> list[Path]:
    """Write the letter's DOCX and PDF (a draft blank, an issued one with its number and
    date) into ``urgings/<id>/``."""
    directory = settings.urgings_dir / f"{letter_row['id']:05d}"
    paths = documents.write(_document(settings, letter_row), directory,
                            documents.stem(letter_row["unit_code"], letter_row["as_of"]))
    urgings.set_files(engine, letter_row["id"], str(directory), [p.name for p in paths])
    return paths


def draft(engine: Engine, reader: Reader, settings, *, scope: Scope, as_of: date, actor: str,
          units: list[str] | None = None, language: str = "vi") -> list[dict]:
    """A draft letter for each unit in ``scope`` with something to urge as of ``as_of``
    (``units``: only those; None: every such unit)."""
    reader = reader.pinned()
    collected = letters.collect(reader, scope, as_of, units)
    created = []
    for items in collected:
        urging_id = urgings.create(engine, unit_code=items.unit_code, unit_name=items.name_vi,
                                   contact_email=items.contact_email, as_of=as_of, language=language,
                                   data_version=reader.version, content=items.content(), actor=actor)
        row = urgings.get(engine, urging_id)
        render(engine, settings, row)
        audit.record(engine, "urging_draft", actor=actor, target=f"{items.unit_code} #{urging_id}",
                     detail={"as_of": as_of, "overdue": len(items.overdue), "due_soon": len(items.due_soon),
                             "dossiers_overdue": items.dossiers_overdue})
        created.append(urgings.get(engine, urging_id))
    return created


def _own(engine: Engine, urging_id: int, scope: Scope, actor: str, action: str) -> dict:
    row = urgings.get(engine, urging_id)
    if row is None:
        raise LookupError(f"no urging letter {urging_id}")
    if not scope.allows(row["unit_code"]):
        audit.record(engine, "access_denied", actor=actor, outcome="refused",
                     target=f"{action} urging #{urging_id} ({row['unit_code']})")
        raise Refused(f"{actor} may not {action} letter {urging_id} of {row['unit_code']}")
    return row


def issue(engine: Engine, settings, urging_id: int, *, number: str, issued_on: date, actor: str,
          scope: Scope) -> dict:
    _own(engine, urging_id, scope, actor, "issue")
    try:
        row = urgings.issue(engine, urging_id, number=number, issued_on=issued_on, actor=actor)
    except (urgings.TransitionError, ValueError) as exc:
        audit.record(engine, "urging_issue", actor=actor, outcome="refused", target=f"#{urging_id}",
                     detail={"reason": str(exc)})
        raise
    render(engine, settings, row)
    audit.record(engine, "urging_issue", actor=actor, target=f"{row['unit_code']} #{urging_id}",
                 detail={"number": number, "issued_on": issued_on})
    return urgings.get(engine, urging_id)


def _mail_text(row: dict, _config_dir: Path) -> tuple[str, str]:
    language = row["language"]
    number = f"{row['number']}/{letters.letter_config(_config_dir).get('symbol', '')}"
    subject = (f"Công văn số {number} ngày {row['issued_on']:%d/%m/%Y} — {t('urging.subject', language)}"
               if language == "vi" else f"Letter No. {number} of {row['issued_on']:%d/%m/%Y} — "
               f"{t('urging.subject', language)}")
    body = t("urging.mail.body", language, unit=row["unit_name"], number=number,
             day=f"{row['issued_on']:%d/%m/%Y}")
    return subject, body


def send(engine: Engine, settings, urging_id: int, *, actor: str, scope: Scope) -> bool:
    """Queue the issued letter's e-mail (the PDF attached) to its unit; True when queued
    now, False when it was queued before. Refused before issue (TransitionError) and
    without a contact address (NoContact), both audited."""
    row = _own(engine, urging_id, scope, actor, "send")
    pdf = next((Path(row["directory"]) / name for name in row["files"] if name.endswith(".pdf")), None)
    if row["state"] in ("sent", "answered"):  # once, ever
        audit.record(engine, "urging_send", actor=actor, outcome="unchanged", target=f"{row['unit_code']} #{urging_id}")
        return False
    try:
        if row["state"] != "issued" or pdf is None:
            raise urgings.TransitionError(f"letter {urging_id} is {row['state']}: only an issued letter is sent")
        subject, body = _mail_text(row, settings.config_dir)
        queued = urgings.queue_mail(engine, urging_id, subject=subject, body=body, attachment=str(pdf),
                                    message_id=mail.message_id(settings, f"urging:{urging_id}"))
    except (urgings.TransitionError, urgings.NoContact) as exc:
        audit.record(engine, "urging_send", actor=actor, outcome="refused" if isinstance(
            exc, urgings.TransitionError) else "failed", target=f"{row['unit_code']} #{urging_id}",
            detail={"reason": str(exc)})
        raise
    audit.record(engine, "urging_send", actor=actor, outcome="queued" if queued else "unchanged",
                 target=f"{row['unit_code']} #{urging_id}", detail={"to": row["contact_email"]})
    return queued


def send_many(engine: Engine, settings, ids: list[int], *, actor: str, scope: Scope) -> dict:
    """Queue several letters and deliver; the report names each letter that could not
    go and why (no contact address, not issued), none is skipped in silence."""
    report = {"queued": [], "already": [], "no_contact": [], "not_issued": []}
    for urging_id in ids:
        try:
            (report["queued"] if send(engine, settings, urging_id, actor=actor, scope=scope)
             else report["already"]).append(urging_id)
        except urgings.NoContact:
            report["no_contact"].append(urging_id)
        except urgings.TransitionError:
            report["not_issued"].append(urging_id)
    report["delivery"] = mail.deliver(engine, settings) if report["queued"] else None
    return report


def answer(engine: Engine, urging_id: int, answers: dict[str, tuple[date | None, str]], *, actor: str,
           scope: Scope) -> dict:
    """The unit's answer to a letter addressed to it (another unit's is refused, audited)."""
    _own(engine, urging_id, scope, actor, "answer")
    try:
        row = urgings.answer(engine, urging_id, answers, actor=actor)
    except (urgings.TransitionError, ValueError) as exc:
        audit.record(engine, "urging_answer", actor=actor, outcome="refused", target=f"#{urging_id}",
                     detail={"reason": str(exc)})
        raise
    audit.record(engine, "urging_answer", actor=actor, target=f"{row['unit_code']} #{urging_id}",
                 detail={"tasks": sorted(answers)})
    return row


def visible(engine: Engine, scope: Scope, *, limit: int = 200) -> list[dict]:
    """The letters the scope may see, newest first."""
    return urgings.listing(engine, units=None if scope.is_everything else set(scope.codes), limit=limit)
