"""The target tree and the assessment in a real browser: traffic lights, a report that turns a light, a ranking."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from chanye.targets.models import IndicatorValue
from tests.factories import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_report_a_figure_and_see_the_target_turn_green(page, live_server, users, regions):
    IndicatorValue.objects.create(indicator="above_scale_count", period=dt.date(2026, 6, 1), value=Decimal(700))
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("用户名").fill("admin")
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()
    page.get_by_role("link", name="目标", exact=True).click()
    page.wait_for_selector(".target-node")
    row = page.locator("tr", has_text="冷链食品年产值")
    assert "暂无数据" in row.inner_text()
    row.get_by_role("link", name="冷链食品年产值").click()
    page.get_by_label("月份").fill("2026-06")
    page.get_by_label("数值（亿元）").fill("55")
    page.get_by_label("数据来源").fill("市统计局快报")
    page.get_by_role("button", name="保存").click()
    page.wait_for_selector("text=已保存报送数据")
    assert page.locator("h1 ~ [data-status='met']").count() == 1  # 55 > 50 亿元: the light is green
    page.get_by_role("link", name="← 目标进度").click()
    assert "已达标" in page.locator("tr", has_text="冷链食品年产值").inner_text()
