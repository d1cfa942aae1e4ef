"""Đôn đốc / Urging: the urging letters (công văn đôn đốc) and their life.

Office staff and analysts (right ``urge``) draft a letter for each unit with overdue or
due-soon tasks or overdue dossiers as of the data's day — the units they pick, or all of
them —, enter the outgoing register's number and date (issued), and send it by e-mail
with its PDF (sent); a letter unanswered 3 working days after sending is flagged. A unit
user sees the letters addressed to its unit and answers them: per task, an expected
completion date and a note. Each action checks the right and the scope again and is
audited (``dashboard.urging.service``), so a crafted callback does no more than the form.
"""
from __future__ import annotations

from datetime import date

import dash
from dash import ALL, Input, State, ctx, dcc, html

from appdb import urgings
from dashboard import components as ui, context, formatting as fmt, screens
from dashboard.i18n import t
from dashboard.state import View
from dashboard.urging import letters, service

SCREEN = "urging"
STATE_CLASS = {"draft": "watch", "issued": "watch", "sent": "bad", "answered": "good"}


def _today() -> date:
    return context.settings().reporting_day()


def _may_urge() -> bool:
    return context.principal().can("urge")


def _units_to_urge(as_of: date):
    return letters.units_to_urge(context.reader(), context.scope(), as_of)


def _draft_form(view: View, language: str):
    as_of = view.period.end
    candidates = _units_to_urge(as_of)
    if candidates.empty:
        return html.Div([ui.empty(t("urging.draft.none", language, day=fmt.day(as_of, language)), "urging-draft"),
                         html.Div([html.Button(id="urging-draft"), dcc.Checklist(id="urging-all", options=[], value=[]),
                                   dcc.Checklist(id="urging-units", options=[], value=[]),
                                   dcc.Store(id="urging-as-of")], hidden=True)])
    options = [{"label": f"{letters_unit_name(code, language)} — "
                         + t("urging.draft.counts", language, overdue=fmt.count(row.overdue, language),
                             due_soon=fmt.count(row.due_soon, language), dossiers=fmt.count(row.dossiers, language)),
                "value": code} for code, row in candidates.iterrows()]
    chosen = [view.unit] if view.unit in candidates.index else []
    return html.Div([
        dcc.Checklist(id="urging-all", options=[{"label": t("urging.draft.all", language, count=len(options)),
                                                 "value": "all"}], value=[] if chosen else ["all"]),
        dcc.Checklist(id="urging-units", options=options, value=chosen, className="urging-units"),
        dcc.Store(id="urging-as-of", data=as_of.isoformat()),
        html.Button(t("urging.draft.button", language), id="urging-draft", className="primary-button"),
    ], className="admin-form")


def letters_unit_name(code: str, language: str) -> str:
    from dashboard import data
    return data.unit_label(code, language)


def _flag(row: dict, today: date) -> bool:
    return row["state"] == "sent" and row["answer_due_on"] is not None and row["answer_due_on"] < today


def _files(row: dict) -> list:
    return [html.A(name.rsplit(".", 1)[1].upper(), href=f"/urgings/file/{row['id']}/{name}", className="chip",
                   download=name) for name in row["files"]]


def _actions(row: dict, language: str) -> list:
    who = context.principal()
    if who.can("urge") and row["state"] == "draft":
        return [dcc.Input(id={"type": "urging-number", "id": row["id"]}, type="text", maxLength=40,
                          placeholder=t("urging.number", language), className="urging-number"),
                dcc.DatePickerSingle(id={"type": "urging-date", "id": row["id"]}, date=_today().isoformat(),
                                     display_format="DD/MM/YYYY"),
                html.Button(t("urging.issue", language), id={"type": "urging-issue", "id": row["id"]},
                            className="primary-button")]
    if who.can("urge") and row["state"] == "issued":
        if not row["contact_email"]:
            return [html.Span(t("urging.no_contact.send", language), className="status-bad")]
        return [html.Button(t("urging.send", language, to=row["contact_email"]),
                            id={"type": "urging-send", "id": row["id"]}, className="primary-button")]
    return []


