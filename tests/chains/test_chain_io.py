"""Chain templates to and from files (XN-SYS-4, XN-CL-5): YAML in the pack's full chain form and .xlsx with Chinese
headers round-trip to the same chains; a file is checked as a whole and written all or nothing; bad rows give
Chinese errors with the sheet, row, column and value; Chinese and English stage words and 是/否 are accepted."""

from __future__ import annotations

import io

import pytest
import yaml
from django.core.exceptions import PermissionDenied
from openpyxl import Workbook, load_workbook

from chanye.chains import chain_errors, chain_export, chain_io, chain_parse, services
from chanye.chains.models import Chain, ChainEdge
from chanye.core.models import AuditLog
from chanye.industry import schema
from chanye.industry.models import Cluster
from tests.factories import AttractionTargetFactory, EnterpriseFactory, LinkEnterpriseFactory

pytestmark = pytest.mark.django_db

CHAIN_HEADER = ["产业链编号", "产业链名称", "产业集群编号", "产业集群名称", "说明", "规则编号", "文件原文"]
LINK_HEADER = [
    "产业链编号",
    "环节编号",
    "环节名称",
    "环节位置(上游/中游/下游)",
    "说明",
    "行业代码(用、分隔)",
    "主要产品(用、分隔)",
    "关键环节(是/否)",
    "卡脖子(是/否)",
    "下游环节(用、分隔)",
    "最少企业数",
]


def workbook(chains: list[list], links: list[list], *, chain_header=CHAIN_HEADER, link_header=LINK_HEADER) -> bytes:
    """A real .xlsx with the two sheets 产业链 and 环节 (header in row 1)."""
    wb = Workbook()
    ws = wb.active
    ws.title = "产业链"
    ws.append(chain_header)
    for r in chains:
        ws.append(r)
    ws2 = wb.create_sheet("环节")
    ws2.append(link_header)
    for r in links:
        ws2.append(r)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def branched_chain(admin) -> Chain:
    """A chain edited on the platform with a branch, a dead end in the middle, flags and a minimum."""
    spec = schema.ChainSpec.model_validate(
        {
            "code": "food-branch",
            "name": "分叉测试链",
            "description": "测试用",
            "rule": "XN-SYS-4",
            "links": [
                {"name": "原料", "code": "raw", "stage": "upstream", "gbt4754": ["0313"], "products": ["生猪", "肉牛"]},
                {"name": "加工", "code": "proc", "stage": "midstream", "key": True, "next": ["副产品", "成品"]},
                {"name": "副产品", "code": "by", "stage": "midstream", "next": []},
                {"name": "成品", "code": "goods", "stage": "downstream", "chokepoint": True, "min_enterprises": 3},
                {"name": "销售", "code": "sale", "stage": "downstream", "gbt4754": ["5212", "5224"]},
            ],
        }
    )
    chain, _ = services.do_save_chain(actor=admin, spec=spec, cluster=Cluster.objects.get(code="food"))
    return chain


def state() -> dict[str, tuple]:
    """Everything a chain template is: its spec (links, stages, flags, edges), cluster and activity."""
    return {
        c.code: (services.chain_snapshot(c), c.cluster.code if c.cluster_id else None, c.is_active)
        for c in Chain.objects.filter(is_active=True).select_related("cluster")
    }


@pytest.mark.parametrize("fmt", ["yaml", "xlsx"])
def test_export_then_import_into_an_empty_database_gives_the_same_chains(users, fmt):
    branched_chain(users["admin"])
    before = state()
    assert len(before) >= 3 and "food-meat" in before
    chains = list(chain_export.chains_for_export())
    data = chain_export.export_yaml(chains).encode() if fmt == "yaml" else chain_export.export_xlsx(chains)
    Chain.objects.all().delete()

    result = chain_io.do_import_chains(actor=users["admin"], data=data, filename=f"chains.{fmt}")

    assert len(result.created) == len(before)
    assert state() == before
    edges = set(ChainEdge.objects.filter(source__chain__code="food-branch").values_list("source__code", "target__code"))
    assert edges == {("raw", "proc"), ("proc", "by"), ("proc", "goods"), ("goods", "sale")}


