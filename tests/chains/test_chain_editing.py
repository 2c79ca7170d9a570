"""Editing chain templates on the platform (XN-SYS-4, XN-CL-5): a city administrator creates a chain for a cluster and
edits its links in a table (name, stage, GB/T codes, products, flags, 下游环节 with branches, 最少企业数; rows added,
removed, reordered); the chain becomes `edited` and survives a pack reload; a link that holds enterprises cannot be
removed (Chinese message, nothing written); other roles are refused; every write is audited; chains are imported
from and exported to YAML/.xlsx through the pages."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
import yaml
from openpyxl import load_workbook

from chanye.chains import services
from chanye.chains.forms_edit import link_initial
from chanye.chains.models import Chain, ChainEdge
from chanye.core.access import SYSTEM
from chanye.core.models import AuditLog
from chanye.industry.models import Cluster
from chanye.industry.services import do_load_pack
from tests.chains.test_chain_io import workbook
from tests.factories import EnterpriseFactory, LinkEnterpriseFactory

pytestmark = pytest.mark.django_db
MINI_PACK = Path(__file__).resolve().parents[1] / "data" / "mini-pack.yaml"


def form_data(rows: list[dict], *, initial: int, **chain) -> dict[str, str]:
    """The POST of the editor: the chain's fields and the link table (management form included)."""
    data = {
        "links-TOTAL_FORMS": str(len(rows)),
        "links-INITIAL_FORMS": str(initial),
        "links-MIN_NUM_FORMS": "2",
        "links-MAX_NUM_FORMS": "1000",
    }
    data.update({k: str(v) for k, v in chain.items() if v is not None})
    for i, row in enumerate(rows):
        for k, v in row.items():
            if isinstance(v, bool):
                if v:
                    data[f"links-{i}-{k}"] = "on"
            elif v is not None:
                data[f"links-{i}-{k}"] = str(v)
        data.setdefault(f"links-{i}-ORDER", str(i + 1))
    return data


def edges(chain: Chain) -> set[tuple[str, str]]:
    return set(ChainEdge.objects.filter(source__chain=chain).values_list("source__name", "target__name"))


def names(chain: Chain) -> list[str]:
    return list(chain.links.order_by("position").values_list("name", flat=True))


def test_admin_creates_a_chain_for_a_cluster_from_the_link_table(users, login):
    client = login(users["admin"])
    page = client.get("/chains/new/?cluster=food")
    assert page.status_code == 200 and "新建产业链" in page.content.decode()
    rows = [
        {"name": "茶园种植", "stage": "upstream", "gbt4754": "0169", "products": "鲜叶、茶青"},
        {"name": "精制加工", "stage": "midstream", "gbt4754": "1530、1531", "key": True, "min_enterprises": 3},
        {"name": "茶饮销售", "stage": "downstream", "chokepoint": True},
        {"name": "", "stage": "midstream", "ORDER": 4},  # a row added and left blank is ignored
    ]
    food = Cluster.objects.get(code="food")
    resp = client.post("/chains/new/", form_data(rows, initial=0, name="青砖茶产业链", cluster=food.pk, code="tea"))

    assert resp.status_code == 302
    chain = Chain.objects.get(code="tea")
    assert chain.name == "青砖茶产业链" and chain.cluster == food and chain.edited and chain.is_active
    assert names(chain) == ["茶园种植", "精制加工", "茶饮销售"]
    mid = chain.links.get(name="精制加工")
    assert mid.gbt4754 == ["1530", "1531"] and mid.is_key and mid.min_enterprises == 3
    assert chain.links.get(name="茶园种植").products == ["鲜叶", "茶青"]
    assert edges(chain) == {("茶园种植", "精制加工"), ("精制加工", "茶饮销售")}
    log = AuditLog.objects.get(object_type="chains.chain", object_id=str(chain.pk))
    assert log.action == "create" and log.user == users["admin"] and log.after["links"][0]["name"] == "茶园种植"


