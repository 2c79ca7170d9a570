"""Enterprises on chain links (XN-CL-5 "一企带一链", XN-LZ-11 链主 + 链属企业): placing an enterprise with a role,
changing the role and removing it on the page (audited through the services); a county officer sees and places
only their own county's enterprises; 按行业代码推荐 lists the enterprises whose GB/T 4754 class falls under a
link's codes and adds one or all of them; the placement importer (`chain_members`) writes all rows or none."""

from __future__ import annotations

import io

import pytest
from openpyxl import load_workbook

from chanye.chains.importers import LinkMemberImporter
from chanye.chains.models import Chain, LinkEnterprise
from chanye.chains.views_edit import recommendations
from chanye.core.access import SYSTEM
from chanye.core.imports import registry
from chanye.core.imports.runner import run_import
from chanye.core.models import AuditLog, ImportBatch
from tests.factories import EnterpriseFactory, LinkEnterpriseFactory
from tests.helpers import xlsx

pytestmark = pytest.mark.django_db
HEADER = ["统一社会信用代码", "企业名称", "产业链编号", "环节名称", "环节编号", "角色"]


@pytest.fixture
def meat(mini_pack) -> Chain:
    """The 肉制品 chain of the test pack: 生猪养殖 (0313), 屠宰加工 (1351), 肉制品 (1353), 冷链物流 (5432, 5930) …"""
    return Chain.objects.get(code="food-meat")


@pytest.fixture
def firms(regions):
    return {
        "xa_slaughter": EnterpriseFactory(county=regions["咸安区"], name="咸安屠宰有限公司", industry_code_id="1351"),
        "jy_slaughter": EnterpriseFactory(
            county=regions["嘉鱼县"], name="嘉鱼屠宰有限公司", industry_code_id="1351", is_above_scale=True
        ),
        "xa_meat": EnterpriseFactory(county=regions["咸安区"], name="咸安肉制品有限公司", industry_code_id="1353"),
        "xa_pig": EnterpriseFactory(county=regions["咸安区"], name="咸安生猪养殖场", industry_code_id="0313"),
        "gx_chip": EnterpriseFactory(county=regions["咸宁高新区"], name="高新芯片有限公司", industry_code_id="3973"),
    }


def link(chain: Chain, name: str):
    return chain.links.get(name=name)


def members(chain: Chain) -> set[tuple[str, str, str]]:
    return set(LinkEnterprise.objects.filter(link__chain=chain).values_list("link__name", "enterprise__name", "role"))


# ---------------------------------------------------------------- the page


def test_admin_places_an_enterprise_by_uscc_or_name_changes_its_role_and_removes_it(users, login, meat, firms):
    client = login(users["admin"])
    page = client.get(f"/chains/{meat.pk}/members/")
    assert page.status_code == 200 and "屠宰加工" in page.content.decode()
    slaughter = link(meat, "屠宰加工")

    resp = client.post(
        f"/chains/{meat.pk}/members/",
        {"action": "add", "link": slaughter.pk, "enterprise": firms["jy_slaughter"].uscc, "role": "leader"},
    )
    assert resp.status_code == 302 and resp["Location"].endswith(f"#link-{slaughter.pk}")
    client.post(
        f"/chains/{meat.pk}/members/",
        {"action": "add", "link": link(meat, "肉制品").pk, "enterprise": "咸安肉制品", "role": "core"},
    )
    assert members(meat) == {("屠宰加工", "嘉鱼屠宰有限公司", "leader"), ("肉制品", "咸安肉制品有限公司", "core")}

    member = LinkEnterprise.objects.get(enterprise=firms["xa_meat"])
    client.post(f"/chains/{meat.pk}/members/", {"action": "role", "member": member.pk, "role": "ordinary"})
    member.refresh_from_db()
    assert member.role == "ordinary"
    client.post(f"/chains/{meat.pk}/members/", {"action": "remove", "member": member.pk})
    assert members(meat) == {("屠宰加工", "嘉鱼屠宰有限公司", "leader")}

    logs = list(
        AuditLog.objects.filter(object_type="chains.linkenterprise", user=users["admin"]).values_list(
            "action", flat=True
        )
    )
    assert sorted(logs) == ["create", "create", "delete", "update"]
    text = client.get(f"/chains/{meat.pk}/members/").content.decode()
    assert "嘉鱼屠宰有限公司" in text and "链主" in text


