"""The 招商目标库 pages: the list filtered by chain, link and location with the count per link, the add/edit form with
links grouped by chain, the import page (all or nothing, Chinese errors), the .xlsx export and template, 转为线索; who
may read and who may write."""

from __future__ import annotations

import io
import random
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import load_workbook

from chanye.chains.models import AttractionTarget, Chain, ChainLink, Lead
from chanye.core.models import AuditLog, ImportBatch
from chanye.core.uscc_gen import make_uscc
from tests.factories import AttractionTargetFactory, EnterpriseFactory, LeadFactory
from tests.helpers import xlsx

pytestmark = pytest.mark.django_db

URL = "/attraction/targets/"


def link(chain: str, name: str) -> ChainLink:
    return ChainLink.objects.get(chain__code=chain, name=name)


@pytest.fixture
def library(mini_pack):
    slaughter, cold = link("food-meat", "屠宰加工"), link("food-cold-chain", "冷链物流")
    return {
        "a": AttractionTargetFactory(link=slaughter, name="江苏甲肉食品股份有限公司", location="江苏省苏州市"),
        "b": AttractionTargetFactory(link=slaughter, name="河南乙肉业集团有限公司", location="河南省漯河市"),
        "c": AttractionTargetFactory(link=cold, name="浙江丙冷链物流有限公司", location="浙江省杭州市"),
    }


def names(response) -> set[str]:
    return {t.name for t in response.context["page"]}


def test_list_shows_all_targets_and_counts_per_link(login, users, library):
    r = login(users["viewer"]).get(URL)
    assert r.status_code == 200
    assert names(r) == {"江苏甲肉食品股份有限公司", "河南乙肉业集团有限公司", "浙江丙冷链物流有限公司"}
    counts = {(g["chain"].code, x["link"].name): x["n"] for g in r.context["counts"] for x in g["links"]}
    assert counts[("food-meat", "屠宰加工")] == 2
    assert counts[("food-cold-chain", "冷链物流")] == 1
    assert counts[("food-meat", "生猪养殖")] == 0  # links without targets are listed too


def test_list_filters_by_chain_link_and_location(login, users, library):
    c = login(users["xianan"])
    assert names(c.get(URL, {"chain": "food-cold-chain"})) == {"浙江丙冷链物流有限公司"}
    assert names(c.get(URL, {"link": library["a"].link_id})) == {"江苏甲肉食品股份有限公司", "河南乙肉业集团有限公司"}
    assert names(c.get(URL, {"location": "江苏"})) == {"江苏甲肉食品股份有限公司"}
    r = c.get(URL, {"location": "河南", "chain": "food-meat"})
    assert names(r) == {"河南乙肉业集团有限公司"}
    counts = {x["link"].name: x["n"] for g in r.context["counts"] for x in g["links"]}
    assert counts["屠宰加工"] == 1 and [g["chain"].code for g in r.context["counts"]] == ["food-meat"]


def test_list_counts_only_the_leads_the_user_may_see(login, users, regions, library):
    LeadFactory(target=library["a"], county=regions["咸安区"])
    LeadFactory(target=library["a"], county=regions["嘉鱼县"])
    r = login(users["xianan"]).get(URL)
    assert {t.name: t.n_leads for t in r.context["page"]}["江苏甲肉食品股份有限公司"] == 1


def test_add_form_groups_links_by_chain_and_saves_a_target(login, users, mini_pack):
    c = login(users["xianan"])
    page = c.get(URL + "new/").content.decode()
    assert '<optgroup label="肉制品产业链">' in page and '<optgroup label="肉制品—冷链物流—终端销售">' in page
    slaughter = link("food-meat", "屠宰加工")
    code = make_uscc(random.Random(5), "320500")
    r = c.post(
        URL + "new/",
        {
            "link": slaughter.pk,
            "name": "江苏丁食品有限公司",
            "uscc": code.lower(),
            "location": "江苏省南京市",
            "revenue": "8.5",
        },
    )
    assert r.status_code == 302 and r["Location"] == f"{URL}?link={slaughter.pk}"
    t = AttractionTarget.objects.get(name="江苏丁食品有限公司")
    assert (t.link, t.uscc, t.revenue) == (slaughter, code, Decimal("8.5"))
    assert AuditLog.objects.filter(object_type="chains.attractiontarget", object_id=str(t.pk), action="create").exists()


