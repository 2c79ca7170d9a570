"""数据更新 (issue 13): every data source has an owner, a cadence and a due day; the page says which period is due,
whether it arrived, how late, who reported per county and what goes stale; overdue data reaches its owner's home page
and the 月通报. Due dates are inclusive: data due on the 20th is on time on the 20th."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from chanye.analytics import selectors
from chanye.analytics.services import do_set_duty
from chanye.core.freshness import due_period
from chanye.core.models import AuditLog
from chanye.enterprises.models import MonthlyFigure
from tests.factories import EnterpriseFactory

pytestmark = pytest.mark.django_db
TODAY = dt.date(2026, 12, 6)


def test_the_due_period_is_the_latest_whose_due_day_has_passed():
    assert due_period("month", 20, TODAY) == ((dt.date(2026, 10, 1), dt.date(2026, 10, 31)), dt.date(2026, 11, 20))
    # on the due day itself November is not late yet; the day after it is due
    assert due_period("month", 20, dt.date(2026, 12, 20))[0][0] == dt.date(2026, 10, 1)
    assert due_period("month", 20, dt.date(2026, 12, 21)) == (
        (dt.date(2026, 11, 1), dt.date(2026, 11, 30)),
        dt.date(2026, 12, 20),
    )
    assert due_period("quarter", 15, TODAY)[1] == dt.date(2026, 10, 15)  # Q3, due 15 October
    assert due_period("continuous", 0, TODAY) == (None, None)


@pytest.fixture
def stats_until_september(regions):
    """咸安区: three 规上 firms, two of which reported 统计 figures for October; none for November."""
    firms = [EnterpriseFactory(county=regions["咸安区"], is_above_scale=True) for _ in range(3)]
    EnterpriseFactory(county=regions["咸安区"], is_above_scale=False)  # not expected by 统计
    for e in firms[:2]:
        MonthlyFigure.objects.create(enterprise=e, month=dt.date(2026, 10, 1), output=Decimal(10))
    for e in firms:
        MonthlyFigure.objects.create(enterprise=e, month=dt.date(2026, 9, 1), output=Decimal(10))
    from chanye.analytics.services import refresh_month_summaries

    refresh_month_summaries()
    return firms


def status(user, key, today=TODAY):
    (s,) = [s for s in selectors.data_freshness(user=user, today=today) if s.source.key == key]
    return s


def test_a_month_that_arrived_is_on_time_with_its_coverage_per_county(stats_until_september, users):
    s = status(users["admin"], "monthly:stats")
    assert (s.owner_unit, s.cadence, s.due_day) == ("市统计局", "month", 20)  # the defaults until the city sets them
    assert s.reading.latest_period == dt.date(2026, 10, 1) and not s.overdue
    xianan = next(c for c in s.reading.coverage if c["unit"] == "咸安区")
    assert (xianan["n"], xianan["expected"]) == (2, 3)  # 规上 firms are whom 统计 is expected from
    assert "退规风险预警" in s.feeds and "规上门槛提醒" in s.feeds  # what goes stale, from the readers' declarations


def test_a_month_missing_past_its_due_day_is_late_by_the_days_since(stats_until_september, users):
    s = status(users["admin"], "monthly:stats", today=dt.date(2026, 12, 25))  # November due 20 December
    assert s.period[0] == dt.date(2026, 11, 1) and s.overdue and s.late_days == 5


def test_a_source_the_city_never_used_is_not_late_until_it_sets_a_duty(stats_until_september, users):
    s = status(users["admin"], "monthly:power")
    assert not s.in_use and not s.overdue
    do_set_duty(actor=users["admin"], key="monthly:power", data={"owner_unit": "国网咸宁供电公司", "due_day": 10})
    s = status(users["admin"], "monthly:power")
    assert s.owner_unit == "国网咸宁供电公司" and s.overdue and s.late_days == (TODAY - dt.date(2026, 11, 10)).days


def test_only_a_city_administrator_sets_duties_and_each_change_is_audited(users):
    with pytest.raises(PermissionDenied):
        do_set_duty(actor=users["xianan"], key="monthly:stats", data={"owner_unit": "x"})
    do_set_duty(actor=users["admin"], key="monthly:stats", data={"owner_unit": "咸宁市统计局", "owner_name": "张三"})
    log = AuditLog.objects.filter(object_repr="数据报送责任：monthly:stats").get()
    assert log.after == {"owner_unit": "咸宁市统计局", "owner_name": "张三"}


def test_the_owner_hears_of_it_on_their_home_page_and_nobody_else_does(regions, users, login):
    today = timezone.localdate()
    first = today.replace(day=1)
    old = dt.date(first.year - 1, first.month, 1)  # a year old: whatever the day, the due month is missing
    MonthlyFigure.objects.create(enterprise=EnterpriseFactory(county=regions["咸安区"]), month=old, output=1)
    do_set_duty(actor=users["admin"], key="monthly:stats", data={"owner_user": users["xianan"], "due_day": 5})
    page = login(users["xianan"]).get("/").content.decode()
    assert "您负责的数据逾期：统计月度数据（规上企业）" in page
    assert 'id="late-data"' not in login(users["viewer"]).get("/").content.decode()
    assert "数据逾期：" in login(users["admin"]).get("/").content.decode()
    bulletin = login(users["admin"]).get("/projects/bulletin/").content.decode()
    assert "逾期未更新的数据：" in bulletin and "统计月度数据（规上企业）" in bulletin


def test_the_page_shows_a_county_officer_their_own_county_only(stats_until_september, users, login):
    page = login(users["xianan"]).get("/data/freshness/").content.decode()
    assert "统计月度数据（规上企业）" in page and "咸安区" in page and "嘉鱼县" not in page
    assert "<summary>设置责任</summary>" not in page  # only the city administrator sets duties
    admin = login(users["admin"]).get("/data/freshness/").content.decode()
    assert "<summary>设置责任</summary>" in admin and "嘉鱼县" in admin


def test_the_page_form_saves_a_duty(users, login):
    c = login(users["admin"])
    resp = c.post(
        "/data/freshness/",
        {
            "key": "projects",
            "projects-owner_unit": "市经信局投资科",
            "projects-cadence": "month",
            "projects-due_day": 7,
        },
    )
    assert resp.status_code == 302
    s = status(users["admin"], "projects")
    assert (s.owner_unit, s.due_day) == ("市经信局投资科", 7)
