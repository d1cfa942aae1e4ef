"""The demo organisation: units with their real 2025 merger chains, and who was when.

Built from the reference lists beside this module (see REFERENCE.md). Unit codes:

- ``BNNMT``: the Ministry of Agriculture and Environment (root, from 2025-03-01);
  ``BTNMT`` and ``BNNPTNT``: the two former ministries (until 2025-02-28, successor
  ``BNNMT``), parents of the former units. The three roots carry no records.
- ``B01``..``B26``: the current ministry units, in the order of ``mae_units.csv``, valid
  from 2025-03-01 (no start date when a unit continues under the same name).
- ``B09-P1``, ``B09-P2``...: the former units that became ``B09`` (valid until
  2025-02-28), numbered in the list's order; ``B08-P2-P1``: the older unit that became
  ``B08-P2`` at the end of 2024, the one three-step chain (a demo-grade date, late enough
  that the two-year window of a run in 2025-2026 holds records of all three steps).
- ``S-<PROVINCE>``: the 34 new provincial Departments of Agriculture and Environment (from
  2025-07-01); ``T-<PROVINCE>``: the 63 former Departments of Natural Resources and
  Environment (until 2025-06-30), ``<PROVINCE>`` being the ASCII slug of the name
  (``S-HOCHIMINH``, ``T-BARIAVUNGTAU``).

Records are assigned through *routes*: a route is the chain of units that did one job
over time (a former unit, then its successor), so the unit of a record is the step of
its route valid on the record's date, and late-unit traits follow the chain.
"""
from __future__ import annotations

import csv
import unicodedata
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from pipelines.demo.formats import slug
from pipelines.demo.ministry import PROFILES, Profile

HERE = Path(__file__).resolve().parent
ROOT = ("BNNMT", "Bộ Nông nghiệp và Môi trường", "Ministry of Agriculture and Environment")
FORMER_MINISTRIES = {
    "TNMT": ("BTNMT", "Bộ Tài nguyên và Môi trường", "Ministry of Natural Resources and Environment",
             "MONRE"),
    "NN": ("BNNPTNT", "Bộ Nông nghiệp và Phát triển nông thôn",
           "Ministry of Agriculture and Rural Development", "MARD"),
}
MINISTRY_MERGER = "2025-03-01"
MINISTRY_LAST_DAY = "2025-02-28"
PROVINCE_MERGER = "2025-07-01"
PROVINCE_LAST_DAY = "2025-06-30"
# The older unit at the start of the one three-step chain, and the day it was renamed.
OLDER_UNIT = {
    "successor_vi": "Trung tâm Chuyển đổi số và Thống kê nông nghiệp",
    "name_vi": "Trung tâm Tin học và Thống kê",
    "name_en": "Centre for Informatics and Statistics (MARD)",
    "last_day": "2024-12-31",
    "successor_from": "2025-01-01",
}
FOREVER = np.datetime64("9999-12-31", "D")
NEVER = np.datetime64("0001-01-01", "D")
STEPS = 3  # longest chain: older unit -> former unit -> current unit
COLUMNS = ("unit_code", "name_vi", "name_en", "kind", "parent_code", "valid_from", "valid_to",
           "successor_code", "contact_email")
MINISTRY_DOMAIN = "mae.gov.vn"
# Units that have published no contact address (an urging letter to them is reported as not sent).
NO_CONTACT = ("B26",)


@dataclass(frozen=True)
class Organisation:
    """The units records plus, per route, its units over time (oldest first)."""

    units: pd.DataFrame
    route_steps: np.ndarray  # (routes, STEPS) unit row numbers, padded at the front
    route_until: np.ndarray  # (routes, STEPS) last valid day of each step
    ministry_routes: np.ndarray  # route numbers ending at a current ministry unit
    province_routes: np.ndarray  # route numbers of the 63 former provincial departments
    late: np.ndarray  # per unit row: chronically late (a late current unit or its predecessors)

    @property
    def codes(self) -> np.ndarray:
        return self.units["unit_code"].to_numpy(dtype=object)

    def unit_on(self, routes: np.ndarray, days: np.ndarray) -> np.ndarray:
        """Row number of the unit of each route valid on each day."""
        step = (self.route_until[routes] < days[:, None]).sum(axis=1)
        return self.route_steps[routes, step]

    def current(self, routes: np.ndarray) -> np.ndarray:
        return self.route_steps[routes, -1]

    def profile(self, row: int) -> Profile:
        return PROFILES[self.units["name_en"].iat[row]]


