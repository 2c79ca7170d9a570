"""Importing the bureau's lists into the attraction-target library (招商目标库, XN-CL-5): the whole file is checked
first and written all or nothing, with Chinese row/column/value/reason errors; a locally registered company is refused
(it belongs on the link, not in the library); a company already on the same link is updated, never duplicated."""

from __future__ import annotations

import random
from decimal import Decimal

import pytest

from chanye.chains.models import AttractionTarget, Chain, ChainLink
from chanye.core.imports import registry
from chanye.core.imports.runner import run_import
from chanye.core.models import AuditLog, ImportBatch
from chanye.core.uscc_gen import make_uscc, with_bad_check
from tests.factories import AttractionTargetFactory, EnterpriseFactory
from tests.helpers import csv_bytes, xlsx

pytestmark = pytest.mark.django_db

_rng = random.Random(20261128)
SUZHOU = make_uscc(_rng, "320500")
HANGZHOU = make_uscc(_rng, "330100")
HEADER = [
    "企业名称",
    "统一社会信用代码",
    "所在地",
    "主要产品",
    "规模",
    "营业收入(亿元)",
    "产业链编号",
    "产业链名称",
    "环节名称",
    "来源",
    "备注",
]


def row(**kw):
    base = {
        "企业名称": "江苏示例肉食品股份有限公司",
        "统一社会信用代码": SUZHOU,
        "所在地": "江苏省苏州市",
        "主要产品": "冷鲜肉、调理肉制品",
        "规模": "上市公司",
        "营业收入(亿元)": 35.6,
        "产业链名称": "肉制品产业链",
        "环节名称": "屠宰加工",
        "来源": "中国食品百强",
    }
    base.update(kw)
    return [base.get(h) for h in HEADER]


def run(rows, user, header=HEADER, filename="招商目标名单.xlsx", dry_run=False):
    data = xlsx([header, *rows], text_cols=[1]) if filename.endswith(".xlsx") else csv_bytes([header, *rows])
    return run_import("attraction_targets", data=data, filename=filename, user=user, dry_run=dry_run)


def link(chain: str, name: str) -> ChainLink:
    return ChainLink.objects.get(chain__code=chain, name=name)


def errors_of(outcome) -> list[tuple[int, str, str, str]]:
    return [(e.row, e.column, e.value, e.message) for e in outcome.errors]


def test_target_importer_is_registered_for_city_and_county_officers():
    assert registry.get("attraction_targets").title == "招商目标库"
    assert registry.get("attraction_targets").roles == {"city_admin", "county_officer"}


def test_good_file_creates_the_targets_on_their_links(users, mini_pack):
    outcome = run(
        [
            row(),
            row(
                企业名称="浙江示例冷链物流有限公司",
                统一社会信用代码=HANGZHOU,
                所在地="浙江省杭州市",
                产业链名称=None,
                产业链编号="food-cold-chain",
                环节名称="冷链物流",
                **{"营业收入(亿元)": "12.5"},
            ),
            # a link name found in one chain only needs no chain column
            row(企业名称="河南示例养殖集团有限公司", 统一社会信用代码=None, 产业链名称=None, 环节名称="生猪养殖"),
        ],
        users["xianan"],
    )
    assert outcome.ok, outcome.errors
    assert (outcome.batch.created, outcome.batch.updated, outcome.batch.unchanged) == (3, 0, 0)
    t = AttractionTarget.objects.get(name="江苏示例肉食品股份有限公司")
    assert t.link == link("food-meat", "屠宰加工")
    assert (t.uscc, t.location, t.products, t.size, t.revenue, t.source) == (
        SUZHOU,
        "江苏省苏州市",
        "冷鲜肉、调理肉制品",
        "上市公司",
        Decimal("35.60"),
        "中国食品百强",
    )
    assert t.batch == outcome.batch
    assert AttractionTarget.objects.get(uscc=HANGZHOU).link == link("food-cold-chain", "冷链物流")
    assert AttractionTarget.objects.get(name="河南示例养殖集团有限公司").link == link("food-meat", "生猪养殖")
    # each target audited by the service, plus the import itself
    assert AuditLog.objects.filter(object_type="chains.attractiontarget", action="create").count() == 3
    assert AuditLog.objects.filter(action="import", object_repr__contains="招商目标库").count() == 1


def test_header_synonyms_and_wan_yuan_revenue_are_understood(users, mini_pack):
    header = ["公司名称", "所在地区", "营业收入(万元)", "产业链", "环节"]
    outcome = run([["湖南示例食品有限公司", "湖南省长沙市", 85000, "肉制品产业链", "肉制品"]], users["admin"], header)
    assert outcome.ok, outcome.errors
    t = AttractionTarget.objects.get()
    assert (t.name, t.location, t.revenue, t.link) == (
        "湖南示例食品有限公司",
        "湖南省长沙市",
        Decimal("8.50"),
        link("food-meat", "肉制品"),
    )


def test_csv_files_are_imported_too(users, mini_pack):
    outcome = run([row(统一社会信用代码=None)], users["admin"], filename="名单.csv")
    assert outcome.ok, outcome.errors
    assert AttractionTarget.objects.count() == 1


def test_old_xls_files_get_a_chinese_reason(users, mini_pack):
    outcome = run_import("attraction_targets", data=b"\xd0\xcf\x11\xe0", filename="名单.xls", user=users["admin"])
    assert not outcome.ok and "另存为" in outcome.errors[0].message


