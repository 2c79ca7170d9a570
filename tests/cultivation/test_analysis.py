"""Monthly cultivation analysis: XN-GS-6 threshold reminders and XN-GS-7 exit-risk warnings, with edge values."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from chanye.cultivation.analysis import analyze
from chanye.cultivation.models import Alert, AlertStatus
from chanye.enterprises.models import MonthlyFigure, ScalePeriod
from tests.factories import EnterpriseFactory

pytestmark = pytest.mark.django_db(transaction=True)
MONTH = dt.date(2025, 6, 1)


def invoices(e, monthly: float, months: int = 12) -> None:
    m = MONTH
    for _ in range(months):
        MonthlyFigure.objects.create(enterprise=e, month=m, source="tax", invoice_sales=Decimal(str(monthly)))
        m = (m.replace(day=1) - dt.timedelta(days=1)).replace(day=1)


def above(e, since=dt.date(2015, 1, 1), until=None):
    ScalePeriod.objects.create(enterprise=e, entered_on=since, exited_on=until)
    e.is_above_scale = until is None
    e.save()


def output(e, month: dt.date, v: float) -> None:
    MonthlyFigure.objects.create(enterprise=e, month=month, source="stats", output=Decimal(str(v)))


def kinds(e) -> set[str]:
    return set(Alert.objects.filter(enterprise=e).values_list("kind", flat=True))


def test_xn_gs_6_exactly_2000_wan_is_reached_and_80_percent_is_approaching(regions):
    at_line = EnterpriseFactory(county=regions["咸安区"])
    invoices(at_line, 250, months=8)  # exactly 2000 万元 over the last 12 months
    near = EnterpriseFactory(county=regions["咸安区"])
    invoices(near, 200, months=8)  # exactly 80 % of the line
    below = EnterpriseFactory(county=regions["咸安区"])
    invoices(below, 199.875, months=8)  # 1599 万元
    analyze(MONTH)
    assert kinds(at_line) == {"reached"} and kinds(near) == {"approach"} and kinds(below) == set()


def test_xn_gs_6_firms_already_above_scale_are_not_reminded_and_entries_close_reminders(regions):
    e = EnterpriseFactory(county=regions["咸安区"])
    invoices(e, 300)
    analyze(MONTH)
    assert kinds(e) == {"reached"}
    above(e, since=dt.date(2025, 6, 1))
    analyze(MONTH)
    a = Alert.objects.get(enterprise=e)
    assert a.status == AlertStatus.RESOLVED and a.reason == "已入规"


def test_xn_gs_6_approach_becomes_reached_and_dismissed_is_not_raised_again(regions):
    e = EnterpriseFactory(county=regions["咸安区"])
    invoices(e, 140)  # 1680 over 12 months
    analyze(MONTH)
    MonthlyFigure.objects.filter(enterprise=e, month=MONTH).update(invoice_sales=Decimal(500))
    analyze(MONTH)
    assert dict(Alert.objects.filter(enterprise=e).values_list("kind", "status")) == {
        "approach": "resolved",
        "reached": "open",
    }
    Alert.objects.filter(enterprise=e, kind="reached").update(status=AlertStatus.DISMISSED, reason="已注销")
    nxt = dt.date(2025, 7, 1)
    MonthlyFigure.objects.create(enterprise=e, month=nxt, source="tax", invoice_sales=Decimal(500))
    analyze(nxt)
    assert Alert.objects.filter(enterprise=e, kind="reached").count() == 1


def test_xn_gs_7_down_exactly_20_percent_with_3000_wan_last_year_warns(regions):
    e = EnterpriseFactory(county=regions["咸安区"])
    above(e)
    for m in range(1, 13):
        output(e, dt.date(2024, m, 1), 250)  # 3000 万元 last year: in the library (以下 includes 3000)
    output(e, MONTH, 200)  # 20 % down on June 2024 (250)
    counts, _ = analyze(MONTH)
    a = Alert.objects.get(enterprise=e)
    assert a.kind == "exit_risk" and a.change_pct == Decimal("-20.00") and a.rule == "XN-GS-7"
    assert counts["exit_risk"] == 1


def test_xn_gs_7_edges_that_do_not_warn(regions):
    big = EnterpriseFactory(county=regions["咸安区"])  # last year 3012 万元: not in the library
    above(big)
    for m in range(1, 13):
        output(big, dt.date(2024, m, 1), 251)
    output(big, MONTH, 100)
    small_drop = EnterpriseFactory(county=regions["咸安区"])  # 19.6 % down
    above(small_drop)
    for m in range(1, 13):
        output(small_drop, dt.date(2024, m, 1), 250)
    output(small_drop, MONTH, 201)
    no_history = EnterpriseFactory(county=regions["咸安区"])  # no figures for last year: nothing to compare
    above(no_history)
    output(no_history, MONTH, 1)
    left = EnterpriseFactory(county=regions["咸安区"])  # exited 规上 before the month
    above(left, until=dt.date(2025, 1, 1))
    for m in range(1, 13):
        output(left, dt.date(2024, m, 1), 100)
    output(left, MONTH, 10)
    analyze(MONTH)
    assert not Alert.objects.exists()


def test_xn_gs_7_a_re_entered_firm_is_judged_on_its_current_period(regions):
    e = EnterpriseFactory(county=regions["咸安区"])
    above(e, since=dt.date(2015, 1, 1), until=dt.date(2020, 1, 1))
    above(e, since=dt.date(2023, 1, 1))
    for m in range(1, 13):
        output(e, dt.date(2024, m, 1), 100)
    output(e, MONTH, 50)
    analyze(MONTH)
    assert kinds(e) == {"exit_risk"}


def test_analysis_is_idempotent(regions):
    e = EnterpriseFactory(county=regions["咸安区"])
    invoices(e, 200)
    first, _ = analyze(MONTH)
    second, _ = analyze(MONTH)
    assert first["reached"] == 1 and second["reached"] == 0 and Alert.objects.count() == 1


def test_xn_gs_4_revenue_of_exactly_1000_wan_joins_the_pool_and_entry_to_above_scale_leaves_it(regions):
    from chanye.cultivation.models import Candidate

    at = EnterpriseFactory(county=regions["咸安区"])
    invoices(at, 125, months=8)  # exactly 1000 万元 in the last 12 months
    under = EnterpriseFactory(county=regions["咸安区"])
    invoices(under, 124.875, months=8)  # 999 万元
    big = EnterpriseFactory(county=regions["咸安区"])
    above(big)
    invoices(big, 500)
    counts, _ = analyze(MONTH)
    assert set(Candidate.objects.values_list("enterprise_id", flat=True)) == {at.pk}
    assert counts["candidates_added"] == 1
    assert analyze(MONTH)[0]["candidates_added"] == 0  # idempotent
    above(at, since=dt.date(2025, 6, 1))
    analyze(MONTH)
    c = Candidate.objects.get(enterprise=at)
    assert c.left_on == dt.date(2025, 6, 30) and c.left_reason == "已入规"


def test_xn_gs_5_a_firm_whose_project_went_into_production_joins_the_pool(regions):
    from chanye.cultivation.models import Candidate
    from tests.factories import ProjectFactory

    firm = EnterpriseFactory(county=regions["咸安区"], name="咸安新投产项目公司")
    old = EnterpriseFactory(county=regions["咸安区"], name="咸安早年投产公司")
    ProjectFactory(
        county=regions["咸安区"], enterprise=firm, started_on=dt.date(2024, 9, 1), producing_on=dt.date(2025, 5, 20)
    )
    ProjectFactory(
        county=regions["咸安区"], enterprise=old, started_on=dt.date(2023, 1, 1), producing_on=dt.date(2024, 5, 31)
    )
    analyze(MONTH)
    assert [c.source for c in Candidate.objects.filter(enterprise=firm)] == ["project"]
    assert not Candidate.objects.filter(enterprise=old).exists()  # production more than 12 months ago
    analyze(MONTH)
    assert Candidate.objects.filter(enterprise=firm).count() == 1