def test_admin_edits_links_with_a_branch_reorders_and_removes_and_the_edit_survives_a_pack_reload(users, login):
    chain = Chain.objects.get(code="food-meat")
    assert not chain.edited
    client = login(users["admin"])
    page = client.get(f"/chains/{chain.pk}/edit/")
    assert page.status_code == 200 and "屠宰加工" in page.content.decode()

    rows = link_initial(chain)  # 生猪养殖, 屠宰加工 (→ 肉制品, 冷链物流), 肉制品, 冷链物流, 终端销售
    rows[2]["name"] = "熟肉制品"  # renamed (the 屠宰加工 row still says 肉制品: it follows the rename)
    rows[4]["DELETE"] = True  # 终端销售 removed
    rows[0]["next"] = "屠宰加工、饲料加工"  # a branch to a new link, added as the last row and moved up
    rows.append({"name": "饲料加工", "stage": "upstream", "gbt4754": "1320", "next": "无"})
    for row, order in zip(rows, [1, 3, 4, 6, 5, 2], strict=True):  # the 顺序 column, as the up/down buttons set it
        row["ORDER"] = order
    rows[3]["chokepoint"] = True
    resp = client.post(f"/chains/{chain.pk}/edit/", form_data(rows, initial=5, name="肉制品产业链（修订）"))

    assert resp.status_code == 302
    chain.refresh_from_db()
    assert chain.edited and chain.name == "肉制品产业链（修订）"
    assert names(chain) == ["生猪养殖", "饲料加工", "屠宰加工", "熟肉制品", "冷链物流"]
    assert edges(chain) == {
        ("生猪养殖", "屠宰加工"),
        ("生猪养殖", "饲料加工"),
        ("屠宰加工", "熟肉制品"),
        ("屠宰加工", "冷链物流"),
        ("熟肉制品", "冷链物流"),
    }
    assert chain.links.get(name="冷链物流").is_chokepoint
    after = services.chain_snapshot(chain)
    log = AuditLog.objects.filter(object_type="chains.chain", object_id=str(chain.pk)).latest("pk")
    assert log.action == "update" and log.before["name"] == "肉制品产业链" and log.after == after

    do_load_pack(actor=SYSTEM, path=MINI_PACK)

    chain.refresh_from_db()
    assert chain.is_active and services.chain_snapshot(chain) == after


def test_removing_a_link_that_has_enterprises_is_refused_with_a_chinese_message(users, regions, login):
    chain = Chain.objects.get(code="food-meat")
    link = chain.links.get(name="终端销售")
    LinkEnterpriseFactory(link=link, enterprise=EnterpriseFactory(county=regions["咸安区"]))
    before = services.chain_snapshot(chain)
    rows = link_initial(chain)
    rows[4]["DELETE"] = True
    rows[1]["name"] = "屠宰"  # an edit in the same submit is not written either

    resp = login(users["admin"]).post(f"/chains/{chain.pk}/edit/", form_data(rows, initial=5, name=chain.name))

    text = resp.content.decode()
    assert resp.status_code == 200
    assert "环节“终端销售”已有1家链上企业" in text and "不能删除" in text
    chain.refresh_from_db()
    assert services.chain_snapshot(chain) == before and not chain.edited


def test_spec_errors_are_shown_in_chinese_on_the_page_and_nothing_is_saved(users, login):
    chain = Chain.objects.get(code="food-meat")
    before = services.chain_snapshot(chain)
    rows = link_initial(chain)
    rows[0]["stage"] = "downstream"  # 下游 written before 中游
    rows[1]["gbt4754"] = "13a5"
    rows[2]["next"] = "不存在的环节"
    client = login(users["admin"])

    text = client.post(f"/chains/{chain.pk}/edit/", form_data(rows, initial=5, name=chain.name)).content.decode()
    assert "国民经济行业代码“13a5”应为2—4位数字" in text

    rows[1]["gbt4754"] = "1351"
    text = client.post(f"/chains/{chain.pk}/edit/", form_data(rows, initial=5, name=chain.name)).content.decode()
    assert "环节应按上游、中游、下游的顺序书写" in text and "下游环节“不存在的环节”未在本链中定义" in text
    chain.refresh_from_db()
    assert services.chain_snapshot(chain) == before


def test_a_row_left_without_a_name_is_reported_next_to_it(users, login):
    chain = Chain.objects.get(code="food-meat")
    rows = link_initial(chain)
    rows[1]["name"] = ""
    resp = login(users["admin"]).post(f"/chains/{chain.pk}/edit/", form_data(rows, initial=5, name=chain.name))
    assert resp.status_code == 200 and "这个字段是必填项" in resp.content.decode()


