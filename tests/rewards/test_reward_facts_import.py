"""The 奖补事实 import: a sheet with one column per fact (as offices send it) or one row per fact; enterprises by
credit code or exact name within the importer's scope; all or nothing with row, column, value and reason in Chinese;
a re-import changes nothing; what the sheet holds that cannot be used is said; the imported facts then compute
(EZ-R-1 from a real .xlsx)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from chanye.core.imports.runner import run_import
from chanye.core.models import ImportBatch
from chanye.rewards.models import RewardFact
from tests.factories import UserFactory
from tests.helpers import csv_bytes, xlsx
from tests.rewards.world import compute, counties, entered, firm, granted, load_pack, people

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    load_pack("ezhou")
    here, there = counties()[:2]
    a, b = firm(here), firm(there)
    entered(a, dt.date(2020, 1, 1))
    return {"a": a, "b": b, **people(here)}


def test_one_column_per_fact_from_an_xlsx_computes_ez_r_1(world):
    a = world["a"]
    data = xlsx(
        [
            ["企业名称", "年度", "电商直播销售自产工业品金额", "主播带货佣金", "联系人"],
            [a.name, 2025, 800, 120, "张三"],
        ]
    )
    out = run_import("reward_facts", data=data, filename="直播.xlsx", user=world["admin"])
    assert out.batch.status == ImportBatch.Status.DONE, out.batch.errors
    assert dict(RewardFact.objects.values_list("kind", "value")) == {
        "livestream_sales": Decimal("800.0000"),
        "livestream_commission": Decimal("120.0000"),
    }
    assert any(w["column"] == "联系人" and "无法识别" in w["message"] for w in out.batch.warnings)  # said, not silent
    from chanye.core.models import AuditLog

    assert AuditLog.objects.filter(action="import").count() == 1  # the import framework's row, once
    again = run_import("reward_facts", data=data, filename="直播.xlsx", user=world["admin"])
    assert again.batch.status == ImportBatch.Status.DONE and RewardFact.objects.count() == 2
    compute(2025)
    assert granted(2025, "ez-r-1-livestream") == {(a.pk, ""): Decimal("18")}  # 120 × 15 %


def test_one_row_per_fact_and_every_error_in_words_nothing_written(world):
    a = world["a"]
    bad = csv_bytes(
        [
            ["统一社会信用代码", "企业名称", "年度", "事实", "数值"],
            [a.uscc, "", "2025", "主播带货佣金", "-5"],
            ["", "不存在的公司", "2025", "主播带货佣金", "10"],
            [a.uscc, "", "25", "直播带货场次", "10"],
            [a.uscc, "", "2025", "livestream_sales", ""],
        ]
    )
    out = run_import("reward_facts", data=bad, filename="事实.csv", user=world["admin"])
    assert out.batch.status == ImportBatch.Status.INVALID and RewardFact.objects.count() == 0
    messages = {(e["row"], e["column"], e["message"]) for e in out.batch.errors}
    assert (2, "数值", "不能为负数") in messages
    assert any(r == 3 and "找不到该企业名称" in m for r, _, m in messages)
    assert (4, "年度", "年度应为四位数字，如 2025") in messages
    assert any(r == 4 and c == "事实" and "政策包没有这个奖补事实" in m for r, c, m in messages)
    assert (5, "数值", "数值不能为空") in messages
    good = csv_bytes([["统一社会信用代码", "年度", "事实", "数值"], [a.uscc, "2025", "livestream_sales", "600"]])
    assert run_import("reward_facts", data=good, filename="事实.csv", user=world["admin"]).batch.status == "done"


def test_a_county_officer_imports_its_own_firms_only_and_a_viewer_none(world):
    rows = [["统一社会信用代码", "年度", "主播带货佣金"], [world["b"].uscc, "2025", "50"]]
    out = run_import("reward_facts", data=csv_bytes(rows), filename="x.csv", user=world["officer"])
    assert out.batch.status == ImportBatch.Status.INVALID
    assert "您的权限范围内没有该统一社会信用代码的企业" in out.batch.errors[0]["message"]
    rows = [["统一社会信用代码", "年度", "主播带货佣金"], [world["a"].uscc, "2025", "50"]]
    assert (
        run_import("reward_facts", data=csv_bytes(rows), filename="x.csv", user=world["officer"]).batch.status == "done"
    )
    viewer = run_import("reward_facts", data=csv_bytes(rows), filename="x.csv", user=world["viewer"])
    assert viewer.batch.status != ImportBatch.Status.DONE


def test_a_per_project_fact_needs_its_project():
    load_pack("huanggang")
    e = firm()
    admin = UserFactory(username="admin", role="city_admin")
    rows = [
        ["统一社会信用代码", "年度", "项目", "技改项目设备投资额（含土建、数字化及研发投入）"],
        [e.uscc, "2025", "", "1000"],
    ]
    out = run_import("reward_facts", data=csv_bytes(rows), filename="x.csv", user=admin)
    assert "按项目计算，须填写项目名称" in out.batch.errors[0]["message"]
    rows[1][2] = "一号产线智能化改造"
    assert run_import("reward_facts", data=csv_bytes(rows), filename="x.csv", user=admin).batch.status == "done"
    assert RewardFact.objects.get().project == "一号产线智能化改造"


def test_a_unit_in_a_fact_header_is_converted_or_refused_in_words(world):
    a = world["a"]
    rows = [["统一社会信用代码", "年度", "主播带货佣金(元)"], [a.uscc, "2025", "1200000"]]
    out = run_import("reward_facts", data=csv_bytes(rows), filename="x.csv", user=world["admin"])
    assert out.batch.status == ImportBatch.Status.DONE
    assert RewardFact.objects.get().value == Decimal("120")  # 1,200,000 元 = 120 万元, the pack's unit
    rows = [["统一社会信用代码", "年度", "主播带货佣金(座)"], [a.uscc, "2025", "3"]]
    out = run_import("reward_facts", data=csv_bytes(rows), filename="x.csv", user=world["admin"])
    assert out.batch.status == ImportBatch.Status.INVALID
    assert "“主播带货佣金”的单位应为万元，表头写的是“座”" in [e["message"] for e in out.batch.errors]
