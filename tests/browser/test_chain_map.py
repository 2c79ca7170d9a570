"""The chain map in a real browser (XN-CL-5): a county officer opens 产业链图谱 from the menu, opens a chain, waits for
the ECharts graph, clicks a link node at its pixel position and sees the link panel with the link's local enterprise
and attraction target; the PNG export downloads a PNG, the SVG export an SVG; no JavaScript error anywhere."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from chanye.chains.models import ChainEdge
from tests.factories import (
    AttractionTargetFactory,
    ChainFactory,
    ChainLinkFactory,
    EnterpriseFactory,
    LinkEnterpriseFactory,
    MonthlyFigureFactory,
)
from tests.helpers import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def chain(regions):
    c = ChainFactory(name="浏览器测试产业链")
    spin = ChainLinkFactory(chain=c, name="浏览纺纱", stage="upstream", position=1)
    weave = ChainLinkFactory(chain=c, name="浏览织造", stage="midstream", position=2, is_key=True)
    finish = ChainLinkFactory(chain=c, name="浏览成品", stage="downstream", position=3, is_chokepoint=True)
    ChainEdge.objects.create(source=spin, target=weave)
    ChainEdge.objects.create(source=weave, target=finish)
    mine = EnterpriseFactory(county=regions["咸安区"], name="咸安浏览织造有限公司", is_above_scale=True)
    LinkEnterpriseFactory(link=weave, enterprise=mine, role="leader")
    MonthlyFigureFactory(enterprise=mine, month=dt.date(2025, 6, 1), output=Decimal(800))
    hidden = EnterpriseFactory(county=regions["嘉鱼县"], name="嘉鱼浏览织造有限公司")
    LinkEnterpriseFactory(link=weave, enterprise=hidden)
    AttractionTargetFactory(link=weave, name="苏州浏览目标股份有限公司", location="江苏省苏州市")
    return {"chain": c, "weave": weave}


def node_position(page, name: str) -> dict[str, float]:
    """The page coordinates of a node, from the chart's own layout (ECharts convertToPixel)."""
    return page.evaluate(
        """(name) => {
            const m = window.chanyeChainMap;
            const n = m.data.nodes.find((x) => x.name === name);
            const [x, y] = m.chart.convertToPixel({ seriesIndex: 0 }, [n.x, n.y]);
            const box = document.getElementById("chain-map").getBoundingClientRect();
            return { x: box.left + x, y: box.top + y };
        }""",
        name,
    )


def test_officer_opens_a_chain_map_clicks_a_link_and_sees_its_enterprises_and_targets(page, live_server, users, chain):
    errors = sign_in(page, live_server, "xianan")
    page.get_by_role("button", name="产业链招商").click()  # the nav menu
    page.get_by_role("link", name="产业链图谱", exact=True).click()
    page.get_by_role("link", name="浏览器测试产业链").click()
    page.locator("#chain-map[data-ready='1'] canvas").first.wait_for()
    assert "嘉鱼浏览织造有限公司" not in page.inner_text("main")
    pos = node_position(page, "浏览织造")
    page.mouse.click(pos["x"], pos["y"])
    panel = page.locator("#link-panel-body")
    panel.wait_for()
    assert panel.get_attribute("data-link") == str(chain["weave"].pk)
    text = page.inner_text("#link-panel")
    assert "浏览织造" in text and "咸安浏览织造有限公司" in text and "链主" in text
    assert "嘉鱼浏览织造有限公司" not in text  # another county's enterprise stays out of the officer's panel
    assert "苏州浏览目标股份有限公司" in text and "江苏省苏州市" in text
    assert page.locator("#chain-links tr.table-active").get_attribute("data-link") == str(chain["weave"].pk)
    # the enterprise's name opens its page
    page.get_by_role("link", name="咸安浏览织造有限公司").click()
    page.wait_for_url("**/enterprises/**")
    assert "咸安浏览织造有限公司" in page.inner_text("main")
    assert errors == []


def test_the_map_exports_as_png_and_as_svg(page, live_server, users, chain):
    errors = sign_in(page, live_server, "admin")
    page.goto(f"{live_server.url}/chains/{chain['chain'].pk}/")
    page.locator("#chain-map[data-ready='1'] canvas").first.wait_for()
    with page.expect_download() as png:
        page.get_by_role("button", name="导出 PNG").click()
    assert png.value.suggested_filename == "浏览器测试产业链_图谱.png"
    with open(png.value.path(), "rb") as f:
        assert f.read(8) == b"\x89PNG\r\n\x1a\n"
    with page.expect_download() as svg:
        page.get_by_role("button", name="导出 SVG").click()
    assert svg.value.suggested_filename == "浏览器测试产业链_图谱.svg"
    with open(svg.value.path(), encoding="utf-8") as f:
        content = f.read()
    assert "<svg" in content and "浏览织造 ★" in content and "浏览成品 ⚠" in content and "上游" in content
    # a click on a link's name in the table loads the same panel
    page.locator("#chain-links a.link-open", has_text="浏览织造").click()
    page.locator("#link-panel-body").wait_for()
    assert "咸安浏览织造有限公司" in page.inner_text("#link-panel")
    assert "嘉鱼浏览织造有限公司" in page.inner_text("#link-panel")  # the city sees both counties
    assert errors == []