@pytest.mark.parametrize("who", ["xianan", "viewer", "auditor", "sysadmin", "qiye"])
def test_only_city_administrators_may_edit_import_export_or_deactivate_chains(users, two_counties, login, who):
    chain = Chain.objects.get(code="food-meat")
    before = services.chain_snapshot(chain)
    client = login(users[who])
    for url in (
        "/chains/new/",
        f"/chains/{chain.pk}/edit/",
        "/chains/import/",
        f"/chains/{chain.pk}/export.yaml",
        "/chains/export.xlsx",
    ):
        assert client.get(url).status_code in (403, 404), url
    rows = link_initial(chain)
    rows[0]["name"] = "改名"
    assert client.post(f"/chains/{chain.pk}/edit/", form_data(rows, initial=5, name="x")).status_code in (403, 404)
    assert client.post(f"/chains/{chain.pk}/deactivate/").status_code in (403, 404)
    chain.refresh_from_db()
    assert chain.is_active and services.chain_snapshot(chain) == before
    assert AuditLog.objects.filter(action="denied", user=users[who]).exists()


def test_anonymous_users_are_sent_to_log_in(client):
    resp = client.get("/chains/new/")
    assert resp.status_code == 302 and "login" in resp["Location"]


def test_admin_deactivates_a_chain_with_an_audit_row(users, login):
    chain = Chain.objects.get(code="food-meat")
    resp = login(users["admin"]).post(f"/chains/{chain.pk}/deactivate/")
    assert resp.status_code == 302
    chain.refresh_from_db()
    assert not chain.is_active and chain.edited
    log = AuditLog.objects.filter(object_type="chains.chain", object_id=str(chain.pk)).latest("pk")
    assert log.after == {"is_active": False} and log.user == users["admin"]

    do_load_pack(actor=SYSTEM, path=MINI_PACK)  # the pack does not bring it back
    chain.refresh_from_db()
    assert not chain.is_active


def test_admin_downloads_one_chain_or_all_chains_as_yaml_and_xlsx(users, login):
    chain = Chain.objects.get(code="food-meat")
    client = login(users["admin"])

    one = client.get(f"/chains/{chain.pk}/export.yaml")
    assert one.status_code == 200 and "attachment" in one["Content-Disposition"]
    doc = yaml.safe_load(one.content.decode())
    assert [c["code"] for c in doc["chains"]] == ["food-meat"] and doc["chains"][0]["cluster"] == "food"

    every = client.get("/chains/export.xlsx")
    wb = load_workbook(io.BytesIO(every.content))
    codes = [r[0] for r in list(wb["产业链"].iter_rows(values_only=True))[1:] if r[0]]
    assert set(codes) == set(Chain.objects.filter(is_active=True).values_list("code", flat=True))
    assert client.get("/chains/export.pdf").status_code == 404
    assert AuditLog.objects.filter(action="export", user=users["admin"]).count() == 2


def test_import_page_lists_chinese_errors_and_writes_nothing_then_imports_a_good_file(users, login):
    client = login(users["admin"])
    bad = workbook(
        [["tea", "茶产业链", "food", None, None, None, None]],
        [
            ["tea", None, "茶园", "上游", None, None, None, None, None, None, None],
            ["tea", None, "加工", "上流", None, None, None, None, None, None, None],
        ],
    )
    resp = client.post("/chains/import/", {"file": _upload("茶.xlsx", bad)})
    text = resp.content.decode()
    assert resp.status_code == 200 and "没有写入任何数据" in text
    assert "第3行" in text and "上流" in text and "应为 上游、中游 或 下游" in text
    assert not Chain.objects.filter(code="tea").exists()

    good = workbook(  # the same workbook with the stage fixed
        [["tea", "茶产业链", "food", None, None, None, None]],
        [
            ["tea", None, "茶园", "上游", None, None, None, None, None, None, None],
            ["tea", None, "加工", "中游", None, None, None, None, None, None, None],
        ],
    )
    resp = client.post("/chains/import/", {"file": _upload("茶.xlsx", good)})
    assert resp.status_code == 200 and "导入完成" in resp.content.decode()
    assert names(Chain.objects.get(code="tea")) == ["茶园", "加工"]


def test_import_page_refuses_other_file_types(users, login):
    resp = login(users["admin"]).post("/chains/import/", {"file": _upload("x.pdf", b"%PDF")})
    assert "请上传 .yaml/.yml 或 .xlsx 文件" in resp.content.decode()


def _upload(name: str, data: bytes):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, data)