def test_add_form_refuses_a_local_company_in_chinese(login, users, regions, mini_pack):
    local = EnterpriseFactory(county=regions["咸安区"])
    r = login(users["admin"]).post(
        URL + "new/", {"link": link("food-meat", "屠宰加工").pk, "name": local.name, "uscc": local.uscc}
    )
    assert r.status_code == 200
    assert "属于本地已登记企业，应把它放到链上而不是列为招商目标" in r.content.decode()
    assert not AttractionTarget.objects.exists()


def test_add_form_refuses_an_invalid_code(login, users, mini_pack):
    r = login(users["admin"]).post(
        URL + "new/", {"link": link("food-meat", "屠宰加工").pk, "name": "某公司", "uscc": "91320500ABC"}
    )
    assert "统一社会信用代码无效：应为18位" in r.content.decode()
    assert not AttractionTarget.objects.exists()


def test_edit_form_changes_a_target(login, users, library):
    t = library["c"]
    r = login(users["admin"]).post(
        f"{URL}{t.pk}/edit/", {"link": t.link_id, "name": t.name, "location": "浙江省宁波市", "source": "物流百强"}
    )
    assert r.status_code == 302
    t.refresh_from_db()
    assert (t.location, t.source) == ("浙江省宁波市", "物流百强")


def test_import_page_imports_a_good_file_as_an_import_job(login, users, mini_pack):
    data = xlsx(
        [["企业名称", "环节名称", "产业链名称", "所在地"], ["江苏戊食品有限公司", "屠宰加工", "肉制品产业链", "江苏"]]
    )
    c = login(users["xianan"])
    r = c.post(URL + "import/", {"file": SimpleUploadedFile("名单.xlsx", data)})
    batch = ImportBatch.objects.get(kind="attraction_targets")
    assert r.status_code == 302 and r["Location"] == reverse("core:import_batch", args=[batch.pk])
    assert AttractionTarget.objects.get().name == "江苏戊食品有限公司"
    assert "导入完成：1 行，新增 1" in c.get(r["Location"]).content.decode()


def test_import_page_refuses_a_file_over_the_size_limit(login, users, mini_pack, settings):
    settings.CHANYE_IMPORT_MAX_BYTES = 2**20
    big = SimpleUploadedFile("名单.xlsx", b"0" * (2**20 + 1))
    r = login(users["xianan"]).post(URL + "import/", {"file": big})
    assert r.status_code == 200 and "文件超过 1 MB，请拆分后分批导入。" in r.content.decode()
    assert not ImportBatch.objects.exists()


def test_import_page_lists_the_chinese_errors_and_writes_nothing(login, users, regions, mini_pack):
    local = EnterpriseFactory(county=regions["咸安区"])
    data = xlsx(
        [
            ["企业名称", "统一社会信用代码", "环节名称", "产业链名称"],
            ["江苏戊食品有限公司", None, "屠宰加工", "肉制品产业链"],
            [local.name, local.uscc, "屠宰加工", "肉制品产业链"],
            ["某公司", None, "不存在的环节", "肉制品产业链"],
        ],
        text_cols=[1],
    )
    c = login(users["admin"])
    r = c.get(c.post(URL + "import/", {"file": SimpleUploadedFile("名单.xlsx", data)})["Location"])
    assert r.status_code == 200
    page = r.content.decode()
    assert "发现 <strong>2</strong> 处错误，<strong>没有写入任何数据</strong>" in page
    assert "第3行" in page and "本地已登记企业" in page and "第4行" in page and "中没有该环节" in page
    assert not AttractionTarget.objects.exists()