@pytest.mark.parametrize("fmt", ["yaml", "xlsx"])
def test_reimporting_an_unchanged_export_changes_nothing_and_keeps_pack_chains_unedited(users, fmt):
    branched_chain(users["admin"])
    before = state()
    chains = list(chain_export.chains_for_export())
    data = chain_export.export_yaml(chains).encode() if fmt == "yaml" else chain_export.export_xlsx(chains)
    audits = AuditLog.objects.count()

    result = chain_io.do_import_chains(actor=users["admin"], data=data, filename=f"chains.{fmt}")

    assert not result.created and not result.updated and len(result.unchanged) == len(before)
    assert state() == before
    assert not Chain.objects.get(code="food-meat").edited
    assert AuditLog.objects.count() == audits


def test_yaml_export_has_the_packs_full_chain_form_plus_the_cluster(users):
    branched_chain(users["admin"])
    doc = yaml.safe_load(
        chain_export.export_yaml(chain_export.chains_for_export(Chain.objects.get(code="food-branch")))
    )
    (chain,) = doc["chains"]
    assert chain["code"] == "food-branch" and chain["cluster"] == "food" and chain["rule"] == "XN-SYS-4"
    links = {x["code"]: x for x in chain["links"]}
    assert links["raw"] == {
        "name": "原料",
        "code": "raw",
        "stage": "upstream",
        "gbt4754": ["0313"],
        "products": ["生猪", "肉牛"],
    }
    assert links["proc"]["next"] == ["by", "goods"] and links["proc"]["key"] is True
    assert links["by"]["next"] == []
    assert "next" not in links["goods"] and links["goods"]["min_enterprises"] == 3
    without_cluster = {k: v for k, v in chain.items() if k != "cluster"}
    assert schema.ChainSpec.model_validate(without_cluster).edges()  # a pack would accept it as written


def test_xlsx_export_has_chinese_headers_and_words(users):
    branched_chain(users["admin"])
    data = chain_export.export_xlsx(chain_export.chains_for_export(Chain.objects.get(code="food-branch")))
    wb = load_workbook(io.BytesIO(data))
    assert wb.sheetnames[:2] == ["产业链", "环节"]
    rows = list(wb["环节"].iter_rows(values_only=True))
    assert list(rows[0]) == LINK_HEADER
    by_code = {r[1]: r for r in rows[1:]}
    assert by_code["raw"][3] == "上游" and by_code["raw"][5] == "0313" and by_code["raw"][6] == "生猪、肉牛"
    assert by_code["proc"][7] == "是" and by_code["proc"][9] == "by、goods"
    assert by_code["by"][9] == "无" and by_code["goods"][8] == "是" and by_code["goods"][10] == 3
    assert list(wb["产业链"].iter_rows(values_only=True))[1][:3] == ("food-branch", "分叉测试链", "food")


def test_xlsx_accepts_chinese_and_english_stage_words_and_yes_no(users):
    data = workbook(
        [["tea-chain", "茶产业链", "food", None, "砖茶", "XN-SYS-4", None]],
        [
            ["tea-chain", None, "茶园", "上游", None, "0169", "鲜叶", "否", "no", None, None],
            ["tea-chain", None, "加工", "midstream", None, "1530、1531", None, "是", "yes", "包装、销售", 2],
            ["tea-chain", None, "包装", "中游", None, None, None, None, None, "无", None],
            ["tea-chain", None, "销售", "downstream", None, None, None, "true", None, None, None],
        ],
    )
    result = chain_io.do_import_chains(actor=users["admin"], data=data, filename="茶.xlsx")

    (chain,) = result.created
    links = {x.name: x for x in chain.links.all()}
    assert [links[n].stage for n in ("茶园", "加工", "包装", "销售")] == [
        "upstream",
        "midstream",
        "midstream",
        "downstream",
    ]
    assert links["加工"].is_key and links["加工"].is_chokepoint and links["加工"].min_enterprises == 2
    assert links["加工"].gbt4754 == ["1530", "1531"] and links["销售"].is_key and not links["茶园"].is_key
    edges = set(ChainEdge.objects.filter(source__chain=chain).values_list("source__name", "target__name"))
    assert edges == {("茶园", "加工"), ("加工", "包装"), ("加工", "销售")}
    assert chain.cluster.code == "food" and chain.edited


