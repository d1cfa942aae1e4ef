"""What an urging letter says, read from the warehouse with an explicit reader and scope.

``collect`` finds the units to urge as of D — those with overdue tasks, tasks due soon or
overdue dossiers, by the registry's counts — and reads each one's items from the lists:
its overdue tasks by source (document, due date, working days overdue, supervising
leader), its tasks due soon, and its overdue dossiers (the count and the longest).
``letter`` turns one unit's items into an official document (``official.Header``,
sections of paragraphs and tables) that ``word.py`` and ``pdf.py`` write; ``summary`` the
combined list of the units urged.
"""
from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import pandas as pd

from dashboard import formatting as fmt
from dashboard.briefs import official
from dashboard.briefs.content import Section, Table, source_text
from dashboard.i18n import t
from warehouse import lists, published, reference
from warehouse.domain import TASK_SOURCES
from warehouse.metrics import Period, query
from warehouse.scope import Scope
from warehouse.snapshots import Reader

# Tasks in a letter are listed by source, most authoritative first.
SOURCE_ORDER = ("prime_minister", "government", "ministry_leader", "other")
LETTERS = "abcdefghijklmnopqrstuvwxyz"
TASK_COLUMNS = ["task_id", "title", "source", "document_ref", "due_on", "state", "days_overdue", "days_left",
                "supervising_leader"]
DOSSIER_COLUMNS = ["dossier_id", "procedure_code", "procedure_name_vi", "procedure_name_en", "received_at",
                   "effective_due_at", "days_overdue"]
COUNTS = {"overdue": "task_overdue", "due_soon": "task_due_soon", "dossiers": "dossier_overdue_open"}


@dataclass
class UnitItems:
    """What one unit is urged about as of ``as_of`` (its code is the current one)."""

    unit_code: str
    name_vi: str
    name_en: str
    contact_email: str | None
    as_of: date
    overdue: pd.DataFrame  # lists.tasks rows, state overdue
    due_soon: pd.DataFrame  # lists.tasks rows, state due_soon
    dossiers_overdue: int
    longest: pd.DataFrame  # lists.overdue_dossiers rows, longest overdue first

    @property
    def empty(self) -> bool:
        return self.overdue.empty and self.due_soon.empty and self.dossiers_overdue == 0

    def name(self, language: str) -> str:
        return self.name_vi if language == "vi" else self.name_en

    def content(self) -> dict:
        """What the letter lists, as kept with it in the app database (``from_content``
        reads it back to write the issued letter exactly as drafted)."""
        longest = [{"dossier_id": r["dossier_id"], "procedure_code": r["procedure_code"],
                    "procedure_name_vi": r["procedure_name_vi"], "procedure_name_en": r["procedure_name_en"],
                    "received_at": r["received_at"].isoformat(), "effective_due_at": r["effective_due_at"].isoformat(),
                    "days_overdue": int(r["days_overdue"])} for r in self.longest.to_dict("records")]
        return {"unit_code": self.unit_code, "name_vi": self.name_vi, "name_en": self.name_en,
                "contact_email": self.contact_email, "as_of": self.as_of.isoformat(), "tasks": self.listed(),
                "dossiers_overdue": self.dossiers_overdue, "longest": longest}

    @classmethod
    def from_content(cls, content: dict) -> UnitItems:
        tasks = pd.DataFrame(content["tasks"], columns=TASK_COLUMNS)
        tasks["due_on"] = [date.fromisoformat(d) for d in tasks["due_on"]]
        longest = pd.DataFrame(content["longest"], columns=DOSSIER_COLUMNS)
        for column in ("received_at", "effective_due_at"):
            longest[column] = pd.to_datetime(longest[column])
        return cls(content["unit_code"], content["name_vi"], content["name_en"], content["contact_email"],
                   date.fromisoformat(content["as_of"]), tasks[tasks["state"] == "overdue"],
                   tasks[tasks["state"] == "due_soon"], int(content["dossiers_overdue"]), longest)

    def listed(self) -> list[dict]:
        """The tasks the letter lists, as kept with the urging (what was listed then)."""
        rows = []
        for frame in (self.overdue, self.due_soon):
            for row in frame.itertuples(index=False):
                rows.append({"task_id": row.task_id, "title": source_text(row.title), "source": row.source,
                             "document_ref": None if pd.isna(row.document_ref) else row.document_ref,
                             "due_on": pd.Timestamp(row.due_on).date().isoformat(),
                             "state": row.state, "days_overdue": _int(row.days_overdue),
                             "days_left": _int(row.days_left),
                             "supervising_leader": None if pd.isna(row.supervising_leader) else row.supervising_leader})
        return rows


def _int(value) -> int | None:
    return None if pd.isna(value) else int(value)