def test_export_opens_with_openpyxl_in_the_import_columns(login, users, library):
    r = login(users["viewer"]).get(URL + "export.xlsx", {"chain": "food-meat"})
    assert r.status_code == 200
    ws = load_workbook(io.BytesIO(r.content)).active
    rows = list(ws.iter_rows(values_only=True))
    assert rows[0][:6] == ("产业链编号", "产业链名称", "环节名称", "环节位置", "企业名称", "统一社会信用代码")
    assert {x[4] for x in rows[1:]} == {"江苏甲肉食品股份有限公司", "河南乙肉业集团有限公司"}
    assert AuditLog.objects.filter(action="export", message__contains="招商目标库").exists()


def test_exported_library_imports_back_unchanged(login, users, library):
    c = login(users["admin"])
    data = c.get(URL + "export.xlsx").content
    r = c.post(URL + "import/", {"file": SimpleUploadedFile("导出.xlsx", data)})
    assert r.status_code == 302
    assert AttractionTarget.objects.count() == 3


def test_import_template_downloads(login, users, mini_pack):
    r = login(users["xianan"]).get(URL + "template.xlsx")
    wb = load_workbook(io.BytesIO(r.content))
    header = [c.value for c in wb["数据"][1]]
    assert header[:2] == ["企业名称", "统一社会信用代码"] and "营业收入(亿元)" in header and "环节名称" in header


def test_target_to_lead_prefills_the_new_lead(login, users, regions, library):
    t = library["a"]
    t.uscc = make_uscc(random.Random(9), "320500")
    t.save()
    c = login(users["xianan"])
    r = c.get(f"/attraction/leads/new/?target={t.pk}")
    form = r.context["form"]
    assert form.initial["company"] == t.name and form.initial["uscc"] == t.uscc
    assert form.initial["link"] == str(t.link_id) and form.initial["county"] == regions["咸安区"].pk
    assert "江苏省苏州市" in form.initial["notes"]
    page = r.content.decode()
    assert "来自招商目标库" in page and f'name="target" value="{t.pk}"' in page
    r = c.post(
        "/attraction/leads/new/",
        {"company": t.name, "uscc": t.uscc, "target": t.pk, "link": t.link_id, "county": regions["咸安区"].pk},
    )
    lead = Lead.objects.get()
    assert r.status_code == 302 and r["Location"] == f"/attraction/leads/{lead.pk}/"
    assert (lead.target, lead.link, lead.cluster.code, lead.stage) == (t, t.link, "food", "clue")


def test_viewer_reads_but_cannot_write(login, users, library):
    c = login(users["viewer"])
    assert c.get(URL).status_code == 200
    assert "/attraction/leads/new/?target=" not in c.get(URL).content.decode()
    # refused writes get the house's 403 page, which answers 404 (chanye.core.views.forbidden)
    assert c.get(URL + "new/").status_code == 404
    assert c.get(URL + "import/").status_code == 404
    t = library["a"]
    assert c.post(f"{URL}{t.pk}/edit/", {"link": t.link_id, "name": "改名"}).status_code == 404
    t.refresh_from_db()
    assert t.name == "江苏甲肉食品股份有限公司"


@pytest.mark.parametrize("who", ["qiye", "auditor", "sysadmin"])
def test_enterprise_and_non_business_users_find_nothing(login, users, two_counties, library, who):
    c = login(users[who])
    for path in (URL, URL + "export.xlsx", URL + "new/", URL + "import/"):
        assert c.get(path).status_code == 404, path


def test_anonymous_is_sent_to_login(client, mini_pack):
    r = client.get(URL)
    assert r.status_code == 302 and "login" in r["Location"]


def test_inactive_chains_are_not_offered(login, users, mini_pack):
    Chain.objects.filter(code="food-cold-chain").update(is_active=False)
    page = login(users["admin"]).get(URL + "new/").content.decode()
    assert "肉制品—冷链物流—终端销售" not in page and "肉制品产业链" in page
