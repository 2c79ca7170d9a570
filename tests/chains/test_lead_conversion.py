"""Conversion figures (招商转化情况) on a hand-made set of six leads: how many reached each stage, signed and landed
rates and signed investment by cluster, link, owner and county — on the page, in the funnel and in the .xlsx export.

The set (found 120 days ago; dates counted from then):
  L1 咸安 屠宰加工 (food)            owner 王五 (user)  线索
  L2 咸安 屠宰加工 (food)            owner 王五         接洽
  L3 咸安 屠宰加工 (food)            owner 王五         接洽 考察 签约, 5亿
  L4 嘉鱼 冷链物流 (food-cold-chain) owner 李四 (name) 签约 落地 (passed over 接洽/考察), 2.5亿
  L5 嘉鱼 冷链物流 (food-cold-chain) owner 李四         接洽 考察 then 终止, 1亿 (never signed: not counted)
  L6 嘉鱼 —                          no owner           线索
"""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal

import pytest
from django.utils import timezone
from openpyxl import load_workbook

from chanye.chains.leads import conversion
from chanye.chains.models import ChainLink, Lead
from chanye.industry.models import Cluster
from tests.factories import LeadFactory

pytestmark = pytest.mark.django_db

URL = "/attraction/leads/conversion/"
FOUND = timezone.localdate() - dt.timedelta(days=120)


def d(n: int) -> dt.date:
    return FOUND + dt.timedelta(days=n)


@pytest.fixture
def leads(regions, users):
    users["xianan"].full_name = "王五"
    users["xianan"].save()
    xa, jy = regions["咸安区"], regions["嘉鱼县"]
    meat = ChainLink.objects.get(chain__code="food-meat", name="屠宰加工")
    cold = ChainLink.objects.get(chain__code="food-cold-chain", name="冷链物流")
    food, cold_cluster = Cluster.objects.get(code="food"), Cluster.objects.get(code="food-cold-chain")
    wang = {"owner": users["xianan"], "owner_name": ""}
    li = {"owner": None, "owner_name": "李四"}
    return [
        LeadFactory(county=xa, link=meat, cluster=food, found_on=FOUND, **wang),
        LeadFactory(county=xa, link=meat, cluster=food, found_on=FOUND, stage="contact", contacted_on=d(3), **wang),
        LeadFactory(
            county=xa,
            link=meat,
            cluster=food,
            found_on=FOUND,
            stage="signed",
            contacted_on=d(3),
            visited_on=d(10),
            signed_on=d(30),
            investment=Decimal(5),
            **wang,
        ),
        LeadFactory(
            county=jy,
            link=cold,
            cluster=cold_cluster,
            found_on=FOUND,
            stage="landed",
            signed_on=d(20),
            landed_on=d(50),
            investment=Decimal("2.5"),
            **li,
        ),
        LeadFactory(
            county=jy,
            link=cold,
            cluster=cold_cluster,
            found_on=FOUND,
            stage="dropped",
            contacted_on=d(5),
            visited_on=d(15),
            dropped_on=d(25),
            drop_reason="改投外省",
            investment=Decimal(1),
            **li,
        ),
        LeadFactory(county=jy, found_on=FOUND, owner=None, owner_name=""),
    ]


COLUMNS = ("label", "total", "clue", "contact", "visit", "signed", "landed", "dropped", "investment")


def table(rows) -> list[tuple]:
    return [tuple(r[k] for k in COLUMNS) for r in rows]


def rates(rows) -> list[tuple[str, str, str]]:
    return [(r["label"], f"{r['signed_rate']:.1f}", f"{r['landed_rate']:.1f}") for r in rows]


def test_conversion_by_cluster(leads):
    rows = conversion(Lead.objects.all(), by="cluster")
    assert table(rows) == [
        ("食品饮料产业集群", 3, 3, 2, 1, 1, 0, 0, Decimal(5)),
        ("冷链食品制造集群", 2, 2, 2, 2, 1, 1, 1, Decimal("2.5")),
        ("（未指定）", 1, 1, 0, 0, 0, 0, 0, Decimal(0)),
    ]
    assert rates(rows) == [
        ("食品饮料产业集群", "33.3", "0.0"),
        ("冷链食品制造集群", "50.0", "50.0"),
        ("（未指定）", "0.0", "0.0"),
    ]


def test_conversion_by_link(leads):
    assert table(conversion(Lead.objects.all(), by="link")) == [
        ("肉制品产业链·屠宰加工", 3, 3, 2, 1, 1, 0, 0, Decimal(5)),
        ("肉制品—冷链物流—终端销售·冷链物流", 2, 2, 2, 2, 1, 1, 1, Decimal("2.5")),
        ("（未指定）", 1, 1, 0, 0, 0, 0, 0, Decimal(0)),
    ]


def test_conversion_by_owner_uses_the_users_name(leads):
    assert table(conversion(Lead.objects.all(), by="owner")) == [
        ("王五", 3, 3, 2, 1, 1, 0, 0, Decimal(5)),
        ("李四", 2, 2, 2, 2, 1, 1, 1, Decimal("2.5")),
        ("（未指定）", 1, 1, 0, 0, 0, 0, 0, Decimal(0)),
    ]