def test_yaml_accepts_chinese_stage_words_and_yes_no(users):
    text = """
chains:
- code: tea-chain
  name: 茶产业链
  cluster: food
  links:
  - {name: 茶园, stage: 上游, key: 否}
  - {name: 加工, stage: 中游, key: 是, chokepoint: 是}
  - {name: 销售, stage: 下游}
"""
    result = chain_io.do_import_chains(actor=users["admin"], data=text.encode(), filename="茶.yaml")
    links = {x.name: x for x in result.created[0].links.all()}
    assert links["茶园"].stage == "upstream" and links["销售"].stage == "downstream"
    assert links["加工"].is_key and links["加工"].is_chokepoint and not links["茶园"].is_key


def test_xlsx_bad_rows_give_chinese_errors_with_sheet_row_column_and_value_and_nothing_is_written(users):
    data = workbook(
        [
            ["good-chain", "好的产业链", "food", None, None, None, None],
            ["bad-chain", "有错的产业链", "no-such-cluster", None, None, None, None],
        ],
        [
            ["good-chain", None, "甲", "上游", None, None, None, None, None, None, None],
            ["good-chain", None, "乙", "下游", None, None, None, None, None, None, None],
            ["bad-chain", None, "丙", "上流", None, None, None, "也许", None, None, None],
            ["bad-chain", None, "丁", "下游", None, "17x", None, None, None, None, "-1"],
            ["no-chain", None, "戊", "下游", None, None, None, None, None, None, None],
        ],
    )
    with pytest.raises(chain_errors.ChainImportError) as exc:
        chain_io.do_import_chains(actor=users["admin"], data=data, filename="链.xlsx")

    errors = {(e.sheet, e.row, e.column): e for e in exc.value.errors}
    stage = errors[("环节", 4, "环节位置(上游/中游/下游)")]
    assert stage.value == "上流" and "上游、中游 或 下游" in stage.message
    assert "是" in errors[("环节", 4, "关键环节(是/否)")].message
    assert errors[("环节", 5, "最少企业数")].value == "-1"
    assert "不在“产业链”工作表中" in errors[("环节", 6, "产业链编号")].message
    assert "第4行［环节位置(上游/中游/下游)］值“上流”" in str(stage)
    assert not Chain.objects.filter(code__in=["good-chain", "bad-chain"]).exists()


def test_xlsx_spec_errors_point_at_the_link_row_or_the_chain_row(users):
    data = workbook(
        [
            ["bad-gbt", "行业代码有错", None, None, None, None, None],
            ["bad-next", "下游有错", None, None, None, None, None],
        ],
        [
            ["bad-gbt", None, "丙", "上游", None, "17x", None, None, None, None, None],
            ["bad-gbt", None, "丁", "下游", None, None, None, None, None, None, None],
            ["bad-next", None, "甲", "上游", None, None, None, None, None, "戊", None],
            ["bad-next", None, "乙", "下游", None, None, None, None, None, None, None],
        ],
    )
    with pytest.raises(chain_errors.ChainImportError) as exc:
        chain_io.do_import_chains(actor=users["admin"], data=data, filename="链.xlsx")
    messages = [str(e) for e in exc.value.errors]
    assert any("工作表“环节”第2行［行业代码(用、分隔)］值“17x”" in m and "应为2—4位数字" in m for m in messages), (
        messages
    )
    assert any("工作表“产业链”第3行" in m and "环节“甲”的下游环节“戊”未在本链中定义" in m for m in messages), messages
    assert not Chain.objects.filter(code__in=["bad-gbt", "bad-next"]).exists()