def letter_config(config_dir: Path) -> dict:
    """``config/urging.toml`` [letter]: the symbol, and per language the issuing office,
    place, signature block and recipients."""
    path = Path(config_dir) / "urging.toml"
    config = tomllib.loads(path.read_text(encoding="utf-8")).get("letter", {}) if path.is_file() else {}
    for language in ("vi", "en"):
        missing = {"issuer_parent", "issuer", "place", "signer_authority", "signer_title", "recipients"} \
            - set(config.get(language, {}))
        if missing:
            raise ValueError(f"{path}: [letter.{language}] lacks {', '.join(sorted(missing))}")
    if "symbol" not in config:
        raise ValueError(f"{path}: [letter] symbol is missing")
    return config


def _counts(reader: Reader, scope: Scope, as_of: date) -> pd.DataFrame:
    """Per current unit: overdue tasks, tasks due soon, overdue dossiers as of ``as_of``."""
    frames = []
    for name, metric in COUNTS.items():
        frame = query(metric, Period(as_of, as_of), scope=scope, by=("unit",), reader=reader)
        frames.append(frame.set_index("unit_code")["value"].rename(name))
    return pd.concat(frames, axis=1).fillna(0).astype("int64")


def units_to_urge(reader: Reader, scope: Scope, as_of: date) -> pd.DataFrame:
    """The units with overdue tasks, tasks due soon or overdue dossiers as of ``as_of``,
    with the three counts, most overdue tasks first."""
    counts = _counts(reader, scope, as_of)
    counts = counts[(counts > 0).any(axis=1)]
    return counts.sort_values(["overdue", "dossiers", "due_soon"], ascending=False)


def collect(reader: Reader, scope: Scope, as_of: date, units: list[str] | None = None) -> list[UnitItems]:
    """Each unit's items as of ``as_of``: every unit with something to urge (``units``:
    only those of them), in scope. A unit with nothing to urge gets no letter."""
    settings = published.urging(reader)
    candidates = units_to_urge(reader, scope, as_of)
    if units is not None:
        candidates = candidates[candidates.index.isin(units)]
    table = reference.units(reader).set_index("unit_code")
    collected = []
    for code in candidates.index:
        tasks = lists.tasks(as_of, reader=reader, scope=scope, due_soon_days=settings["due_soon_working_days"],
                            unit=code, limit=lists.MAX_ROWS,
                            sort=[("days_overdue", "desc"), ("due_on", "asc")])
        tasks = tasks[tasks["state"].isin(("overdue", "due_soon"))]
        dossiers = lists.overdue_dossiers(as_of, reader=reader, scope=scope, unit=code,
                                          limit=settings["letter_longest_dossiers"])
        email = table.at[code, "contact_email"] if code in table.index else None
        collected.append(UnitItems(
            unit_code=code,
            name_vi=table.at[code, "name_vi"] if code in table.index else code,
            name_en=table.at[code, "name_en"] if code in table.index else code,
            contact_email=None if pd.isna(email) or not email else str(email),
            as_of=as_of,
            overdue=_by_source(tasks[tasks["state"] == "overdue"]),
            due_soon=tasks[tasks["state"] == "due_soon"].sort_values(["due_on", "task_id"]),
            dossiers_overdue=int(dossiers["total_rows"].iloc[0]) if len(dossiers) else 0,
            longest=dossiers,
        ))
    return [items for items in collected if not items.empty]


def _by_source(tasks: pd.DataFrame) -> pd.DataFrame:
    order = {source: i for i, source in enumerate(SOURCE_ORDER)}
    return tasks.assign(_order=tasks["source"].map(order)).sort_values(
        ["_order", "days_overdue", "due_on", "task_id"], ascending=[True, False, True, True]).drop(columns="_order")


@dataclass
class Letter:
    """An urging letter as ``word.write`` and ``pdf.write`` take it."""

    language: str
    header: official.Header
    sections: list[Section]
    closing: official.Closing
    footer: str
    unit_code: str = ""
    listed: list[dict] = field(default_factory=list)


def _task_table(name: str, frame: pd.DataFrame, language: str, *, overdue: bool) -> Table:
    days = "days_overdue" if overdue else "days_left"
    columns = ((t("urging.col.number", language), True), (t("urging.col.task", language), False),
               (t("urging.col.document", language), False), (t("urging.col.due", language), True),
               (t(f"urging.col.{days}", language), True), (t("urging.col.leader", language), False))
    rows = [[str(i), source_text(row.title), source_text(row.document_ref or ""), fmt.day(row.due_on, language),
             fmt.count(_int(getattr(row, days)), language), source_text(row.supervising_leader or "")]
            for i, row in enumerate(frame.itertuples(index=False), start=1)]
    return Table(name, columns, rows)


def _number(issued_number: str | None, symbol: str, language: str) -> str:
    return t("brief.number", language, number=issued_number or "…", symbol=symbol)


