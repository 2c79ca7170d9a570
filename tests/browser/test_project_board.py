"""The project board in a real browser: a county officer filters the 四色图 by colour, opens a project, sees its
milestone 横道图 drawn, records the start of construction and sees the project turn blue (XN-XM-3/4); the portfolio
横道图 draws; no JavaScript error anywhere."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from chanye.projects.models import Project
from tests.factories import ProjectFactory
from tests.helpers import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
TODAY = timezone.localdate()


def test_officer_filters_the_board_opens_a_project_and_records_its_start(page, live_server, users, regions):
    mine = ProjectFactory(county=regions["咸安区"], name="咸安浏览器测试项目", signed_on=TODAY - dt.timedelta(days=100))
    ProjectFactory(
        county=regions["咸安区"], name="咸安在建浏览器项目", signed_on=TODAY - dt.timedelta(days=200),
        started_on=TODAY - dt.timedelta(days=120),
    )  # fmt: skip
    ProjectFactory(county=regions["嘉鱼县"], name="嘉鱼不可见项目", signed_on=TODAY - dt.timedelta(days=30))
    errors = sign_in(page, live_server, "xianan")
    page.get_by_role("link", name="项目", exact=True).click()
    page.locator("#chart-board canvas").first.wait_for()
    assert "咸安区" in page.locator("#matrix").inner_text() and "嘉鱼" not in page.inner_text("main")
    page.locator("#f-colour").select_option("yellow")
    page.get_by_role("button", name="筛选").click()
    listed = page.locator("#project-table").inner_text()
    assert "咸安浏览器测试项目" in listed and "咸安在建浏览器项目" not in listed
    page.get_by_role("link", name="咸安浏览器测试项目").click()
    page.locator("#chart-project-gantt canvas").first.wait_for()
    assert page.locator("#project-colour").inner_text() == "黄色"
    start = TODAY - dt.timedelta(days=5)
    page.get_by_label("施工队进场 实际完成").fill(start.isoformat())
    page.get_by_role("button", name="保存施工队进场").click()
    assert "项目由黄色转为蓝色" in page.inner_text("main")
    assert page.locator("#project-colour").inner_text() == "蓝色"
    page.locator("#chart-project-gantt canvas").first.wait_for()
    mine.refresh_from_db()
    assert (mine.colour, mine.started_on) == ("blue", start)
    assert errors == []


def test_portfolio_gantt_and_the_board_chart_draw_without_errors(page, live_server, users, regions):
    for k in range(40):  # more than 30 bars: the project axis gets its slider
        ProjectFactory(
            county=regions["咸安区" if k % 2 else "嘉鱼县"],
            name=f"组合项目{k:02d}",
            signed_on=TODAY - dt.timedelta(days=30 * k),
            started_on=TODAY - dt.timedelta(days=15 * k) if k > 4 else None,
            producing_on=TODAY - dt.timedelta(days=2 * k) if k > 30 else None,
        )
    ProjectFactory(county=regions["咸安区"], name="未签约项目", signed_on=None, status="planned", colour="yellow")
    errors = sign_in(page, live_server, "admin")
    page.goto(f"{live_server.url}/projects/")
    page.locator("#chart-board canvas").first.wait_for()
    page.get_by_role("link", name="横道图").click()
    page.locator("#chart-gantt canvas").first.wait_for()
    assert "另有未签约 1 个" in page.inner_text("main")
    page.locator("#f-colour").select_option("green")
    page.get_by_role("button", name="筛选").click()
    page.locator("#chart-gantt canvas").first.wait_for()
    assert Project.objects.filter(colour="green").count() == 9
    page.goto(f"{live_server.url}/projects/?q=没有这个项目")  # nothing to draw: no chart, no error
    assert page.locator("#chart-board").count() == 0 and "暂无数据" in page.inner_text("main")
    page.goto(f"{live_server.url}/projects/gantt/?q=没有这个项目")
    assert page.locator("#chart-gantt").count() == 0 and "暂无数据" in page.inner_text("main")
    assert errors == []
