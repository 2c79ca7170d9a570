"""The dashboard: 规上 count and output by county and cluster against the pack's targets, few queries."""

from __future__ import annotations

import datetime as dt
import json
import re
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from chanye.analytics.services import refresh_month_summaries
from chanye.enterprises.models import MonthlyFigure, ScalePeriod
from chanye.industry.models import Cluster
from tests.factories import EnterpriseFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def data(regions):
    food = Cluster.objects.get(code="food")
    a = EnterpriseFactory(county=regions["咸安区"], is_above_scale=True)
    b = EnterpriseFactory(county=regions["咸安区"], is_above_scale=True)
    c = EnterpriseFactory(county=regions["嘉鱼县"], is_above_scale=True)
    d = EnterpriseFactory(county=regions["嘉鱼县"], is_above_scale=False)
    a.clusters.add(food)
    ScalePeriod.objects.create(enterprise=a, entered_on=dt.date(2025, 2, 1))
    for e, v in ((a, 10000), (b, 20000), (c, 5000), (d, 100)):
        for m in (1, 2):
            MonthlyFigure.objects.create(enterprise=e, month=dt.date(2025, m, 1), source="stats", output=Decimal(v))
        MonthlyFigure.objects.create(enterprise=e, month=dt.date(2024, 1, 1), source="stats", output=Decimal(v // 2))
    refresh_month_summaries()
    return {"a": a, "b": b, "c": c, "d": d}


def _chart(resp):
    m = re.search(r'<script id="chart-data" type="application/json">(.*?)</script>', resp.content.decode(), re.S)
    return json.loads(m.group(1))


def test_city_dashboard_figures_are_hand_computed(client, users, data, login):
    resp = login(users["admin"]).get("/?month=2025-02")
    assert resp.status_code == 200
    ctx = resp.context
    rows = {r["region"].name: r for r in ctx["rows"]}
    assert rows["咸安区"]["above"] == 2 and rows["咸安区"]["total"] == 2 and rows["咸安区"]["new"] == 1
    assert rows["咸安区"]["new_target"] == 45  # XN-GS-3 from the pack
    assert rows["咸安区"]["month_output"] == Decimal(3)  # (10000+20000) 万元 = 3 亿元
    assert rows["咸安区"]["ytd_output"] == Decimal(6)
    assert rows["嘉鱼县"]["above"] == 1 and rows["嘉鱼县"]["ytd_output"] == Decimal("1")
    assert rows["咸安区"]["yoy"] == Decimal(300)  # 1—2月 60000 vs 15000 万元 a year earlier
    assert ctx["kpis"]["above"] == 3 and ctx["kpis"]["above_target"].value == 2000
    clusters = {c["cluster"].code: c for c in ctx["clusters"]}
    assert clusters["food"]["above"] == 1 and clusters["food"]["ytd_output"] == Decimal(2)
    chart = _chart(resp)
    assert chart["months"][-2:] == ["2025-01", "2025-02"] and chart["output"][-1] == 3.5


def test_county_officer_dashboard_shows_only_their_county(client, users, data, login):
    resp = login(users["xianan"]).get("/")
    names = [r["region"].name for r in resp.context["rows"]]
    assert names == ["咸安区"]
    assert resp.context["kpis"]["above"] == 2
    assert _chart(resp)["output"][-1] == 3.0


def test_dashboard_and_list_use_a_bounded_number_of_queries(client, users, data, login):
    c = login(users["admin"])
    for _ in range(30):
        EnterpriseFactory(county=data["a"].county)
    with CaptureQueriesContext(connection) as q:
        assert c.get("/").status_code == 200
    # a fixed number whatever the rows: the figures, and one or two per registered data source for the 数据更新 reminder
    assert len(q) <= 45, [x["sql"] for x in q]
    with CaptureQueriesContext(connection) as q:
        assert c.get("/enterprises/").status_code == 200
    assert len(q) <= 15, [x["sql"] for x in q]


def test_enterprise_users_are_sent_to_their_own_page(client, users, two_counties, login):
    r = login(users["qiye"]).get("/")
    assert r.status_code == 302 and two_counties["xianan"].uscc in r["Location"]


def test_refreshing_all_months_writes_one_row_per_month_and_unit(data):
    from django.db.models import Count

    from chanye.analytics.models import MonthSummary

    for _ in range(15):  # more firm-months than one refresh chunk of 12 months
        e = EnterpriseFactory(county=data["c"].county, is_above_scale=True)
        MonthlyFigure.objects.create(enterprise=e, month=dt.date(2025, 2, 1), source="stats", output=Decimal(1))
    refresh_month_summaries()
    refresh_month_summaries()
    dupes = (
        MonthSummary.objects.values("month", "region", "cluster", "above_scale").annotate(n=Count("id")).filter(n__gt=1)
    )
    assert not dupes.exists()
    city = MonthSummary.objects.get(
        month=dt.date(2025, 2, 1), region__isnull=True, cluster__isnull=True, above_scale=True
    )
    assert city.output == 35015 and city.enterprises == 18


@pytest.mark.django_db(transaction=True)  # the indicators read the database through DuckDB's own connection
def test_xn_sys_5_cluster_targets_show_the_target_pages_figure(client, users, data, login):
    """One definition: the dashboard's 集群目标 row is the 目标 page's progress of the same target (cluster_output, the
    members' output of the year to date), not a reading of its own."""
    from chanye.industry.models import Cluster
    from chanye.targets import indicators
    from chanye.targets.hooks import target_progress

    cold = Cluster.objects.get(code="food-cold-chain")
    data["b"].clusters.add(cold)
    indicators.refresh(dt.date(2025, 2, 1))
    resp = login(users["admin"]).get("/?month=2025-02")
    (row,) = [c for c in resp.context["cluster_targets"] if c.target.code == "t-cold-chain"]
    assert row.current == Decimal(4)  # 20000 万元 × 2 months of 2025 = 4 亿元
    (page,) = [p for p in target_progress(cluster_only=True) if p.target.code == "t-cold-chain"]
    assert (row.current, row.status, row.as_of) == (page.current, page.status, page.as_of)
    assert "冷链食品年产值" in resp.content.decode()


def test_a_county_officer_is_not_measured_against_the_citys_targets(client, users, data, login):
    resp = login(users["xianan"]).get("/?month=2025-02")
    kpis = resp.context["kpis"]
    assert kpis["above"] == 2 and kpis["above_target"] is None and kpis["output_target"] is None  # city: >2000家
    assert kpis["new_target"].value == 45 and kpis["new_target"].region.name == "咸安区"  # the county's own
    assert resp.context["cluster_targets"] == []
    assert "本辖区未分解该目标" in resp.content.decode()


def test_a_county_officer_sees_the_cluster_output_of_their_own_firms(client, users, data, login):
    food = Cluster.objects.get(code="food")
    data["c"].clusters.add(food)  # 嘉鱼's firm in the same cluster: not 咸安's
    xianan = {c["cluster"].code: c for c in login(users["xianan"]).get("/?month=2025-02").context["clusters"]}
    assert xianan["food"]["above"] == 1 and xianan["food"]["ytd_output"] == Decimal(2)  # a: 10000 × 2 万元
    city = {c["cluster"].code: c for c in login(users["admin"]).get("/?month=2025-02").context["clusters"]}
    assert city["food"]["ytd_output"] == Decimal("3")  # a and c: (10000 + 5000) × 2 万元
