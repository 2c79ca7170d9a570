"""Cultivation pages in a real browser: charts draw (or say 暂无数据) with no JavaScript error; 手工纳入培育库 works."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from chanye.cultivation.models import Alert, Candidate
from chanye.enterprises.models import Honour, ScalePeriod
from tests.factories import EnterpriseFactory
from tests.helpers import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PAGES = (("/cultivation/", "chart-quota"), ("/tiers/", "chart-tiers"), ("/alerts/", "chart-alerts"))


def test_charts_draw_with_data_and_say_no_data_without(page, live_server, users, regions):
    errors = sign_in(page, live_server, "admin")
    for url, chart in PAGES[1:]:
        page.goto(f"{live_server.url}{url}")
        assert page.locator(f"#{chart}").count() == 0 and "暂无数据" in page.inner_text("main")
    e = EnterpriseFactory(county=regions["咸安区"], is_above_scale=True)
    ScalePeriod.objects.create(enterprise=e, entered_on=dt.date(timezone.localdate().year, 1, 10))
    Honour.objects.create(enterprise=e, kind="innovative_sme", year=2025)
    Alert.objects.create(kind="exit_risk", enterprise=e, month=timezone.localdate().replace(day=1))
    for url, chart in PAGES:
        page.goto(f"{live_server.url}{url}")
        page.locator(f"#{chart} canvas").first.wait_for()
    assert errors == []


def test_officer_puts_a_firm_into_the_pool_and_takes_it_out(page, live_server, users, regions):
    firm = EnterpriseFactory(county=regions["咸安区"], name="咸安浏览器培育有限公司")
    errors = sign_in(page, live_server, "xianan")
    page.get_by_role("link", name="小升规").click()
    page.get_by_label("企业（统一社会信用代码或企业全称）").fill(firm.uscc)
    page.get_by_label("计划入规时间").fill("2099-06")
    page.get_by_role("button", name="纳入").click()
    assert "已将“咸安浏览器培育有限公司”纳入培育库" in page.inner_text("main")
    assert "2099-06" in page.locator("#candidates").inner_text()
    page.get_by_placeholder("出库原因").fill("企业迁出")
    page.get_by_role("button", name="移出").click()
    assert "培育库暂无企业" in page.locator("#candidates").inner_text()
    assert Candidate.objects.get(enterprise=firm).left_reason == "企业迁出" and errors == []