def test_an_enterprise_the_text_does_not_name_uniquely_is_reported_in_chinese(users, login, meat, firms):
    client = login(users["admin"])
    data = {"action": "add", "link": link(meat, "屠宰加工").pk, "role": "ordinary"}
    text = client.post(f"/chains/{meat.pk}/members/", {**data, "enterprise": "屠宰"}).content.decode()
    assert "对应多家企业" in text and "咸安屠宰有限公司" in text and "嘉鱼屠宰有限公司" in text
    text = client.post(f"/chains/{meat.pk}/members/", {**data, "enterprise": "不存在的公司"}).content.decode()
    assert "您的权限范围内没有名称或信用代码包含“不存在的公司”的企业" in text
    assert not LinkEnterprise.objects.exists()


def test_enterprise_search_suggests_the_users_enterprises(users, login, meat, firms):
    text = login(users["xianan"]).get(f"/chains/{meat.pk}/members/search/?enterprise=屠宰").content.decode()
    assert "咸安屠宰有限公司" in text and "嘉鱼屠宰有限公司" not in text


def test_county_officer_sees_and_places_only_their_own_countys_enterprises(users, login, meat, firms):
    slaughter = link(meat, "屠宰加工")
    theirs = LinkEnterpriseFactory(link=slaughter, enterprise=firms["jy_slaughter"], role="leader")
    client = login(users["xianan"])

    text = client.get(f"/chains/{meat.pk}/members/").content.decode()
    assert "嘉鱼屠宰有限公司" not in text

    resp = client.post(
        f"/chains/{meat.pk}/members/",
        {"action": "add", "link": slaughter.pk, "enterprise": firms["jy_slaughter"].uscc, "role": "ordinary"},
    )
    assert "您的权限范围内没有" in resp.content.decode()
    assert client.post(f"/chains/{meat.pk}/members/", {"action": "remove", "member": theirs.pk}).status_code == 404
    resp = client.post(f"/chains/{meat.pk}/members/", {"action": "role", "member": theirs.pk, "role": "ordinary"})
    assert resp.status_code == 404
    theirs.refresh_from_db()
    assert theirs.role == "leader"

    client.post(
        f"/chains/{meat.pk}/members/",
        {"action": "add", "link": slaughter.pk, "enterprise": firms["xa_slaughter"].uscc, "role": "core"},
    )
    assert members(meat) == {("屠宰加工", "嘉鱼屠宰有限公司", "leader"), ("屠宰加工", "咸安屠宰有限公司", "core")}


@pytest.mark.parametrize("who", ["viewer", "auditor", "sysadmin", "qiye"])
def test_other_roles_cannot_open_or_change_placements(users, two_counties, login, meat, firms, who):
    client = login(users[who])
    assert client.get(f"/chains/{meat.pk}/members/").status_code in (403, 404)
    resp = client.post(
        f"/chains/{meat.pk}/members/",
        {"action": "add", "link": link(meat, "屠宰加工").pk, "enterprise": firms["xa_slaughter"].uscc},
    )
    assert resp.status_code in (403, 404)
    assert client.get("/chains/members/template.xlsx").status_code in (403, 404)
    assert not LinkEnterprise.objects.exists()


def test_an_inactive_chain_has_no_placement_page(users, login, meat):
    meat.is_active = False
    meat.save(update_fields=["is_active"])
    assert login(users["admin"]).get(f"/chains/{meat.pk}/members/").status_code == 404


# ---------------------------------------------------------------- 按行业代码推荐


def test_recommendations_are_the_scoped_enterprises_whose_gbt_class_falls_under_the_links_codes(users, meat, firms):
    slaughter, meat_link, pigs = link(meat, "屠宰加工"), link(meat, "肉制品"), link(meat, "生猪养殖")
    LinkEnterpriseFactory(link=meat_link, enterprise=firms["xa_meat"])  # already on 肉制品: not recommended there
    LinkEnterpriseFactory(link=pigs, enterprise=firms["xa_slaughter"])  # on another link: still recommended here
    pigs.gbt4754 = ["A03"]  # a 大类 with its 门类 letter matches every class under it
    pigs.save(update_fields=["gbt4754"])

    city = recommendations(chain=meat, user=users["admin"])
    assert [e.name for e in city[slaughter.pk]] == ["嘉鱼屠宰有限公司", "咸安屠宰有限公司"]  # 规上 first
    assert city[meat_link.pk] == []
    assert [e.name for e in city[pigs.pk]] == ["咸安生猪养殖场"]
    assert all(firms["gx_chip"] not in v for v in city.values())

    county = recommendations(chain=meat, user=users["xianan"])
    assert [e.name for e in county[slaughter.pk]] == ["咸安屠宰有限公司"]


