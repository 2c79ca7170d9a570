"""XN-GS-6 reads 开票销售额 wherever it was reported: the tax bureau's figure first, else a 统计 sheet's or the firm's
own report (chanye.cultivation.figure_uses.THRESHOLD_REMINDER). A monthly sheet with a 开票销售额 column and no
数据来源 column is stored under the import's source (统计 by default) and still raises the reminders — before, the
reminders read the 税务 source only and such a sheet was taken in and silently ignored."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from chanye.core.access import SYSTEM
from chanye.core.imports.runner import run_import
from chanye.cultivation.analysis import analyze
from chanye.cultivation.models import Alert
from chanye.enterprises.models import MonthlyFigure
from tests.factories import EnterpriseFactory
from tests.helpers import xlsx

pytestmark = pytest.mark.django_db(transaction=True)
MONTH = dt.date(2025, 6, 1)
LAST_8 = [dt.date(2025, m, 1) for m in range(6, 0, -1)] + [dt.date(2024, 12, 1), dt.date(2024, 11, 1)]


def invoices(e, per_month: str, source: str) -> None:
    for m in LAST_8:
        MonthlyFigure.objects.create(enterprise=e, month=m, source=source, invoice_sales=Decimal(per_month))


def alert(e) -> Alert | None:
    return Alert.objects.filter(enterprise=e).first()


def test_a_statistics_sheet_with_invoices_and_no_source_column_raises_the_reminder(regions):
    e = EnterpriseFactory(county=regions["咸安区"])
    rows = [["统一社会信用代码", "年月", "工业总产值(万元)", "开票销售额(万元)"]]
    rows += [[e.uscc, f"{m:%Y-%m}", 100, 250] for m in LAST_8]  # 8 × 250 = exactly 2000万元: reached
    out = run_import("monthly", data=xlsx(rows), filename="统计月报.xlsx", user=SYSTEM)
    assert out.ok, out.errors
    assert set(MonthlyFigure.objects.values_list("source", flat=True)) == {"stats"}
    analyze(MONTH)
    a = alert(e)
    assert a is not None and a.kind == "reached" and a.measure == Decimal("2000")
    assert "统计来源，无税务数据" in a.detail


def test_the_tax_bureaus_figure_wins_over_another_offices(regions):
    e = EnterpriseFactory(county=regions["咸安区"])
    invoices(e, "250", "stats")  # 2000万元 by the statistics sheet …
    invoices(e, "200", "tax")  # … 1600万元 by the tax bureau: 80 %, approaching only
    analyze(MONTH)
    a = alert(e)
    assert a is not None and a.kind == "approach" and a.measure == Decimal("1600")
    assert "来源" not in a.detail  # the tax bureau's figure needs no note


def test_a_firms_own_report_counts_when_no_office_reports_invoices(regions):
    e = EnterpriseFactory(county=regions["咸安区"])
    invoices(e, "199.875", "stats")  # 1599万元: below 80 %
    other = EnterpriseFactory(county=regions["咸安区"])
    invoices(other, "250", "self")
    analyze(MONTH)
    assert alert(e) is None
    a = alert(other)
    assert a is not None and a.kind == "reached" and "企业自报来源" in a.detail


def test_power_figures_never_raise_the_reminder(regions):
    e = EnterpriseFactory(county=regions["咸安区"])
    invoices(e, "250", "power")
    analyze(MONTH)
    assert alert(e) is None
