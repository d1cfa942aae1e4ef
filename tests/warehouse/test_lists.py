"""Drill-down lists cut to one kind of unit in the warehouse, not after reading them."""
from __future__ import annotations

from datetime import date

from warehouse.lists import overdue_dossiers, overdue_tasks
from warehouse.reference import units
from warehouse.scope import Scope
from warehouse.snapshots import Reader

AS_OF = date(2026, 11, 20)


def test_a_kind_keeps_the_rows_of_units_of_that_kind_only(demo):
    reader = Reader(demo[0])
    kinds = units(reader).set_index("unit_code")["kind"]
    for read in (overdue_dossiers, overdue_tasks):
        everything = read(AS_OF, reader=reader, scope=Scope.everything(), limit=10_000)
        assert len(everything) > 0
        parts = {kind: read(AS_OF, reader=reader, scope=Scope.everything(), kind=kind, limit=10_000) for kind in ("ministry_unit", "province_dept")}
        for kind, rows in parts.items():
            assert set(rows["unit_code"].map(kinds)) <= {kind}
        assert sum(len(rows) for rows in parts.values()) == len(everything)
        assert sorted(parts["ministry_unit"]["total_rows"].unique().tolist() or [0]) == [len(parts["ministry_unit"])]
