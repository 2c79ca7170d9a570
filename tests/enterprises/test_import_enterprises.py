"""Enterprise-list import: validate the whole file first, then write all or nothing."""

from __future__ import annotations

import random

import pytest

from chanye.core.access import SYSTEM
from chanye.core.imports.runner import run_import
from chanye.core.models import AuditLog
from chanye.core.uscc_gen import make_uscc, with_bad_check
from chanye.enterprises.models import Enterprise, Honour
from tests.helpers import csv_bytes, xlsx

pytestmark = pytest.mark.django_db
HEADER = ["统一社会信用代码", "企业名称", "所属区县", "行业代码", "是否规上", "专精特新", "产业集群"]
rng = random.Random(7)


def codes(n):
    return [make_uscc(rng) for _ in range(n)]


@pytest.fixture(autouse=True)
def _industry_codes(mini_pack):
    from chanye.industry.models import IndustryCode

    for code, name, level in [
        ("C", "制造业", 1),
        ("39", "计算机、通信和其他电子设备制造业", 2),
        ("397", "电子器件制造", 3),
        ("3971", "电子真空器件制造", 4),
        ("0111", "稻谷种植", 4),
    ]:
        IndustryCode.objects.get_or_create(code=code, defaults={"name": name, "level": level, "section": "C"})


def run(data, name="企业.xlsx", user=SYSTEM, dry_run=False):
    return run_import("enterprises", data=data, filename=name, user=user, dry_run=dry_run)


def test_valid_sheet_is_written_with_honours_and_clusters():
    a, b = codes(2)
    out = run(
        xlsx(
            [
                HEADER,
                [a, "湖北甲科技有限公司", "咸安区", "3971", "是", "省级(2023)", "冷链食品制造集群"],
                [b, "乙食品有限公司", "421221", "C3971", "否", "", ""],
            ],
            text_cols=[0],
        )
    )
    assert out.ok, out.errors
    assert out.batch.created == 2
    e = Enterprise.objects.get(uscc=a)
    assert e.county.name == "咸安区" and e.is_above_scale and e.industry_code_id == "3971"
    assert Honour.objects.get(enterprise=e).level == "provincial"
    # a sub-cluster brings its parent cluster along
    assert set(e.clusters.values_list("code", flat=True)) == {"food-cold-chain", "food"}
    assert Enterprise.objects.get(uscc=b).county.code == "421221"


def test_reimporting_the_same_file_changes_nothing():
    a, b = codes(2)
    data = xlsx(
        [HEADER, [a, "甲有限公司", "咸安区", "3971", "是", "国家级", ""], [b, "乙有限公司", "嘉鱼县", "", "否", "", ""]]
    )
    assert run(data).batch.created == 2
    audits = AuditLog.objects.count()
    again = run(data)
    assert again.ok and (again.batch.created, again.batch.updated, again.batch.unchanged) == (0, 0, 2)
    assert AuditLog.objects.count() == audits


def test_each_error_has_row_column_value_and_chinese_reason_and_nothing_is_written():
    good, dup = codes(2)
    bad_check = with_bad_check(make_uscc(rng))
    rows = [
        HEADER,
        [good, "好企业有限公司", "咸安区", "3971", "是", "", ""],
        [bad_check, "坏代码有限公司", "咸安区", "", "", "", ""],
        [dup, "未知区县有限公司", "火星区", "", "", "", ""],
        [dup, "重复有限公司", "咸安区", "9999", "", "", ""],
        [make_uscc(rng), "坏行业有限公司", "嘉鱼县", "ABC", "也许", "", "不存在集群"],
    ]
    out = run(xlsx(rows))
    assert not out.ok
    assert Enterprise.objects.count() == 0
    found = {(e.row, e.column): e for e in out.errors}
    assert "校验位" in found[(3, "统一社会信用代码")].message and found[(3, "统一社会信用代码")].value == bad_check
    assert "找不到该区县" in found[(4, "所属区县")].message and found[(4, "所属区县")].value == "火星区"
    assert "与第4行重复" in found[(5, "统一社会信用代码")].message
    assert "国民经济行业分类" in found[(5, "行业代码")].message and found[(5, "行业代码")].value == "9999"
    assert "是" in found[(6, "是否规上")].message
    assert "不存在集群" in found[(6, "产业集群")].message
    assert out.batch.status == "invalid" and len(out.batch.errors) == len(out.errors)


