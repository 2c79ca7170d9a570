"""The 供应链 pages in a real browser: the city administrator sees the monthly trend, the counties and a firm's
supplier network drawn (ECharts canvases) with no policy violation or JavaScript error, adds an outside supplier to
the link's 招商目标库 with one click, and a county officer sees only its own county."""

from __future__ import annotations

import pytest

from chanye.core.access import SYSTEM
from chanye.supply.invoice_import import import_invoices
from tests.helpers import sign_in
from tests.supply.invoice_world import lines, world, write_csv

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_supply_pages_draw_their_charts_and_add_a_target_in_one_click(
    page, live_server, mini_pack, regions, users, tmp_path
):
    from chanye.chains.models import AttractionTarget
    from chanye.enterprises.models import Enterprise
    from tests.factories import ChainLinkFactory

    c = world(regions)
    extra = [[c["S2"], c["S1"], "", "", "2026-03-03", "纸箱", "3000", ""]]
    assert import_invoices(write_csv(tmp_path / "m.csv", lines(c) + extra), user=SYSTEM).ok
    link = ChainLinkFactory(name="精密零件", products=["零件"])
    errors = sign_in(page, live_server, "admin")
    page.wait_for_url(f"{live_server.url}/")
    page.goto(f"{live_server.url}/supply/?year=2026")
    page.locator("#chart-trend canvas").first.wait_for(state="attached")
    page.locator("#chart-counties canvas").first.wait_for(state="attached")
    assert page.locator("#total-local-share").inner_text() == "39.6%"  # 11.8 of 29.8 万元 (with S1's 0.3 from S2)
    row = page.locator("#outside-suppliers tbody tr").first
    row.get_by_role("button", name="加入招商目标").click()
    page.wait_for_load_state("networkidle")
    assert "已加入招商目标库" in page.content()
    assert AttractionTarget.objects.filter(link=link, uscc=c["X3"]).exists()  # the largest outside supplier
    a = Enterprise.objects.get(uscc=c["A"])
    page.goto(f"{live_server.url}/supply/firms/{a.pk}/?year=2026")
    page.locator("#chart-graph canvas").first.wait_for(state="attached")
    page.wait_for_load_state("networkidle")
    assert errors == []
    page.context.clear_cookies()
    sign_in(page, live_server, "xianan")
    page.wait_for_url(f"{live_server.url}/")
    page.goto(f"{live_server.url}/supply/?year=2026")
    counties = page.locator("#counties tbody tr")
    assert counties.count() == 1 and "咸安区" in counties.first.inner_text()
    assert page.locator("#total-local-share").inner_text() == "34.3%"  # 咸安: A and S1, 6.8 of 19.8
