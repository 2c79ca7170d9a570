"""XN-JG-1/2: 技改 projects (kind=upgrade) entered in the year with total investment at or above the pack's 500万元
(exactly 500万 = 0.05亿 counts), and of them at or above 1亿元 (exactly 1亿 counts), per county against the yearly
targets; new-investment projects and exited ones do not count."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal

import pytest
from django.utils import timezone
from openpyxl import load_workbook

from chanye.industry.models import Threshold
from chanye.projects import indicators, progress, stats
from chanye.targets.indicators import store_provided
from chanye.targets.models import IndicatorValue
from tests.factories import ProjectFactory

pytestmark = pytest.mark.django_db
YEAR = timezone.localdate().year
THIS_MONTH = timezone.localdate().replace(day=1)
JAN = dt.date(YEAR, 1, 2)


@pytest.fixture
def tech(regions):
    xa, jy = regions["咸安区"], regions["嘉鱼县"]

    def up(code, county, investment, **kw):
        kw.setdefault("signed_on", JAN)
        return ProjectFactory(code=code, county=county, kind="upgrade", investment=Decimal(investment), **kw)

    return {
        "t500": up("T1", xa, "0.05"),  # exactly 500万元
        "t499": up("T2", xa, "0.0499"),
        "t1yi": up("T3", xa, "1"),  # exactly 1亿元
        "t0999": up("T4", jy, "0.9999"),
        "t5yi": up("T5", jy, "5"),
        "new": ProjectFactory(code="N1", county=jy, kind="new", investment=Decimal("3"), signed_on=JAN),
        "exited": up("T6", jy, "2", started_on=JAN, exited_on=JAN),
        "last_year": up("T7", jy, "2", signed_on=dt.date(YEAR - 1, 6, 1)),
    }


def _rows(t):
    return {r["region"].name: (r["n"], r["target"], r["major"], r["major_target"], r["investment"]) for r in t["rows"]}


def test_xn_jg_1_2_exactly_500wan_and_exactly_1yi_count(tech):
    t = progress.tech_upgrade(stats.scope(), THIS_MONTH)
    assert _rows(t)["咸安区"] == (2, 60, 1, 10, Decimal("1.05"))  # T1 and T3; T3 also ≥1亿; T2 below 500万
    assert _rows(t)["嘉鱼县"] == (2, 60, 1, 10, Decimal("5.9999"))  # T4 and T5; T5 ≥1亿
    assert (t["n"], t["major"], t["target_n"], t["threshold_wan"], t["major_threshold"]) == (4, 2, 400, 500, 1)


def test_xn_jg_1_the_thresholds_come_from_the_pack(tech):
    Threshold.objects.filter(key="tech_upgrade_project_investment").update(value=Decimal("1000"))
    Threshold.objects.filter(key="tech_upgrade_major_project_investment").update(value=Decimal("5"), comparator=">")
    t = progress.tech_upgrade(stats.scope(), THIS_MONTH)
    assert (t["n"], t["major"]) == (3, 0)  # T3, T4, T5 ≥ 1000万; none above 5亿


def test_xn_jg_1_2_indicators_for_the_target_tree(tech, regions):
    store_provided(indicators.PROVIDER, YEAR, THIS_MONTH)
    v = {
        (r.params_key, r.region_id): r.value
        for r in IndicatorValue.objects.filter(indicator="techrenovation_project_count")
    }
    k500, k1 = "min_investment=500,min_investment_unit=万元", "min_investment=1,min_investment_unit=亿元"
    assert v[(k500, None)] == 4 and v[(k1, None)] == 2
    assert v[(k500, regions["咸安区"].pk)] == 2 and v[(k1, regions["嘉鱼县"].pk)] == 1
    from chanye.targets.progress import all_progress

    progress = {p.target.code: p for p in all_progress()}
    assert progress["t-jg-xianan"].current == 2 and progress["t-jg-major-jiayu"].current == 1


def test_xn_jg_1_2_page_export_and_scope(tech, users, login):
    c = login(users["admin"])
    r = c.get("/projects/tech-upgrade/")
    assert r.status_code == 200 and [p.code for p in r.context["page"]] == ["T5", "T3", "T4", "T1"]
    assert 'id="chart-tech"' in r.content.decode()
    r = c.get("/projects/tech-upgrade/?major=1")
    assert [p.code for p in r.context["page"]] == ["T5", "T3"]
    r = c.get("/projects/tech-upgrade.xlsx?county=421202")
    wb = load_workbook(io.BytesIO(r.content))
    assert [row[0] for row in list(wb["项目清单"].iter_rows(values_only=True))[1:]] == ["T3", "T1"]
    assert len(wb["分区县"]._charts) == 1
    r = login(users["jiayu"]).get("/projects/tech-upgrade/")
    assert [p.code for p in r.context["page"]] == ["T5", "T4"]
    assert login(users["auditor"]).get("/projects/tech-upgrade.xlsx").status_code == 404
