"""A statistics roster that marks firms 是否规上 = 是 without an entry date (issue 13). Before, the registry showed
them as 规上 while the analysis (which reads dated 规上 periods) left them out. Now one rule, said in the import's
summary: 规上 from 1 January of the roster's year, the date marked as assumed, not counted as a new entry (新增规上).
A 否 that contradicts an open period without a 退规日期 is refused in words. The registry's flag is what the
periods say."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from chanye.core.access import SYSTEM
from chanye.core.imports.runner import run_import
from chanye.cultivation.analysis import analyze
from chanye.cultivation.models import Alert
from chanye.enterprises.models import Enterprise, MonthlyFigure, ScalePeriod
from chanye.targets import indicators
from tests.factories import EnterpriseFactory
from tests.helpers import xlsx

pytestmark = pytest.mark.django_db(transaction=True)
MONTH = dt.date(2025, 6, 1)
HEAD = ["统一社会信用代码", "企业名称", "所属区县", "是否规上"]


def roster(rows, **options):
    return run_import("enterprises", data=xlsx([HEAD, *rows]), filename="规上名录.xlsx", user=SYSTEM, options=options)


def test_a_firm_marked_above_scale_without_a_date_is_above_scale_from_the_rosters_january(regions):
    e = EnterpriseFactory(county=regions["咸安区"], is_above_scale=False)
    out = roster([[e.uscc, e.name, "咸安区", "是"]], roster_year="2025")
    assert out.ok, out.errors
    p = ScalePeriod.objects.get(enterprise=e)
    assert (p.entered_on, p.exited_on, p.entry_assumed) == (dt.date(2025, 1, 1), None, True)
    e.refresh_from_db()
    assert e.is_above_scale
    (note,) = [n for n in out.summary if n["level"] == "warning"]
    assert note["text"].startswith(f"1家企业标为规上但没有入规日期（{e.name}）：按名录年份，自2025年1月1日起计为规上")
    assert "不计入新增规上" in note["text"]


def test_the_monthly_analysis_and_the_indicators_see_it_but_do_not_count_it_as_new(regions):
    e = EnterpriseFactory(county=regions["咸安区"], is_above_scale=False)
    assert roster([[e.uscc, e.name, "咸安区", "是"]], roster_year="2025").ok
    for m in range(1, 13):  # 2024: 12 × 200 = 2400万元, at or under the 3000万元 line (XN-GS-7)
        MonthlyFigure.objects.create(enterprise=e, month=dt.date(2024, m, 1), output=Decimal("200"))
    MonthlyFigure.objects.create(enterprise=e, month=MONTH, output=Decimal("150"))  # −25 % on June 2024
    analyze(MONTH)
    assert list(Alert.objects.filter(enterprise=e).values_list("kind", flat=True)) == ["exit_risk"]
    city = {(r.indicator, r.params_key): r.value for r in indicators.compute(MONTH) if r.region_id is None}
    assert city["above_scale_count", ""] == 1
    assert city["above_scale_new_count", ""] == 0  # its real entry date is not known


def test_a_dated_entry_counts_as_new_and_an_assumed_one_does_not(regions):
    dated = EnterpriseFactory(county=regions["咸安区"])
    assumed = EnterpriseFactory(county=regions["咸安区"])
    out = run_import(
        "enterprises",
        data=xlsx(
            [
                [*HEAD, "入规日期"],
                [dated.uscc, dated.name, "咸安区", "是", "2025-03"],
                [assumed.uscc, assumed.name, "咸安区", "是", None],
            ]
        ),
        filename="名录.xlsx",
        user=SYSTEM,
        options={"roster_year": "2025"},
    )
    assert out.ok, out.errors
    city = {(r.indicator, r.params_key): r.value for r in indicators.compute(MONTH) if r.region_id is None}
    assert city["above_scale_count", ""] == 2 and city["above_scale_new_count", ""] == 1


def test_a_firm_that_left_and_is_listed_again_reenters_the_day_after_its_exit(regions):
    e = EnterpriseFactory(county=regions["咸安区"])
    ScalePeriod.objects.create(enterprise=e, entered_on=dt.date(2020, 1, 1), exited_on=dt.date(2025, 3, 31))
    assert roster([[e.uscc, e.name, "咸安区", "是"]], roster_year="2025").ok
    assert list(e.scale_periods.values_list("entered_on", "entry_assumed")) == [
        (dt.date(2020, 1, 1), False),
        (dt.date(2025, 4, 1), True),
    ]


def test_a_firm_already_above_scale_gets_no_second_period(regions):
    e = EnterpriseFactory(county=regions["咸安区"], is_above_scale=True)
    ScalePeriod.objects.create(enterprise=e, entered_on=dt.date(2019, 5, 1))
    out = roster([[e.uscc, e.name, "咸安区", "是"]])
    assert out.ok and ScalePeriod.objects.filter(enterprise=e).count() == 1
    assert not [n for n in out.summary if n["level"] == "warning"]


def test_no_without_an_exit_date_against_an_open_period_is_refused_in_words(regions):
    e = EnterpriseFactory(county=regions["咸安区"], is_above_scale=True)
    ScalePeriod.objects.create(enterprise=e, entered_on=dt.date(2019, 5, 1))
    out = roster([[e.uscc, e.name, "咸安区", "否"]])
    (err,) = out.errors
    assert (err.row, err.column, err.value) == (2, "是否规上", "否")
    assert err.message == "标为非规上，但该企业自2019-05-01起为规上且未退规：请填写退规日期"
    assert Enterprise.objects.get(pk=e.pk).is_above_scale  # nothing written


def test_an_entry_date_without_the_flag_column_makes_the_registry_say_above_scale(regions):
    e = EnterpriseFactory(county=regions["咸安区"], is_above_scale=False)
    out = run_import(
        "enterprises",
        data=xlsx([["统一社会信用代码", "企业名称", "所属区县", "入规日期"], [e.uscc, e.name, "咸安区", "2024-07"]]),
        filename="名录.xlsx",
        user=SYSTEM,
    )
    assert out.ok, out.errors
    e.refresh_from_db()
    assert e.is_above_scale and not e.scale_periods.get().entry_assumed