def _listed(row: dict, language: str, answers: dict) -> html.Details:
    tasks = row["content"].get("tasks", [])
    answering = row["state"] == "sent" and context.principal().unit_code is not None
    head = [t("urging.col.task", language), t("urging.col.due", language), t("urging.listed.state", language)]
    if answering or answers:
        head += [t("urging.answer.expected", language), t("urging.answer.note", language)]
    body = []
    for task in tasks:
        cells = [html.Td([html.Div(task["document_ref"] or "—", className="strong"), html.Div(task["title"])]),
                 html.Td(fmt.day(date.fromisoformat(task["due_on"]), language)),
                 html.Td(t(f"tasks.worklist.state.{task['state']}", language))]
        given = answers.get(task["task_id"], {})
        if answering:
            cells += [html.Td(dcc.DatePickerSingle(id={"type": "urging-expected", "id": row["id"],
                                                       "task": task["task_id"]}, display_format="DD/MM/YYYY")),
                      html.Td(dcc.Input(id={"type": "urging-note", "id": row["id"], "task": task["task_id"]},
                                        type="text", maxLength=500, className="urging-note"))]
        elif answers:
            cells += [html.Td(fmt.day(given["expected_on"], language) if given.get("expected_on") else "—"),
                      html.Td(given.get("note") or "—")]
        body.append(html.Tr(cells))
    content = [html.Table([html.Thead(html.Tr([html.Th(h) for h in head])), html.Tbody(body)],
                          className="data-table")]
    if row["content"].get("dossiers_overdue"):
        content.append(html.P(t("urging.listed.dossiers", language,
                                count=fmt.count(row["content"]["dossiers_overdue"], language))))
    if answering:
        content.append(html.Button(t("urging.answer.button", language), id={"type": "urging-answer", "id": row["id"]},
                                   className="primary-button"))
    return html.Details([html.Summary(t("urging.listed", language, count=len(tasks))), *content],
                        open=answering, id=f"urging-listed-{row['id']}")


def letters_table(language: str, unit: str | None = None) -> html.Div:
    """The letters the principal may see (a unit: its own), newest first; ``unit``: one
    unit's history."""
    db = context.db()
    rows = service.visible(db, context.scope())
    if unit:
        rows = [row for row in rows if row["unit_code"] == unit]
    if not rows:
        return ui.empty(t("urging.letters.none", language), "urging-letters")
    today = _today()
    head = [t("urging.col.unit", language), t("urging.letters.as_of", language), t("urging.letters.state", language),
            t("urging.letters.register", language), t("urging.letters.files", language),
            t("urging.letters.actions", language)]
    body = []
    for row in rows:
        flagged = _flag(row, today)
        state = t(f"urging.state.{row['state']}", language)
        if flagged:
            state += " · " + t("urging.flag", language, day=fmt.day(row["answer_due_on"], language))
        register = (f"{row['number']} · {fmt.day(row['issued_on'], language)}" if row["number"] else "—")
        answers = urgings.answers_of(db, row["id"]) if row["state"] == "answered" else {}
        body.append(html.Tr([
            html.Td([html.Div(f"{row['unit_name']} ({row['unit_code']})"), _listed(row, language, answers)]),
            html.Td(fmt.day(row["as_of"], language)),
            html.Td(state, className=f"status-{'bad' if flagged else STATE_CLASS[row['state']]}",
                    id=f"urging-state-{row['id']}"),
            html.Td(register),
            html.Td(_files(row)),
            html.Td(_actions(row, language)),
        ], id=f"urging-row-{row['id']}"))
    return html.Table([html.Thead(html.Tr([html.Th(h, scope="col") for h in head])), html.Tbody(body)],
                      className="data-table", id="urging-letters-table")


def _flagged(language: str):
    late = [row for row in service.visible(context.db(), context.scope()) if _flag(row, _today())]
    if not late:
        return None
    return ui.notice(t("urging.flagged", language, count=len(late),
                       units=", ".join(sorted({row["unit_code"] for row in late}))), "warning")


@ui.screen(cache=False)
def layout(view: View, language: str):
    """The office drafts, issues and sends; a unit answers its own letters."""
    body = []
    flagged = _flagged(language) if _may_urge() else None
    if flagged:
        body.append(flagged)
    if _may_urge():
        body.append(ui.section(t("urging.draft.title", language, day=fmt.day(view.period.end, language)),
                               _draft_form(view, language), name="urging-draft",
                               note=t("urging.draft.note", language)))
    else:  # the callback's inputs exist on every version of the page
        body.append(html.Div([html.Button(id="urging-draft"), dcc.Checklist(id="urging-all", options=[], value=[]),
                              dcc.Checklist(id="urging-units", options=[], value=[]),
                              dcc.Store(id="urging-as-of")], hidden=True))
    title = t("urging.history", language, unit=letters_unit_name(view.unit, language)) if view.unit \
        else t("urging.letters", language)
    body.append(ui.section(title, html.Div(id="urging-letters-result"),
                           html.Div(letters_table(language, view.unit), id="urging-letters"), name="urging-letters",
                           note=t("urging.letters.note", language)))
    return ui.page(view, SCREEN, language, body, controls=("period",))