def build(rng: np.random.Generator) -> Organisation:
    rows: list[dict] = []
    chains: list[list[tuple[int, str | None]]] = []  # per route: (unit row, last day), oldest first

    def add(code, name_vi, name_en, kind, parent="", valid_from="", valid_to="", successor=""):
        rows.append(dict(zip(COLUMNS, (code, name_vi, name_en, kind, parent, valid_from, valid_to,
                                       successor, ""))))
        return len(rows) - 1

    add(*ROOT, "ministry_unit", valid_from=MINISTRY_MERGER)
    for code, name_vi, name_en, _ in FORMER_MINISTRIES.values():
        add(code, name_vi, name_en, "ministry_unit", valid_to=MINISTRY_LAST_DAY, successor=ROOT[0])
    ministry_start = len(chains)
    for number, unit in enumerate(_read("mae_units.csv"), start=1):
        _add_ministry_unit(add, chains, f"B{number:02d}", unit)
    province_start = len(chains)
    _add_provinces(add, chains)

    units = pd.DataFrame(rows, columns=list(COLUMNS))
    units["contact_email"] = [_contact_email(code, name) if not until and not successor else ""
                              for code, name, until, successor in zip(
                                  units["unit_code"], units["name_vi"], units["valid_to"],
                                  units["successor_code"])]
    steps, until = _route_arrays(chains)
    late = _late_units(rng, units, steps, ministry_start, province_start)
    return Organisation(units, steps, until, np.arange(ministry_start, province_start),
                        np.arange(province_start, len(chains)), late)


def _contact_email(code: str, name_vi: str) -> str:
    """The office mailbox of a current unit: ``vanthu@mae.gov.vn`` for the ministry,
    ``<initials>@mae.gov.vn`` for its units (Cục Quản lý đất đai: ``cqldd@mae.gov.vn``),
    ``snnmt@<province>.gov.vn`` for a provincial department; none for ``NO_CONTACT``."""
    if code in NO_CONTACT:
        return ""
    if code == ROOT[0]:
        return f"vanthu@{MINISTRY_DOMAIN}"
    if code.startswith("S-"):
        return f"snnmt@{code.removeprefix('S-').lower()}.gov.vn"
    ascii_name = unicodedata.normalize("NFD", name_vi.replace("Đ", "D").replace("đ", "d"))
    ascii_name = "".join(ch for ch in ascii_name if not unicodedata.combining(ch))
    initials = "".join(word[0] for word in ascii_name.replace("–", " ").replace("-", " ").split()
                       if word[0].isalnum()).lower()
    return f"{initials}.{code.lower()}@{MINISTRY_DOMAIN}"


def _read(name: str) -> list[dict[str, str]]:
    """A reference list, its text in NFC (the composed form every file of the demo uses)."""
    with open(HERE / name, encoding="utf-8", newline="") as handle:
        return [{k: unicodedata.normalize("NFC", v) for k, v in row.items()}
                for row in csv.DictReader(handle)]


def _add_ministry_unit(add, chains, code: str, unit: dict[str, str]) -> None:
    profile = PROFILES[unit["name_en"]]
    names = unit["predecessors_vi"].split(";")
    continues = unit["name_vi"] in names
    current = add(code, unit["name_vi"], unit["name_en"], "ministry_unit", ROOT[0],
                  "" if continues else MINISTRY_MERGER)
    former = [n for n in names if n != unit["name_vi"]]
    if not former:
        chains.append([(current, None)])
    for number, name in enumerate(former, start=1):
        side = _side(name, profile.side)
        parent, abbrev = FORMER_MINISTRIES[side][0], FORMER_MINISTRIES[side][3]
        pred_code = f"{code}-P{number}"
        renamed = name == OLDER_UNIT["successor_vi"]
        pred = add(pred_code, name, f"{unit['name_en']}, predecessor {number} ({abbrev})",
                   "ministry_unit", parent, OLDER_UNIT["successor_from"] if renamed else "",
                   MINISTRY_LAST_DAY, code)
        chain = [(pred, MINISTRY_LAST_DAY), (current, None)]
        if renamed:
            older = add(f"{pred_code}-P1", OLDER_UNIT["name_vi"], OLDER_UNIT["name_en"],
                        "ministry_unit", parent, "", OLDER_UNIT["last_day"], pred_code)
            chain.insert(0, (older, OLDER_UNIT["last_day"]))
        chains.append(chain)


