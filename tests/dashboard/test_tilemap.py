"""The tile map of the 34 provinces and the ministry's grid: every province placed once at a
recognisable position, each tile the registry's status of its department, and a link to it."""
from __future__ import annotations

import csv
from pathlib import Path

import pytest

from dashboard import tilemap
from dashboard.periods import rolling_30d
from dashboard.state import View
from tests.conftest import DEMO_TODAY
from tests.dashboard.conftest import find, params, request_as
from warehouse.metrics import query
from warehouse.scope import Scope

ROOT = Path(__file__).resolve().parents[2]
PROVINCES = Path("/work/shared/data/provinces_2025.csv")


def test_the_grid_holds_the_34_provinces_each_once_in_an_s_shape():
    grid = tilemap.load(ROOT / "config" / "province_tiles.toml")
    names = [tile.name for tile in grid.tiles]
    assert len(names) == 34 == len(set(names))
    if PROVINCES.exists():  # the real list after Resolution 202/2025/QH15
        with PROVINCES.open(encoding="utf-8") as handle:
            assert set(names) == {row["new_province"] for row in csv.DictReader(handle)}
    assert len({(tile.row, tile.col) for tile in grid.tiles}) == 34
    assert 6 <= grid.columns <= 8 and 16 <= grid.rows <= 20
    where = {tile.name: (tile.row, tile.col) for tile in grid.tiles}
    # north to south, and the waist east of the delta: Hà Nội above Huế above TP HCM above Cà Mau
    assert where["Hà Nội"][0] < where["Huế"][0] < where["TP Hồ Chí Minh"][0] < where["Cà Mau"][0]
    assert where["Đà Nẵng"][1] > where["Hà Nội"][1] > where["Cà Mau"][1]
    # the archipelagos lie offshore, east of every province on their rows
    names = {a.name_vi for a in grid.archipelagos}
    assert names == {"QĐ. Hoàng Sa", "QĐ. Trường Sa"}
    for island in grid.archipelagos:
        assert all(island.col > tile.col for tile in grid.tiles if abs(tile.row - island.row) <= 1)


def test_a_grid_that_puts_two_provinces_on_one_tile_is_refused(tmp_path):
    text = (ROOT / "config" / "province_tiles.toml").read_text(encoding="utf-8")
    bad = tmp_path / "tiles.toml"
    bad.write_text(text.replace('name = "Cà Mau"\nunit = "S-CAMAU"\nrow = 17\ncol = 0',
                                'name = "Cà Mau"\nunit = "S-CAMAU"\nrow = 16\ncol = 1'), encoding="utf-8")
    with pytest.raises(ValueError, match="share a tile"):
        tilemap.load(bad)
    bad.write_text(text.split("[[archipelago]]")[0], encoding="utf-8")
    with pytest.raises(ValueError, match="Hoàng Sa"):
        tilemap.load(bad)


def test_each_tile_is_its_departments_registry_status_and_links_to_it(dash_app, demo, reader):
    period = rolling_30d(DEMO_TODAY)
    view = View(period)
    expected = query("dossier_on_time_rate", period, scope=Scope.everything(), reader=reader,
                     by=("unit",)).set_index("unit_code")
    with request_as(dash_app.server):
        frame = tilemap.provinces("dossier_on_time_rate", view, "vi")
        fig = tilemap.province_figure(frame, "dossier_on_time_rate", "vi")
    assert len(frame) == 34 and frame["unit_code"].notna().all()
    assert frame["unit_code"].str.startswith("S-").all()
    levels = {"good": "good", "watch": "warn", "bad": "bad"}
    checked = 0
    for row in frame.itertuples():
        if row.unit_code in expected.index:
            assert row.level == levels.get(expected.at[row.unit_code, "status"], "none")
            checked += 1
        assert params(row.href) == {"path": "/unit", "unit": row.unit_code, "from": period.start.isoformat(),
                                    "to": period.end.isoformat()}
    assert checked >= 30
    assert {"bad", "good"} <= set(frame["level"]) or {"bad", "warn"} <= set(frame["level"])
    # 34 square tiles, the click layer carries each tile's link, the archipelagos are named
    assert len([s for s in fig.layout.shapes if s.type == "rect"]) == 34
    tiles = next(trace for trace in fig.data if trace.name == "tiles")
    assert list(tiles.customdata) == list(frame["href"])
    assert "Cần Thơ" in " ".join(tiles.text)
    assert {a.text for a in fig.layout.annotations} >= {"QĐ. Hoàng Sa", "QĐ. Trường Sa"}


def test_the_overview_and_procedures_show_the_map_and_the_ministry_grid(render, dash_app):
    import dash

    for module, screen in (("layouts.overview", "overview"), ("layouts.procedures", "procedures")):
        tree = render(dash.page_registry[module]["layout"])
        graph = find(tree, {"type": "drill", "name": f"{screen}-map"})
        assert graph is not None, screen
        assert len([s for s in graph.figure.layout.shapes if s.type == "rect"]) == 34
        ministry = find(tree, {"type": "drill", "name": f"{screen}-ministry-grid"})
        assert ministry is not None and len(ministry.figure.layout.shapes) >= 20
        assert find(tree, "map-indicator") is not None
    # the chooser's indicator colours the map: overdue dossiers is a count
    tree = render(dash.page_registry["layouts.overview"]["layout"], map="dossier_overdue_open")
    graph = find(tree, {"type": "drill", "name": "overview-map"})
    tiles = next(trace for trace in graph.figure.data if trace.name == "tiles")
    assert not any("%" in text for text in tiles.text)


def test_the_wall_playlist_takes_a_map_indicator_and_fits_rows_to_their_names(tmp_path, dash_app):
    from layouts import wall

    slides, poll, alerts_period = wall.load_playlist(ROOT / "config" / "wall.toml")
    assert {s.screen for s in slides} >= {"overview", "procedures", "map", "alerts"}
    assert alerts_period == "rolling_30d" and all(s.period in ("rolling_30d", "this_year", "this_quarter") for s in slides)
    bad = tmp_path / "wall.toml"
    bad.write_text('[[slide]]\nscreen = "tasks"\nmetric = "dossier_online_rate"\n', encoding="utf-8")
    with pytest.raises(ValueError, match="slide 1: metric"):
        wall.load_playlist(bad)
    bad.write_text('[[slide]]\nscreen = "map"\nmetric = "budget_disbursement_rate"\n', encoding="utf-8")
    with pytest.raises(ValueError, match="metric"):
        wall.load_playlist(bad)
    short = [(None, "Sở NN&MT Cần Thơ", "bad", "76,2%", "")] * 6
    long = [(None, "Cục Chất lượng, Chế biến và Phát triển thị trường", "bad", "70,2%", "")] * 6
    assert len(wall.fit(short)) == 5  # one line each: as many as the slide holds, at most five
    assert len(wall.fit(long)) == 3  # two lines each: fewer, never cut
    assert len(wall.fit(long[:1] + short)) == 5 and len(wall.fit(long[:2] + short)) == 4
