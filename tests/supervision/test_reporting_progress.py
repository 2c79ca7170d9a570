"""Reporting progress on a task (EZ-ORG-1): who may report for which unit, evidence, the city's settings, audit, and
the export showing the page's figures."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from chanye.core.models import AuditLog
from chanye.regions.models import Region
from chanye.supervision import services
from chanye.supervision.models import Task, TaskReport, TaskStatus
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def people(ezhou):
    huarong = Region.objects.get(name="华容区")
    return {
        "admin": UserFactory(username="ez-admin", role="city_admin"),
        "huarong": UserFactory(username="ez-huarong", role="county_officer", region=huarong),
        "viewer": UserFactory(username="ez-viewer", role="viewer"),
    }


def unit(code: str, name: str):
    return next(u for u in Task.objects.get(code=code).units.all() if u.name == name)


def test_ez_org_1_a_district_officer_reports_for_their_district_only(people):
    own = unit("ez-2-1-3", "华容区")
    r = services.do_report_progress(actor=people["huarong"], unit=own, text="已成立专班")
    assert r.by == people["huarong"] and Task.objects.get(code="ez-2-1-3").status == TaskStatus.DOING
    for other in (unit("ez-2-1-3", "市经信局"), unit("ez-2-1-3", "鄂城区")):
        with pytest.raises(PermissionDenied):
            services.do_report_progress(actor=people["huarong"], unit=other, text="越权报送")
    with pytest.raises(PermissionDenied):
        services.do_report_progress(actor=people["viewer"], unit=own, text="只读用户")
    # the city reports for a department (departments have no accounts)
    services.do_report_progress(actor=people["admin"], unit=unit("ez-2-1-3", "市经信局"), text="经信局进展")
    assert TaskReport.objects.count() == 2
    assert AuditLog.objects.filter(action="create", message__startswith="报送任务进展").count() == 2


def test_empty_or_future_reports_are_refused_in_words(people):
    own = unit("ez-2-1-3", "华容区")
    with pytest.raises(ValidationError) as e:
        services.do_report_progress(actor=people["huarong"], unit=own, text="  ", on=dt.date(2999, 1, 1))
    assert e.value.messages == ["请填写进展情况。", "报送日期不能晚于今天。"]
    assert TaskReport.objects.count() == 0


def test_only_the_city_sets_status_and_done_needs_a_report(people):
    task = Task.objects.get(code="ez-3-4")
    with pytest.raises(PermissionDenied):
        services.do_update_task(actor=people["huarong"], task=task, status="done", deadline=None, cadence="",
                                is_key=True)  # fmt: skip
    with pytest.raises(ValidationError, match="还没有任何进展报送"):
        services.do_update_task(actor=people["admin"], task=task, status="done", deadline=None, cadence="",
                                is_key=True)  # fmt: skip
    services.do_report_progress(actor=people["admin"], unit=task.units.first(), text="资金已拨付")
    services.do_update_task(actor=people["admin"], task=task, status="done", deadline=dt.date(2026, 12, 31),
                            cadence="quarter", is_key=True)  # fmt: skip
    task.refresh_from_db()
    assert task.status == "done" and task.done_on and task.settings_edited
    n = AuditLog.objects.filter(message__startswith="调整督办任务").count()
    services.do_update_task(actor=people["admin"], task=task, status="done", deadline=dt.date(2026, 12, 31),
                            cadence="quarter", is_key=True)  # fmt: skip
    assert AuditLog.objects.filter(message__startswith="调整督办任务").count() == n  # nothing changed, nothing written


def test_the_page_form_takes_evidence_and_refuses_other_files_in_words(people, client):
    client.force_login(people["huarong"])
    own = unit("ez-2-4-2", "华容区")
    bad = SimpleUploadedFile("脚本.exe", b"MZ", content_type="application/octet-stream")
    r = client.post("/supervision/ez-2-4-2/", {"action": "report", "unit": own.pk, "text": "进展", "evidence": bad})
    assert r.status_code == 200 and "佐证材料请上传 PDF、图片、OFD、Word、Excel 或 ZIP 文件" in r.content.decode()
    assert TaskReport.objects.count() == 0
    pdf = SimpleUploadedFile("会议纪要.pdf", b"%PDF-1.4 minutes", content_type="application/pdf")
    r = client.post(
        "/supervision/ez-2-4-2/", {"action": "report", "unit": own.pk, "text": "已完成诊断", "evidence": pdf}
    )
    assert r.status_code == 302
    report = TaskReport.objects.get()
    got = client.get(f"/supervision/evidence/{report.pk}/")
    assert got.status_code == 200 and b"".join(got.streaming_content) == b"%PDF-1.4 minutes"
    # another unit offered in the form is refused (the choice list holds only the officer's unit)
    other = unit("ez-2-4-2", "市经信局")
    r = client.post("/supervision/ez-2-4-2/", {"action": "report", "unit": other.pk, "text": "越权"})
    assert r.status_code == 200 and TaskReport.objects.count() == 1


def test_the_unit_page_and_the_export_show_the_lists_figures(people, client):
    from openpyxl import load_workbook

    client.force_login(people["admin"])
    services.do_report_progress(actor=people["admin"], unit=unit("ez-2-1-3", "市经信局"), text="经信局进展")
    page = client.get("/supervision/").content.decode()
    assert "各责任单位落实情况" in page and "市经信局" in page
    key = unit("ez-2-1-3", "市经信局").key
    unit_page = client.get(f"/supervision/unit/{key}/").content.decode()
    leads = Task.objects.filter(units__department__name="市经信局", units__is_lead=True).count()
    shares = Task.objects.filter(units__department__name="市经信局").count()
    assert f"承担 {shares} 项，牵头 {leads} 项" in unit_page
    r = client.get("/supervision/export.xlsx?unit=" + key)
    ws = load_workbook(io.BytesIO(r.content)).active
    rows = list(ws.iter_rows(min_row=3, values_only=True))
    shared = Task.objects.filter(units__department__name="市经信局")
    assert len(rows) == sum(t.units.count() for t in shared)
    assert any(row[3] == "市经信局" and row[10] == "经信局进展" for row in rows)
    assert AuditLog.objects.filter(action="export", message__startswith="导出督办任务").exists()


def test_a_district_officer_opens_the_evidence_of_every_unit_on_a_task_it_shares(people, client):
    """The task page lists every unit's reports; each evidence link works for whoever sees the task."""
    dept = unit("ez-2-1-3", "市经信局")
    pdf = SimpleUploadedFile("经信局方案.pdf", b"%PDF-1.4 plan", content_type="application/pdf")
    report = services.do_report_progress(actor=people["admin"], unit=dept, text="印发工作方案", evidence=pdf)
    client.force_login(people["huarong"])
    got = client.get(f"/supervision/evidence/{report.pk}/")
    assert got.status_code == 200 and b"".join(got.streaming_content) == b"%PDF-1.4 plan"
