"""``python -m dashboard``: manage accounts, kiosk tokens and API client keys from the
server's shell, and write the weekly brief.

Account commands act as the ``cli:<os user>`` administrator; every action is written to
the audit log like the admin screen's. No password is ever passed on the command line:
new accounts and resets print a one-time link where the owner sets it. ``brief`` reads
the whole ministry with an analyst's rights and archives what it writes.
"""
from __future__ import annotations

import getpass
import sys
from datetime import date
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from appdb.engine import open_db, utc
from config.settings import SettingsError, load_settings
from dashboard import context, formatting as fmt, periods
from dashboard.api import clients
from dashboard.auth import accounts, kiosk, manage
from dashboard.auth.roles import ROLES, Principal, system
from dashboard.briefs.generate import BriefFailed, generate
from dashboard.i18n import LANGUAGES
from warehouse import reference
from warehouse.scope import Scope
from warehouse.snapshots import NoSnapshot, Reader

app = typer.Typer(add_completion=False, no_args_is_help=True, help="Opscenter dashboard administration.")
users = typer.Typer(no_args_is_help=True, help="Accounts: add, list, disable, enable, reset.")
kiosks = typer.Typer(no_args_is_help=True, help="Kiosk tokens of wall screens: add, list, revoke.")
app.add_typer(users, name="users")
app.add_typer(kiosks, name="kiosk")
api_keys = typer.Typer(no_args_is_help=True, help="Client keys of the indicator API: add, list, revoke.")
app.add_typer(api_keys, name="api-keys")
urging = typer.Typer(no_args_is_help=True, help="Urging letters (đôn đốc): draft them for the units to urge.")
app.add_typer(urging, name="urging")
out, err = Console(soft_wrap=True), Console(stderr=True, soft_wrap=True)


def _open():
    try:
        settings = load_settings()
    except SettingsError as exc:
        err.print(f"[red]{exc}[/red]")
        raise typer.Exit(2) from None
    return settings, open_db(settings.app_db)


def _actor() -> Principal:
    return system(f"cli:{getpass.getuser()}", "admin")


def _known_units(settings) -> set[str] | None:
    """Current units of the published warehouse (None when nothing is published yet)."""
    try:
        table = reference.units(Reader(settings))
    except NoSnapshot:
        return None
    return set(table.loc[table["is_current"], "unit_code"])


def _show(headers: tuple[str, ...], rows: list[tuple[str, ...]]) -> None:
    """A table on a terminal; tab-separated lines, nothing cut or wrapped, for a script."""
    if out.is_terminal:
        table = Table(*headers)
        for row in rows:
            table.add_row(*row)
        out.print(table)
    else:
        for row in (headers, *rows):
            print("\t".join(row))


def _when(value) -> str:
    """A time of the app database (UTC) in Vietnam's time, as the screens show it."""
    return fmt.moment(utc(value)) if value else ""


def _fail(exc: Exception):
    err.print(f"[red]{exc}[/red]")
    raise typer.Exit(1) from None


def _admin(action):
    """``action(settings, db, administrator)`` as the CLI's administrator: the settings and
    its result; a refusal ends the command with its reason."""
    settings, db = _open()
    try:
        return settings, action(settings, db, _actor())
    except accounts.AccountError as exc:
        _fail(exc)


@users.command("add")
def users_add(
    username: str,
    role: Annotated[str, typer.Option(help=f"One of: {', '.join(ROLES)}")],
    unit: Annotated[str | None, typer.Option(help="Unit code (role unit only): the unit and its sub-units")] = None,
    name: Annotated[str | None, typer.Option(help="Full name shown on screens")] = None,
):
    """Create an account and print its one-time link to set a password (valid 24 hours)."""
    settings, token = _admin(lambda settings, db, who: manage.add_user(
        db, who, username, role, display_name=name, unit_code=unit, known_units=_known_units(settings)))
    out.print(f"Created {username.lower()} ({role}). Send this one-time link to set the password:")
    print(f"{settings.base_url}/password/{token}")


@users.command("list")
def users_list():
    """Every account, its role, unit and state."""
    _, db = _open()
    _show(("user", "name", "role", "unit", "active", "password set", "last sign-in"),
          [(row.username, row.display_name, row.role, row.unit_code or "", "yes" if row.active else "no",
            "yes" if row.password_hash else "no", _when(row.last_sign_in_at)) for row in accounts.all_users(db)])


def _set_active(username: str, active: bool) -> None:
    _admin(lambda _, db, who: manage.set_active(db, who, username.lower(), active))
    out.print(f"{'Enabled' if active else 'Disabled'} {username.lower()}.")


@users.command("disable")
def users_disable(username: str):
    """Refuse the account from now on and end its open sessions."""
    _set_active(username, False)


@users.command("enable")
def users_enable(username: str):
    _set_active(username, True)


@users.command("reset")
def users_reset(username: str):
    """Print a new one-time link to set the account's password."""
    settings, token = _admin(lambda _, db, who: manage.reset(db, who, username.lower()))
    out.print(f"One-time link for {username.lower()} to set a new password:")
    print(f"{settings.base_url}/password/{token}")


@kiosks.command("add")
def kiosk_add(name: Annotated[str, typer.Argument(help="Where the screen is, e.g. 'Sảnh tầng 1'")]):
    """Create a kiosk token and print the wall address that uses it (shown once)."""
    settings, (token_id, token) = _admin(lambda _, db, who: manage.add_kiosk(db, who, name))
    out.print(f"Kiosk token {token_id} ({name}). Open this address on the wall screen:")
    print(f"{settings.base_url}/kiosk/{token}")


