"""Who may see which units: the scope every read of unit data takes, explicitly.

A ``Scope`` is a value, resolved once (per request, per job) from the published unit
reference: the units asked for, their sub-units, and every unit merged into any of them,
so the SQL only has to ask "is the recorded unit in the list". No read has a default
scope: forgetting it is a TypeError, and every unit is asked for by name
(``Scope.everything()``: the CLI, the push, administrators).
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Iterable

import pandas as pd


@dataclass(frozen=True)
class Scope:
    """The units a reader may see; ``codes`` is None for every unit."""

    codes: frozenset[str] | None

    @classmethod
    def everything(cls) -> Scope:
        return cls(None)

    @classmethod
    def of(cls, units: pd.DataFrame, codes: Iterable[str]) -> Scope:
        """``codes`` with their sub-units (by ``parent_code``) and the units merged into any
        of them (by ``current_code``), from the reference units (``reference.units``)."""
        children = units.groupby("parent_code")["unit_code"].apply(list).to_dict()
        found = set(codes)
        queue = list(found)
        while queue:
            for child in children.get(queue.pop(), []):
                if child not in found:
                    found.add(child)
                    queue.append(child)
        merged = units.loc[units["current_code"].isin(found), "unit_code"]
        return cls(frozenset(found | set(merged)))

    @property
    def is_everything(self) -> bool:
        return self.codes is None

    def allows(self, unit_code: str | None) -> bool:
        return self.codes is None or unit_code in self.codes

    def narrow(self, frame: pd.DataFrame, column: str = "unit_code") -> pd.DataFrame:
        """The rows of ``frame`` whose unit is in scope."""
        return frame if self.codes is None else frame[frame[column].isin(self.codes)]

    @property
    def params(self) -> dict:
        """The SQL parameters of ``_frame.sql`` and the lists: ``$all_units``, ``$scope``."""
        return {"all_units": self.codes is None, "scope": sorted(self.codes or ())}

    @property
    def key(self) -> list[str] | None:
        """What a cache key holds of the scope: the same answer for the same units."""
        return None if self.codes is None else sorted(self.codes)
