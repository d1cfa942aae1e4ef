"""Roles, what each may do, and who is asking: the one table of access rules.

A capability is what a screen or a data read needs (a screen names its own when its page
registers itself, see ``dashboard.screens``): ``view`` (the desk screens),
``drill`` (record-level lists: the late dossiers and tasks themselves), ``export``
(exports and briefs), ``wall`` (the wall screens), ``admin`` (accounts, kiosk tokens,
sources, pipeline runs, the audit log), ``urging`` (the Urging screen: the letters in
scope; a unit user answers its own), ``urge`` (draft, issue and send urging letters). A ``unit`` user holds the desk capabilities over
its own unit and sub-units only: its scope.
"""
from __future__ import annotations

from dataclasses import dataclass

ROLES: dict[str, frozenset[str]] = {
    "leader": frozenset({"view", "wall"}),
    "office": frozenset({"view", "wall", "drill", "export", "urging", "urge"}),
    "analyst": frozenset({"view", "wall", "drill", "export", "urging", "urge"}),
    "unit": frozenset({"view", "wall", "drill", "export", "urging"}),
    "admin": frozenset({"admin"}),
}
KIOSK = frozenset({"wall"})
CAPABILITIES = KIOSK.union(*ROLES.values())  # a right nobody holds would open a screen to no one


@dataclass(frozen=True)
class Principal:
    """Who a request acts for: a signed-in user, a kiosk (a wall screen) or the program
    itself (the cache warm-up, the CLI). Also the Flask-Login user object."""

    kind: str  # "user", "kiosk" or "system"
    name: str
    capabilities: frozenset[str]
    id: int | None = None
    role: str | None = None
    unit_code: str | None = None  # set: the principal sees this unit and its sub-units only
    display_name: str = ""
    epoch: int = 0
    units: tuple[str, ...] | None = None  # an API client's units (each with its sub-units)

    # Flask-Login's user protocol
    is_authenticated = True
    is_active = True
    is_anonymous = False

    def get_id(self) -> str:
        """What the session keeps: the account and its epoch, so that disabling an account
        or changing its password ends every session it had."""
        return f"{self.kind}:{self.id}:{self.epoch}"

    def can(self, capability: str) -> bool:
        return capability in self.capabilities

    @property
    def scope_units(self) -> tuple[str, ...] | None:
        """The units whose data the principal may read (with their sub-units); None: all."""
        return (self.unit_code,) if self.unit_code else self.units

    @property
    def label(self) -> str:
        """How the audit log names the actor."""
        return self.name if self.kind == "user" else f"{self.kind}:{self.name}"


def for_user(row) -> Principal:
    return Principal("user", row.username, ROLES[row.role], id=row.id, role=row.role,
                     unit_code=row.unit_code if row.role == "unit" else None,
                     display_name=row.display_name, epoch=row.epoch)


def for_kiosk(row) -> Principal:
    return Principal("kiosk", row.name, KIOSK, id=row.id, display_name=row.name)


def system(name: str, role: str = "analyst") -> Principal:
    """The program acting for itself with a role's capabilities over every unit."""
    return Principal("system", name, ROLES[role], role=role)
