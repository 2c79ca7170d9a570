"""预警待办 (/alerts/) stays fast at province scale: a bounded number of queries whatever the number of alerts and
support actions, and the months offered for a run come from the FigureMonth summary, never from a DISTINCT over
every monthly figure (17 s on a freshly loaded table of 6 million rows, issue 11)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from chanye.analytics.services import refresh_month_summaries
from chanye.cultivation.models import Alert, SupportAction
from chanye.enterprises.models import MonthlyFigure
from tests.factories import EnterpriseFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def many_alerts(regions):
    """60 alerts over two months, each signed with two support actions; 统计 and 税务 figures for two months and a
    third month with 税务 figures only."""
    for i in range(60):
        e = EnterpriseFactory(county=regions["咸安区" if i % 2 else "嘉鱼县"])
        month = dt.date(2025, 5 + i % 2, 1)
        a = Alert.objects.create(kind="exit_risk", enterprise=e, month=month, status="supporting", detail="下降25%")
        SupportAction.objects.bulk_create(
            [SupportAction(alert=a, on=month, description=f"走访第{k}次") for k in (1, 2)]
        )
        for m in (dt.date(2025, 5, 1), dt.date(2025, 6, 1)):
            MonthlyFigure.objects.create(enterprise=e, month=m, source="stats", output=Decimal(100))
            MonthlyFigure.objects.create(enterprise=e, month=m, source="tax", invoice_sales=Decimal(90))
        MonthlyFigure.objects.create(enterprise=e, month=dt.date(2025, 7, 1), source="tax", invoice_sales=Decimal(95))
    refresh_month_summaries()


@pytest.mark.parametrize("who", ["admin", "xianan"])
def test_alert_page_query_count_does_not_grow_with_alerts_or_support_actions(
    users, login, many_alerts, who, django_assert_max_num_queries
):
    c = login(users[who])
    c.get("/alerts/")  # session and user loaded once
    with django_assert_max_num_queries(16):
        r = c.get("/alerts/?show=all")
    assert r.status_code == 200 and "走访第2次" in r.content.decode()


def test_alert_page_takes_the_months_to_analyse_from_the_summary_not_a_distinct_over_monthly_figures(
    users, login, many_alerts
):
    c = login(users["admin"])
    with CaptureQueriesContext(connection) as q:
        page = c.get("/alerts/").content.decode()
    figure_queries = [x["sql"] for x in q.captured_queries if "enterprises_monthlyfigure" in x["sql"]]
    assert figure_queries == []
    # the month picker offers every month with figures of any source, newest first (July has 税务 figures only)
    picker = page.split('name="month" aria-label="分析月份">', 1)[1].split("</select>", 1)[0]
    assert picker.index("2025-07") < picker.index("2025-06") < picker.index("2025-05")


def test_figure_months_follow_imports_and_deletions(regions):
    from chanye.analytics.models import FigureMonth

    e = EnterpriseFactory(county=regions["咸安区"])
    MonthlyFigure.objects.create(enterprise=e, month=dt.date(2025, 3, 1), source="tax", invoice_sales=Decimal(1))
    refresh_month_summaries(months=[dt.date(2025, 3, 1)])
    assert list(FigureMonth.objects.values_list("month", "source", "figures")) == [(dt.date(2025, 3, 1), "tax", 1)]
    MonthlyFigure.objects.all().delete()
    refresh_month_summaries(months=[dt.date(2025, 3, 1)])
    assert not FigureMonth.objects.exists()
