"""Monthly-figure import: units, number forms, months, name matching, revisions, all or nothing."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from chanye.core.access import SYSTEM
from chanye.core.imports.runner import run_import
from chanye.enterprises.models import EnterpriseAlias, FigureRevision, MonthlyFigure
from tests.factories import EnterpriseFactory
from tests.helpers import csv_bytes, xlsx

pytestmark = pytest.mark.django_db


@pytest.fixture
def firms(regions):
    return {
        "a": EnterpriseFactory(county=regions["咸安区"], name="咸宁市华劲铝业有限责任公司"),
        "b": EnterpriseFactory(county=regions["嘉鱼县"], name="湖北奥瑞金制罐有限公司"),
        "c1": EnterpriseFactory(county=regions["咸安区"], name="咸安金鹰生物科技有限公司"),
        "c2": EnterpriseFactory(county=regions["嘉鱼县"], name="嘉鱼金鹰生物科技有限公司"),
    }


def run(data, name="月报.xlsx", user=SYSTEM, **kw):
    return run_import("monthly", data=data, filename=name, user=user, **kw)


def test_yuan_header_is_converted_to_wanyuan_and_text_numbers_are_read(firms):
    out = run(
        xlsx(
            [
                ["统一社会信用代码", "年月", "工业总产值(元)", "营业收入（万元）", "用电量(千瓦时)", "从业人员(人)"],
                [firms["a"].uscc, "2025年3月", "12,345,600", "１２３４.５", 50000, "120"],
            ]
        )
    )
    assert out.ok, out.errors
    f = MonthlyFigure.objects.get(enterprise=firms["a"])
    assert f.month == dt.date(2025, 3, 1) and f.source == "stats"
    assert f.output == Decimal("1234.56") and f.revenue == Decimal("1234.5")
    assert f.electricity == Decimal("5") and f.employees == 120


def test_header_without_unit_or_with_unknown_unit_is_refused(firms):
    out = run(xlsx([["统一社会信用代码", "年月", "工业总产值", "营业收入(美元)"], [firms["a"].uscc, "2025-01", 1, 2]]))
    msgs = {e.column: e.message for e in out.errors}
    assert "须注明单位" in msgs["工业总产值"]
    assert "美元" in msgs["营业收入(美元)"] or "无法识别的单位" in msgs["营业收入(美元)"]


def test_excel_date_serial_and_date_cells_are_months(firms):
    out = run(
        xlsx(
            [
                ["统一社会信用代码", "年月", "工业总产值(万元)"],
                [firms["a"].uscc, 45717, 1],
                [firms["b"].uscc, dt.date(2025, 4, 30), 2],
            ]
        )
    )
    assert out.ok, out.errors
    assert set(MonthlyFigure.objects.values_list("month", flat=True)) == {dt.date(2025, 3, 1), dt.date(2025, 4, 1)}


def test_every_bad_cell_is_reported_and_nothing_is_written(firms):
    future = (timezone.localdate().replace(day=1) + dt.timedelta(days=40)).strftime("%Y-%m")
    rows = [
        ["统一社会信用代码", "企业名称", "年月", "工业总产值(万元)", "利润总额(万元)"],
        [firms["a"].uscc, None, "2025-01", 100, -5],  # negative profit is allowed
        [firms["a"].uscc, None, "2025-02", -1, 1],
        [firms["a"].uscc, None, "2025-03", "一百", 1],
        [firms["a"].uscc, None, future, 1, 1],
        [firms["a"].uscc, None, "2025-01", 100, 1],
        [None, "不存在的企业有限公司", "2025-01", 1, 1],
        [None, "金鹰生物科技有限公司", "2025-01", 1, 1],
    ]
    out = run(xlsx(rows))
    assert MonthlyFigure.objects.count() == 0
    got = {(e.row, e.column): e.message for e in out.errors}
    assert "负数" in got[(3, "工业总产值(万元)")]
    assert "数字" in got[(4, "工业总产值(万元)")]
    assert "未来" in got[(5, "年月")]
    assert "与第2行重复" in got[(6, "年月")]
    assert "找不到" in got[(7, "企业名称")]
    ambiguous = got[(8, "企业名称")]
    assert "多家" in ambiguous and firms["c1"].uscc in ambiguous and firms["c2"].uscc in ambiguous
    assert (2, "利润总额(万元)") not in got


def test_names_match_after_normalising_legal_form_and_region_prefix(firms):
    out = run(
        xlsx(
            [
                ["企业名称", "年月", "工业总产值(万元)"],
                ["华劲铝业有限公司", "2025-01", 1],
                ["奥瑞金制罐（嘉鱼）有限公司", "2025-01", 2],
            ]
        )
    )
    assert out.ok, out.errors
    assert MonthlyFigure.objects.get(enterprise=firms["a"]).output == 1
    assert MonthlyFigure.objects.get(enterprise=firms["b"]).output == 2


def test_former_names_match(firms):
    EnterpriseAlias.objects.create(enterprise=firms["b"], name="湖北奥瑞金包装有限公司", name_key="奥瑞金包装")
    out = run(xlsx([["企业名称", "年月", "工业总产值(万元)"], ["奥瑞金包装有限公司", "2025-01", 3]]))
    assert out.ok, out.errors


def test_fuzzy_match_accepts_one_typo_in_a_long_name_with_a_warning(regions):
    e = EnterpriseFactory(county=regions["咸安区"], name="湖北香城智能机电产业技术研究院有限公司")
    out = run(
        xlsx([["企业名称", "年月", "工业总产值(万元)"], ["湖北香城智能机电产业技术研究所有限公司", "2025-01", 3]])
    )
    assert out.ok, out.errors
    assert MonthlyFigure.objects.get().enterprise == e
    assert any("近似名称" in w.message for w in out.warnings)


def test_fuzzy_near_misses_are_listed_as_candidates_not_guessed(firms):
    out = run(xlsx([["企业名称", "年月", "工业总产值(万元)"], ["华劲铝材有限公司", "2025-01", 3]]))
    (err,) = out.errors
    assert "可能是" in err.message and firms["a"].uscc in err.message


def test_reimport_is_idempotent_and_a_revision_keeps_the_old_value(firms, users):
    header = ["统一社会信用代码", "年月", "工业总产值(万元)", "开票销售额(万元)"]
    first = xlsx([header, [firms["a"].uscc, "2025-01", 100, 90], [firms["b"].uscc, "2025-01", 50, None]])
    assert run(first, user=users["admin"]).batch.created == 2
    again = run(first, user=users["admin"])
    assert (again.batch.created, again.batch.updated, again.batch.unchanged) == (0, 0, 2)
    revised = run(
        xlsx([header, [firms["a"].uscc, "2025-01", 120, 90], [firms["b"].uscc, "2025-01", 50, None]]),
        user=users["admin"],
    )
    assert (revised.batch.created, revised.batch.updated, revised.batch.unchanged) == (0, 1, 1)
    f = MonthlyFigure.objects.get(enterprise=firms["a"])
    assert f.output == 120
    rev = FigureRevision.objects.get(figure=f)
    assert (rev.metric, rev.old_value, rev.new_value, rev.batch_id) == ("output", 100, 120, revised.batch.pk)


def test_empty_cell_does_not_erase_an_existing_figure(firms):
    run(xlsx([["统一社会信用代码", "年月", "工业总产值(万元)"], [firms["a"].uscc, "2025-01", 100]]))
    out = run(
        xlsx([["统一社会信用代码", "年月", "工业总产值(万元)", "税收(万元)"], [firms["a"].uscc, "2025-01", "—", 5]])
    )
    assert out.ok
    f = MonthlyFigure.objects.get()
    assert f.output == 100 and f.tax == 5


def test_sources_are_kept_apart(firms):
    out = run(
        xlsx(
            [
                ["统一社会信用代码", "年月", "数据来源", "开票销售额(万元)"],
                [firms["a"].uscc, "2025-01", "税务", 10],
                [firms["a"].uscc, "2025-01", "统计", 11],
            ]
        )
    )
    assert out.ok, out.errors
    assert dict(MonthlyFigure.objects.values_list("source", "invoice_sales")) == {"tax": 10, "stats": 11}


def test_county_officer_sees_other_countys_firm_as_unknown(firms, users):
    out = run(
        xlsx([["统一社会信用代码", "年月", "工业总产值(万元)"], [firms["b"].uscc, "2025-01", 1]]), user=users["xianan"]
    )
    assert not out.ok and "权限范围内" in out.errors[0].message


def test_enterprise_user_imports_only_self_reported_figures_of_its_own_firm(firms, users):
    from tests.factories import UserFactory

    u = UserFactory(username="qy", role="enterprise", enterprise=firms["a"])
    out = run(
        csv_bytes(
            [
                ["统一社会信用代码", "年月", "工业总产值(万元)"],
                [firms["a"].uscc, "2025-01", 1],
                [firms["b"].uscc, "2025-01", 1],
            ]
        ),
        name="自报.csv",
        user=u,
    )
    assert not out.ok and out.errors[0].row == 3
    out = run(
        csv_bytes([["统一社会信用代码", "年月", "工业总产值(万元)"], [firms["a"].uscc, "2025-01", 1]]),
        name="自报.csv",
        user=u,
    )
    assert out.ok and MonthlyFigure.objects.get().source == "self"


def test_a_failure_while_writing_rolls_everything_back(firms, monkeypatch):
    from chanye.enterprises.models import FigureRevision

    run(xlsx([["统一社会信用代码", "年月", "工业总产值(万元)"], [firms["a"].uscc, "2025-01", 1]]))

    def boom(*a, **k):
        raise RuntimeError("disk full")

    monkeypatch.setattr(FigureRevision.objects, "bulk_create", boom)
    out = run(
        xlsx(
            [
                ["统一社会信用代码", "年月", "工业总产值(万元)"],
                [firms["a"].uscc, "2025-01", 2],
                [firms["b"].uscc, "2025-01", 2],
            ]
        )
    )
    assert out.batch.status == "failed" and "撤销" in out.errors[0].message
    assert MonthlyFigure.objects.count() == 1 and MonthlyFigure.objects.get().output == 1


def test_subtotal_row_with_heji_in_the_name_column_is_skipped(firms):
    out = run(
        xlsx(
            [
                ["企业名称", "年月", "工业总产值(万元)"],
                ["华劲铝业有限公司", "2025-01", 1],
                ["合计", None, 1],
                ["注：单位为万元", None, None],
            ]
        )
    )
    assert out.ok, out.errors
    assert MonthlyFigure.objects.count() == 1 and len(out.warnings) == 2
