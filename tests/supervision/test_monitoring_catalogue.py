"""YY-M-1 监测目录: each 千亿级产业's catalogue of key enterprises and projects and its 企业库 — anchors first, then
规上 members by their output over the 12 months to the latest month, then the rest; growth on the same months a
year earlier; the project board's rows of the industry; a county officer sees their unit's firms only; the export
is the page's rows.

The mini pack's 食品饮料产业集群 (`food`, anchors 红牛 and 奥瑞金) has the sub-cluster 冷链食品制造集群 (anchor
正大集团).
Figures: 12 months 2024-07 … 2025-06 (the latest month with 统计 figures), each month the same output."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from chanye.enterprises.models import MonthlyFigure
from chanye.industry.models import Cluster
from chanye.supervision import catalogue, selectors
from tests.factories import EnterpriseFactory, ProjectFactory

pytestmark = pytest.mark.django_db

MONTHS = [
    dt.date(2024, 7, 1),
    *(dt.date(2024, m, 1) for m in range(8, 13)),
    *(dt.date(2025, m, 1) for m in range(1, 7)),
]
PREVIOUS = [dt.date(d.year - 1, d.month, 1) for d in MONTHS]


def firm(region, name: str, cluster: str, *, above: bool, monthly: int | None, previous: int | None = None):
    e = EnterpriseFactory(county=region, name=name, is_above_scale=above)
    e.clusters.add(Cluster.objects.get(code=cluster))
    for months, value in ((MONTHS, monthly), (PREVIOUS, previous)):
        if value is not None:
            MonthlyFigure.objects.bulk_create(
                MonthlyFigure(enterprise=e, month=m, source="stats", output=Decimal(value)) for m in months
            )
    return e


@pytest.fixture
def firms(regions):
    xa, jy = regions["咸安区"], regions["嘉鱼县"]
    return {
        # anchors (the pack's 红牛 and 奥瑞金), by output: 奥瑞金 12 × 300 = 3600 (in the sub-cluster only), 红牛 1200
        "红牛": firm(xa, "咸宁红牛饮料有限公司", "food", above=True, monthly=100),
        "奥瑞金": firm(jy, "湖北奥瑞金包装有限公司", "food-cold-chain", above=True, monthly=300),
        # 规上 by output: 6000 (a year earlier 12 × 400 = 4800: +25.0%), 600, none at all
        "big": firm(xa, "咸安大食品有限公司", "food", above=True, monthly=500, previous=400),
        "small": firm(jy, "嘉鱼小食品有限公司", "food", above=True, monthly=50),
        "silent": firm(jy, "嘉鱼未报数食品有限公司", "food", above=True, monthly=None),
        # not 规上, though larger than all: after the 规上 members
        "below": firm(xa, "咸安规下食品有限公司", "food", above=False, monthly=1000),
        # another industry's firm: not in this catalogue
        "other": firm(xa, "咸安电子有限公司", "electronics", above=True, monthly=9000),
    }


def names(rows) -> list[str]:
    return [r.enterprise.name for r in rows]


def page(client, user, code: str = "food"):
    client.force_login(user)
    resp = client.get(reverse("supervision:catalogue", kwargs={"code": code}))
    assert resp.status_code == 200
    return resp


def test_yy_m_1_anchors_come_first_then_above_scale_members_by_their_12_month_output(firms, users, client):
    rows = page(client, users["viewer"]).context["rows"]  # the lead unit's view: a city-wide department viewer
    f = firms
    expected = [f["奥瑞金"], f["红牛"], f["big"], f["small"], f["silent"], f["below"]]
    assert names(rows) == [e.name for e in expected]
    assert [r.kind for r in rows] == ["anchor", "anchor", "above", "above", "above", "other"]
    assert [r.output12 for r in rows] == [
        Decimal(3600),
        Decimal(1200),
        Decimal(6000),
        Decimal(600),
        None,
        Decimal(12000),
    ]
    big = rows[2]
    assert big.output_prev == Decimal(4800) and big.growth == Decimal("25.0")  # (6000 − 4800) / 4800
    assert big.trend == [Decimal(500)] * 12 and big.sparkline  # the monthly trend of the 12 months
    assert rows[1].growth is None  # no figures a year earlier: no growth
    assert rows[0].sub_clusters == ["冷链食品制造集群"]


def test_yy_m_1_the_industrys_figures_and_the_anchors_it_still_lacks(firms, users, client):
    s = page(client, users["admin"]).context["summary"]
    assert (s.members, s.above_scale, s.anchors) == (6, 5, 2)
    assert s.output12 == Decimal(3600 + 1200 + 6000 + 600 + 12000) and s.output_prev == Decimal(4800)
    assert s.monthly == [(m, Decimal(300 + 100 + 500 + 50 + 1000)) for m in MONTHS]
    assert s.anchors_missing == ["正大集团"]  # named by the pack (the sub-cluster's anchor), not in the 企业库


def test_yy_m_1_an_anchor_is_found_by_a_former_name_too(firms, users, client):
    from chanye.enterprises.models import EnterpriseAlias

    EnterpriseAlias.objects.create(enterprise=firms["small"], name="正大集团嘉鱼分厂", name_key="正大集团嘉鱼分厂")
    rows = page(client, users["admin"]).context["rows"]
    assert names(rows)[:3] == [firms["奥瑞金"].name, firms["红牛"].name, firms["small"].name]


def test_yy_m_1_a_county_officer_sees_only_their_countys_firms_and_projects(firms, users, regions, client):
    food = Cluster.objects.get(code="food")
    ProjectFactory(county=regions["咸安区"], name="咸安冷链项目", cluster=food, investment=Decimal(5))
    ProjectFactory(county=regions["嘉鱼县"], name="嘉鱼冷链项目", cluster=food, investment=Decimal(8))
    resp = page(client, users["xianan"])
    assert names(resp.context["rows"]) == [firms["红牛"].name, firms["big"].name, firms["below"].name]
    assert resp.context["summary"].members == 3 and resp.context["summary"].anchors_missing == []
    assert [p.name for p in resp.context["projects"]] == ["咸安冷链项目"] and resp.context["project_count"] == 1
    html = resp.content.decode()
    assert "嘉鱼" not in html.replace("嘉鱼县", "")  # nothing of 嘉鱼's firms or projects
    export = client.get(reverse("supervision:catalogue_export", kwargs={"code": "food"}))
    sheet = load_workbook(io.BytesIO(export.content)).active
    assert [r[2] for r in sheet.iter_rows(min_row=3, values_only=True)] == names(resp.context["rows"])


def test_yy_m_1_key_projects_are_the_industrys_and_its_sub_industrys_largest_first(firms, users, regions, client):
    xa = regions["咸安区"]
    ProjectFactory(county=xa, name="小项目", cluster=Cluster.objects.get(code="food"), investment=Decimal(3))
    ProjectFactory(
        county=xa, name="冷链大项目", cluster=Cluster.objects.get(code="food-cold-chain"), investment=Decimal(12)
    )
    ProjectFactory(county=xa, name="电子项目", cluster=Cluster.objects.get(code="electronics"), investment=Decimal(50))
    resp = page(client, users["admin"])
    assert [p.name for p in resp.context["projects"]] == ["冷链大项目", "小项目"]
    assert all(p.badge and p.get_colour_display() for p in resp.context["projects"])  # the board's colours


def test_yy_m_1_the_export_holds_the_pages_rows_in_the_pages_order(firms, users, client):
    rows = page(client, users["admin"]).context["rows"]
    resp = client.get(reverse("supervision:catalogue_export", kwargs={"code": "food"}))
    assert resp.status_code == 200
    sheet = load_workbook(io.BytesIO(resp.content)).active
    lines = list(sheet.iter_rows(min_row=2, values_only=True))
    assert list(lines[0]) == catalogue.EXPORT_HEADERS
    body = lines[1:]
    assert [x[2] for x in body] == names(rows)
    assert [x[1] for x in body] == [r.kind_label for r in rows]
    assert [x[3] for x in body] == [r.enterprise.uscc for r in rows]
    assert body[2][10] == 6000 and body[2][12] == 25


def test_yy_m_1_only_industries_of_the_liaison_arrangement_have_a_catalogue(users, client):
    client.force_login(users["admin"])
    assert selectors.liaison_stated()
    for code in ("county-xianan-jidian", "food-cold-chain", "nope"):
        assert client.get(reverse("supervision:catalogue", kwargs={"code": code})).status_code == 404


def test_yy_m_1_without_statistics_the_catalogue_lists_members_without_figures(regions, users, client):
    e = EnterpriseFactory(county=regions["咸安区"], name="咸安红牛分装有限公司", is_above_scale=True)
    e.clusters.add(Cluster.objects.get(code="food"))
    resp = page(client, users["admin"])
    assert resp.context["window"] is None
    assert [(r.enterprise.name, r.kind, r.output12) for r in resp.context["rows"]] == [(e.name, "anchor", None)]
    assert "暂无统计数据" in resp.content.decode()


def test_yy_m_1_the_catalogue_page_takes_the_same_few_queries_whatever_the_number_of_firms(
    firms, users, regions, client
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.force_login(users["admin"])
    url = reverse("supervision:catalogue", kwargs={"code": "food"})
    ProjectFactory(county=regions["咸安区"], cluster=Cluster.objects.get(code="food"))
    with CaptureQueriesContext(connection) as small:
        client.get(url)
    for i in range(8):
        firm(regions["咸安区"], f"咸安第{i}食品有限公司", "food-cold-chain", above=i % 2 == 0, monthly=10 + i)
        ProjectFactory(county=regions["嘉鱼县"], cluster=Cluster.objects.get(code="food-cold-chain"))
    with CaptureQueriesContext(connection) as large:
        resp = client.get(url)
    assert len(resp.context["rows"]) == 6 + 8 and len(resp.context["projects"]) == 9
    assert len(large) == len(small) <= 30, [q["sql"][:120] for q in large.captured_queries]
