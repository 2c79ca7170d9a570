"""The chain pages (产业链图谱, XN-CL-5): the chain list by top-level cluster, one chain's map page with its data.json
(graph + per-link figures, county filter) and the link panel (local enterprises, attraction targets). City
administrators, viewers and county officers read them; enterprise users, auditors and system administrators find
nothing (404, recorded); a missing chain or a link of another chain is 404; data.json takes the same few queries
whatever the number of enterprises."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from chanye.chains.models import ChainEdge
from chanye.core.models import AuditLog
from chanye.industry.models import Cluster
from tests.factories import (
    AttractionTargetFactory,
    ChainFactory,
    ChainLinkFactory,
    EnterpriseFactory,
    LinkEnterpriseFactory,
    MonthlyFigureFactory,
)

pytestmark = pytest.mark.django_db
MONTH = dt.date(2025, 6, 1)


@pytest.fixture
def chain(regions):
    """纺织 chain on a sub-cluster: 纺纱 (咸安 leader + 嘉鱼 firm) → 织造 (key, empty, 1 target) → 成品 (卡脖子)."""
    parent = Cluster.objects.create(code="t-textile", name="测试纺织集群", sort_order=900)
    sub = Cluster.objects.create(code="t-textile-sub", name="测试纺纱子集群", parent=parent, sort_order=901)
    c = ChainFactory(name="测试纺织产业链", cluster=sub)
    spin = ChainLinkFactory(chain=c, name="纺纱", stage="upstream", position=1, products=["棉纱"])
    weave = ChainLinkFactory(chain=c, name="织造", stage="midstream", position=2, is_key=True)
    finish = ChainLinkFactory(chain=c, name="成品", stage="downstream", position=3, is_chokepoint=True)
    ChainEdge.objects.create(source=spin, target=weave)
    ChainEdge.objects.create(source=weave, target=finish)
    leader = EnterpriseFactory(county=regions["咸安区"], name="咸安纺纱龙头有限公司", is_above_scale=True)
    small = EnterpriseFactory(county=regions["嘉鱼县"], name="嘉鱼小纺纱厂")
    LinkEnterpriseFactory(link=spin, enterprise=leader, role="leader")
    LinkEnterpriseFactory(link=spin, enterprise=small)
    MonthlyFigureFactory(enterprise=leader, month=MONTH, output=Decimal("1234.5"))
    MonthlyFigureFactory(enterprise=small, month=MONTH, output=Decimal(100))
    AttractionTargetFactory(link=weave, name="江苏织造目标股份有限公司", location="江苏省苏州市", products="坯布")
    AttractionTargetFactory(link=weave, name="浙江织造目标有限公司", location="浙江省绍兴市", size="营收约30亿元")
    return {"chain": c, "spin": spin, "weave": weave, "finish": finish, "parent": parent, "sub": sub}


def pages(chain) -> list[str]:
    c = chain["chain"]
    return [
        "/chains/",
        f"/chains/{c.pk}/",
        f"/chains/{c.pk}/data.json",
        f"/chains/{c.pk}/links/{chain['spin'].pk}/",
        "/chains/gaps/",
    ]


@pytest.mark.parametrize("who", ["admin", "viewer", "xianan"])
def test_chain_pages_render_for_city_admin_viewer_and_county_officer(login, users, chain, who):
    client = login(users[who])
    for url in pages(chain):
        r = client.get(url)
        assert r.status_code == 200, url
    r = client.get("/")
    assert 'href="/chains/"' in r.content.decode() and "产业链图谱" in r.content.decode()  # the nav entry


@pytest.mark.parametrize("who", ["qiye", "auditor", "sysadmin"])
def test_enterprise_users_auditors_and_system_admins_find_no_chain_page(login, users, two_counties, chain, who):
    client = login(users[who])
    before = AuditLog.objects.filter(action="denied").count()
    for url in pages(chain):
        assert client.get(url).status_code == 404, url
    assert AuditLog.objects.filter(action="denied").count() == before + len(pages(chain))
    html = client.get("/accounts/password/").content.decode()
    assert "退出" in html and 'href="/chains/"' not in html  # the menu is there, without 产业链图谱


def test_anonymous_visitors_are_sent_to_sign_in(client, chain):
    r = client.get(f"/chains/{chain['chain'].pk}/data.json")
    assert r.status_code == 302 and "/accounts/login/" in r["Location"]


def test_missing_chain_and_a_link_of_another_chain_are_404(login, users, chain):
    client = login(users["admin"])
    other = ChainLinkFactory(chain=ChainFactory())
    pk = chain["chain"].pk
    assert client.get("/chains/999999/").status_code == 404
    assert client.get("/chains/999999/data.json").status_code == 404
    assert client.get(f"/chains/{pk}/links/{other.pk}/").status_code == 404
    assert client.get(f"/chains/{pk}/links/999999/").status_code == 404


def test_an_inactive_chain_is_gone_for_viewers_and_open_to_city_admins(login, users, chain):
    c = chain["chain"]
    c.is_active = False
    c.save(update_fields=["is_active"])
    assert login(users["viewer"]).get(f"/chains/{c.pk}/").status_code == 404
    r = login(users["admin"]).get(f"/chains/{c.pk}/")
    assert r.status_code == 200 and "已停用" in r.content.decode()
    assert c.name not in login(users["admin"]).get("/chains/").content.decode()  # the list shows active chains


def test_chain_list_groups_chains_under_their_top_level_cluster_with_status_counts(login, users, chain):
    r = login(users["admin"]).get("/chains/")
    group = next(g for g in r.context["groups"] if g["cluster"] == chain["parent"])
    (row,) = group["rows"]
    assert row["chain"] == chain["chain"] and row["sub_cluster"] == chain["sub"] and row["links"] == 3
    # 纺纱 2 firms (< 3): weak; 织造 and 成品: missing
    assert {c["key"]: c["n"] for c in row["counts"]} == {"strong": 0, "weak": 1, "single": 0, "missing": 2}
    assert [(col["label"], [x["f"].link.name for x in col["links"]]) for col in row["strip"]] == [
        ("上游", ["纺纱"]),
        ("中游", ["织造"]),
        ("下游", ["成品"]),
    ]
    html = r.content.decode()
    assert f'href="/chains/{chain["chain"].pk}/"' in html
    assert f'href="/chains/{chain["chain"].pk}/edit/"' in html  # city administrators edit chains
    assert 'id="f-county"' in html
    assert f'href="/chains/{chain["chain"].pk}/edit/"' not in login(users["viewer"]).get("/chains/").content.decode()


def test_chain_list_county_filter_for_the_city_and_a_fixed_county_for_officers(login, users, regions, chain):
    def counts(r):
        group = next(g for g in r.context["groups"] if g["cluster"] == chain["parent"])
        return {c["key"]: c["n"] for c in group["rows"][0]["counts"]}

    admin = login(users["admin"])
    jiayu = regions["嘉鱼县"]
    r = admin.get(f"/chains/?county={jiayu.code}")
    assert r.context["county"] == jiayu and counts(r)["weak"] == 1
    r = admin.get("/chains/?county=nonexistent")  # an unknown code: the whole city
    assert r.context["county"] is None
    officer = login(users["xianan"])
    r = officer.get(f"/chains/?county={jiayu.code}")  # officers cannot widen or move their scope
    assert r.context["county"] is None and r.context["fixed_county"] == regions["咸安区"]
    assert 'id="f-county"' not in r.content.decode() and 'id="county-fixed"' in r.content.decode()


def test_map_page_lists_every_link_with_its_figures_and_status(login, users, chain):
    r = login(users["admin"]).get(f"/chains/{chain['chain'].pk}/")
    html = r.content.decode()
    assert [x["f"].link.name for x in r.context["rows"]] == ["纺纱", "织造", "成品"]
    spin = r.context["rows"][0]["f"]
    assert (spin.enterprises, spin.above_scale, spin.output, spin.status) == (2, 1, Decimal("1334.5"), "weak")
    for text in (
        "导出 PNG",
        "导出 SVG",
        "较强",
        "薄弱",
        "缺失",
        "单一支撑",
        "企业2家，少于3家",
        "本地无企业",
        "chainmap.js",
    ):
        assert text in html, text
    assert f'data-url="/chains/{chain["chain"].pk}/data.json"' in html


def test_data_json_has_the_graph_and_every_links_figures(login, users, chain):
    c = chain["chain"]
    data = login(users["admin"]).get(f"/chains/{c.pk}/data.json").json()
    assert set(data) >= {"chain", "county", "window", "thresholds", "statuses", "stages", "nodes", "edges", "links"}
    assert data["chain"] == {"id": c.pk, "code": c.code, "name": "测试纺织产业链", "cluster": "测试纺纱子集群"}
    assert data["stages"] == ["上游", "中游", "下游"]
    assert data["window"] == {"from": "2024-07", "to": "2025-06"}
    assert data["thresholds"] == {"minEnterprises": 3, "minShare": 5.0}
    assert [s["label"] for s in data["statuses"]] == ["较强", "薄弱", "单一支撑", "缺失"]
    nodes = {n["name"]: n for n in data["nodes"]}
    assert set(nodes) == {"纺纱", "织造", "成品"}
    assert nodes["纺纱"]["x"] < nodes["织造"]["x"] < nodes["成品"]["x"]  # stage columns
    assert (nodes["织造"]["key"], nodes["成品"]["chokepoint"]) == (True, True)
    assert nodes["织造"]["status"] == "missing" and nodes["织造"]["itemStyle"]["color"] == "#dc3545"
    ids = {n["name"]: n["id"] for n in data["nodes"]}
    assert {(e["source"], e["target"]) for e in data["edges"]} == {
        (ids["纺纱"], ids["织造"]),
        (ids["织造"], ids["成品"]),
    }
    spin = next(x for x in data["links"] if x["name"] == "纺纱")
    assert spin == {
        "id": chain["spin"].pk,
        "code": chain["spin"].code,
        "name": "纺纱",
        "stage": "upstream",
        "stageLabel": "上游",
        "enterprises": 2,
        "aboveScale": 1,
        "leaders": 1,
        "output": 1334.5,
        "share": 100.0,
        "targets": 0,
        "status": "weak",
        "statusLabel": "薄弱",
        "reasons": ["企业2家，少于3家"],
        "key": False,
        "chokepoint": False,
    }
    assert next(x for x in data["links"] if x["name"] == "织造")["targets"] == 2


def test_data_json_county_filter_and_officer_scope(login, users, regions, chain):
    c = chain["chain"]
    jiayu = regions["嘉鱼县"]
    data = login(users["admin"]).get(f"/chains/{c.pk}/data.json?county={jiayu.code}").json()
    assert data["county"] == {"code": jiayu.code, "name": "嘉鱼县"}
    spin = next(x for x in data["links"] if x["name"] == "纺纱")
    assert (spin["enterprises"], spin["leaders"], spin["output"]) == (1, 0, 100.0)
    data = login(users["xianan"]).get(f"/chains/{c.pk}/data.json?county={jiayu.code}").json()
    spin = next(x for x in data["links"] if x["name"] == "纺纱")
    assert data["county"] is None and (spin["enterprises"], spin["leaders"], spin["output"]) == (1, 1, 1234.5)


def test_link_panel_lists_the_links_enterprises_and_its_attraction_targets(login, users, chain):
    c = chain["chain"]
    html = login(users["admin"]).get(f"/chains/{c.pk}/links/{chain['spin'].pk}/").content.decode()
    assert "<html" not in html  # a fragment
    leader, small = html.index("咸安纺纱龙头有限公司"), html.index("嘉鱼小纺纱厂")
    assert leader < small  # the chain leader first
    for text in ("咸安区", "嘉鱼县", "链主", "一般企业", "1235", "1335", "棉纱", "这个环节还没有招商目标"):
        assert text in html, text
    assert "/enterprises/" in html
    html = login(users["admin"]).get(f"/chains/{c.pk}/links/{chain['weave'].pk}/").content.decode()
    for text in (
        "江苏织造目标股份有限公司",
        "江苏省苏州市",
        "坯布",
        "浙江织造目标有限公司",
        "营收约30亿元",
        "本地暂无企业",
    ):
        assert text in html, text
    assert "添加招商目标" in html and "转为线索" in html  # city administrators add targets and leads


def test_link_panel_for_an_officer_shows_own_county_only_and_for_a_viewer_no_add_buttons(login, users, chain):
    c, spin = chain["chain"], chain["spin"]
    html = login(users["xianan"]).get(f"/chains/{c.pk}/links/{spin.pk}/").content.decode()
    assert "咸安纺纱龙头有限公司" in html and "嘉鱼小纺纱厂" not in html
    html = login(users["viewer"]).get(f"/chains/{c.pk}/links/{chain['weave'].pk}/").content.decode()
    assert "江苏织造目标股份有限公司" in html
    assert "添加招商目标" not in html and "转为线索" not in html


def test_data_json_takes_the_same_few_queries_whatever_the_number_of_enterprises(
    login, users, regions, chain, place, django_assert_max_num_queries
):
    client = login(users["xianan"])
    url = f"/chains/{chain['chain'].pk}/data.json"
    client.get(url)
    with CaptureQueriesContext(connection) as small:
        assert client.get(url).status_code == 200
    for k in range(60):
        place([chain["spin"], chain["weave"], chain["finish"]][k % 3], regions["咸安区"], k, above=k % 2 == 0)
        AttractionTargetFactory(link=chain["finish"])
    with django_assert_max_num_queries(14), CaptureQueriesContext(connection) as large:
        r = client.get(url)
    assert sum(x["enterprises"] for x in r.json()["links"]) == 61
    assert len(large) == len(small), [q["sql"][:80] for q in large.captured_queries]


def test_link_panel_takes_the_same_few_queries_whatever_the_number_of_enterprises(
    login, users, regions, chain, place, django_assert_max_num_queries
):
    client = login(users["admin"])
    url = f"/chains/{chain['chain'].pk}/links/{chain['spin'].pk}/"
    client.get(url)
    with CaptureQueriesContext(connection) as small:
        assert client.get(url).status_code == 200
    place(chain["spin"], regions["咸安区"], *range(1, 41))
    no_figures = EnterpriseFactory(county=regions["咸安区"], name="无统计数据公司")
    LinkEnterpriseFactory(link=chain["spin"], enterprise=no_figures)
    with django_assert_max_num_queries(16), CaptureQueriesContext(connection) as large:
        r = client.get(url)
    html = r.content.decode()
    assert "43 家" in html and "无统计数据公司" in html
    assert len(large) == len(small), [q["sql"][:80] for q in large.captured_queries]
    # an enterprise without statistics in the window shows no output rather than 0
    row = html.split("无统计数据公司")[1].split("</tr>")[0]
    assert row.rstrip().endswith('<td class="text-end">—</td>')


def test_chain_list_and_gap_list_take_the_same_queries_whatever_the_number_of_chains(
    login, users, regions, chain, place
):
    client = login(users["viewer"])
    client.get("/chains/")
    before = {}
    for url in ("/chains/", "/chains/gaps/"):
        with CaptureQueriesContext(connection) as q:
            assert client.get(url).status_code == 200
        before[url] = len(q)
    assert before["/chains/gaps/"] <= 17  # the output window and the pack's thresholds are read once per page
    for k in range(5):
        c = ChainFactory(cluster=chain["sub"])
        for pos in range(4):
            place(ChainLinkFactory(chain=c, position=pos, is_key=pos == 0), regions["咸安区"], k + pos)
    for url in ("/chains/", "/chains/gaps/"):
        with CaptureQueriesContext(connection) as q:
            r = client.get(url)
        assert len(q) == before[url], url
    assert len(r.context["rows"]) >= 5 * 4 + 3
