"""The alert to-do list in a real browser: a county officer signs for a warning, records support, closes it."""

from __future__ import annotations

import datetime as dt

import pytest

from chanye.cultivation.models import Alert
from tests.factories import PASSWORD, EnterpriseFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_officer_works_an_exit_risk_warning_to_closure(page, live_server, users, regions):
    mine = EnterpriseFactory(county=regions["咸安区"], name="咸安预警测试有限公司", is_above_scale=True)
    other = EnterpriseFactory(county=regions["嘉鱼县"], name="嘉鱼不可见有限公司", is_above_scale=True)
    Alert.objects.create(kind="exit_risk", enterprise=mine, month=dt.date(2025, 6, 1), detail="本月产值下降25%")
    Alert.objects.create(kind="exit_risk", enterprise=other, month=dt.date(2025, 6, 1), detail="下降30%")
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("用户名").fill("xianan")
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()
    page.get_by_role("link", name="预警待办").click()
    table = page.locator("#alerts")
    assert "咸安预警测试" in table.inner_text() and "嘉鱼不可见" not in table.inner_text()
    page.get_by_role("button", name="签收").click()
    page.get_by_placeholder("帮扶内容").fill("走访企业，协调订单")
    page.get_by_role("button", name="记录帮扶").click()
    assert "帮扶中" in page.locator("#alerts").inner_text()
    page.get_by_placeholder("办结/排除说明").fill("7月产值回升")
    page.get_by_role("button", name="办结").click()
    assert "没有预警" in page.locator("#alerts").inner_text()  # closed: gone from the to-do list