def test_xlsx_unknown_cluster_and_bad_new_code_are_reported_at_their_cells(users):
    data = workbook(
        [
            ["bad-chain", "有错的产业链", "no-such-cluster", None, None, None, None],
            ["OK Chain", "大写编号", None, None, None, None, None],
            ["fine-chain", "没错的产业链", None, "食品饮料产业集群", None, None, None],
        ],
        [
            ["bad-chain", None, "丙", "上游", None, None, None, None, None, None, None],
            ["bad-chain", None, "丁", "下游", None, None, None, None, None, None, None],
            ["OK Chain", None, "甲", "上游", None, None, None, None, None, None, None],
            ["OK Chain", None, "乙", "下游", None, None, None, None, None, None, None],
            ["fine-chain", None, "甲", "上游", None, None, None, None, None, None, None],
            ["fine-chain", None, "乙", "下游", None, None, None, None, None, None, None],
        ],
    )
    with pytest.raises(chain_errors.ChainImportError) as exc:
        chain_io.do_import_chains(actor=users["admin"], data=data, filename="链.xlsx")
    messages = [str(e) for e in exc.value.errors]
    assert any("工作表“产业链”第2行［产业集群编号］值“no-such-cluster”：找不到该产业集群编号" in m for m in messages)
    assert any("工作表“产业链”第3行［产业链编号］值“OK Chain”" in m and "小写字母" in m for m in messages)
    assert len(messages) == 2  # the cluster found by its name is fine
    assert not Chain.objects.filter(code__in=["bad-chain", "OK Chain", "fine-chain"]).exists()


def test_an_xlsx_that_is_neither_the_template_nor_a_sheet_of_links_is_refused_in_chinese(users):
    wb = Workbook()
    wb.active.title = "Sheet1"
    buf = io.BytesIO()
    wb.save(buf)
    with pytest.raises(chain_errors.ChainImportError) as exc:
        chain_io.do_import_chains(actor=users["admin"], data=buf.getvalue(), filename="x.xlsx")
    assert "应有“产业链”和“环节名称”两列" in str(exc.value) and "作为模板" in str(exc.value)


def test_the_template_without_its_links_sheet_is_refused_in_chinese(users):
    wb = Workbook()
    wb.active.title = "产业链"
    wb.active.append(["产业链编号", "产业链名称"])
    buf = io.BytesIO()
    wb.save(buf)
    with pytest.raises(chain_errors.ChainImportError) as exc:
        chain_io.do_import_chains(actor=users["admin"], data=buf.getvalue(), filename="x.xlsx")
    assert "缺少工作表“环节”" in str(exc.value)


def test_yaml_errors_name_the_chain_and_link_and_nothing_is_written(users):
    text = """
chains:
- code: good-chain
  name: 好的产业链
  links: [{name: 甲, stage: 上游}, {name: 乙, stage: 下游}]
- code: bad-chain
  name: 有错的产业链
  links:
  - {name: 丙, stage: 下游}
  - {name: 丁, stage: 上游, next: [戊]}
  - {name: 己, stage: 天上}
"""
    with pytest.raises(chain_errors.ChainImportError) as exc:
        chain_io.do_import_chains(actor=users["admin"], data=text.encode(), filename="链.yaml")
    messages = [str(e) for e in exc.value.errors]
    assert "第2条产业链“有错的产业链”·第3个环节“己”［环节位置］值“天上”：应为 上游/中游/下游" in messages, messages
    assert not Chain.objects.filter(code="good-chain").exists()

    bad_order = text.replace("  - {name: 己, stage: 天上}\n", "")
    with pytest.raises(chain_errors.ChainImportError) as exc:
        chain_io.do_import_chains(actor=users["admin"], data=bad_order.encode(), filename="链.yaml")
    messages = [str(e) for e in exc.value.errors]
    assert any("上游、中游、下游的顺序" in m for m in messages) and any("“戊”未在本链中定义" in m for m in messages)
    assert not Chain.objects.filter(code="good-chain").exists()


