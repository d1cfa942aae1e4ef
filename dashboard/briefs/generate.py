"""Making a brief: read the numbers, draw the charts, write DOCX and PDF, archive them.

The same function serves the CLI, the Briefs screen (in a background thread) and the
Monday job. Each generation is a row of the archive, updated step by step; a failed
attempt is recorded with its reason and tried again, and the last failure is shown and
raised, never skipped in silence. Files are written under a temporary name and renamed,
so a half-written brief is never offered for download.
"""
from __future__ import annotations

import logging
import os
import re
import time
from pathlib import Path

import flask

from appdb import audit
from dashboard import context, images, periods
from dashboard.auth.roles import Principal, system
from dashboard.briefs import archive, content, official, pdf, word
from dashboard.i18n import t
from warehouse.metrics import Period

log = logging.getLogger(__name__)

FORMATS = ("docx", "pdf")
WRITERS = {"docx": (word.write, "png"), "pdf": (pdf.write, "svg")}
STEPS = ("headline", "units", "tasks", "budget", "rankings", "charts", "docx", "pdf")


def percent(step: str) -> int:
    """How far a brief at ``step`` has got (the screen's progress bar)."""
    return 100 if step == "done" else round(100 * STEPS.index(step) / len(STEPS)) if step in STEPS else 0


class BriefFailed(RuntimeError):
    """Every attempt failed; the archive row holds the reason."""


def file_stem(period: Period, language: str) -> str:
    week = periods.week_label(period)
    if week:
        return ("bao-cao-tuan_" if language == "vi" else "weekly-brief_") + week
    return ("bao-cao_" if language == "vi" else "brief_") + f"{period.start}_{period.end}"


def page_words(language: str) -> tuple[str, str]:
    """"Trang {page}/{pages}" as the text before the page number and between the two."""
    before, between, _ = re.split(r"\{page\}|\{pages\}", t("brief.page", language))
    return before, between


def _write(brief: content.Brief, directory: Path, formats: tuple[str, ...], progress) -> list[Path]:
    progress("charts")
    drawn = {kind: {chart.name: images.render(chart.figure, kind) for chart in brief.charts()}
             for kind in {WRITERS[f][1] for f in formats}}
    directory.mkdir(parents=True, exist_ok=True)
    paths = []
    for kind in formats:
        progress(kind)
        writer, image_kind = WRITERS[kind]
        path = directory / f"{file_stem(brief.period, brief.language)}.{kind}"
        partial = path.with_name(path.name + ".partial")
        writer(brief, partial, drawn[image_kind], page_words(brief.language))
        os.replace(partial, path)
        paths.append(path)
    return paths


def _attempt(server: flask.Flask, who: Principal, period: Period, brief_id: int, *, language: str,
             formats: tuple[str, ...], out_dir: Path | None) -> tuple[content.Brief, list[Path]]:
    db = server.extensions[context.EXTENSION]["db"]

    def progress(step: str) -> None:
        archive.update_row(db, brief_id, step=step)

    with context.acting_in(server, who, language):
        settings = context.settings()
        brief = content.build(period, language, official.load(settings.brief_path), progress=progress)
        return brief, _write(brief, out_dir or settings.briefs_dir / f"{brief_id:05d}", formats, progress)


def generate(server: flask.Flask, who: Principal, period: Period, *, language: str = "vi",
             formats: tuple[str, ...] = FORMATS, trigger: str, out_dir: Path | None = None, attempts: int = 1,
             retry_seconds: float = 0, brief_id: int | None = None) -> dict:
    """Make the brief of ``period`` as ``who`` (its scope and rights) and return its archive row.

    ``brief_id`` continues a row already started (the screen starts it to show progress
    at once); after a failed attempt the next waits ``retry_seconds``, doubled each time.
    """
    unknown = set(formats) - set(FORMATS)
    if unknown or not formats:
        raise ValueError(f"brief formats are {', '.join(FORMATS)}, not {', '.join(sorted(unknown)) or 'none'}")
    db = server.extensions[context.EXTENSION]["db"]
    label = periods.week_label(period)
    target = label or f"{period.start}/{period.end}"
    if brief_id is None:
        brief_id = archive.start(db, period, language=language, unit_code=who.unit_code, requested_by=who.label,
                                 trigger=trigger)
    attempt = 0
    while True:
        attempt += 1
        started = time.perf_counter()
        try:
            brief, paths = _attempt(server, who, period, brief_id, language=language, formats=formats, out_dir=out_dir)
        except Exception as exc:  # noqa: BLE001 - every failure is recorded, retried, then raised
            log.exception("brief %s (%s), attempt %d of %d failed", brief_id, target, attempt, attempts)
            reason = f"{type(exc).__name__}: {exc}"[:2000]
            final = attempt == attempts
            archive.update_row(db, brief_id, status="failed" if final else "retrying", attempts=attempt, error=reason)
            if final:
                audit.record(db, "brief", actor=who.label, outcome="failed", target=target,
                             detail={"id": brief_id, "trigger": trigger, "error": reason})
                raise BriefFailed(f"brief {target} failed after {attempts} attempt(s): {reason}") from exc
            time.sleep(retry_seconds * 2 ** (attempt - 1))
            continue
        archive.update_row(db, brief_id, status="done", step="done", attempts=attempt, error=None,
                           data_version=brief.version, directory=str(paths[0].parent),
                           files=[path.name for path in paths])
        audit.record(db, "brief", actor=who.label, target=target,
                     detail={"id": brief_id, "trigger": trigger, "files": [p.name for p in paths],
                             "data_version": brief.version, "seconds": round(time.perf_counter() - started, 1)})
        log.info("brief %s (%s) written: %s", brief_id, target, ", ".join(str(p) for p in paths))
        return archive.get(db, brief_id)


def weekly(settings, *, language: str = "vi") -> str:
    """The scheduled job (config/schedule.toml): Monday's brief of the previous ISO week,
    tried ``brief_attempts`` times before it is shown as failed."""
    server = context.standalone(settings)
    with server.app_context():
        period = periods.previous_week(context.today())
    row = generate(server, system("weekly-brief"), period, language=language, trigger="schedule",
                   attempts=settings.brief_attempts, retry_seconds=settings.brief_retry_seconds)
    return f"brief {row['label']}: {', '.join(row['files'])}"
