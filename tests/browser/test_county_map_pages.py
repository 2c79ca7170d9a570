"""The 区县地图 and 区县产业专业化 pages in a real browser: the map draws the city's shipped outlines (no request leaves
the server, no policy violation or JavaScript error), switching the indicator recolours it, a project point opens the
project; the specialisation heat map draws."""

from __future__ import annotations

import datetime as dt

import pytest

from tests.factories import EnterpriseFactory, ProjectFactory
from tests.helpers import sign_in, three_county_firms

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_map_and_the_heat_map_draw_offline(page, live_server, mini_pack, regions, users):
    EnterpriseFactory.create_batch(2, county=regions["咸安区"], is_above_scale=True)
    project = ProjectFactory(
        county=regions["嘉鱼县"], name="嘉鱼示例项目", investment=20, started_on=dt.date(2025, 3, 1)
    )
    three_county_firms(regions, dt.date(2025, 6, 1))
    outside: list[str] = []
    page.on("request", lambda r: outside.append(r.url) if not r.url.startswith((live_server.url, "data:")) else None)
    errors = sign_in(page, live_server, "admin")
    page.wait_for_url(f"{live_server.url}/")
    page.goto(f"{live_server.url}/map/")
    page.locator("#chart-map canvas").first.wait_for(state="attached")
    assert "咸宁高新区" in page.locator("#map-unplaced-units").inner_text()
    page.locator("#map-layers [data-layer=ytd_output]").click()
    assert "active" in (page.locator("#map-layers [data-layer=ytd_output]").get_attribute("class") or "")
    # the project's point: ECharts gives the geo coordinate's pixel; clicking it opens the project
    xy = page.evaluate(
        """() => { const c = echarts.getInstanceByDom(document.getElementById('chart-map'));
                   const p = c.getOption().series.find(s => s.name.endsWith('色项目')).data[0].value;
                   return c.convertToPixel({geoIndex: 0}, p); }"""
    )
    box = page.locator("#chart-map").bounding_box()
    page.mouse.click(box["x"] + xy[0], box["y"] + xy[1])
    page.wait_for_url(f"{live_server.url}/projects/{project.pk}/")
    page.goto(f"{live_server.url}/specialisation/")
    page.locator("#chart-lq canvas").first.wait_for(state="attached")
    assert page.locator("#strong-table tbody tr").count() == 3
    page.wait_for_load_state("networkidle")
    assert errors == [] and outside == []
