"""The rankings screen: one league table per unit kind with the registry's ranks, scores
and rank changes (glyph and text), links to the unit screen, composite bars, and the
weights in use."""
from __future__ import annotations

import re
from datetime import date

import pandas as pd
import pytest

from dashboard import formatting as fmt
from tests.dashboard.conftest import find, params, text
from warehouse import reference
from warehouse.metrics import Period, query
from warehouse.ranking import load_weights
from warehouse.scope import Scope

VIEW = {"from": "2026-10-01", "to": "2026-10-31"}
PERIOD = Period(date(2026, 10, 1), date(2026, 10, 31))
LINK = re.compile(r"^\[(?P<name>.+)\]\((?P<href>/unit\?[^)]+)\)$")


@pytest.fixture(scope="module")
def names(reader):
    return reference.units(reader).set_index("unit_code")


@pytest.fixture(scope="module")
def layout(dash_app):
    from layouts.rankings import layout

    return layout


def arrow(previous, rank) -> str:
    if pd.isna(rank):  # unranked: no component with enough records
        return "—"
    if pd.isna(previous):
        return "mới"
    change = int(previous) - int(rank)
    return f"▲ {change}" if change > 0 else f"▼ {-change}" if change < 0 else "="


def grid_rows(tree, kind: str) -> list[dict]:
    grid = find(tree, f"rankings-grid-{kind}")
    assert grid is not None, kind
    return grid.rowData


@pytest.mark.parametrize("kind", ["ministry_unit", "province_dept"])
def test_tables_show_the_registry_ranks_scores_and_changes(render, layout, reader, names, kind):
    rows = grid_rows(render(layout, **VIEW), kind)
    expected = query("unit_ranking", PERIOD, kind=kind, scope=Scope.everything(), reader=reader)
    assert len(rows) == len(expected) > 0
    for row, want in zip(rows, expected.itertuples()):
        assert row["unit_code"] == want.unit_code
        assert row["rank"] == (None if pd.isna(want.rank) else want.rank)  # None: unranked (DOMAIN.md)
        for score in ("composite", "procedures", "tasks", "budget"):
            assert row[score + "_text"] == fmt.decimal(getattr(want, score))
        assert row["rank_change_text"] == arrow(want.previous_rank, want.rank)
        if not pd.isna(want.previous_rank) and not pd.isna(want.rank):
            assert row["rank_change"] == want.rank_change
        link = LINK.match(row["unit"])
        assert link and link["name"] == names.at[want.unit_code, "name_vi"]
        assert params(link["href"]) == {"path": "/unit", "unit": want.unit_code, "via": "rankings", **VIEW}
    # ranks go up with falling composites, ties share a rank; the unranked come last
    ranks = [r["rank"] for r in rows]
    ranked = [r for r in ranks if r is not None]
    assert ranks == sorted(ranked) + [None] * (len(ranks) - len(ranked))
    assert any(r["rank_change_text"] != "=" for r in rows)


def test_rank_change_words():
    from dashboard.formatting import rank_change

    assert rank_change(7, 4, "vi") == "▲ 3"
    assert rank_change(3, 5, "vi") == "▼ 2"
    assert rank_change(5, 5, "vi") == "="
    assert rank_change(None, 1, "vi") == "mới"
    assert rank_change(None, 1, "en") == "new"


def test_a_unit_without_a_previous_rank_is_new(render, layout, reader):
    """The first month of the demo's history: nothing to compare with before it."""
    for start in (date(2025, m, 1) for m in range(1, 13)):
        period = Period(start, (start.replace(day=28)))
        expected = query("unit_ranking", period, scope=Scope.everything(), reader=reader)
        new = expected.previous_rank.isna() & expected["rank"].notna()  # ranked now, not before
        if new.any():
            break
    else:
        pytest.skip("every unit of the demo has a previous rank in 2025")
    tree = render(layout, **{"from": period.start.isoformat(), "to": period.end.isoformat()})
    rows = {r["unit_code"]: r for kind in ("ministry_unit", "province_dept") for r in grid_rows(tree, kind)}
    for want in expected[new].itertuples():
        assert rows[want.unit_code]["rank_change_text"] == "mới"
        assert rows[want.unit_code]["rank_change"] is None


def test_bars_are_the_composites_in_rank_order_and_drill(render, layout, reader, names):
    tree = render(layout, kind="ministry_unit", **VIEW)
    figure = find(tree, {"type": "drill", "name": "rankings-bars-ministry_unit"}).figure
    bars = figure.data[0]
    expected = query("unit_ranking", PERIOD, kind="ministry_unit", scope=Scope.everything(), reader=reader)
    assert list(bars.y)[::-1] == [names.at[code, "name_vi"] for code in expected.unit_code]
    assert list(bars.x)[::-1] == pytest.approx(list(expected.composite))
    for shown, want in zip(list(figure.data[1].text)[::-1], expected.itertuples()):
        assert shown.split(" ", 1)[1] == f"{fmt.decimal(want.composite)} · hạng {want.rank}"
    for href, code in zip(list(bars.customdata)[::-1], expected.unit_code):
        assert params(href) == {"path": "/unit", "unit": code, "via": "rankings", "kind": "ministry_unit",
                                **VIEW}


def test_the_kind_filter_restricts_the_tables(render, layout, names):
    tree = render(layout, kind="province_dept", **VIEW)
    assert find(tree, "rankings-grid-ministry_unit") is None
    assert find(tree, {"type": "drill", "name": "rankings-bars-ministry_unit"}) is None
    rows = grid_rows(tree, "province_dept")
    assert rows and all(names.at[r["unit_code"], "kind"] == "province_dept" for r in rows)
    both = render(layout, **VIEW)
    assert find(both, "rankings-grid-ministry_unit") is not None
    assert find(both, "rankings-grid-province_dept") is not None


def test_the_weights_in_use_are_shown(render, layout, demo):
    weights = load_weights(demo[0].config_dir)
    tree = render(layout, **VIEW)
    for component, weight in weights.items():
        assert find(tree, f"rankings-weight-{component}").children == fmt.percent(weight / sum(weights.values()))
    assert "Thành phần không có dữ liệu" in text(find(tree, "rankings-missing"))


def test_english_labels(render, layout, reader, names):
    tree = render(layout, "en", **VIEW)
    grid = find(tree, "rankings-grid-ministry_unit")
    headers = [c["headerName"] for c in grid.columnDefs]
    assert headers == ["Rank", "Unit", "Composite", "Procedures", "Assigned tasks", "Disbursement", "Change"]
    first = grid.rowData[0]
    assert LINK.match(first["unit"])["name"] == names.at[first["unit_code"], "name_en"]
    want = query("unit_ranking", PERIOD, kind="ministry_unit", scope=Scope.everything(), reader=reader).iloc[0]
    assert first["composite_text"] == fmt.decimal(want.composite, "en")
    assert "A component with no data for a unit is left out" in text(find(tree, "rankings-missing"))
    assert "League table: Provincial departments" in text(tree)


def test_an_empty_period_says_why(render, layout):
    tree = render(layout, **{"from": "2001-01-01", "to": "2001-01-31"})
    assert "Không có đơn vị nào có dữ liệu" in text(find(tree, "rankings-empty"))
    assert find(tree, "rankings-grid-ministry_unit") is None