@kiosks.command("list")
def kiosk_list():
    _, db = _open()
    _show(("id", "name", "created by", "created", "revoked"),
          [(str(row.id), row.name, row.created_by, _when(row.created_at), _when(row.revoked_at))
           for row in kiosk.all_tokens(db)])


@kiosks.command("revoke")
def kiosk_revoke(token_id: int):
    """Revoke a kiosk token: its wall is refused at its next request."""
    _admin(lambda _, db, who: manage.revoke_kiosk(db, who, token_id))
    out.print(f"Revoked kiosk token {token_id}.")


@api_keys.command("add")
def api_key_add(
    name: Annotated[str, typer.Argument(help="Who uses the key, e.g. 'Trung tâm điều hành Chính phủ'")],
    indicator: Annotated[list[str] | None, typer.Option(help="An indicator it may read (repeat; default: all)")] = None,
    unit: Annotated[list[str] | None, typer.Option(help="A unit it may read, with its sub-units (repeat; default: all)")] = None,
    rate: Annotated[int | None, typer.Option(min=1, max=clients.MAX_RATE, help="Calls per minute (default: OPSCENTER_API_RATE_LIMIT)")] = None,
):
    """Issue a client key for /api/v1 and print it (shown once; only its digest is kept)."""
    from warehouse.registry import REGISTRY

    _, (client_id, key) = _admin(lambda settings, db, who: manage.add_api_client(
        db, who, name, indicators=indicator, units=unit, rate_limit=rate, known_indicators=set(REGISTRY),
        known_units=_known_units(settings)))
    out.print(f"API client {client_id} ({name}). Its key, for the header 'Authorization: Bearer <key>':")
    print(key)


@api_keys.command("list")
def api_key_list():
    _, db = _open()
    _show(("id", "name", "key", "indicators", "units", "per minute", "created", "revoked"),
          [(str(row.id), row.name, row.key_prefix + "…", ", ".join(clients.indicators(row) or ["all"]),
            ", ".join(clients.units(row) or ["all"]), str(row.rate_limit or "default"), _when(row.created_at),
            _when(row.revoked_at)) for row in clients.all_clients(db)])


@api_keys.command("revoke")
def api_key_revoke(client_id: int):
    """Revoke a client key: its next call is refused."""
    _admin(lambda _, db, who: manage.revoke_api_client(db, who, client_id))
    out.print(f"Revoked API client {client_id}.")


@app.command()
def brief(
    week: Annotated[str, typer.Option(help="ISO week, e.g. 2026-W47 (Monday to Sunday)")],
    format: Annotated[str, typer.Option("--format", help="Comma-separated: docx, pdf")] = "docx,pdf",
    out_dir: Annotated[Path | None, typer.Option("--out", help="Folder for the files (default: the archive)")] = None,
    language: Annotated[str, typer.Option(help="vi or en")] = "vi",
):
    """Write the weekly brief of an ISO week and print the paths of its files."""
    settings, _ = _open()
    try:
        period = periods.iso_week(week)
        if period.end > settings.reporting_day():  # as the Briefs screen: a week is written once it is over
            raise ValueError(f"{week} is not over yet (the data is as of {settings.reporting_day():%d/%m/%Y})")
        formats = tuple(part.strip().lower() for part in format.split(",") if part.strip())
        if language not in LANGUAGES:
            raise ValueError(f"language is {' or '.join(LANGUAGES)}, not {language!r}")
        row = generate(context.standalone(settings), system(f"cli:{getpass.getuser()}"), period,
                       language=language, formats=formats, trigger="cli", out_dir=out_dir and out_dir.resolve())
    except (ValueError, BriefFailed, NoSnapshot) as exc:
        _fail(exc)
    for name in row["files"]:
        print(Path(row["directory"]) / name)


@urging.command("draft")
def urging_draft(
    out_dir: Annotated[Path, typer.Option("--out", help="Folder for the files")],
    as_of: Annotated[str | None, typer.Option("--as-of", help="Date D, YYYY-MM-DD (default: the data's day)")] = None,
    unit: Annotated[list[str] | None, typer.Option(help="Only this unit's letter (repeat)")] = None,
    format: Annotated[str, typer.Option("--format", help="Comma-separated: docx, pdf")] = "docx,pdf",
    language: Annotated[str, typer.Option(help="vi or en")] = "vi",
):
    """Draft an urging letter (DOCX and PDF) for every unit with overdue or due-soon tasks
    or overdue dossiers as of D, and the combined summary; print the path of each file.
    Units with nothing to urge get no letter."""
    from dashboard.urging import documents  # WeasyPrint loads only for the documents

    settings, _ = _open()
    try:
        day = date.fromisoformat(as_of) if as_of else settings.reporting_day()
        formats = tuple(part.strip().lower() for part in format.split(",") if part.strip())
        if not formats or set(formats) - set(documents.FORMATS):
            raise ValueError(f"formats are {', '.join(documents.FORMATS)}, not {format!r}")
        if language not in LANGUAGES:
            raise ValueError(f"language is {' or '.join(LANGUAGES)}, not {language!r}")
        reader = Reader(settings)
        if unit:
            known = set(reference.units(reader)["unit_code"])
            unknown = sorted(set(unit) - known)
            if unknown:
                raise ValueError(f"unknown unit {', '.join(unknown)}")
        collected, paths = documents.draft_all(reader, Scope.everything(), day, out_dir.resolve(),
                                               config_dir=settings.config_dir, units=unit or None,
                                               language=language, formats=formats)
    except (ValueError, NoSnapshot) as exc:
        _fail(exc)
    for path in paths:
        print(path)
    if not collected:
        print(f"Không có đơn vị nào cần đôn đốc đến ngày {day:%d/%m/%Y} / no unit to urge as of {day}",
              file=sys.stderr)


if __name__ == "__main__":
    app()
