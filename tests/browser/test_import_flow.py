"""Log in, open the dashboard, upload a bad sheet, see the error list — in a real browser."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from chanye.analytics.services import refresh_month_summaries
from chanye.enterprises.models import MonthlyFigure
from tests.factories import PASSWORD, EnterpriseFactory
from tests.helpers import xlsx

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _login(page, live_server, username):
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()


def test_login_dashboard_and_bad_sheet_error_list(page, live_server, users, regions, tmp_path):
    ent = EnterpriseFactory(county=regions["咸安区"], name="湖北咸安浏览器测试有限公司", is_above_scale=True)
    for m in (1, 2, 3):
        MonthlyFigure.objects.create(
            enterprise=ent, month=dt.date(2025, m, 1), source="stats", output=Decimal(5000 * m)
        )
    refresh_month_summaries()

    _login(page, live_server, "admin")
    page.wait_for_selector("h1:has-text('工业运行看板')")
    assert "规上工业企业" in page.content()
    page.wait_for_selector("#chart-trend canvas")  # ECharts drew the trend
    assert page.locator("#county-table").inner_text().count("咸安区") == 1

    bad = tmp_path / "坏表.xlsx"
    bad.write_bytes(
        xlsx(
            [
                ["统一社会信用代码", "企业名称", "所属区县"],
                ["91350100M000100Y44", "校验位错误有限公司", "咸安区"],
                ["91350100M000100Y43", "未知区县有限公司", "火星区"],
            ]
        )
    )
    page.get_by_role("link", name="数据导入").click()
    page.get_by_label("数据类型").select_option("enterprises")
    page.get_by_label("文件（.xlsx 或 .csv）").set_input_files(str(bad))
    page.get_by_role("button", name="上传并校验").click()
    page.wait_for_selector("#error-table")
    status = page.locator("#batch-status").inner_text()
    assert "没有写入任何数据" in status and "2" in status
    table = page.locator("#error-table").inner_text()
    assert "第2行" in table and "校验位错误" in table
    assert "第3行" in table and "火星区" in table and "找不到该区县" in table
    with page.expect_download() as dl:
        page.get_by_role("link", name="下载错误清单").click()
    assert dl.value.suggested_filename.endswith(".xlsx")


def test_county_officer_gets_404_page_for_another_countys_enterprise(page, live_server, users, regions):
    other = EnterpriseFactory(county=regions["嘉鱼县"], name="嘉鱼隐藏企业有限公司")
    _login(page, live_server, "xianan")
    page.wait_for_selector("h1")
    resp = page.goto(f"{live_server.url}/enterprises/{other.uscc}/")
    assert resp.status == 404
    assert "页面不存在" in page.content() and "嘉鱼隐藏企业" not in page.content()