def test_uscc_stored_as_an_excel_number_is_refused_with_a_reason():
    out = run(xlsx([HEADER, [914212001234567000, "数字代码有限公司", "咸安区", "", "", "", ""]]))
    (err,) = out.errors
    assert err.row == 2 and err.column == "统一社会信用代码" and "15位" in err.message


def test_title_row_merged_title_empty_rows_subtotals_and_notes_are_handled():
    a, b = codes(2)
    rows = [
        ["2025年咸宁市工业企业名录", None, None, None, None, None, None],
        HEADER,
        [a, "甲有限公司", "咸安区", None, "是", None, None],
        [None, None, None, None, None, None, None],
        [b, "乙有限公司", "嘉鱼县", None, "否", None, None],
        [None, "合计", None, None, None, None, None],
        ["注：本表由各县市区填报。", None, None, None, None, None, None],
        [None] * 7,
        [None] * 7,
    ]
    out = run(xlsx(rows, merges=["A1:G1"]))
    assert out.ok, out.errors
    assert out.batch.created == 2
    assert any("合计" in w.value for w in out.warnings)


def test_merged_county_cells_apply_to_every_row_they_cover():
    a, b = codes(2)
    out = run(
        xlsx(
            [
                HEADER,
                [a, "甲有限公司", "嘉鱼县", None, None, None, None],
                [b, "乙有限公司", None, None, None, None, None],
            ],
            merges=["C2:C3"],
        )
    )
    assert out.ok, out.errors
    assert Enterprise.objects.get(uscc=b).county.name == "嘉鱼县"


def test_fullwidth_characters_and_spaces_in_cells_and_headers():
    (a,) = codes(1)
    fw = a.translate({ord(c): ord(c) + 0xFEE0 for c in "0123456789ABCDEFGHJKLMNPQRTUWXY"})
    out = run(xlsx([["统一社会信用代码 ", " 企业名称", "所属区县"], [f" {fw} ", " 全角企业有限公司 ", "咸安区 "]]))
    assert out.ok, out.errors
    assert Enterprise.objects.get(uscc=a).name == "全角企业有限公司"


def test_csv_in_gb18030_is_read():
    (a,) = codes(1)
    out = run(
        csv_bytes([["统一社会信用代码", "企业名称", "所属区县"], [a, "国标编码有限公司", "咸宁高新区"]], "gb18030"),
        name="名录.csv",
    )
    assert out.ok, out.errors


def test_missing_required_column_is_a_file_error():
    out = run(xlsx([["统一社会信用代码", "企业名称"], [codes(1)[0], "甲有限公司"]]))
    assert [(e.row, e.column) for e in out.errors] == [(0, "所属区县")]


def test_dry_run_validates_only():
    out = run(xlsx([HEADER, [codes(1)[0], "甲有限公司", "咸安区", None, None, None, None]]), dry_run=True)
    assert out.ok and out.batch.status == "valid" and Enterprise.objects.count() == 0


def test_county_officer_cannot_import_another_countys_enterprise(users):
    out = run(xlsx([HEADER, [codes(1)[0], "甲有限公司", "嘉鱼县", None, None, None, None]]), user=users["xianan"])
    assert not out.ok and "咸安区" in out.errors[0].message
    assert Enterprise.objects.count() == 0


def test_changed_row_updates_and_is_audited_with_before_and_after(users):
    (a,) = codes(1)
    run(xlsx([HEADER, [a, "甲有限公司", "咸安区", None, "否", None, None]]), user=users["admin"])
    out = run(xlsx([HEADER, [a, "甲科技有限公司", "咸安区", None, "是", None, None]]), user=users["admin"])
    assert out.batch.updated == 1
    log = AuditLog.objects.filter(action="update", object_type="enterprises.enterprise").get()
    assert log.before["name"] == "甲有限公司" and log.after["name"] == "甲科技有限公司"
    assert log.before["is_above_scale"] is False and log.after["is_above_scale"] is True
    assert log.username == "admin"


def test_enterprise_users_and_viewers_cannot_import_the_enterprise_list(two_counties, users):
    from tests.factories import UserFactory

    for user in (users["qiye"], users["viewer"], UserFactory(username="v2", role="auditor")):
        out = run(xlsx([HEADER, [codes(1)[0], "新企业有限公司", "咸安区", None, None, None, None]]), user=user)
        assert not out.ok and "角色" in out.errors[0].message
    assert Enterprise.objects.count() == 2