def letter(items: UnitItems, config: dict, *, version: str, due_soon_days: int, answer_days: int,
           language: str = "vi", number: str | None = None, issued_on: date | None = None) -> Letter:
    """The letter to one unit; ``number`` and ``issued_on`` blank in a draft (the outgoing
    register fills them in), set once the office has issued it."""
    texts = config[language]
    unit = items.name(language)
    day = fmt.day(items.as_of, language)
    header = official.Header(
        issuer_parent=texts["issuer_parent"], issuer=texts["issuer"],
        number=_number(number, config["symbol"], language),
        nation=t("brief.nation", language), motto=t("brief.motto", language),
        place_date=official.place_date(texts["place"], issued_on, language),
        title="", subtitle="", subject=t("urging.subject", language),
        addressee=t("urging.addressee", language, unit=unit))
    blocks: list = [t("urging.opening", language, day=day, unit=unit)]
    sections = [Section("", blocks)]

    overdue = Section(t("urging.section.overdue", language, count=fmt.count(len(items.overdue), language)))
    if items.overdue.empty:
        overdue.blocks.append(t("urging.none", language))
    for i, source in enumerate(s for s in SOURCE_ORDER if (items.overdue["source"] == s).any()):
        rows = items.overdue[items.overdue["source"] == source]
        overdue.blocks.append(t("urging.by_source", language, letter=LETTERS[i],
                                source=t(f"task_source.{source}", language), count=fmt.count(len(rows), language)))
        overdue.blocks.append(_task_table(f"overdue_{source}", rows, language, overdue=True))
    sections.append(overdue)

    due_soon = Section(t("urging.section.due_soon", language, days=due_soon_days,
                         count=fmt.count(len(items.due_soon), language)))
    due_soon.blocks.append(_task_table("due_soon", items.due_soon, language, overdue=False)
                           if not items.due_soon.empty else t("urging.none", language))
    sections.append(due_soon)

    dossiers = Section(t("urging.section.dossiers", language, count=fmt.count(items.dossiers_overdue, language)))
    if items.dossiers_overdue:
        dossiers.blocks.append(t("urging.dossiers.longest", language, day=day,
                                 count=fmt.count(items.dossiers_overdue, language),
                                 shown=fmt.count(len(items.longest), language)))
        columns = ((t("urging.col.number", language), True), (t("urging.col.dossier", language), False),
                   (t("urging.col.procedure", language), False), (t("urging.col.received", language), True),
                   (t("urging.col.due", language), True), (t("urging.col.days_overdue", language), True))
        name = "procedure_name_vi" if language == "vi" else "procedure_name_en"
        dossiers.blocks.append(Table("dossiers", columns, [
            [str(i), row["dossier_id"], source_text(row[name] or row["procedure_code"]),
             fmt.day(row["received_at"].date(), language), fmt.day(row["effective_due_at"].date(), language),
             fmt.count(int(row["days_overdue"]), language)]
            for i, row in enumerate(items.longest.to_dict("records"), start=1)]))
    else:
        dossiers.blocks.append(t("urging.none", language))
    sections.append(dossiers)
    sections.append(Section("", [t("urging.request", language, unit=unit, days=f"{answer_days:02d}")]))

    closing = official.Closing(t("brief.recipients", language), tuple(texts["recipients"]),
                               texts["signer_authority"], texts["signer_title"], texts.get("signer_name", ""))
    return Letter(language, header, sections, closing,
                  t("urging.footer", language, version=version, day=day), items.unit_code, items.listed())


def summary(collected: list[UnitItems], config: dict, as_of: date, *, version: str, language: str = "vi") -> Letter:
    """One document listing every unit urged with its counts and where its letter goes."""
    texts = config[language]
    day = fmt.day(as_of, language)
    header = official.Header(
        issuer_parent=texts["issuer_parent"], issuer=texts["issuer"],
        number=_number(None, config["symbol"], language),
        nation=t("brief.nation", language), motto=t("brief.motto", language),
        place_date=official.place_date(texts["place"], None, language),
        title=t("urging.summary.title", language),
        subtitle=t("urging.summary.subtitle", language, day=day, count=fmt.count(len(collected), language)))
    columns = ((t("urging.col.number", language), True), (t("urging.col.unit", language), False),
               (t("urging.col.overdue_tasks", language), True), (t("urging.col.due_soon_tasks", language), True),
               (t("urging.col.overdue_dossiers", language), True), (t("urging.col.longest", language), True),
               (t("urging.col.contact", language), False))
    rows = []
    for i, items in enumerate(collected, start=1):
        longest = items.overdue["days_overdue"].max() if not items.overdue.empty else None
        rows.append([str(i), f"{items.name(language)} ({items.unit_code})", fmt.count(len(items.overdue), language),
                     fmt.count(len(items.due_soon), language), fmt.count(items.dossiers_overdue, language),
                     fmt.count(_int(longest) if longest is not None else None, language),
                     items.contact_email or t("urging.no_contact", language)])
    sections = [Section("", [t("urging.summary.note", language), Table("units", columns, rows)])]
    closing = official.Closing(t("brief.recipients", language), tuple(texts["recipients"][1:]),
                               texts["signer_authority"], texts["signer_title"], texts.get("signer_name", ""))
    return Letter(language, header, sections, closing, t("urging.footer", language, version=version, day=day))


__all__ = ["TASK_SOURCES", "UnitItems", "Letter", "collect", "letter", "summary", "units_to_urge", "letter_config"]
