"""The relatedness page: the county × division matrix from the registry's statistics, a county's advantages and
worded recommendations, the county officer fixed to their county, no data explained."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from chanye.analytics.selectors import county_industry_matrix
from chanye.enterprises.models import MonthlyFigure
from chanye.industry.models import IndustryCode
from tests.factories import EnterpriseFactory

pytestmark = pytest.mark.django_db
M = dt.date(2025, 6, 1)


def firm(region, code, output, month=M):
    e = EnterpriseFactory(county=region, industry_code=IndustryCode.objects.get(code=code))
    MonthlyFigure.objects.create(enterprise=e, month=month, source="stats", output=Decimal(output))
    return e


@pytest.fixture
def figures(regions):
    xa, jy, gx = regions["咸安区"], regions["嘉鱼县"], regions["咸宁高新区"]
    firm(xa, "1311", 900)  # 13 农副食品
    firm(xa, "3911", 100)  # 39 电子
    firm(jy, "1311", 200)
    firm(jy, "2611", 800)  # 26 化工
    firm(gx, "3911", 700)
    firm(gx, "2611", 300)
    firm(gx, "5810", 999)  # not manufacturing: left out
    firm(gx, "3911", 555, month=dt.date(2024, 6, 1))  # older than 12 months: left out


def test_matrix_sums_the_last_twelve_months_by_division(figures, regions):
    counties, divisions, x = county_industry_matrix(until=M)
    assert [d for d, _ in divisions] == ["13", "26", "39"]
    row = x[[u.name for u in counties].index("咸宁高新区")]
    assert row.tolist() == [0, 300, 700]


def test_county_officer_sees_their_county_with_reasons(figures, users, login):
    page = login(users["jiayu"]).get("/relatedness/?county=421202").content.decode()
    assert "产业关联与多元化方向：嘉鱼县" in page
    assert "26 化学原料和化学制品制造业（RCA" in page  # 嘉鱼's advantage
    assert "嘉鱼县已具备与“" in page


def test_no_data_is_explained_and_other_roles_get_404(regions, users, login):
    assert "暂无数据" in login(users["admin"]).get("/relatedness/").content.decode()
    assert login(users["auditor"]).get("/relatedness/").status_code == 404