def test_bad_rows_give_chinese_errors_and_nothing_is_written(users, mini_pack):
    before = AttractionTarget.objects.count()
    outcome = run(
        [
            row(),  # row 2 is good
            row(企业名称=None, 统一社会信用代码=None),  # 3: no name
            row(企业名称="乙公司", 统一社会信用代码=with_bad_check(HANGZHOU)),  # 4: bad check character
            row(企业名称="丙公司", 统一社会信用代码=None, 环节名称="深加工"),  # 5: no such link in the chain
            row(企业名称="丁公司", 统一社会信用代码=None, 产业链名称=None, 环节名称="肉制品"),  # 6: in two chains
            row(企业名称="戊公司", 统一社会信用代码=None, **{"营业收入(亿元)": -3}),  # 7: negative
            row(企业名称="己公司", 统一社会信用代码=None, 产业链名称="光伏产业链"),  # 8: unknown chain
            row(统一社会信用代码=None),  # 9: the same company and link as row 2
        ],
        users["xianan"],
    )
    assert not outcome.ok
    assert outcome.batch.status == ImportBatch.Status.INVALID
    assert AttractionTarget.objects.count() == before
    errs = errors_of(outcome)
    assert (3, "企业名称", "", "企业名称不能为空") in errs
    bad = next(e for e in errs if e[0] == 4)
    assert bad[1] == "统一社会信用代码" and bad[2] == with_bad_check(HANGZHOU) and "校验位错误" in bad[3]
    assert any(e[0] == 5 and e[1] == "环节名称" and "产业链“肉制品产业链”中没有该环节" in e[3] for e in errs)
    assert any(e[0] == 6 and e[1] == "环节名称" and "多条产业链都有该环节" in e[3] for e in errs)
    assert (7, "营业收入(亿元)", "-3", "不能为负数") in errs
    assert any(e[0] == 8 and e[1] == "产业链名称" and e[2] == "光伏产业链" and "找不到该产业链" in e[3] for e in errs)
    assert any(e[0] == 9 and "与第2行重复" in e[3] for e in errs)
    assert not any(e[0] == 2 for e in errs)
    assert not AuditLog.objects.filter(object_type="chains.attractiontarget").exists()


def test_revenue_header_without_a_unit_is_refused(users, mini_pack):
    header = [("营业收入" if h == "营业收入(亿元)" else h) for h in HEADER]
    outcome = run([row()], users["admin"], header)
    assert not outcome.ok and "表头须注明单位" in outcome.errors[0].message
    assert not AttractionTarget.objects.exists()


def test_a_locally_registered_company_is_refused(users, regions):
    local = EnterpriseFactory(county=regions["咸安区"], name="咸安示例肉业有限公司")
    outcome = run([row(), row(企业名称=local.name, 统一社会信用代码=local.uscc)], users["admin"])
    assert not outcome.ok
    (err,) = outcome.errors
    assert (err.row, err.column, err.value) == (3, "统一社会信用代码", local.uscc)
    assert "本地已登记企业“咸安示例肉业有限公司”（咸安区）" in err.message and "放到环节上" in err.message
    assert not AttractionTarget.objects.exists()  # the good row 2 is not written either


def test_same_company_on_the_same_link_is_updated_not_duplicated(users, mini_pack):
    run([row()], users["admin"])
    again = run([row()], users["admin"])
    assert (again.batch.created, again.batch.updated, again.batch.unchanged) == (0, 0, 1)
    changed = run([row(规模="中国500强", **{"营业收入(亿元)": 40})], users["admin"])
    assert (changed.batch.created, changed.batch.updated) == (0, 1)
    t = AttractionTarget.objects.get()
    assert (t.size, t.revenue) == ("中国500强", Decimal("40.00"))
    # a blank cell leaves the stored value
    run([row(规模=None, 来源=None)], users["admin"])
    t.refresh_from_db()
    assert (t.size, t.source) == ("中国500强", "中国食品百强")


def test_same_name_without_a_code_matches_the_existing_target(users, mini_pack):
    existing = AttractionTargetFactory(link=link("food-meat", "屠宰加工"), name="江苏示例肉食品股份有限公司")
    outcome = run([row(统一社会信用代码=None, 备注="已对接")], users["admin"])
    assert (outcome.batch.created, outcome.batch.updated) == (0, 1)
    existing.refresh_from_db()
    assert existing.note == "已对接" and AttractionTarget.objects.count() == 1


def test_same_company_on_another_link_is_a_second_target(users, mini_pack):
    run([row(), row(环节名称="肉制品")], users["admin"])
    assert AttractionTarget.objects.filter(uscc=SUZHOU).count() == 2


def test_dry_run_checks_and_writes_nothing(users, mini_pack):
    outcome = run([row()], users["admin"], dry_run=True)
    assert outcome.ok and outcome.batch.status == ImportBatch.Status.VALID
    assert not AttractionTarget.objects.exists()


@pytest.mark.parametrize("who", ["viewer", "qiye"])
def test_read_only_and_enterprise_users_cannot_import_targets(users, two_counties, who):
    outcome = run([row()], users[who])
    assert not outcome.ok and outcome.errors[0].message == "您的角色不能导入招商目标库。"
    assert not AttractionTarget.objects.exists()


def test_inactive_chain_is_refused(users, mini_pack):
    Chain.objects.filter(code="food-meat").update(is_active=False)
    outcome = run([row()], users["admin"])
    assert not outcome.ok and "已停用" in outcome.errors[0].message
