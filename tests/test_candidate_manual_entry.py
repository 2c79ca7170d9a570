"""XN-GS-4/5 candidate pool (拟进规培育库): manual entries with a planned month, refusals, removal, scope, audit."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import call_command
from django.utils import timezone

from chanye.core.models import AuditLog
from chanye.cultivation.models import Candidate, CandidateSource
from chanye.cultivation.services import do_add_candidate, do_remove_candidate
from chanye.enterprises.models import MonthlyFigure, ScalePeriod
from tests.factories import EnterpriseFactory

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()
THIS_MONTH = TODAY.replace(day=1)
NEXT_MONTH = (THIS_MONTH + dt.timedelta(days=32)).replace(day=1)
LAST_MONTH = (THIS_MONTH - dt.timedelta(days=1)).replace(day=1)


@pytest.fixture
def firms(regions):
    return {
        "xa": EnterpriseFactory(county=regions["咸安区"], name="咸安待培育机械有限公司"),
        "xa_above": EnterpriseFactory(county=regions["咸安区"], name="咸安规上电子有限公司", is_above_scale=True),
        "jy": EnterpriseFactory(county=regions["嘉鱼县"], name="嘉鱼待培育食品有限公司"),
    }


def open_pool(e) -> list[Candidate]:
    return list(Candidate.objects.filter(enterprise=e, left_on__isnull=True))


def messages_of(response) -> list[str]:
    return [str(m) for m in response.context["messages"]] if response.context else []


def test_xn_gs_5_county_officer_adds_a_firm_of_the_county_with_its_planned_entry(client, users, firms, login):
    for m in range(1, 13):  # 12 months of 营业收入 reported to the statistics bureau: 1200 万元
        MonthlyFigure.objects.create(enterprise=firms["xa"], month=dt.date(2025, m, 1), revenue=Decimal(100))
    login(users["xianan"])
    r = client.post(
        "/cultivation/candidates/add/",
        {"enterprise": firms["xa"].uscc.lower(), "planned_entry": f"{NEXT_MONTH:%Y-%m}"},
        follow=True,
    )
    assert any("已将“咸安待培育机械有限公司”纳入培育库" in m for m in messages_of(r))
    [c] = open_pool(firms["xa"])
    assert (c.source, c.planned_entry, c.added_month, c.revenue_12m) == (
        CandidateSource.MANUAL,
        NEXT_MONTH,
        THIS_MONTH,
        Decimal("1200"),
    )
    log = AuditLog.objects.get(object_type="cultivation.candidate")
    assert (log.action, log.user, log.after["source"]) == ("create", users["xianan"], "manual")
    page = client.get("/cultivation/").content.decode()
    assert "咸安待培育机械有限公司" in page and "手工纳入" in page and f"{NEXT_MONTH:%Y-%m}" in page

    # by exact name too
    e2 = EnterpriseFactory(county=firms["xa"].county, name="咸安第二培育有限公司")
    client.post("/cultivation/candidates/add/", {"enterprise": "咸安第二培育有限公司", "planned_entry": "2099-12"})
    assert open_pool(e2)[0].planned_entry == dt.date(2099, 12, 1)


def test_xn_gs_5_a_firm_of_another_county_is_not_found(client, users, firms, login):
    with pytest.raises(PermissionDenied):
        do_add_candidate(actor=users["xianan"], enterprise=firms["jy"], planned_entry=NEXT_MONTH)
    login(users["xianan"])
    r = client.post(
        "/cultivation/candidates/add/",
        {"enterprise": firms["jy"].uscc, "planned_entry": f"{NEXT_MONTH:%Y-%m}"},
        follow=True,
    )
    assert any("未找到" in m for m in messages_of(r))
    assert not Candidate.objects.exists()
    assert AuditLog.objects.filter(action="denied", object_id=firms["jy"].uscc).count() == 1
    # and a candidacy of another county cannot be removed: 404, not 403
    other = do_add_candidate(actor=users["jiayu"], enterprise=firms["jy"], planned_entry=NEXT_MONTH)
    assert client.post(f"/cultivation/candidates/{other.pk}/remove/", {"reason": "迁出"}).status_code == 404
    with pytest.raises(PermissionDenied):
        do_remove_candidate(actor=users["xianan"], candidate=other, reason="迁出")
    assert open_pool(firms["jy"])


def test_xn_gs_5_an_above_scale_firm_is_refused(users, firms):
    with pytest.raises(ValidationError, match="已是规上企业"):
        do_add_candidate(actor=users["xianan"], enterprise=firms["xa_above"], planned_entry=NEXT_MONTH)
    assert not Candidate.objects.exists()


def test_xn_gs_5_duplicates_are_refused_but_a_revenue_candidate_gets_its_planned_entry(users, firms):
    do_add_candidate(actor=users["xianan"], enterprise=firms["xa"], planned_entry=NEXT_MONTH)
    with pytest.raises(ValidationError, match="不能重复纳入"):
        do_add_candidate(actor=users["admin"], enterprise=firms["xa"], planned_entry=NEXT_MONTH)
    assert len(open_pool(firms["xa"])) == 1

    revenue = Candidate.objects.create(
        enterprise=firms["jy"], source=CandidateSource.REVENUE, added_month=dt.date(2025, 6, 1), revenue_12m=1100
    )
    c = do_add_candidate(actor=users["jiayu"], enterprise=firms["jy"], planned_entry=dt.date(2099, 3, 15))
    assert c.pk == revenue.pk and c.source == CandidateSource.REVENUE
    assert open_pool(firms["jy"]) == [revenue] and open_pool(firms["jy"])[0].planned_entry == dt.date(2099, 3, 1)
    log = AuditLog.objects.filter(object_type="cultivation.candidate", object_id=str(revenue.pk)).get()
    assert (log.action, log.before, log.after) == ("update", {"planned_entry": None}, {"planned_entry": "2099-03-01"})


def test_xn_gs_5_a_planned_month_already_past_is_refused(users, firms):
    with pytest.raises(ValidationError, match="不能早于本月"):
        do_add_candidate(actor=users["xianan"], enterprise=firms["xa"], planned_entry=LAST_MONTH)
    today = dt.date(2026, 5, 31)
    with pytest.raises(ValidationError, match="不能早于本月（2026年5月）"):
        do_add_candidate(actor=users["xianan"], enterprise=firms["xa"], planned_entry=dt.date(2026, 4, 30), today=today)
    c = do_add_candidate(actor=users["xianan"], enterprise=firms["xa"], planned_entry=dt.date(2026, 5, 1), today=today)
    assert c.planned_entry == dt.date(2026, 5, 1)


def test_xn_gs_5_removal_needs_a_reason(client, users, firms, login):
    c = do_add_candidate(actor=users["xianan"], enterprise=firms["xa"], planned_entry=NEXT_MONTH)
    with pytest.raises(ValidationError, match="须填写原因"):
        do_remove_candidate(actor=users["xianan"], candidate=c, reason="  ")
    login(users["xianan"])
    r = client.post(f"/cultivation/candidates/{c.pk}/remove/", {"reason": ""}, follow=True)
    assert any("须填写原因" in m for m in messages_of(r)) and open_pool(firms["xa"])
    client.post(f"/cultivation/candidates/{c.pk}/remove/", {"reason": "企业已迁出本市"})
    c.refresh_from_db()
    assert (c.left_on, c.left_reason) == (TODAY, "企业已迁出本市")
    with pytest.raises(ValidationError, match="已于"):
        do_remove_candidate(actor=users["xianan"], candidate=c, reason="再次")
    assert list(client.get("/cultivation/").context["pool_page"]) == []
    assert list(
        AuditLog.objects.filter(object_type="cultivation.candidate").order_by("id").values_list("action", flat=True)
    ) == ["create", "update"]
    # once out, the firm may be put back in
    assert do_add_candidate(actor=users["xianan"], enterprise=firms["xa"], planned_entry=NEXT_MONTH).left_on is None


def test_viewer_cannot_post(client, users, firms, login):
    c = do_add_candidate(actor=users["xianan"], enterprise=firms["xa"], planned_entry=NEXT_MONTH)
    with pytest.raises(PermissionDenied):
        do_add_candidate(actor=users["viewer"], enterprise=firms["jy"], planned_entry=NEXT_MONTH)
    with pytest.raises(PermissionDenied):
        do_remove_candidate(actor=users["viewer"], candidate=c, reason="看看")
    login(users["viewer"])
    page = client.get("/cultivation/").content.decode()
    assert "咸安待培育机械有限公司" in page and 'id="candidate-add"' not in page and "移出" not in page
    # refused before anything is looked up; the project answers every denial as "not found" (handler403 → 404)
    r = client.post("/cultivation/candidates/add/", {"enterprise": firms["jy"].uscc, "planned_entry": "2099-01"})
    assert r.status_code == 404
    assert client.post(f"/cultivation/candidates/{c.pk}/remove/", {"reason": "看看"}).status_code == 404
    assert not open_pool(firms["jy"]) and open_pool(firms["xa"])


def test_pool_list_filters_by_county_and_marks_overdue_planned_entries(client, users, firms, login):
    due = do_add_candidate(
        actor=users["admin"], enterprise=firms["xa"], planned_entry=dt.date(2026, 3, 1), today=dt.date(2026, 3, 1)
    )
    do_add_candidate(actor=users["admin"], enterprise=firms["jy"], planned_entry=dt.date(2099, 1, 1))
    r = login(users["admin"]).get("/cultivation/")
    rows = {c.enterprise.name: c.overdue for c in r.context["pool_page"]}
    assert rows == {"咸安待培育机械有限公司": due.planned_entry < THIS_MONTH, "嘉鱼待培育食品有限公司": False}
    r = client.get("/cultivation/?county=421221")
    assert [c.enterprise.name for c in r.context["pool_page"]] == ["嘉鱼待培育食品有限公司"]
    client.logout()
    r = login(users["jiayu"]).get("/cultivation/?county=421202")  # a county officer sees only the own unit anyway
    assert [c.enterprise.name for c in r.context["pool_page"]] == ["嘉鱼待培育食品有限公司"]


def test_xn_gs_4_export_of_the_pool_includes_manual_entries(client, users, firms, login):
    from openpyxl import load_workbook

    do_add_candidate(actor=users["xianan"], enterprise=firms["xa"], planned_entry=dt.date(2099, 6, 1))
    do_add_candidate(actor=users["jiayu"], enterprise=firms["jy"], planned_entry=dt.date(2099, 7, 1))
    wb = load_workbook(io.BytesIO(login(users["xianan"]).get("/cultivation/candidates.xlsx").content))
    rows = [r for r in wb.active.iter_rows(min_row=2, values_only=True)]
    assert [(r[1], r[2], r[3], r[6]) for r in rows] == [("手工纳入", firms["xa"].uscc, firms["xa"].name, "2099-06-01")]


@pytest.mark.django_db(transaction=True)
def test_xn_gs_4_rerunning_the_monthly_analysis_keeps_manual_entries(users, firms):
    quiet, with_revenue = firms["xa"], EnterpriseFactory(county=firms["xa"].county, name="咸安营收达标有限公司")
    revenue_only = EnterpriseFactory(county=firms["xa"].county, name="咸安仅营收有限公司")
    for e in (with_revenue, revenue_only):
        for m in range(1, 7):  # 1200 万元 of invoiced sales Jan–Jun 2025: at the XN-GS-4 line
            MonthlyFigure.objects.create(enterprise=e, month=dt.date(2025, m, 1), source="tax", invoice_sales=200)
    do_add_candidate(actor=users["xianan"], enterprise=quiet, planned_entry=NEXT_MONTH)
    do_add_candidate(actor=users["xianan"], enterprise=with_revenue, planned_entry=NEXT_MONTH)
    out = io.StringIO()
    call_command("analyze", month="2025-06", stdout=out)
    call_command("analyze", month="2025-06", stdout=out)
    assert "培育库新增 1 家" in out.getvalue() and "培育库新增 0 家" in out.getvalue()
    for e in (quiet, with_revenue):
        [c] = open_pool(e)
        assert (c.source, c.planned_entry) == (CandidateSource.MANUAL, NEXT_MONTH)
    assert [c.source for c in open_pool(revenue_only)] == [CandidateSource.REVENUE]
    # entering 规上 still takes a manual entry out of the pool
    ScalePeriod.objects.create(enterprise=with_revenue, entered_on=dt.date(2025, 6, 1))
    with_revenue.is_above_scale = True
    with_revenue.save()
    call_command("analyze", month="2025-06", stdout=out)
    c = Candidate.objects.get(enterprise=with_revenue)
    assert (c.source, c.left_on, c.left_reason) == (CandidateSource.MANUAL, dt.date(2025, 6, 30), "已入规")
    assert open_pool(quiet)


@pytest.mark.django_db(transaction=True)  # the analysis reads PostgreSQL through its own connection
def test_xn_gs_4_a_hand_removal_holds_for_the_year_and_intake_counts_a_firm_once(users, firms, regions):
    from chanye.cultivation.selectors import quota_progress

    e = EnterpriseFactory(county=regions["咸安区"], name="咸安出库测试有限公司")
    for m in range(1, 7):
        MonthlyFigure.objects.create(enterprise=e, month=dt.date(2025, m, 1), source="tax", invoice_sales=200)
    call_command("analyze", month="2025-05", stdout=io.StringIO())
    [c] = open_pool(e)
    do_remove_candidate(actor=users["xianan"], candidate=c, reason="企业已迁出", today=dt.date(2025, 6, 10))
    call_command("analyze", month="2025-06", stdout=io.StringIO())
    assert open_pool(e) == []  # not put back by the next month's run
    do_add_candidate(actor=users["xianan"], enterprise=e, planned_entry=NEXT_MONTH, source="project")
    assert open_pool(e)[0].get_source_display() == "新投产项目"
    with pytest.raises(ValidationError, match="新投产项目"):
        do_add_candidate(actor=users["xianan"], enterprise=e, planned_entry=NEXT_MONTH)
    with pytest.raises(ValidationError, match="入库依据"):
        do_add_candidate(actor=users["xianan"], enterprise=firms["xa"], planned_entry=NEXT_MONTH, source="revenue")
    # added again by hand in the same year: the year's intake still counts the firm once
    Candidate.objects.create(
        enterprise=e, source="manual", added_month=dt.date(2025, 6, 1), left_on=dt.date(2025, 6, 20)
    )
    rows = {r["region"].name: r for r in quota_progress(user=users["admin"], today=dt.date(2025, 7, 1))["rows"]}
    assert rows["咸安区"]["intake"] == 1