def test_recommended_enterprises_are_added_only_as_ticked(users, login, meat, firms):
    slaughter = link(meat, "屠宰加工")
    client = login(users["admin"])
    text = client.get(f"/chains/{meat.pk}/members/").content.decode()
    assert "按行业代码推荐（2家）" in text

    client.post(
        f"/chains/{meat.pk}/members/",
        {"action": "recommend", "link": slaughter.pk, "enterprise": firms["xa_slaughter"].pk},
    )
    assert members(meat) == {("屠宰加工", "咸安屠宰有限公司", "ordinary")}
    resp = client.post(
        f"/chains/{meat.pk}/members/",
        {"action": "recommend", "link": slaughter.pk, "enterprise": firms["gx_chip"].pk},
    )
    assert resp.status_code == 404  # not a recommendation for this link

    # nothing ticked: nothing added (no wholesale placement by industry code)
    client.post(f"/chains/{meat.pk}/members/", {"action": "add_selected", "link": slaughter.pk})
    assert len(members(meat)) == 1
    pigs = recommendations(chain=meat, user=users["admin"])[link(meat, "生猪养殖").pk]
    client.post(
        f"/chains/{meat.pk}/members/",
        {"action": "add_selected", "link": link(meat, "生猪养殖").pk, "enterprise": [e.pk for e in pigs]},
    )
    rest = recommendations(chain=meat, user=users["admin"])[slaughter.pk]
    client.post(
        f"/chains/{meat.pk}/members/",
        {"action": "add_selected", "link": slaughter.pk, "enterprise": [e.pk for e in rest]},
    )
    assert members(meat) == {
        ("屠宰加工", "咸安屠宰有限公司", "ordinary"),
        ("屠宰加工", "嘉鱼屠宰有限公司", "ordinary"),
        ("生猪养殖", "咸安生猪养殖场", "ordinary"),
    }
    assert recommendations(chain=meat, user=users["admin"])[slaughter.pk] == []


def test_county_officers_cannot_tick_another_countys_enterprise(users, login, meat, firms):
    slaughter = link(meat, "屠宰加工")
    c = login(users["xianan"])
    resp = c.post(
        f"/chains/{meat.pk}/members/",
        {
            "action": "add_selected",
            "link": slaughter.pk,
            "enterprise": [firms["xa_slaughter"].pk, firms["jy_slaughter"].pk],
        },
    )
    assert resp.status_code == 404 and members(meat) == set()  # 嘉鱼's firm is not a recommendation for 咸安
    c.post(
        f"/chains/{meat.pk}/members/",
        {"action": "add_selected", "link": slaughter.pk, "enterprise": firms["xa_slaughter"].pk},
    )
    assert members(meat) == {("屠宰加工", "咸安屠宰有限公司", "ordinary")}


# ---------------------------------------------------------------- the placement importer


def sheet(*rows) -> bytes:
    return xlsx([HEADER, *rows], text_cols=[0])


def test_placement_importer_is_registered_for_city_admins_and_county_officers():
    assert registry.get("chain_members").importer is LinkMemberImporter
    assert registry.get("chain_members").roles == {"city_admin", "county_officer"}


def test_placement_import_writes_every_row_and_reimporting_changes_nothing(users, meat, firms):
    data = sheet(
        [firms["jy_slaughter"].uscc, None, "food-meat", "屠宰加工", None, "链主"],
        [None, "咸安肉制品有限公司", "肉制品产业链", None, "肉制品", "核心配套"],
        [firms["xa_pig"].uscc, "咸安生猪养殖场", "food-meat", "生猪养殖", "生猪养殖", None],
    )
    outcome = run_import("chain_members", data=data, filename="链上企业.xlsx", user=users["admin"])

    assert outcome.ok, [str(e) for e in outcome.errors]
    assert (outcome.batch.created, outcome.batch.updated) == (3, 0)
    assert members(meat) == {
        ("屠宰加工", "嘉鱼屠宰有限公司", "leader"),
        ("肉制品", "咸安肉制品有限公司", "core"),
        ("生猪养殖", "咸安生猪养殖场", "ordinary"),
    }
    assert AuditLog.objects.filter(object_type="chains.linkenterprise", action="create").count() == 3

    again = run_import("chain_members", data=data, filename="链上企业.xlsx", user=users["admin"])
    assert (again.batch.created, again.batch.updated, again.batch.unchanged) == (0, 0, 3)


