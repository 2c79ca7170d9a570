"""The import templates as an officer uses them (issue 13): the example row left in is skipped with a warning, never
refused and never imported (the example firm is not created), a template with nothing but its example says so in
words, and money columns are headed in 万元, the unit every page speaks."""

from __future__ import annotations

import io

import pytest
from openpyxl import load_workbook

from chanye.core.access import SYSTEM
from chanye.core.imports import registry
from chanye.core.imports.runner import run_import
from chanye.core.imports.views import template_file
from chanye.enterprises.models import Enterprise, MonthlyFigure
from tests.factories import EnterpriseFactory

pytestmark = pytest.mark.django_db


def with_rows(data: bytes, *rows: dict[str, object]) -> bytes:
    """The template with rows appended under its example, by header text."""
    wb = load_workbook(io.BytesIO(data))
    ws = wb["数据"]
    headers = [c.value for c in ws[1]]
    for row in rows:
        ws.append([row.get(h) for h in headers])
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


KINDS_WITH_EXAMPLES = [k.kind for k in registry.kinds() if k.examples and k.template is None]


def test_there_are_templates_with_examples_to_check():
    assert {"enterprises", "monthly"} <= set(KINDS_WITH_EXAMPLES)


@pytest.mark.parametrize("kind", KINDS_WITH_EXAMPLES)
def test_a_template_left_as_downloaded_says_it_holds_only_the_example(kind, regions):
    data, _ = template_file(kind)
    out = run_import(kind, data=data, filename="模板.xlsx", user=SYSTEM)
    assert [(e.row, e.message) for e in out.errors] == [
        (0, "表头下面没有数据行（只有模板中的示例行，已跳过；请在其下方或替换它填写数据）")
    ]


def test_monthly_template_speaks_wan_and_its_example_row_is_skipped(regions):
    data, _ = template_file("monthly")
    headers = [c.value for c in load_workbook(io.BytesIO(data))["数据"][1]]
    assert "工业总产值(万元)" in headers and "开票销售额(万元)" in headers
    e = EnterpriseFactory(county=regions["咸安区"])
    out = run_import(
        "monthly",
        data=with_rows(data, {"统一社会信用代码": e.uscc, "年月": "2025-03", "工业总产值(万元)": 88}),
        filename="月报.xlsx",
        user=SYSTEM,
    )
    assert out.ok, out.errors
    assert [(w.row, w.message) for w in out.warnings] == [(2, "模板中的示例行，已跳过")]
    assert list(MonthlyFigure.objects.values_list("enterprise_id", "output")) == [(e.pk, 88)]


def test_the_enterprise_templates_example_firm_is_never_created(regions):
    data, _ = template_file("enterprises")
    new = {
        "统一社会信用代码": EnterpriseFactory.build(county=regions["咸安区"]).uscc,
        "企业名称": "咸宁测试实业有限公司",
        "所属区县": "咸安区",
    }
    out = run_import("enterprises", data=with_rows(data, new), filename="名录.xlsx", user=SYSTEM)
    assert out.ok, out.errors
    assert list(Enterprise.objects.values_list("name", flat=True)) == ["咸宁测试实业有限公司"]
