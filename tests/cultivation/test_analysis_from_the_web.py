"""A city admin runs the monthly analysis from the to-do page: a job with its stage shown, refusals in Chinese,
one run at a time, a failure reported without a stack trace; the page lets users pick the month."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.contrib.messages import get_messages

from chanye.core.models import AuditLog
from chanye.cultivation.models import Alert, AnalysisRun
from chanye.enterprises.models import MonthlyFigure
from tests.factories import EnterpriseFactory

pytestmark = pytest.mark.django_db(transaction=True)
MONTH = dt.date(2025, 6, 1)


@pytest.fixture
def near_threshold(regions):
    e = EnterpriseFactory(county=regions["咸安区"], name="咸安接近门槛有限公司")
    for m in range(1, 7):  # 1800 万元 year to date: at 90% of 2000万 — "approaching" (XN-GS-6)
        MonthlyFigure.objects.create(enterprise=e, month=dt.date(2025, m, 1), source="tax", invoice_sales=Decimal(300))
    return e


def msgs(resp):
    return [str(m) for m in get_messages(resp.wsgi_request)]


def test_admin_runs_the_month_and_the_page_shows_its_summary(users, login, near_threshold):
    c = login(users["admin"])
    r = c.post("/alerts/analyze/", {"month": "2025-06"}, follow=True)
    run = AnalysisRun.objects.get(month=MONTH)
    assert run.status == "done" and run.counts["approach"] == 1
    assert Alert.objects.filter(enterprise=near_threshold, month=MONTH).exists()
    page = r.content.decode()
    assert "2025年6月 月度分析于" in page and "咸安接近门槛有限公司" in page
    # the month picker filters the list
    assert "咸安接近门槛有限公司" not in c.get("/alerts/?month=2025-05").content.decode()
    status = c.get("/alerts/analyze/2025-06/?polling=1")
    assert status["HX-Refresh"] == "true"  # finished: the polling page reloads


def test_refusals_county_officer_month_without_data_and_a_run_in_progress(users, login, near_threshold):
    r = login(users["xianan"]).post("/alerts/analyze/", {"month": "2025-06"})
    assert r.status_code == 404 and not AnalysisRun.objects.exists()  # a city task: not there for an officer
    assert AuditLog.objects.filter(action="denied", user=users["xianan"]).exists()
    c = login(users["admin"])
    assert "还没有月度数据" in msgs(c.post("/alerts/analyze/", {"month": "2024-01"}, follow=True))[0]
    AnalysisRun.objects.create(month=dt.date(2025, 5, 1), status="running", stage="计算")
    r = c.post("/alerts/analyze/", {"month": "2025-06"}, follow=True)
    assert "正在进行" in msgs(r)[0] and not Alert.objects.exists()
    page = c.get("/alerts/?month=2025-05").content.decode()
    assert "正在分析 2025年5月：计算" in page and "hx-trigger" in page


def test_a_failed_run_is_reported_and_changes_nothing(users, login, near_threshold, monkeypatch):
    from chanye.cultivation import analysis

    def boom(month, *, actor=None, progress=None):
        raise RuntimeError("DuckDB 内存不足")

    monkeypatch.setattr(analysis, "analyze", boom)
    c = login(users["admin"])
    c.post("/alerts/analyze/", {"month": "2025-06"})
    run = AnalysisRun.objects.get(month=MONTH)
    assert run.status == "failed" and "DuckDB 内存不足" in run.error
    assert "没有完成" in c.get("/alerts/?month=2025-06").content.decode()
    assert not Alert.objects.exists()
