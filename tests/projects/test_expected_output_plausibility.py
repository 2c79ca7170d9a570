"""A project's 预计新增产值 is checked against its investment and its county's output (issue 13: growth points
summing to more than the city's whole 规上 output). Above 3 times the investment, or above half the county's 规上
output of the year before, it is flagged — on the page, after a save and in the import — never refused. Bounds
exclude the number: exactly 3 times, exactly half, is not flagged."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from chanye.analytics.services import refresh_month_summaries
from chanye.core.access import SYSTEM
from chanye.core.imports.runner import run_import
from chanye.enterprises.models import MonthlyFigure
from chanye.projects.plausibility import doubts
from tests.factories import EnterpriseFactory, ProjectFactory
from tests.helpers import xlsx

pytestmark = pytest.mark.django_db
LAST_YEAR = timezone.localdate().year - 1


def test_three_times_the_investment_is_the_limit():
    assert doubts(investment=Decimal(10), expected_output=Decimal(300000), county_output=None, year=2026) == []
    (d,) = doubts(investment=Decimal(10), expected_output=Decimal("300000.01"), county_output=None, year=2026)
    assert d == "预计新增产值30.00亿元是总投资（10.00亿元）的3.0倍，超过3倍：请核实数值和单位（万元）"


def test_half_the_countys_output_is_the_limit():
    assert doubts(investment=None, expected_output=Decimal(50000), county_output=Decimal(100000), year=2026) == []
    (d,) = doubts(investment=None, expected_output=Decimal(50001), county_output=Decimal(100000), year=2026)
    assert d == "预计新增产值5.00亿元超过所在区县2025年规上工业总产值（10.00亿元）的一半：请核实"


@pytest.fixture
def county_output(regions):
    """咸安区's 规上 output last year: 12 × 1000 万元 = 1.2亿元."""
    e = EnterpriseFactory(county=regions["咸安区"], is_above_scale=True)
    for m in range(1, 13):
        MonthlyFigure.objects.create(enterprise=e, month=dt.date(LAST_YEAR, m, 1), output=Decimal(1000))
    refresh_month_summaries()
    return regions["咸安区"]


def test_the_project_page_says_what_to_check(county_output, users, login):
    p = ProjectFactory(county=county_output, investment=Decimal(2), expected_output=Decimal(7000))
    page = login(users["admin"]).get(f"/projects/{p.pk}/").content.decode()
    assert f"超过所在区县{LAST_YEAR}年规上工业总产值（1.20亿元）的一半：请核实" in page
    fine = ProjectFactory(county=county_output, investment=Decimal(2), expected_output=Decimal(6000))
    assert 'id="output-doubts"' not in login(users["admin"]).get(f"/projects/{fine.pk}/").content.decode()


def test_the_import_takes_the_row_and_warns_with_row_and_column(county_output):
    out = run_import(
        "projects",
        data=xlsx(
            [
                ["项目编号", "项目名称", "投资主体", "所属区县", "总投资(亿元)", "预计新增产值(亿元)"],
                ["P-1", "某项目", "某公司", "咸安区", 1, 4],  # 4亿: 4 times the investment, and > 0.6亿
            ]
        ),
        filename="项目.xlsx",
        user=SYSTEM,
    )
    assert out.ok, out.errors
    found = [(w.row, w.column, w.message) for w in out.warnings]
    assert (
        2,
        "预计新增产值(亿元)",
        "预计新增产值4.00亿元是总投资（1.00亿元）的4.0倍，超过3倍：请核实数值和单位（万元）",
    ) in found
    assert any("一半" in m for _, _, m in found)
