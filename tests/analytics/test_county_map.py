"""The county map (区县地图): outlines shipped with the project for every pack's city, units placed by code, the
dashboard's own figures on them, projects by colour in their county, and what cannot be placed named."""

from __future__ import annotations

import datetime as dt
import json
import math
from pathlib import Path

import pytest
import yaml

from chanye.analytics import selectors
from chanye.regions.outlines import OUTLINE_DIR, city_outline
from tests.factories import EnterpriseFactory, ProjectFactory

PACKS = sorted(Path(__file__).resolve().parents[2].joinpath("packs").glob("*.yaml"))


@pytest.mark.parametrize("pack", PACKS, ids=[p.stem for p in PACKS])
def test_every_packs_counties_have_an_outline_by_code(pack):
    """Each city the project ships a pack for has its county outlines on disk, and every pack county (level county)
    is a feature of its city's file by its 6-digit code — parks such as 咸宁高新区 have no outline of their own."""
    spec = yaml.safe_load(pack.read_text(encoding="utf-8"))
    city = next(r for r in spec["regions"] if r["level"] == "city")
    files = list(OUTLINE_DIR.glob(f"*/{city['name']}.json"))
    assert files, f"no outline for {city['name']}"
    ids = {f["id"] for f in json.loads(files[0].read_text(encoding="utf-8"))["features"]}
    counties = {r["code"] for r in spec["regions"] if r["level"] == "county"}
    assert counties and counties <= ids


@pytest.mark.django_db
def test_units_are_placed_by_code_and_parks_named_unplaced(regions):
    outline = city_outline()
    assert outline is not None and outline.name == "咸宁"
    assert outline.placed == {regions["咸安区"].pk: "咸安区", regions["嘉鱼县"].pk: "嘉鱼县"}
    assert [u.name for u in outline.unplaced] == ["咸宁高新区"]
    lon, lat = outline.centre(regions["咸安区"].pk)
    assert (round(lon, 3), round(lat, 3)) == (114.299, 29.853)  # the outline file's own centre of 咸安区


@pytest.mark.django_db
def test_map_values_are_the_dashboards_and_projects_sit_in_their_county(regions, users):
    EnterpriseFactory.create_batch(3, county=regions["咸安区"], is_above_scale=True)
    EnterpriseFactory(county=regions["嘉鱼县"], is_above_scale=True)
    ProjectFactory(county=regions["咸安区"], name="甲项目", investment=12, started_on=dt.date(2025, 3, 1))
    ProjectFactory(county=regions["咸安区"], name="乙项目", investment=5)
    ProjectFactory(county=regions["咸宁高新区"], name="丙项目")
    data = selectors.county_map(user=users["admin"])
    board = {r["region"].name: r["above"] for r in selectors.dashboard(user=users["admin"])["rows"]}
    assert {v["unit"]: v["value"] for v in data["map_values"]["above"]} == {
        k: v for k, v in board.items() if k != "咸宁高新区"
    }
    assert board == {"咸安区": 3, "嘉鱼县": 1, "咸宁高新区": 0}
    placed = {p["name"]: p for p in data["map_projects"]}
    assert set(placed) == {"甲项目", "乙项目"} and [p["name"] for p in data["unplaced_projects"]] == ["丙项目"]
    assert placed["甲项目"]["colour"] == "blue" and placed["乙项目"]["colour"] == "yellow"
    centre = (114.298711, 29.852891)
    for p in placed.values():  # within 0.05° of 咸安区's centre, and not on top of one another
        assert math.dist((p["lon"], p["lat"]), centre) < 0.05
    assert (placed["甲项目"]["lon"], placed["甲项目"]["lat"]) != (placed["乙项目"]["lon"], placed["乙项目"]["lat"])
    assert [(c["label"], c["n"]) for c in data["colour_counts"]] == [("蓝", 1), ("黄", 2)]


@pytest.mark.django_db
def test_a_county_officer_sees_only_their_figures_and_projects(regions, users, login):
    ProjectFactory(county=regions["咸安区"], name="咸安的项目")
    ProjectFactory(county=regions["嘉鱼县"], name="嘉鱼的项目")
    data = selectors.county_map(user=users["jiayu"])
    assert [v["unit"] for v in data["map_values"]["above"]] == ["嘉鱼县"]
    assert [p["name"] for p in data["map_projects"]] == ["嘉鱼的项目"]
    page = login(users["jiayu"]).get("/map/").content.decode()
    assert "区县地图" in page and "咸安的项目" not in page and "其他区县只画出边界" in page
    assert login(users["auditor"]).get("/map/").status_code == 404


@pytest.mark.django_db
def test_a_city_without_shipped_outlines_is_told_how_to_add_them(regions, users, login):
    from chanye.regions.models import Region

    Region.objects.filter(level="city").update(name="火星市")
    page = login(users["admin"]).get("/map/").content.decode()
    assert "系统没有" in page and "map-provinces.txt" in page