def test_placement_import_with_one_bad_row_writes_nothing_and_says_where_in_chinese(users, meat, firms):
    data = sheet(
        [firms["jy_slaughter"].uscc, None, "food-meat", "屠宰加工", None, "链主"],
        [firms["xa_meat"].uscc, None, "food-meat", "熟食", None, "核心配套"],
        [firms["xa_pig"].uscc, None, "no-chain", "生猪养殖", None, None],
        [firms["xa_slaughter"].uscc, None, "food-meat", "屠宰加工", None, "老大"],
        [firms["jy_slaughter"].uscc, None, "food-meat", None, "屠宰加工", "核心配套"],
    )
    outcome = run_import("chain_members", data=data, filename="链上企业.xlsx", user=users["admin"])

    assert outcome.batch.status == ImportBatch.Status.INVALID
    errors = {(e.row, e.column): e for e in outcome.errors}
    assert "中没有该环节" in errors[(3, "环节名称")].message and errors[(3, "环节名称")].value == "熟食"
    assert "找不到该产业链" in errors[(4, "产业链编号")].message
    assert "角色应为 链主、核心配套 或 一般企业" in errors[(5, "角色")].message
    assert "与第2行是同一企业、同一环节" in str(outcome.errors[-1])
    assert not LinkEnterprise.objects.exists()


def test_county_officer_import_rows_for_other_counties_are_errors_and_nothing_is_written(users, meat, firms):
    data = sheet(
        [firms["xa_slaughter"].uscc, None, "food-meat", "屠宰加工", None, "核心配套"],
        [firms["jy_slaughter"].uscc, None, "food-meat", "屠宰加工", None, "链主"],
        [None, "嘉鱼屠宰有限公司", "food-meat", "屠宰加工", None, None],
    )
    outcome = run_import("chain_members", data=data, filename="链上企业.xlsx", user=users["xianan"])

    assert not outcome.ok
    rows = sorted((e.row, e.column) for e in outcome.errors)
    assert rows == [(3, "统一社会信用代码"), (4, "企业名称")]
    assert "只能放置本辖区的企业" in outcome.errors[0].message
    assert not LinkEnterprise.objects.exists()

    fine = sheet([firms["xa_slaughter"].uscc, None, "food-meat", "屠宰加工", None, "核心配套"])
    assert run_import("chain_members", data=fine, filename="x.xlsx", user=users["xianan"]).ok
    assert members(meat) == {("屠宰加工", "咸安屠宰有限公司", "core")}


def test_viewers_cannot_import_placements(users, meat, firms):
    data = sheet([firms["xa_slaughter"].uscc, None, "food-meat", "屠宰加工", None, None])
    outcome = run_import("chain_members", data=data, filename="x.xlsx", user=users["viewer"])
    assert not outcome.ok and not LinkEnterprise.objects.exists()


def test_placement_upload_on_the_page_runs_the_import_and_shows_its_batch(users, login, meat, firms):
    from django.core.files.uploadedfile import SimpleUploadedFile

    data = sheet([firms["xa_slaughter"].uscc, None, "food-meat", "屠宰加工", None, "链主"])
    client = login(users["xianan"])
    resp = client.post("/chains/members/import/", {"file": SimpleUploadedFile("链上企业.xlsx", data)})
    assert resp.status_code == 302 and "/imports/" in resp["Location"]
    assert members(meat) == {("屠宰加工", "咸安屠宰有限公司", "leader")}
    assert ImportBatch.objects.get(kind="chain_members").status == ImportBatch.Status.DONE


def test_placement_template_download_has_the_importers_columns(users, login, meat):
    resp = login(users["xianan"]).get("/chains/members/template.xlsx")
    wb = load_workbook(io.BytesIO(resp.content))
    header = [c.value for c in wb.worksheets[0][1]]
    assert header[:4] == ["统一社会信用代码", "企业名称", "产业链编号", "环节名称"] and "角色" in header
    example = [c.value for c in wb.worksheets[0][2]]
    assert run_import(
        "chain_members", data=xlsx([header, example]), filename="t.xlsx", user=SYSTEM, dry_run=True
    ).errors  # the example names an enterprise that does not exist here: checked, not written


def test_the_cli_imports_placements_as_the_system_with_an_audit_row_each(meat, firms, tmp_path):
    from django.core.management import call_command

    path = tmp_path / "链上企业.xlsx"
    path.write_bytes(sheet([firms["jy_slaughter"].uscc, None, "food-meat", "屠宰加工", None, "链主"]))
    call_command("import", "chain_members", str(path))
    assert members(meat) == {("屠宰加工", "嘉鱼屠宰有限公司", "leader")}
    log = AuditLog.objects.get(object_type="chains.linkenterprise")
    assert log.action == "create" and log.username == "system:chanye import" and "链上企业.xlsx" in log.message