def _side(name: str, default: str | None) -> str:
    """Which former ministry a former unit belonged to, from its name when it says so."""
    lowered = name.lower()
    if "(tn&mt)" in lowered:
        return "TNMT"
    if "(nn&ptnt)" in lowered or "nông nghiệp" in lowered:
        return "NN"
    if "tài nguyên" in lowered or "môi trường" in lowered:
        return "TNMT"
    if default is None:
        raise ValueError(f"cannot tell which former ministry '{name}' belonged to")
    return default


def _add_provinces(add, chains) -> None:
    provinces = _read("provinces_2025.csv")
    new_rows: dict[str, int] = {}
    for new in dict.fromkeys(p["new_province"] for p in provinces):
        city = next(p["new_kind"] == "city" for p in provinces if p["new_province"] == new)
        new_rows[new] = add(
            _province_code("S", new), f"Sở Nông nghiệp và Môi trường {_place_vi(new, city)}",
            f"Department of Agriculture and Environment of {_place_en(new)}", "province_dept",
            valid_from=PROVINCE_MERGER)
    for p in provinces:
        old, new = p["old_province"], p["new_province"]
        city = p["new_kind"] == "city" and old == new  # the five cities that were already cities
        row = add(_province_code("T", old), f"Sở Tài nguyên và Môi trường {_place_vi(old, city)}",
                  f"Department of Natural Resources and Environment of {_place_en(old)}",
                  "province_dept", valid_to=PROVINCE_LAST_DAY,
                  successor=_province_code("S", new))
        chains.append([(row, PROVINCE_LAST_DAY), (new_rows[new], None)])


def _province_code(prefix: str, province: str) -> str:
    return f"{prefix}-{slug(province.removeprefix('TP '))}"


def _place_vi(province: str, city: bool) -> str:
    if province.startswith("TP "):
        return "Thành phố " + province.removeprefix("TP ")
    return ("thành phố " if city else "tỉnh ") + province


def _place_en(province: str) -> str:
    return province.removeprefix("TP ") + " City" if province.startswith("TP ") else province


def _route_arrays(chains) -> tuple[np.ndarray, np.ndarray]:
    """Chains as fixed-width arrays, padded at the front with steps that are never valid."""
    steps = np.zeros((len(chains), STEPS), dtype=np.int64)
    until = np.full((len(chains), STEPS), NEVER)
    for number, chain in enumerate(chains):
        pad = STEPS - len(chain)
        steps[number] = [chain[0][0]] * pad + [row for row, _ in chain]
        until[number, pad:] = [np.datetime64(last, "D") if last else FOREVER for _, last in chain]
    return steps, until


def _late_units(rng, units, steps, ministry_start, province_start) -> np.ndarray:
    """Four chronically late current units: a ministry unit that handles dossiers, one that
    does not (it shows in tasks), two provincial departments; their predecessors too."""
    current = steps[:, -1]
    handles = np.array([bool(PROFILES[units["name_en"].iat[c]].fields)
                        for c in current[ministry_start:province_start]])
    ministry = current[ministry_start:province_start]
    provinces = np.unique(current[province_start:])
    chosen = np.concatenate([
        rng.choice(np.unique(ministry[handles]), 1),
        rng.choice(np.unique(ministry[~handles]), 1),
        rng.choice(provinces, 2, replace=False),
    ])
    late = np.zeros(len(units), dtype=bool)
    late[steps[np.isin(current, chosen)].ravel()] = True
    return late
