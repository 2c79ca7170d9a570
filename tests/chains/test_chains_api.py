"""/api/v1/chains/ and /api/v1/leads/ (issue 6 §7): the shape of a chain with its links and figures, the gap list, the
lead pipeline with its history — and the same scope as the pages: a county officer gets their own county's figures
whatever `?county=` says and 404 on another county's leads; other roles find nothing; anonymous requests are refused."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from chanye.accounts.services import do_issue_token
from chanye.chains.leads import do_move_lead, do_save_lead
from chanye.chains.models import Chain, Lead
from chanye.core.access import SYSTEM
from chanye.core.models import AuditLog
from chanye.industry.models import Cluster
from tests.factories import (
    AttractionTargetFactory,
    EnterpriseFactory,
    LeadFactory,
    LinkEnterpriseFactory,
    MonthlyFigureFactory,
)

pytestmark = pytest.mark.django_db
M = dt.date(2025, 6, 1)


def bearer(user) -> dict[str, str]:
    return {"Authorization": f"Bearer {do_issue_token(actor=SYSTEM, user=user)}"}


@pytest.fixture
def meat(regions):
    """The mini pack's 肉制品产业链: 屠宰加工 (key link) held by one 咸安 firm and one 嘉鱼 firm, 肉制品 by a 咸安 firm;
    a target on 冷链物流."""
    chain = Chain.objects.get(code="food-meat")
    links = {x.name: x for x in chain.links.all()}
    xa, jy = regions["咸安区"], regions["嘉鱼县"]
    firms = {
        "xa_slaughter": EnterpriseFactory(county=xa, name="咸安屠宰公司", is_above_scale=True),
        "jy_slaughter": EnterpriseFactory(county=jy, name="嘉鱼屠宰公司"),
        "xa_meat": EnterpriseFactory(county=xa, name="咸安肉制品公司"),
    }
    LinkEnterpriseFactory(link=links["屠宰加工"], enterprise=firms["xa_slaughter"], role="leader")
    LinkEnterpriseFactory(link=links["屠宰加工"], enterprise=firms["jy_slaughter"])
    LinkEnterpriseFactory(link=links["肉制品"], enterprise=firms["xa_meat"])
    MonthlyFigureFactory(enterprise=firms["xa_slaughter"], month=M, output=Decimal("300"))
    MonthlyFigureFactory(enterprise=firms["jy_slaughter"], month=M, output=Decimal("600"))
    MonthlyFigureFactory(enterprise=firms["xa_meat"], month=M, output=Decimal("100"))
    AttractionTargetFactory(link=links["冷链物流"], name="外地冷链物流股份有限公司")
    return chain


def _link(body: dict, name: str) -> dict:
    return next(x for x in body["chain_links"] if x["name"] == name)


def test_openapi_lists_the_chain_and_lead_endpoints(users, login):
    paths = set(login(users["viewer"]).get("/api/v1/openapi.json").json()["paths"])
    assert {
        "/api/v1/chains/",
        "/api/v1/chains/{chain_id}",
        "/api/v1/chains/{chain_id}/gaps",
        "/api/v1/leads/",
        "/api/v1/leads/{lead_id}",
    } <= paths


def test_chain_detail_gives_links_in_order_with_figures_and_successors(client, users, meat):
    body = client.get(f"/api/v1/chains/{meat.pk}", headers=bearer(users["admin"])).json()
    assert body["code"] == "food-meat" and body["cluster_code"] == "food" and body["links"] == 5
    assert [x["name"] for x in body["chain_links"]] == ["生猪养殖", "屠宰加工", "肉制品", "冷链物流", "终端销售"]
    slaughter = _link(body, "屠宰加工")
    assert slaughter["stage"] == "midstream" and slaughter["stage_label"] == "中游"
    assert slaughter["key"] is True and slaughter["chokepoint"] is False
    assert slaughter["gbt4754"] == ["1351"] and slaughter["products"] == ["冷鲜肉"]
    names = {x["code"]: x["name"] for x in body["chain_links"]}
    assert sorted(names[c] for c in slaughter["next"]) == ["冷链物流", "肉制品"]
    f = slaughter["figures"]
    assert (f["enterprises"], f["above_scale"], f["leaders"]) == (2, 1, 1)
    assert Decimal(f["output"]) == 900 and Decimal(f["share"]) == Decimal("90.0")
    assert f["status"] == "weak" and f["status_label"] == "薄弱" and f["reasons"]
    cold = _link(body, "冷链物流")["figures"]
    assert cold["status"] == "missing" and cold["reasons"] == ["本地无企业"] and cold["targets"] == 1
    assert body["enterprises"] == 3 and body["status_counts"] == {"missing": 3, "weak": 2, "single": 0, "strong": 0}


def test_county_officer_gets_their_own_countys_figures_whatever_the_query_says(client, users, meat):
    h = bearer(users["jiayu"])
    for url in (f"/api/v1/chains/{meat.pk}", f"/api/v1/chains/{meat.pk}?county=421202"):
        body = client.get(url, headers=h).json()
        f = _link(body, "屠宰加工")["figures"]
        assert (f["enterprises"], Decimal(f["output"]), Decimal(f["share"])) == (1, 600, 100)
        assert f["status"] == "weak" and "关键环节仅一家企业支撑" in f["reasons"]
        assert _link(body, "肉制品")["figures"]["status"] == "missing"
        assert body["enterprises"] == 1 and body["county_code"] == "421221"  # the officer's own unit
    gaps = client.get(f"/api/v1/chains/{meat.pk}/gaps?county=421202", headers=h).json()
    assert gaps["county"] == "嘉鱼县" and "肉制品" in [g["name"] for g in gaps["gaps"]]


def test_city_user_may_narrow_figures_to_one_county_and_an_unknown_county_is_404(client, users, meat):
    h = bearer(users["viewer"])
    body = client.get(f"/api/v1/chains/{meat.pk}?county=421202", headers=h).json()
    assert body["county_code"] == "421202" and _link(body, "屠宰加工")["figures"]["enterprises"] == 1
    assert _link(body, "肉制品")["figures"]["enterprises"] == 1
    assert client.get(f"/api/v1/chains/{meat.pk}?county=999999", headers=h).status_code == 404


def test_gaps_list_missing_links_first_and_leave_out_strong_ones(client, users, meat):
    body = client.get(f"/api/v1/chains/{meat.pk}/gaps", headers=bearer(users["admin"])).json()
    statuses = [g["figures"]["status"] for g in body["gaps"]]
    assert statuses == ["missing", "missing", "missing", "weak", "weak"]
    assert [g["name"] for g in body["gaps"]][:3] == ["生猪养殖", "冷链物流", "终端销售"]
    assert body["county"] is None and body["chain_code"] == "food-meat"


def test_chain_list_counts_statuses_and_filters_by_cluster(client, users, meat):
    h = bearer(users["admin"])
    rows = client.get("/api/v1/chains/", headers=h).json()
    row = next(r for r in rows if r["code"] == "food-meat")
    assert row["links"] == 5 and row["enterprises"] == 3
    assert row["status_counts"] == {"missing": 3, "weak": 2, "single": 0, "strong": 0}
    cold = Cluster.objects.get(code="food-cold-chain")
    assert {r["code"] for r in client.get("/api/v1/chains/?cluster=food", headers=h).json()} == {
        c.code for c in Chain.objects.filter(is_active=True, cluster__in=[cold, cold.parent])
    }
    assert client.get("/api/v1/chains/?cluster=electronics", headers=h).json() == []
    assert client.get("/api/v1/chains/?cluster=nope", headers=h).json() == []
    mine = client.get("/api/v1/chains/", headers=bearer(users["xianan"])).json()
    assert next(r for r in mine if r["code"] == "food-meat")["enterprises"] == 2


def test_inactive_chain_is_404_to_readers_who_cannot_edit_it(client, users, meat):
    Chain.objects.filter(pk=meat.pk).update(is_active=False)
    assert client.get(f"/api/v1/chains/{meat.pk}", headers=bearer(users["viewer"])).status_code == 404
    assert client.get(f"/api/v1/chains/{meat.pk}", headers=bearer(users["admin"])).status_code == 200
    assert "food-meat" not in {r["code"] for r in client.get("/api/v1/chains/", headers=bearer(users["admin"])).json()}


@pytest.fixture
def leads(regions, users, meat):
    xa, jy = regions["咸安区"], regions["嘉鱼县"]
    link = meat.links.get(name="冷链物流")
    today = timezone.localdate()
    a = do_save_lead(
        actor=users["xianan"],
        lead=Lead(),
        data={"company": "外地冷链物流股份有限公司", "county_id": xa.pk, "link_id": link.pk,
              "owner_id": users["xianan"].pk, "found_on": today - dt.timedelta(days=30)},
    )  # fmt: skip
    do_move_lead(actor=users["xianan"], lead=a, to="contact", on=today - dt.timedelta(days=20), note="首次电话接洽")
    b = LeadFactory(code="ZS-T-0001", county=jy, company="嘉鱼线索实业有限公司", owner_name="李四")
    c = LeadFactory(code="ZS-T-0002", county=xa, company="咸安另一线索有限公司", owner_name="王五")
    return {"xa": Lead.objects.get(pk=a.pk), "jy": b, "xa2": c}


def test_lead_list_is_paginated_filtered_and_scoped(client, users, leads):
    h = bearer(users["admin"])

    def companies(q: str = "", headers=h) -> set[str]:
        return {r["company"] for r in client.get(f"/api/v1/leads/?{q}", headers=headers).json()["results"]}

    assert companies() == {"外地冷链物流股份有限公司", "嘉鱼线索实业有限公司", "咸安另一线索有限公司"}
    assert companies("stage=contact") == {"外地冷链物流股份有限公司"}
    assert companies("stage=bogus") == set()
    assert companies("cluster=food") == {"外地冷链物流股份有限公司"}  # the link's chain gives the cluster
    assert companies("county=421221") == {"嘉鱼线索实业有限公司"}
    assert companies("owner=xianan") == {"外地冷链物流股份有限公司"} and companies("owner=李四") == {
        "嘉鱼线索实业有限公司"
    }
    body = client.get("/api/v1/leads/?page_size=2&page=2", headers=h).json()
    assert (body["count"], body["page"], len(body["results"])) == (3, 2, 1)
    assert client.get("/api/v1/leads/?page_size=2&page=9", headers=h).json()["results"] == []
    mine = bearer(users["xianan"])
    assert companies(headers=mine) == {"外地冷链物流股份有限公司", "咸安另一线索有限公司"}
    assert companies("county=421221", headers=mine) == set()  # the filter cannot widen the scope
    row = next(r for r in client.get("/api/v1/leads/", headers=h).json()["results"] if r["code"] == leads["xa"].code)
    assert row["stage_label"] == "接洽" and row["link"] == "冷链物流" and row["chain"] == "肉制品产业链"
    assert row["county"] == "咸安区" and row["cluster_code"] == "food" and row["owner_username"] == "xianan"


def test_lead_detail_has_its_events_and_another_countys_lead_is_404(client, users, leads):
    h = bearer(users["xianan"])
    body = client.get(f"/api/v1/leads/{leads['xa'].pk}", headers=h).json()
    assert [(e["from_stage"], e["to_stage"]) for e in body["events"]] == [("", "clue"), ("clue", "contact")]
    assert body["events"][1]["to_stage_label"] == "接洽" and body["events"][1]["note"] == "首次电话接洽"
    assert body["events"][1]["user"] == "xianan" and body["contacted_on"] is not None
    assert client.get(f"/api/v1/leads/{leads['jy'].pk}", headers=h).status_code == 404
    denied = AuditLog.objects.filter(action="denied", username="xianan", object_type="chains.lead")
    assert [d.object_id for d in denied] == [str(leads["jy"].pk)]
    assert client.get(f"/api/v1/leads/{leads['jy'].pk}", headers=bearer(users["jiayu"])).status_code == 200
    assert client.get("/api/v1/leads/999999", headers=h).status_code == 404


@pytest.mark.parametrize("who", ["auditor", "sysadmin", "qiye"])
def test_roles_without_business_reads_find_nothing(client, users, two_counties, leads, meat, who):
    h = bearer(users[who])
    for url in ("/api/v1/chains/", f"/api/v1/chains/{meat.pk}", f"/api/v1/chains/{meat.pk}/gaps",
                "/api/v1/leads/", f"/api/v1/leads/{leads['xa'].pk}"):  # fmt: skip
        assert client.get(url, headers=h).status_code == 404, url


def test_unauthenticated_requests_are_refused(client, leads, meat):
    for url in ("/api/v1/chains/", f"/api/v1/chains/{meat.pk}", f"/api/v1/chains/{meat.pk}/gaps",
                "/api/v1/leads/", f"/api/v1/leads/{leads['xa'].pk}"):  # fmt: skip
        r = client.get(url)
        assert r.status_code == 401 and "未认证" in r.json()["detail"], url
    assert client.get("/api/v1/leads/", headers={"Authorization": "Bearer nonsense"}).status_code == 401
