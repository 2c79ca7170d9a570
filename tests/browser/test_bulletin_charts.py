"""The monthly bulletin (月通报, YY-P-3) and the growth-point / 技改 pages in a real browser: every chart draws from
the vendored ECharts with no JavaScript error, and the month picker switches months."""

from __future__ import annotations

import os

import pytest

from tests.browser.test_cultivation_charts import sign_in
from tests.projects.portfolio import make_portfolio

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_bulletin_charts_draw_and_the_month_picker_switches(page, live_server, users, regions):
    make_portfolio(regions)
    errors = sign_in(page, live_server, "admin")
    page.goto(f"{live_server.url}/projects/bulletin/?month=2025-06")
    for chart in ("chart-board", "chart-changes", "chart-overdue", "chart-growth", "chart-tech"):
        page.locator(f"#{chart} canvas").first.wait_for()
    if os.environ.get("CHANYE_SCREENSHOTS"):
        page.screenshot(path=os.path.join(os.environ["CHANYE_SCREENSHOTS"], "bulletin.png"), full_page=True)
    assert "咸宁市工业项目建设月通报（2025年6月）" in page.inner_text("h1")
    page.select_option("#month", "2025-07")
    page.wait_for_url("**month=2025-07")
    assert "2025年7月" in page.inner_text("h1")
    for url, chart in (("/projects/growth-points/?year=2025", "chart-growth"),
                       ("/projects/tech-upgrade/?year=2025", "chart-tech")):  # fmt: skip
        page.goto(f"{live_server.url}{url}")
        page.locator(f"#{chart} canvas").first.wait_for()
    assert errors == []
