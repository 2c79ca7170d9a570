"""The gap list (缺失/薄弱环节清单, XN-CL-5) across all chains, per cluster (with its sub-clusters) and per county,
and its .xlsx export with the same filters and columns, recorded in the audit log; a county officer's list counts
only their county."""

from __future__ import annotations

import io
from decimal import Decimal

import pytest
from openpyxl import load_workbook

from chanye.core.models import AuditLog
from chanye.industry.models import Cluster
from tests.factories import AttractionTargetFactory, ChainFactory, ChainLinkFactory

pytestmark = pytest.mark.django_db
HEADERS = ["集群", "产业链", "环节", "位置", "状态", "原因", "企业数", "规上", "产值占比(%)", "招商目标数"]


@pytest.fixture
def library(mini_pack, regions, place):
    """Two clusters (纺织 with a sub-cluster, 电子) with one chain each; the mini pack's own chains deactivated.

    纺织链 (on the sub-cluster): 纺纱 strong (3 in 咸安), 织造 weak (2: 咸安 + 嘉鱼, 2 targets), 印染 missing.
    电子链: 面板 key link with one 嘉鱼 firm and its own minimum 1 → single, 模组 missing.
    """
    from chanye.chains.models import Chain

    Chain.objects.update(is_active=False)
    textile = Cluster.objects.create(code="t-textile", name="测试纺织集群", sort_order=900)
    sub = Cluster.objects.create(code="t-textile-sub", name="测试纺纱子集群", parent=textile, sort_order=901)
    electronics = Cluster.objects.create(code="t-elec", name="测试电子集群", sort_order=902)
    xa, jy = regions["咸安区"], regions["嘉鱼县"]
    tc = ChainFactory(name="测试纺织链", cluster=sub, sort_order=1)
    spin = ChainLinkFactory(chain=tc, name="纺纱", stage="upstream", position=1)
    weave = ChainLinkFactory(chain=tc, name="织造", stage="midstream", position=2)
    ChainLinkFactory(chain=tc, name="印染", stage="downstream", position=3)
    place(spin, xa, 1000, 1000, 1000, above=True)
    place(weave, xa, 300, above=True)
    place(weave, jy, 200)
    AttractionTargetFactory(link=weave)
    AttractionTargetFactory(link=weave)
    ec = ChainFactory(name="测试电子链", cluster=electronics, sort_order=2)
    panel = ChainLinkFactory(chain=ec, name="面板", stage="midstream", position=1, is_key=True, min_enterprises=1)
    ChainLinkFactory(chain=ec, name="模组", stage="downstream", position=2)
    place(panel, jy, 800, above=True)
    return {"textile": textile, "sub": sub, "electronics": electronics}


def rows(response) -> list[tuple[str, str, str]]:
    return [(r["chain"].name, r["link"].name, r["status"]) for r in response.context["rows"]]


def workbook_rows(response) -> list[list]:
    ws = load_workbook(io.BytesIO(response.content)).active
    return [list(r) for r in ws.iter_rows(values_only=True)]


def test_xn_cl_5_gap_list_covers_every_chain_missing_first_and_leaves_strong_links_out(login, users, library):
    r = login(users["admin"]).get("/chains/gaps/")
    assert r.status_code == 200
    assert rows(r) == [
        ("测试纺织链", "印染", "missing"),
        ("测试纺织链", "织造", "weak"),
        ("测试电子链", "模组", "missing"),
        ("测试电子链", "面板", "single"),
    ]
    header = r.content.decode().split('id="gaps"')[1].split("</thead>")[0]
    for column in ("集群", "产业链", "环节", "位置", "状态", "原因", "企业数", "规上", "产值占比", "招商目标数"):
        assert f"{column}</th>" in header, column
    weave = next(x for x in r.context["rows"] if x["link"].name == "织造")
    assert (weave["cluster"], weave["stage"], weave["reasons"]) == ("测试纺纱子集群", "中游", "企业2家，少于3家")
    assert (weave["f"].enterprises, weave["f"].above_scale, weave["f"].share, weave["f"].targets) == (
        2,
        1,
        Decimal("14.3"),  # 500 of 3,500
        2,
    )
    assert {c["key"]: c["n"] for c in r.context["counts"]} == {"missing": 2, "single": 1, "weak": 1}


