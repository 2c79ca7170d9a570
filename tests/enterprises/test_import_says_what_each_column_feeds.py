"""After a monthly import the batch says, column by column, which source the figures went to and what reads them,
and what the monthly analysis cannot compute (issue 13: sheets were taken in and then silently left out). The words
come from the same declarations the readers use (chanye.core.figure_uses)."""

from __future__ import annotations

import datetime as dt

import pytest

from chanye.core.access import SYSTEM
from chanye.core.imports.runner import run_import
from chanye.core.models import ImportBatch
from tests.factories import EnterpriseFactory
from tests.helpers import xlsx

pytestmark = pytest.mark.django_db


def texts(out, level: str | None = None) -> list[str]:
    return [n["text"] for n in out.summary if level is None or n["level"] == level]


def test_each_column_names_its_source_and_what_reads_it(regions):
    e = EnterpriseFactory(county=regions["咸安区"])
    out = run_import(
        "monthly",
        data=xlsx(
            [
                ["统一社会信用代码", "年月", "工业总产值(元)", "开票销售额(万元)", "用电量(万千瓦时)"],
                [e.uscc, "2025-03", 1_000_000, 5, 2],
            ]
        ),
        filename="统计.xlsx",
        user=SYSTEM,
    )
    assert out.ok, out.errors
    output, invoices, power = texts(out)[:3]
    assert "“工业总产值(元)”（已由元换算为万元） → 统计来源，1行" in output and "退规风险预警（XN-GS-7）" in output
    assert "统计来源" in invoices and "规上门槛提醒（XN-GS-6）" in invoices
    assert "不参与指标和预警计算" in power
    assert ImportBatch.objects.get().summary == out.summary  # the batch page shows what the command printed


def test_output_sent_as_tax_data_is_said_to_feed_nothing(regions):
    e = EnterpriseFactory(county=regions["咸安区"])
    out = run_import(
        "monthly",
        data=xlsx([["统一社会信用代码", "年月", "工业总产值(万元)"], [e.uscc, "2025-03", 10]]),
        filename="税务.xlsx",
        user=SYSTEM,
        options={"source": "tax"},
    )
    assert out.ok, out.errors
    warning = next(t for t in texts(out, "warning") if "工业总产值" in t)
    assert "税务来源" in warning and "不参与计算" in warning and "退规风险预警（XN-GS-7）只读取统计来源" in warning


def test_what_the_monthly_analysis_cannot_compute_is_said_for_the_sheet_and_the_month(regions):
    e = EnterpriseFactory(county=regions["咸安区"])
    out = run_import(
        "monthly",
        data=xlsx([["统一社会信用代码", "年月", "工业总产值(万元)"], [e.uscc, "2025-03", 10]]),
        filename="统计.xlsx",
        user=SYSTEM,
    )
    warnings = texts(out, "warning")
    assert any(
        "本表没有可用于规上门槛提醒（XN-GS-6）的开票销售额（税务/统计/企业自报/发票明细来源）：需另行导入" in t
        for t in warnings
    )
    assert "2025-03：没有任何企业有规上门槛提醒（XN-GS-6）所需数据，本月无法计算。" in warnings
    assert "2025-03：1家企业有退规风险预警（XN-GS-7）所需数据，重新分析后生效。" in texts(out, "info")


def test_a_dry_run_already_says_what_the_columns_feed(regions):
    e = EnterpriseFactory(county=regions["咸安区"])
    out = run_import(
        "monthly",
        data=xlsx([["统一社会信用代码", "年月", "开票销售额(万元)"], [e.uscc, dt.date(2025, 3, 1), 10]]),
        filename="税务.xlsx",
        user=SYSTEM,
        dry_run=True,
    )
    assert out.ok and any("规上门槛提醒" in t for t in texts(out, "info"))
    assert not any(t.startswith("2025-03：") for t in texts(out))  # nothing stored, nothing counted