def test_yaml_syntax_error_gives_the_line(users):
    with pytest.raises(chain_errors.ChainImportError) as exc:
        chain_io.do_import_chains(actor=users["admin"], data=b"chains:\n- code: x\n  links: [a, b\n", filename="x.yml")
    assert "YAML 格式错误" in str(exc.value) and "行" in str(exc.value)


def test_import_that_would_drop_a_link_holding_enterprises_is_refused_and_writes_nothing(users, regions):
    chain = branched_chain(users["admin"])
    LinkEnterpriseFactory(link=chain.links.get(code="by"), enterprise=EnterpriseFactory(county=regions["咸安区"]))
    AttractionTargetFactory(link=chain.links.get(code="sale"))
    doc = yaml.safe_load(chain_export.export_yaml(chain_export.chains_for_export()))
    for c in doc["chains"]:
        if c["code"] == "food-branch":
            c["links"] = [x for x in c["links"] if x["code"] not in ("by", "sale")]
            c["links"][1]["next"] = ["goods"]
        if c["code"] == "food-meat":
            c["name"] = "改过名的肉制品产业链"
    before = state()

    with pytest.raises(chain_errors.ChainImportError) as exc:
        chain_io.do_import_chains(
            actor=users["admin"], data=yaml.safe_dump(doc, allow_unicode=True).encode(), filename="x.yaml"
        )

    text = str(exc.value)
    assert "环节“副产品”已有1家链上企业" in text and "环节“销售”已有0家链上企业、1家招商目标" in text
    assert state() == before


def test_import_updates_chains_by_code_and_marks_them_edited_with_audit(users):
    doc = yaml.safe_load(chain_export.export_yaml(chain_export.chains_for_export(Chain.objects.get(code="food-meat"))))
    doc["chains"][0]["links"][2]["name"] = "熟肉制品"  # renamed: same code, the link (and its firms) stays
    link_pk = Chain.objects.get(code="food-meat").links.get(position=2).pk

    result = chain_io.do_import_chains(
        actor=users["admin"], data=yaml.safe_dump(doc, allow_unicode=True).encode(), filename="x.yaml"
    )

    ((chain, changes),) = result.updated
    assert chain.edited and chain.links.get(pk=link_pk).name == "熟肉制品"
    assert any("修改环节 熟肉制品" in c for c in changes)
    log = AuditLog.objects.filter(object_type="chains.chain", object_id=str(chain.pk)).latest("pk")
    assert log.user == users["admin"] and log.action == "update"


def test_only_city_administrators_may_import_chains(users):
    data = chain_export.export_yaml(chain_export.chains_for_export()).encode()
    for who in ("xianan", "viewer"):
        with pytest.raises(PermissionDenied):
            chain_io.do_import_chains(actor=users[who], data=data, filename="x.yaml")


def test_checking_a_file_of_many_stored_chains_asks_the_database_a_fixed_number_of_times(
    users, django_assert_max_num_queries
):
    food = Cluster.objects.get(code="food")
    for i in range(6):
        spec = schema.ChainSpec.model_validate(
            {"code": f"extra-{i}", "name": f"链{i}", "links": [{"name": n} for n in "甲乙丙"]}
        )
        services.do_save_chain(actor=users["admin"], spec=spec, cluster=food)
    parsed = chain_parse.parse_file(chain_export.export_xlsx(chain_export.chains_for_export()), "x.xlsx")
    assert len(parsed) >= 8

    with django_assert_max_num_queries(3):  # clusters, stored chains, links still holding firms or targets
        assert chain_io.check(parsed) == []
