"""预警待办's header says what the monthly analysis found (issue 13: a county officer saw the city's totals): the city
administrator the city's new alerts, a county officer their own county's alerts of that month."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from chanye.cultivation.analysis import analyze
from chanye.enterprises.models import MonthlyFigure
from tests.factories import EnterpriseFactory

pytestmark = pytest.mark.django_db(transaction=True)
MONTH = dt.date(2025, 6, 1)


def near_the_line(county) -> None:
    e = EnterpriseFactory(county=county)
    for m in range(1, 7):  # 6 × 300 = 1800万元: 90 % of the 2000万元 line, approaching (XN-GS-6)
        MonthlyFigure.objects.create(enterprise=e, month=dt.date(2025, m, 1), source="tax", invoice_sales=Decimal(300))


def test_the_city_sees_the_citys_run_and_a_county_its_own(regions, users, login):
    near_the_line(regions["咸安区"])
    near_the_line(regions["嘉鱼县"])
    near_the_line(regions["嘉鱼县"])
    analyze(MONTH)
    city = login(users["admin"]).get("/alerts/").content.decode()
    assert "全市新增接近规上门槛 3 家" in city
    county = login(users["xianan"]).get("/alerts/").content.decode()
    assert "本辖区该月接近规上门槛 1 家" in county and "全市新增" not in county
