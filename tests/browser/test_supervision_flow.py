"""督办 in a real browser: a district officer finds the task their district owes, reports progress with a file, and the
city sees the unit's late report cleared (EZ-ORG-1)."""

from __future__ import annotations

import datetime as dt

import pytest

from chanye.core.access import SYSTEM
from chanye.industry.services import do_load_pack
from chanye.regions.models import Region
from chanye.supervision.models import Task
from tests.conftest import ROOT
from tests.factories import PASSWORD, UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def login(page, url, username):
    page.goto(f"{url}/accounts/login/")
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()


def test_an_officer_reports_progress_with_evidence_and_the_late_mark_goes(page, live_server, tmp_path):
    do_load_pack(actor=SYSTEM, path=ROOT / "packs" / "ezhou-2027.yaml")
    Task.objects.filter(code="ez-2-4-2").update(cadence="quarter", created_on=dt.date(2025, 1, 1))
    UserFactory(username="huarong", role="county_officer", region=Region.objects.get(name="华容区"))
    login(page, live_server.url, "huarong")
    page.get_by_role("link", name="督办", exact=True).click()
    page.get_by_label("只看逾期").check()
    page.get_by_role("button", name="筛选").click()
    row = page.locator("#task-list tr", has_text="实施中小企业数字化赋能行动")
    assert "华容区" in row.inner_text()  # 未按期报送：… 华容区
    row.get_by_role("link", name="实施中小企业数字化赋能行动").click()
    assert page.get_by_label("报送单位").input_value()  # only 华容区 is offered
    page.get_by_label("进展情况").fill("完成20家中小企业数字化诊断")
    evidence = tmp_path / "诊断报告.pdf"
    evidence.write_bytes(b"%PDF-1.4 report")
    page.get_by_label("佐证材料").set_input_files(str(evidence))
    page.get_by_role("button", name="报送").click()
    page.wait_for_selector("text=已报送进展")
    assert "完成20家中小企业数字化诊断" in page.inner_text("body")
    assert "华容区" not in page.locator("#task-units tr.table-danger").all_inner_texts().__str__()