def test_conversion_by_owner_groups_a_user_whatever_name_was_typed_beside_it(leads, users):
    Lead.objects.filter(pk=leads[0].pk).update(owner_name="王五（招商局）")
    rows = conversion(Lead.objects.all(), by="owner")
    assert [(r["label"], r["total"]) for r in rows] == [("王五", 3), ("李四", 2), ("（未指定）", 1)]


def test_conversion_by_county(leads):
    assert table(conversion(Lead.objects.all(), by="county")) == [
        ("咸安区", 3, 3, 2, 1, 1, 0, 0, Decimal(5)),
        ("嘉鱼县", 3, 3, 2, 2, 1, 1, 1, Decimal("2.5")),
    ]


def test_conversion_page_shows_the_four_tables_totals_and_funnel(login, users, leads):
    r = login(users["admin"]).get(URL)
    assert r.status_code == 200
    tables = {t["by"]: table(t["rows"]) for t in r.context["tables"]}
    assert set(tables) == {"cluster", "link", "owner", "county"}
    assert tables["county"] == table(conversion(Lead.objects.all(), by="county"))
    totals = r.context["totals"]
    assert tuple(totals[k] for k in COLUMNS[1:]) == (6, 6, 4, 3, 2, 1, 1, Decimal("7.5"))
    assert f"{totals['signed_rate']:.1f}" == "33.3" and f"{totals['landed_rate']:.1f}" == "16.7"
    funnel = r.context["funnel"]
    assert funnel["data"] == [
        {"name": "线索", "value": 6},
        {"name": "接洽", "value": 4},
        {"name": "考察", "value": 3},
        {"name": "签约", "value": 2},
        {"name": "落地", "value": 1},
    ]
    page = r.content.decode()
    assert 'id="chart-funnel"' in page and 'id="funnel-data"' in page and "vendor/echarts/echarts.min.js" in page
    assert "chanye/charts.js" in page and "chanye/leads.js" in page
    assert "签约率 33.3%" in page and "落地率 16.7%" in page


def test_county_officer_sees_the_figures_of_own_county_only(login, users, leads):
    r = login(users["xianan"]).get(URL)
    assert r.context["totals"]["total"] == 3
    assert [row["label"] for row in r.context["tables"][-1]["rows"]] == ["咸安区"]


def test_conversion_filters_by_year_and_county(login, users, regions, leads):
    LeadFactory(county=regions["咸安区"], found_on=dt.date(FOUND.year - 1, 6, 1))
    c = login(users["admin"])
    assert c.get(URL).context["totals"]["total"] == 7
    assert c.get(URL, {"year": FOUND.year}).context["totals"]["total"] == 6
    assert c.get(URL, {"county": regions["嘉鱼县"].code}).context["totals"]["total"] == 3


def test_empty_conversion_page_says_no_data(login, users, mini_pack):
    r = login(users["admin"]).get(URL)
    page = r.content.decode()
    assert r.status_code == 200 and "暂无数据" in page and 'id="chart-funnel"' not in page


def test_conversion_export_opens_with_the_four_tables(login, users, leads):
    r = login(users["viewer"]).get(URL.rstrip("/") + ".xlsx")
    wb = load_workbook(io.BytesIO(r.content))
    assert wb.sheetnames == ["按产业集群", "按产业链环节", "按负责人", "按落户区县"]
    rows = list(wb["按落户区县"].iter_rows(values_only=True))
    assert rows[0] == (
        "分组",
        "线索数",
        "达到接洽",
        "达到考察",
        "签约",
        "落地",
        "终止",
        "签约率(%)",
        "落地率(%)",
        "签约投资额(亿元)",
    )
    assert rows[1] == ("咸安区", 3, 2, 1, 1, 0, 0, 33.3, 0.0, 5)
    assert rows[2] == ("嘉鱼县", 3, 2, 2, 1, 1, 1, 33.3, 33.3, 2.5)
    assert rows[3] == ("合计", 6, 4, 3, 2, 1, 1, 33.3, 16.7, 7.5)
    owners = [x[0] for x in wb["按负责人"].iter_rows(min_row=2, values_only=True)]
    assert owners == ["王五", "李四", "（未指定）", "合计"]


def test_leads_export_opens_with_every_lead(login, users, leads):
    r = login(users["admin"]).get("/attraction/leads/export.xlsx")
    ws = load_workbook(io.BytesIO(r.content)).active
    rows = list(ws.iter_rows(min_row=2, values_only=True))
    assert len(rows) == 6
    by_code = {x[0]: x for x in rows}
    l4 = by_code[leads[3].code]
    assert (l4[3], l4[4], l4[7], l4[8], l4[10]) == ("落地", "嘉鱼县", "冷链物流", "李四", 2.5)
    assert by_code[leads[4].code][17] == "改投外省"
