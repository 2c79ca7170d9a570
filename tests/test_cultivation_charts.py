"""Charts of the cultivation pages: JSON embedded in 小升规, 梯度 and 预警待办 for a small dataset, scoped; no data."""

from __future__ import annotations

import datetime as dt
import json
import re

import pytest
from django.utils import timezone

from chanye.cultivation.models import Alert, AlertStatus
from chanye.enterprises.models import Honour, ScalePeriod
from tests.factories import EnterpriseFactory, UserFactory

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()


def months_back(n: int) -> dt.date:
    y, m = TODAY.year, TODAY.month - n
    while m < 1:
        y, m = y - 1, m + 12
    return dt.date(y, m, 1)


def chart_data(html: str, element_id: str) -> dict:
    m = re.search(rf'<script id="{element_id}" type="application/json">(.*?)</script>', html, re.S)
    assert m, f"no {element_id} in the page"
    return json.loads(m.group(1))


def by_county(d: dict, key: str) -> dict:
    return dict(zip(d["counties"], d[key], strict=True))


def test_quota_chart_has_new_quota_and_projection_per_county(client, users, regions, login):
    for county, n in (("咸安区", 3), ("嘉鱼县", 1)):
        for _ in range(n):
            e = EnterpriseFactory(county=regions[county], is_above_scale=True)
            ScalePeriod.objects.create(enterprise=e, entered_on=dt.date(TODAY.year, 1, 10))
    r = login(users["admin"]).get("/cultivation/")
    d = chart_data(r.content.decode(), "quota-chart-data")
    assert by_county(d, "new") == {"咸安区": 3, "嘉鱼县": 1, "咸宁高新区": 0}
    assert by_county(d, "quota") == {"咸安区": 45, "嘉鱼县": 50, "咸宁高新区": None}  # XN-GS-3 targets of the pack
    assert by_county(d, "projected") == {row["region"].name: row["projected"] for row in r.context["rows"]}
    html = r.content.decode()
    assert d["has_data"] and 'id="chart-quota"' in html and "vendor/echarts/echarts.min.js" in html
    client.logout()
    d = chart_data(login(users["jiayu"]).get("/cultivation/").content.decode(), "quota-chart-data")
    assert (d["counties"], d["new"]) == (["嘉鱼县"], [1])


def test_tier_chart_stacks_tier_counts_per_county(client, users, regions, login):
    for county, kind in (("咸安区", "innovative_sme"), ("咸安区", "innovative_sme"), ("嘉鱼县", "specialized")):
        Honour.objects.create(enterprise=EnterpriseFactory(county=regions[county]), kind=kind, year=2025)
    d = chart_data(login(users["admin"]).get("/tiers/").content.decode(), "tier-chart-data")
    series = {s["key"]: by_county({"counties": d["counties"], "x": s["data"]}, "x") for s in d["series"]}
    assert series["innovative_sme"] == {"咸安区": 2, "嘉鱼县": 0, "咸宁高新区": 0}
    assert series["specialized"] == {"咸安区": 0, "嘉鱼县": 1, "咸宁高新区": 0}
    assert [s["name"] for s in d["series"]][:2] == ["创新型中小企业", "专精特新中小企业"] and d["has_data"]
    client.logout()
    d = chart_data(login(users["jiayu"]).get("/tiers/").content.decode(), "tier-chart-data")
    assert d["counties"] == ["嘉鱼县"] and sum(sum(s["data"]) for s in d["series"]) == 1


def test_alert_chart_counts_open_alerts_per_month_and_kind_over_12_months(client, users, regions, login):
    xa, jy = EnterpriseFactory(county=regions["咸安区"]), EnterpriseFactory(county=regions["嘉鱼县"])
    now, two_ago = months_back(0), months_back(2)
    Alert.objects.create(kind="reached", enterprise=xa, month=now)
    Alert.objects.create(kind="reached", enterprise=jy, month=now)
    Alert.objects.create(kind="exit_risk", enterprise=xa, month=two_ago, status=AlertStatus.SUPPORTING)
    Alert.objects.create(kind="approach", enterprise=xa, month=two_ago, status=AlertStatus.DISMISSED, reason="注销")
    Alert.objects.create(kind="approach", enterprise=jy, month=months_back(12))  # outside the 12 months
    d = chart_data(login(users["admin"]).get("/alerts/").content.decode(), "alert-chart-data")
    assert len(d["months"]) == 12 and d["months"][0] == f"{months_back(11):%Y-%m}" and d["months"][-1] == f"{now:%Y-%m}"
    series = {s["key"]: dict(zip(d["months"], s["data"], strict=True)) for s in d["series"]}
    assert {k: {m: n for m, n in v.items() if n} for k, v in series.items()} == {
        "approach": {},
        "reached": {f"{now:%Y-%m}": 2},
        "exit_risk": {f"{two_ago:%Y-%m}": 1},
    }
    assert d["total"] == 3 and d["has_data"]
    client.logout()
    d = chart_data(login(users["jiayu"]).get("/alerts/").content.decode(), "alert-chart-data")
    assert d["total"] == 1 and next(s for s in d["series"] if s["key"] == "reached")["data"][-1] == 1


def test_pages_render_without_data(client, users, login):
    login(users["admin"])
    for url, element_id in (("/tiers/", "tier-chart-data"), ("/alerts/", "alert-chart-data")):
        html = client.get(url).content.decode()
        assert "暂无数据" in html and not chart_data(html, element_id)["has_data"]
        assert "vendor/echarts/echarts.min.js" not in html
    # the 小升规 chart still shows the pack's yearly quotas
    d = chart_data(client.get("/cultivation/").content.decode(), "quota-chart-data")
    assert d["new"] == [0, 0, 0] and d["has_data"]


def test_pages_render_with_nothing_at_all(client, empty_db, login):
    login(UserFactory(username="lonely", role="city_admin"))  # no pack, no regions, no enterprises
    for url, element_id in (
        ("/cultivation/", "quota-chart-data"),
        ("/tiers/", "tier-chart-data"),
        ("/alerts/", "alert-chart-data"),
    ):
        r = client.get(url)
        html = r.content.decode()
        assert r.status_code == 200 and "暂无数据" in html and not chart_data(html, element_id)["has_data"]
