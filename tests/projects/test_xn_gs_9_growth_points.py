"""XN-GS-9: the growth-point library — projects with expected added output at or above the pack's threshold
(2000万元; exactly 2000万 counts), entered in the year (signed then, or registered then if never signed), not exited;
counted per county against the yearly targets, listed and exported."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal

import pytest
from django.utils import timezone
from openpyxl import load_workbook

from chanye.industry.models import Threshold
from chanye.projects import indicators, progress, stats
from chanye.projects.models import Project
from chanye.targets.indicators import store_provided
from chanye.targets.models import IndicatorValue
from tests.factories import ProjectFactory

pytestmark = pytest.mark.django_db
YEAR = timezone.localdate().year
THIS_MONTH = timezone.localdate().replace(day=1)
JAN = dt.date(YEAR, 1, 2)


@pytest.fixture
def growth(regions):
    xa, jy = regions["咸安区"], regions["嘉鱼县"]
    out = {
        "edge": ProjectFactory(code="G1", county=xa, signed_on=JAN, expected_output=Decimal("2000")),
        "below": ProjectFactory(code="G2", county=xa, signed_on=JAN, expected_output=Decimal("1999.99")),
        "big": ProjectFactory(code="G3", county=jy, signed_on=JAN, expected_output=Decimal("12000")),
        "last_year": ProjectFactory(code="G4", county=jy, signed_on=dt.date(YEAR - 1, 12, 31),
                                    expected_output=Decimal("9000")),
        "exited": ProjectFactory(code="G5", county=jy, signed_on=JAN, started_on=JAN, exited_on=JAN,
                                 expected_output=Decimal("9000")),
        "unsigned": ProjectFactory(code="G6", county=jy, signed_on=None, status="planned",
                                   expected_output=Decimal("3000")),  # registered today
        "no_output": ProjectFactory(code="G7", county=xa, signed_on=JAN),
    }  # fmt: skip
    return out


def _rows(g):
    return {r["region"].name: (r["n"], r["output"], r["target"]) for r in g["rows"]}


def test_xn_gs_9_exactly_2000wan_counts_and_1999_99_does_not(growth):
    g = progress.growth_points(stats.scope(), THIS_MONTH)
    assert _rows(g)["咸安区"] == (1, Decimal("0.2"), 25)
    # 嘉鱼: G3 (1.2亿) and G6 (0.3亿, never signed, registered this year); G4 entered last year, G5 exited
    assert _rows(g)["嘉鱼县"] == (2, Decimal("1.5"), 25)
    assert (g["n"], g["output"], g["target_n"], g["target_output"]) == (3, Decimal("1.7"), 150, 150)
    codes = set(Project.objects.filter(indicators.growth_point_q(THIS_MONTH)).values_list("code", flat=True))
    assert codes == {"G1", "G3", "G6"}


def test_xn_gs_9_the_threshold_comes_from_the_pack(growth):
    Threshold.objects.filter(key="growth_point_expected_output").update(value=Decimal("3000"), comparator=">")
    g = progress.growth_points(stats.scope(), THIS_MONTH)
    assert (g["n"], g["threshold"], g["comparator"]) == (1, 3000, ">")  # only G3; G6's 3000 is not above 3000
    Threshold.objects.filter(key="growth_point_expected_output").update(
        value=Decimal("0.2"), unit="亿元", comparator=">="
    )
    assert progress.growth_points(stats.scope(), THIS_MONTH)["n"] == 3  # 0.2亿 = 2000万


def test_xn_gs_9_indicators_for_the_target_tree(growth, regions):
    store_provided(indicators.PROVIDER, YEAR, THIS_MONTH)
    v = {
        (r.indicator, r.region_id): r.value for r in IndicatorValue.objects.filter(indicator__startswith="growth_point")
    }
    assert v[("growth_point_count", None)] == 3 and v[("growth_point_expected_output", None)] == Decimal("1.7")
    assert v[("growth_point_reserve_count", regions["嘉鱼县"].pk)] == 2
    assert v[("growth_point_reserve_count", regions["咸宁高新区"].pk)] == 0


def test_xn_gs_9_page_lists_filters_and_scopes(growth, users, login, regions):
    c = login(users["admin"])
    r = c.get("/projects/growth-points/")
    assert r.status_code == 200 and [p.code for p in r.context["page"]] == ["G3", "G6", "G1"]
    html = r.content.decode()
    assert 'id="chart-growth"' in html and "2000万元及以上" in html
    r = c.get("/projects/growth-points/?county=421202")
    assert [p.code for p in r.context["page"]] == ["G1"]
    r = login(users["xianan"]).get("/projects/growth-points/?county=421221")  # the filter cannot widen the scope
    assert [p.code for p in r.context["page"]] == ["G1"] and [x["region"].name for x in r.context["g"]["rows"]] == [
        "咸安区"
    ]


def test_xn_gs_9_pages_of_fifty(regions, users, login):
    ProjectFactory.create_batch(
        51, county=regions["咸安区"], signed_on=JAN, expected_output=Decimal("2500"), planned=False
    )
    c = login(users["viewer"])
    r = c.get("/projects/growth-points/")
    assert len(r.context["page"]) == 50 and r.context["page"].paginator.num_pages == 2
    assert len(c.get("/projects/growth-points/?page=2").context["page"]) == 1


def test_xn_gs_9_export_has_counties_chart_and_projects(growth, users, login):
    r = login(users["admin"]).get("/projects/growth-points.xlsx")
    assert r.status_code == 200
    wb = load_workbook(io.BytesIO(r.content))
    counties = list(wb["分区县"].iter_rows(values_only=True))
    assert ("嘉鱼县", 2, 25, 1.5) in [row[:4] for row in counties]
    assert len(wb["分区县"]._charts) == 1
    projects = list(wb["项目清单"].iter_rows(values_only=True))
    assert [p[0] for p in projects[1:]] == ["G3", "G6", "G1"] and projects[0][7] == "预计新增产值(万元)"
