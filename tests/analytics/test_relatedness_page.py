"""The relatedness page: the county × division matrix from the registry's statistics, a county's advantages and
worded recommendations, the county officer fixed to their county, no data explained."""

from __future__ import annotations

import datetime as dt

import pytest

from chanye.analytics.selectors import county_industry_matrix
from tests.helpers import stats_firm, three_county_firms

pytestmark = pytest.mark.django_db
M = dt.date(2025, 6, 1)


@pytest.fixture
def figures(regions):
    three_county_firms(regions, M)
    stats_firm(regions["咸宁高新区"], "5810", 999, M)  # not manufacturing: left out
    stats_firm(regions["咸宁高新区"], "3911", 555, dt.date(2024, 6, 1))  # older than 12 months: left out


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


def test_the_page_reads_the_matrix_once_in_a_fixed_number_of_queries(
    figures, users, login, django_assert_max_num_queries
):
    client = login(users["admin"])
    with django_assert_max_num_queries(13):  # session and user 2, matrix 5, chain links 2, nav 1, session save 3
        assert client.get("/relatedness/?county=421202").status_code == 200
