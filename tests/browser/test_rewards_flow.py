"""奖补兑现 in a real browser (issue 14): the city computes the year from the page (the button says it is working),
publishes the list, and the firm's own user sees its reward and why, confirms its account and sees it masked."""

from __future__ import annotations

import pytest

from chanye.core.access import SYSTEM
from chanye.enterprises.models import Honour
from chanye.industry.services import do_load_pack
from chanye.regions.models import Region
from tests.conftest import ROOT
from tests.factories import EnterpriseFactory, UserFactory
from tests.helpers import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_city_computes_and_publishes_and_the_firm_confirms_its_account(page, live_server):
    do_load_pack(actor=SYSTEM, path=ROOT / "packs" / "ezhou-2027.yaml")
    county = Region.objects.get(name="华容区")
    firm = EnterpriseFactory(county=county, name="鄂州示例光电科技有限公司")
    Honour.objects.create(enterprise=firm, kind="wk_trademark", year=2025)
    UserFactory(username="admin", role="city_admin")
    UserFactory(username="qiye", role="enterprise", enterprise=firm)

    errors = sign_in(page, live_server, "admin")
    page.get_by_role("link", name="奖补", exact=True).click()
    page.get_by_label("测算年度").fill("2025")
    page.get_by_role("button", name="测算奖补").click()
    page.wait_for_selector("text=应兑现1项，合计60万元")
    row = page.locator("#entitlements tr", has_text="鄂州示例光电科技有限公司")
    assert "中国驰名商标奖励" in row.inner_text() and "60" in row.inner_text()
    assert "华容区" in page.locator("#county-shares").inner_text()
    page.once("dialog", lambda d: d.accept())
    page.get_by_role("button", name="公示当前筛选中“测算”的 1 项").click()
    page.wait_for_selector("text=已公示1项奖补")
    assert errors == []
    page.locator("#nav-account .dropdown-toggle").click()
    page.get_by_role("button", name="退出").click()

    errors = sign_in(page, live_server, "qiye")
    page.get_by_role("link", name="本企业奖补").click()
    page.get_by_role("link", name="中国驰名商标奖励").click()
    assert "2025年认定为中国驰名商标，奖励60万元（EZ-R-2）" in page.locator("#explanation").inner_text()
    page.get_by_label("开户银行").fill("中国工商银行鄂州分行")
    page.get_by_label("银行账号").fill("6222 0000 1111 2222")
    page.get_by_role("button", name="确认账户").click()
    page.wait_for_selector("text=已确认收款账户")
    assert "6222****2222" in page.locator("#account").inner_text()
    assert page.get_by_label("对测算结果有异议（公示期至", exact=False).is_visible()
    assert errors == []