def test_gap_list_per_cluster_includes_its_sub_clusters(login, users, library):
    client = login(users["admin"])
    assert {c for c, _, _ in rows(client.get("/chains/gaps/?cluster=t-textile"))} == {"测试纺织链"}
    assert {c for c, _, _ in rows(client.get("/chains/gaps/?cluster=t-textile-sub"))} == {"测试纺织链"}
    assert {c for c, _, _ in rows(client.get("/chains/gaps/?cluster=t-elec"))} == {"测试电子链"}
    options = [c.code for c in client.get("/chains/gaps/").context["clusters"]]
    assert options.index("t-textile") < options.index("t-textile-sub") and "t-elec" in options


def test_gap_list_per_county(login, users, regions, library):
    r = login(users["admin"]).get(f"/chains/gaps/?county={regions['咸安区'].code}")
    assert rows(r) == [
        ("测试纺织链", "印染", "missing"),
        ("测试纺织链", "织造", "weak"),  # one 咸安 firm
        ("测试电子链", "面板", "missing"),  # its only firm is in 嘉鱼
        ("测试电子链", "模组", "missing"),
    ]
    r = login(users["admin"]).get(f"/chains/gaps/?county={regions['嘉鱼县'].code}&cluster=t-textile")
    assert rows(r) == [
        ("测试纺织链", "纺纱", "missing"),
        ("测试纺织链", "印染", "missing"),
        ("测试纺织链", "织造", "weak"),
    ]


def test_a_county_officers_gap_list_counts_their_county_only(login, users, regions, library):
    r = login(users["jiayu"]).get(f"/chains/gaps/?county={regions['咸安区'].code}")  # cannot look at 咸安
    assert ("测试电子链", "面板", "single") in rows(r)
    assert ("测试纺织链", "纺纱", "missing") in rows(r)


def test_export_has_the_same_rows_and_columns_as_the_page_and_is_audited(login, users, regions, library):
    client = login(users["admin"])
    query = f"?cluster=t-textile&county={regions['咸安区'].code}"
    page = client.get(f"/chains/gaps/{query}")
    assert f'href="/chains/gaps.xlsx{query.replace("&", "&amp;")}"' in page.content.decode()
    before = AuditLog.objects.filter(action="export").count()
    r = client.get(f"/chains/gaps.xlsx{query}")
    assert r.status_code == 200
    assert r["Content-Type"].startswith("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    assert "attachment" in r["Content-Disposition"]
    data = workbook_rows(r)
    assert data[0] == HEADERS
    assert data[1:] == [
        ["测试纺纱子集群", "测试纺织链", "印染", "下游", "缺失", "本地无企业", 0, 0, 0, 0],
        ["测试纺纱子集群", "测试纺织链", "织造", "中游", "薄弱", "企业1家，少于3家", 1, 1, 9.1, 2],
    ]
    log = AuditLog.objects.filter(action="export").order_by("-pk").first()
    assert AuditLog.objects.filter(action="export").count() == before + 1
    assert "测试纺织集群" in log.message and "咸安区" in log.message


def test_export_of_all_chains_leaves_the_share_empty_without_output(login, users, library):
    from chanye.enterprises.models import MonthlyFigure

    MonthlyFigure.objects.all().delete()
    data = workbook_rows(login(users["viewer"]).get("/chains/gaps.xlsx"))
    assert [row[2] for row in data[1:]] == ["印染", "织造", "模组", "面板"]
    assert {row[8] for row in data[1:]} == {None}


@pytest.mark.parametrize("who", ["qiye", "auditor"])
def test_enterprise_users_and_auditors_cannot_export_the_gap_list(login, users, two_counties, library, who):
    assert login(users[who]).get("/chains/gaps.xlsx").status_code == 404
