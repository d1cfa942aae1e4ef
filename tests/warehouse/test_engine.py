"""The shape of the semantic layer (issue 16): scope is explicit and required on every
read of unit data, the engine follows the registry's declarations, the ranking is built
from registry metrics with the weights its snapshot was published with."""
from __future__ import annotations

import dataclasses
import inspect
import shutil

import pandas as pd
import pytest

from tests.warehouse.test_rules import MARCH, reader  # noqa: F401 - the small rules warehouse
from warehouse import indicators, lists, metrics, reference
from warehouse.db import writer
from warehouse.registry import DOSSIER, REGISTRY, TASK, Family, Metric, _check_registry
from warehouse.scope import Scope
from warehouse.snapshots import Reader, publish

READS = (metrics.query, lists.overdue_dossiers, lists.overdue_tasks, indicators.data)


@pytest.mark.parametrize("read", READS, ids=lambda f: f"{f.__module__}.{f.__name__}")
def test_every_read_of_unit_data_requires_a_scope(read):
    parameter = inspect.signature(read).parameters["scope"]
    assert parameter.default is inspect.Parameter.empty
    assert parameter.kind is inspect.Parameter.KEYWORD_ONLY


def test_a_read_without_a_scope_is_a_type_error(reader):  # noqa: F811
    with pytest.raises(TypeError, match="scope"):
        metrics.query("dossier_on_time_rate", MARCH, reader=reader)
    with pytest.raises(TypeError, match="scope"):
        lists.overdue_tasks(MARCH.end, reader=reader)
    with pytest.raises(TypeError, match="Scope"):  # bare codes are not a scope: they skip the resolution
        metrics.query("dossier_on_time_rate", MARCH, scope={"NEW"}, reader=reader)


def test_a_scope_holds_sub_units_and_merged_units_resolved_once():
    units = pd.DataFrame({
        "unit_code": ["ROOT", "A", "A1", "OLD", "B"],
        "parent_code": [None, "ROOT", "A", None, "ROOT"],
        "current_code": ["ROOT", "A", "A1", "A1", "B"],
    })
    assert Scope.of(units, ["A"]).codes == {"A", "A1", "OLD"}
    assert Scope.of(units, ["ROOT"]).codes == {"ROOT", "A", "A1", "OLD", "B"}
    assert Scope.of(units, ["B"]).codes == {"B"}
    assert Scope.everything().allows("anything") and not Scope.of(units, ["B"]).allows("A")


def test_a_merged_units_records_count_for_a_reader_of_its_successor(reader):  # noqa: F811
    scope = Scope.of(reference.units(reader), ["NEW"])
    assert scope.codes == {"NEW", "MID", "OLD1"}
    everything = metrics.query("dossier_on_time_rate", MARCH, scope=Scope.everything(), by=["unit"], reader=reader)
    mine = metrics.query("dossier_on_time_rate", MARCH, scope=scope, by=["unit"], reader=reader)
    assert mine.to_dict("records") == everything[everything["unit_code"] == "NEW"].to_dict("records")


def test_the_engine_follows_declarations_not_family_names(reader):  # noqa: F811
    """A family declared under another name reads the same numbers: nothing branches on it."""
    for family, by in ((TASK, ("unit", "source")), (DOSSIER, ("procedure",)), (DOSSIER, ("field",))):
        renamed = dataclasses.replace(family, name=f"{family.name}_again")
        options = dict(as_of=None, scope=Scope.everything(), unit=None, kind=None, structure="current",
                       reader=reader)
        def read(f):
            frame = metrics.family_frame(f, MARCH, by, **options)
            keys = [c for c in frame.columns if c not in f.quantities]
            return frame.sort_values(keys, ignore_index=True)

        expected = read(family)
        assert not expected.empty
        pd.testing.assert_frame_equal(read(renamed), expected)


def test_a_cut_no_mart_serves_is_an_error_never_a_fallback():
    undeclared = Family("undeclared", "task_facts", ("assigned",), {"unit": "unit_code", "topic": "topic"},
                        point_in_time=True, marts=TASK.marts)
    with pytest.raises(ValueError, match="no mart of undeclared serves a cut by topic"):
        undeclared.mart_for(("topic",))


def test_a_metric_with_neither_family_nor_ranking_stops_the_import(monkeypatch):
    from warehouse import registry

    orphan = Metric("orphan", None, None, None, "count", "count", "", "", "", "", "")
    monkeypatch.setattr(registry, "METRICS", registry.METRICS + (orphan,))
    with pytest.raises(ValueError, match="orphan: declare a family or a ranking"):
        _check_registry()


def test_ranking_components_are_registry_metrics():
    ranking = REGISTRY["unit_ranking"].ranking
    assert [c.name for c in ranking.components] == ["procedures", "tasks", "budget"]
    assert all(REGISTRY[c.metric].family is not None for c in ranking.components)


def test_the_ranking_uses_the_weights_its_snapshot_was_published_with(tmp_path):
    """Weights are stored at publish: editing config/ranking.toml changes nothing until the
    next publish, which then ranks with the new weights."""
    from tests.warehouse import test_rules

    config = test_rules.config_without_minimum(tmp_path / "config")
    settings = test_rules.publish_records(tmp_path, config)

    def ranking():
        return metrics.query("unit_ranking", MARCH, scope=Scope.everything(), reader=Reader(settings))

    before = ranking()
    (config / "ranking.toml").write_text("[weights]\nprocedures = 1.0\ntasks = 0.0\nbudget = 0.0\n"
                                         "[minimum]\ndossiers = 0\ntasks = 0\n")
    pd.testing.assert_frame_equal(ranking(), before)
    with writer(settings) as con:
        publish(con, settings)
    new, old = ranking().set_index("unit_code").loc["NEW"], before.set_index("unit_code").loc["NEW"]
    assert new.composite == pytest.approx(new.procedures)
    assert new.composite != pytest.approx(old.composite)
