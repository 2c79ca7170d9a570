"""The monthly analysis writes through one action, `do_store_analysis`: in bulk (the number of statements does not
grow with the alerts), in one transaction, with ONE audit row per run naming the actor and summarising the counts;
running the same month again writes nothing and says so."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied

from chanye.core import access
from chanye.core.models import AuditLog
from chanye.cultivation.analysis import analyze
from chanye.cultivation.models import Alert, AnalysisRun, Candidate
from chanye.cultivation.services import do_store_analysis
from chanye.enterprises.models import MonthlyFigure
from tests.factories import EnterpriseFactory

pytestmark = pytest.mark.django_db(transaction=True)
MONTH = dt.date(2025, 6, 1)
PARAMS = {"above_line": 2000.0, "share": 0.8, "exit_output": 3000.0, "exit_decline": 20.0}


def run_audits():
    return AuditLog.objects.filter(object_type="cultivation.analysisrun")


def test_one_audit_row_per_run_and_a_second_run_changes_nothing(regions):
    firms = [EnterpriseFactory(county=regions["咸安区"]) for _ in range(3)]
    for e in firms:
        MonthlyFigure.objects.create(enterprise=e, month=MONTH, source="tax", invoice_sales=Decimal(2100))
    first, _ = analyze(MONTH)
    assert first["reached"] == 3 and first["candidates_added"] == 3
    (row,) = run_audits()
    assert row.username == "system" and row.after["reached"] == 3 and row.after["month"] == "2025-06-01"
    assert "新增预警 3 条" in row.message and "培育库新增 3 家" in row.message
    stamps = dict(Alert.objects.values_list("pk", "updated_at"))

    second, _ = analyze(MONTH)
    assert second["reached"] == 0 and second["unchanged"] == 3 and second["updated"] == 0
    assert second["candidates_added"] == 0
    assert dict(Alert.objects.values_list("pk", "updated_at")) == stamps  # not even touched
    assert run_audits().count() == 2 and "未变 3 条" in run_audits().order_by("-pk")[0].message
    assert AuditLog.objects.filter(object_type="cultivation.alert").count() == 0  # no row per alert
    assert AnalysisRun.objects.get(month=MONTH).counts == second


def test_changed_figures_update_the_open_reminder_in_place(regions):
    e = EnterpriseFactory(county=regions["咸安区"])
    MonthlyFigure.objects.create(enterprise=e, month=MONTH, source="tax", invoice_sales=Decimal(1700))
    analyze(MONTH)
    MonthlyFigure.objects.filter(enterprise=e).update(invoice_sales=Decimal("1800.25"))
    counts, _ = analyze(MONTH)
    assert counts["updated"] == 1 and counts["approach"] == 0
    a = Alert.objects.get(enterprise=e)
    assert a.measure == Decimal("1800.25") and "1,800.3 万元" in a.detail  # rounded half up (四舍五入)


def test_statements_do_not_grow_with_the_number_of_alerts(regions, django_assert_max_num_queries):
    firms = [EnterpriseFactory(county=regions["咸安区"]) for _ in range(120)]
    threshold = [
        {"id": e.pk, "invoice_12m": 1700.0 + i, "invoice_ytd": 900.0, "best": 1700.0 + i} for i, e in enumerate(firms)
    ]
    exit_risk = [
        {"id": e.pk, "prev_year": 2000.0, "this_month": 50.0, "same_month_last_year": 100.0, "decline": 50.0}
        for e in firms[:60]
    ]
    candidates = [{"id": e.pk, "revenue_12m": 1500.0} for e in firms]
    with django_assert_max_num_queries(25):
        counts = do_store_analysis(
            actor=access.SYSTEM,
            month=MONTH,
            threshold=threshold,
            exit_risk=exit_risk,
            candidates=candidates,
            params=PARAMS,
        )
    assert counts["approach"] == 120 and counts["exit_risk"] == 60 and counts["candidates_added"] == 120
    assert Alert.objects.count() == 180 and Candidate.objects.count() == 120


def test_a_failure_while_storing_leaves_nothing_behind(regions, monkeypatch):
    from chanye.cultivation import services

    e = EnterpriseFactory(county=regions["咸安区"])

    def boom(*args, **kwargs):
        raise RuntimeError("写入中断")

    monkeypatch.setattr(services, "_store_exit_risk_alerts", boom)
    with pytest.raises(RuntimeError):
        do_store_analysis(
            actor=access.SYSTEM,
            month=MONTH,
            threshold=[{"id": e.pk, "invoice_12m": 2100.0, "invoice_ytd": 0.0, "best": 2100.0}],
            exit_risk=[],
            candidates=[{"id": e.pk, "revenue_12m": 2100.0}],
            params=PARAMS,
        )
    assert not Alert.objects.exists() and not Candidate.objects.exists() and not run_audits().exists()


def test_a_run_started_from_the_web_is_audited_as_the_administrator(users, login, regions):
    e = EnterpriseFactory(county=regions["咸安区"])
    MonthlyFigure.objects.create(enterprise=e, month=MONTH, source="tax", invoice_sales=Decimal(2100))
    login(users["admin"]).post("/alerts/analyze/", {"month": "2025-06"})
    stored = run_audits().filter(message__contains="月度分析：")
    assert [r.user_id for r in stored] == [users["admin"].pk]


def test_only_the_system_or_a_city_administrator_stores_an_analysis(users, regions):
    e = EnterpriseFactory(county=regions["咸安区"])
    found = {
        "threshold": [{"id": e.pk, "invoice_12m": 2100.0, "invoice_ytd": 0.0, "best": 2100.0}],
        "exit_risk": [],
        "candidates": [],
        "params": PARAMS,
    }
    for who in ("xianan", "viewer"):
        with pytest.raises(PermissionDenied):
            do_store_analysis(actor=users[who], month=MONTH, **found)
    assert not Alert.objects.exists()
    do_store_analysis(actor=users["admin"], month=MONTH, **found)
    assert run_audits().get().user_id == users["admin"].pk