def _draft(language, who, db, all_units, units, as_of):
    context.require("urge")
    chosen = None if "all" in (all_units or []) else list(units or [])
    if chosen == []:
        return ui.notice(t("urging.draft.pick", language), "warning")
    try:
        day = date.fromisoformat(as_of)
    except (TypeError, ValueError):  # the page's own store holds a day: a crafted request
        ui.refuse("urging-as-of")
    created = service.draft(db, context.reader(), context.settings(), scope=context.scope(),
                            as_of=day, actor=who.label, units=chosen)
    return ui.notice(t("urging.draft.done", language, count=len(created)))


@ui.admin_callback("urging-letters", lambda language: letters_table(language),
                   Input("urging-draft", "n_clicks"),
                   Input({"type": "urging-issue", "id": ALL}, "n_clicks"),
                   Input({"type": "urging-send", "id": ALL}, "n_clicks"),
                   Input({"type": "urging-answer", "id": ALL}, "n_clicks"),
                   State({"type": "urging-number", "id": ALL}, "value"),
                   State({"type": "urging-number", "id": ALL}, "id"),
                   State({"type": "urging-date", "id": ALL}, "date"),
                   State({"type": "urging-expected", "id": ALL, "task": ALL}, "date"),
                   State({"type": "urging-expected", "id": ALL, "task": ALL}, "id"),
                   State({"type": "urging-note", "id": ALL, "task": ALL}, "value"),
                   State("urging-all", "value"), State("urging-units", "value"), State("urging-as-of", "data"))
def letter_action(language, who, db, numbers, number_ids, dates, expected, expected_ids, notes, all_units, units,
                  as_of):
    trigger = ctx.triggered_id
    all_units, units = ui.texts(all_units, "urging-all"), ui.texts(units, "urging-units")
    numbers, dates = ui.fields(numbers, "urging-number"), ui.fields(dates, "urging-date")
    expected, notes = ui.fields(expected, "urging-expected"), ui.fields(notes, "urging-note")
    number_ids = ui.ids(number_ids, "urging-number", "id")
    expected_ids = ui.ids(expected_ids, "urging-expected", "id", "task")
    if trigger == "urging-draft":
        return _draft(language, who, db, all_units, units, as_of)
    letter_id = ui.whole(trigger["id"], "letter", 1, 2**31 - 1)
    try:
        if trigger["type"] == "urging-issue":
            context.require("urge")
            at = [i for i, key in enumerate(number_ids) if key["id"] == letter_id]
            number, day = (numbers[at[0]], dates[at[0]]) if at else (None, None)
            service.issue(db, context.settings(), letter_id, number=number or "",
                          issued_on=date.fromisoformat(day) if day else _today(), actor=who.label,
                          scope=context.scope())
            return ui.notice(t("urging.issued", language, number=number))
        if trigger["type"] == "urging-send":
            context.require("urge")
            report = service.send_many(db, context.settings(), [letter_id], actor=who.label, scope=context.scope())
            delivery = report.get("delivery") or {}
            if delivery.get("failed"):
                return ui.notice(t("urging.send.retry", language, error=delivery["failed"][0]["error"]), "warning")
            return ui.notice(t("urging.sent", language))
        answers = {key["task"]: (date.fromisoformat(day) if day else None, note or "")
                   for key, day, note in zip(expected_ids, expected, notes)
                   if key["id"] == letter_id and (day or (note or "").strip())}
        service.answer(db, letter_id, answers, actor=who.label, scope=context.scope())
        return ui.notice(t("urging.answered", language))
    except service.Refused:
        return ui.notice(t("auth.forbidden", language), "warning")
    except urgings.NoContact:
        return ui.notice(t("urging.no_contact.send", language), "warning")
    except (urgings.TransitionError, ValueError, LookupError) as exc:
        return ui.notice(str(exc), "warning")


dash.register_page(__name__, path="/urging", name=SCREEN, order=22, right="urging",
                   title=t("app.title"), layout=layout)
