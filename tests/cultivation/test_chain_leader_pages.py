"""The chain-leader pages as users use them: selection steps, duties, visits, demands, relations, claims, exports,
scoping by county and refusals shown in Chinese."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.contrib.messages import get_messages
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from chanye.cultivation.models import ChainLeader, LeaderDemand, SubsidyClaim
from chanye.industry.models import Industry
from tests.factories import PASSWORD, EnterpriseFactory, ListedLeaderFactory, UserFactory

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()


def post(client, leader, **data):
    return client.post(reverse("cultivation:leader_action", args=[leader.pk]), data, follow=True)


def msgs(resp):
    return [str(m) for m in get_messages(resp.wsgi_request)]


def as_user(user):
    c = Client()
    assert c.login(username=user.username, password=PASSWORD)
    return c


def test_selection_through_the_web_from_application_to_the_list(users, regions, login):
    e = EnterpriseFactory(county=regions["咸安区"], name="咸安链主候选有限公司")
    food = Industry.objects.get(code="food")
    officer = login(users["xianan"])
    r = officer.post(reverse("cultivation:leader_apply"), {"enterprise": e.uscc, "industry": food.pk}, follow=True)
    leader = ChainLeader.objects.get(enterprise=e)
    assert r.status_code == 200 and "已登记" in msgs(r)[0]
    admin = as_user(users["admin"])
    post(admin, leader, action="start_review")
    scores = {"score_scale": 80, "score_influence": 70, "score_innovation": 90, "score_growth": 60}
    r = post(admin, leader, action="notice", start="2025-04-01", end="2025-04-09")
    assert "评审人数不足" in msgs(r)[0]
    assert post(as_user(users["viewer"]), leader, action="score", **scores).status_code == 404  # viewers only read
    for u in (users["admin"], UserFactory(username="expert", role="city_admin"), UserFactory(role="city_admin")):
        post(as_user(u), leader, action="score", **scores)
    r = post(admin, leader, action="notice", start=(TODAY - dt.timedelta(days=10)).isoformat(), end="")
    assert "不是有效日期" in msgs(r)[0]
    start, end = TODAY - dt.timedelta(days=10), TODAY - dt.timedelta(days=3)
    post(admin, leader, action="notice", start=start.isoformat(), end=end.isoformat())
    post(officer, leader, action="object", on=(start + dt.timedelta(days=1)).isoformat(), content="环保处罚未整改")
    r = post(admin, leader, action="approve", on=TODAY.isoformat())
    assert "未处理的公示异议" in msgs(r)[0]
    obj = leader.objections.get()
    post(admin, leader, action="settle", objection=obj.pk, upheld="0", resolution="已核实整改到位")
    r = post(admin, leader, action="approve", on=TODAY.isoformat())
    leader.refresh_from_db()
    assert leader.status == "listed" and leader.score == 76.5
    page = admin.get(reverse("cultivation:leaders")).content.decode()
    assert "咸安链主候选有限公司" in page and "未指定包保领导" in page


def test_ledgers_on_the_leader_page(users, regions):
    leader = ListedLeaderFactory(enterprise__county=regions["咸安区"], approved_on=dt.date(TODAY.year - 1, 1, 5))
    c = as_user(users["xianan"])
    y = str(TODAY.year)
    r = post(c, leader, action="official", name="李四", post="科长", rank="section", since=f"{TODAY.year}-01-01")
    assert "副县级以上" in msgs(r)[0]
    post(c, leader, action="official", name="张三", post="副区长", rank="deputy_county", since=f"{TODAY.year}-01-01")
    post(c, leader, action="visit", on=TODAY.isoformat(), summary="座谈", demands="用工缺口\n电力增容", year=y)
    assert LeaderDemand.objects.filter(leader=leader).count() == 2
    d = LeaderDemand.objects.filter(leader=leader).first()
    r = post(c, leader, action="demand_step", demand=d.pk, to="closed", response="x")
    assert "不能转为“已办结”" in msgs(r)[0]
    post(c, leader, action="demand_step", demand=d.pk, to="handling", department="区人社局")
    post(c, leader, action="activity", kind="project", on=TODAY.isoformat(), name="新能源项目", amount="6000", year=y)
    r = post(c, leader, action="activity", kind="mna", on=TODAY.isoformat(), name="并购", amount="", year=y)
    assert "请填写金额" in msgs(r)[0]
    post(c, leader, action="relation", direction="upstream", partner_name="外地供应商", amount="700", year=y)
    post(
        c,
        leader,
        action="relation",
        direction="upstream",
        partner_name="本地供应商",
        amount="300",
        is_local="1",
        year=y,
    )
    page = c.get(reverse("cultivation:leader", args=[leader.pk]) + f"?year={y}").content.decode()
    assert 'id="finance-no-chain"' in page  # XN-LZ-11: the bank is the chain's; this leader is on no chain map
    assert "新能源项目" in page and "30.00%" in page and "区人社局" in page and "张三" in page
    assert 'id="claim-form"' not in page  # only the city enters claims


def test_a_claim_that_breaks_a_rule_is_refused_with_the_reason(users, regions):
    leader = ListedLeaderFactory(enterprise__county=regions["咸安区"])
    admin = as_user(users["admin"])
    r = post(admin, leader, action="claim", kind="mna_cost", project="并购甲", amount="25", cost="100", year="2025")
    assert "不予登记" in msgs(r)[0] and "20万元" in msgs(r)[0] and not SubsidyClaim.objects.exists()
    post(admin, leader, action="claim", kind="mna_cost", project="并购甲", amount="20", cost="100", year="2025")
    assert SubsidyClaim.objects.count() == 1
    food = leader.industry
    r = admin.post(
        reverse("cultivation:claim_event"),
        {"industry": food.pk, "amount": "10.5", "project": "食品产业高峰会", "year": "2025"},
        follow=True,
    )
    assert "XN-LZ-8" in msgs(r)[0]
    assert "食品产业高峰会" not in admin.get(reverse("cultivation:claims") + "?year=2025").content.decode()


def test_pages_are_scoped_and_viewers_read_only(users, regions):
    leader = ListedLeaderFactory(enterprise__county=regions["咸安区"])
    other = as_user(users["jiayu"])
    assert other.get(reverse("cultivation:leader", args=[leader.pk])).status_code == 404
    assert other.post(reverse("cultivation:leader_action", args=[leader.pk]), {"action": "demand"}).status_code == 404
    viewer = as_user(users["viewer"])
    assert viewer.get(reverse("cultivation:leader", args=[leader.pk])).status_code == 200
    r = post(viewer, leader, action="demand", content="x", on="2025-03-01")
    assert r.status_code == 404 and not LeaderDemand.objects.exists()
    assert as_user(users["auditor"]).get(reverse("cultivation:leaders")).status_code == 404


def test_exports_of_the_library_and_the_demands(users, regions):
    leader = ListedLeaderFactory(enterprise__county=regions["咸安区"])
    ListedLeaderFactory(enterprise__county=regions["嘉鱼县"])
    LeaderDemand.objects.create(leader=leader, raised_on=dt.date(2025, 3, 1), content="融资需求")
    c = as_user(users["xianan"])
    wb = load_workbook(io.BytesIO(c.get(reverse("cultivation:leader_export", args=["leaders"]) + "?year=2025").content))
    rows = list(wb.active.iter_rows(values_only=True))
    assert rows[0][0] == "重点产业" and len(rows) == 2 and rows[1][1] == leader.enterprise.uscc
    wb = load_workbook(io.BytesIO(c.get(reverse("cultivation:leader_export", args=["demands"])).content))
    rows = list(wb.active.iter_rows(values_only=True))
    assert rows[1][4] == "融资需求"
    assert c.get(reverse("cultivation:demands")).status_code == 200


def test_api_gives_a_leaders_duties_visits_and_demands_within_scope(users, regions):
    leader = ListedLeaderFactory(enterprise__county=regions["咸安区"])
    LeaderDemand.objects.create(leader=leader, raised_on=dt.date(2025, 3, 1), content="融资需求")
    body = as_user(users["xianan"]).get(f"/api/v1/chain-leaders/{leader.pk}?year=2025").json()
    assert body["year"] == 2025 and body["demands"][0]["content"] == "融资需求"
    assert [d["rule"] for d in body["duties"]] == ["XN-LZ-3", "XN-LZ-3", "XN-LZ-4", "XN-LZ-5"]
    assert float(body["duties"][0]["min_amount"]) == 5000
    assert as_user(users["jiayu"]).get(f"/api/v1/chain-leaders/{leader.pk}").status_code == 404
