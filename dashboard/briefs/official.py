"""The administrative frame of an official document in the Vietnamese style (Decree
30/2020/NĐ-CP): issuing body, national motto, number and symbol, place and date written
out in words, title (a report) or subject line and addressee (a letter, công văn), and the
closing with its recipients and signature block. The weekly brief and the urging letters
(``dashboard.urging``) are both written from these by ``word.py`` and ``pdf.py``."""
from __future__ import annotations

import tomllib
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from babel.dates import format_date

from dashboard import formatting as fmt, periods
from dashboard.i18n import t
from warehouse.metrics import Period


@dataclass(frozen=True)
class Header:
    issuer_parent: str
    issuer: str
    number: str
    nation: str
    motto: str
    place_date: str
    title: str
    subtitle: str
    subject: str = ""  # a letter's "V/v …" under its number (trích yếu nội dung)
    addressee: str = ""  # a letter's "Kính gửi: …"


@dataclass(frozen=True)
class Closing:
    recipients_label: str
    recipients: tuple[str, ...]
    signer_authority: str
    signer_title: str
    signer_name: str


def load(path: Path) -> dict:
    """The brief's header settings (config/brief.toml), checked once so a typo is reported
    by name instead of a half-written document."""
    if not path.is_file():
        raise ValueError(f"{path}: the brief's header file is missing (set OPSCENTER_BRIEF_FILE or restore it)")
    config = tomllib.loads(path.read_text(encoding="utf-8"))
    for language in ("vi", "en"):
        missing = {"issuer_parent", "issuer", "place", "signer_authority", "signer_title", "recipients"} \
            - set(config.get(language, {}))
        if missing:
            raise ValueError(f"{path}: [{language}] lacks {', '.join(sorted(missing))}")
    if "symbol" not in config:
        raise ValueError(f"{path}: symbol is missing")
    return config


def place_date(place: str, day: date | None, language: str) -> str:
    """"Hà Nội, ngày 05 tháng 01 năm 2026": days below 10 and months 1 and 2 take a
    leading zero, as the decree asks. Without a day, the blanks the outgoing register fills
    in ("Hà Nội, ngày … tháng … năm …")."""
    if day is None:
        return f"{place}, ngày … tháng … năm …" if language == "vi" else f"{place}, … … …"
    if language == "vi":
        month = f"{day.month:02d}" if day.month < 3 else str(day.month)
        return f"{place}, ngày {day.day:02d} tháng {month} năm {day.year}"
    return f"{place}, {format_date(day, 'd MMMM yyyy', locale='en_GB')}"


def header(config: dict, period: Period, issued: date, language: str, *, scope: str | None) -> Header:
    """A weekly brief is numbered by its ISO week; another period's number is left blank,
    for the clerk to fill in at registration."""
    texts = config[language]
    year, week, _ = period.start.isocalendar()
    weekly = periods.week_label(period) is not None
    subtitle = t("brief.subtitle.week" if weekly else "brief.subtitle.period", language, week=week, year=year,
                 start=fmt.day(period.start, language), end=fmt.day(period.end, language))
    if scope:
        subtitle += " " + t("brief.subtitle.scope", language, scope=scope)
    return Header(
        issuer_parent=texts["issuer_parent"], issuer=texts["issuer"],
        number=t("brief.number", language, number=str(week) if weekly else " " * 6, symbol=config["symbol"]),
        nation=t("brief.nation", language), motto=t("brief.motto", language),
        place_date=place_date(texts["place"], issued, language),
        title=t("brief.title", language), subtitle=subtitle,
    )


def closing(config: dict, language: str) -> Closing:
    texts = config[language]
    return Closing(t("brief.recipients", language), tuple(texts["recipients"]), texts["signer_authority"],
                   texts["signer_title"], texts.get("signer_name", ""))
