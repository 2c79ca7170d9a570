"""A chain leader's 包保 ledger in a real browser: assign the official, record a visit with a demand, hand the
demand to a department and close it (XN-LZ-10)."""

from __future__ import annotations

import pytest
from django.utils import timezone

from chanye.cultivation.models import LeaderDemand
from tests.factories import PASSWORD, ListedLeaderFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_officer_records_a_visit_and_closes_the_demand(page, live_server, users, regions):
    today = timezone.localdate()
    leader = ListedLeaderFactory(
        enterprise__county=regions["咸安区"], enterprise__name="咸安链主浏览器测试有限公司", approved_on=today
    )
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("用户名").fill("xianan")
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()
    page.get_by_role("link", name="链主").click()
    page.get_by_role("link", name="咸安链主浏览器测试有限公司").click()
    page.get_by_label("包保领导姓名").fill("张三")
    page.get_by_label("职务").fill("副区长")
    page.get_by_label("包保开始").fill(today.isoformat())
    page.get_by_role("button", name="指定包保领导").click()
    assert "张三" in page.locator("#visits").inner_text()
    page.get_by_label("走访日期").fill(today.isoformat())
    page.get_by_label("走访情况").fill("座谈")
    page.get_by_label("企业诉求（每行一条，将逐条跟踪办理）").fill("厂区电力增容")
    page.get_by_role("button", name="登记走访").click()
    demands = page.locator("#demand-table")
    assert "厂区电力增容" in demands.inner_text() and "待交办" in demands.inner_text()
    page.get_by_placeholder("承办单位").fill("供电公司")
    page.get_by_role("button", name="交办").click()
    assert "办理中" in page.locator("#demand-table").inner_text()
    page.get_by_placeholder("办理结果").fill("已完成增容")
    page.get_by_role("button", name="办结").click()
    assert "已办结" in page.locator("#demand-table").inner_text()
    assert LeaderDemand.objects.get(leader=leader).status == "closed"
