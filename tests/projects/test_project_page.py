"""A project's page through the web: milestone dates move the colour (XN-XM-3/4), refusals come back as Chinese
messages, red needs a written explanation and the unit (XN-XM-4), rectification (XN-XM-5), the people (XN-XM-6), the
issue flow 一单三制 with evidence upload and scoped download (YY-P-2), the issue list, and the create/edit form."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from openpyxl import load_workbook

from chanye.core.access import SYSTEM
from chanye.core.models import AuditLog
from chanye.projects import rules
from chanye.projects.issues import do_assign_issue, do_raise_issue
from chanye.projects.models import IssueStatus, Project, ProjectIssue
from chanye.projects.services import do_grade_month
from tests.factories import EnterpriseFactory, ProjectFactory

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture
def project(regions):
    return ProjectFactory(
        county=regions["咸安区"],
        name="咸安新能源电池项目",
        signed_on=TODAY - dt.timedelta(days=120),
        investment=Decimal("6"),
        leader="王副区长",
        secretaries=["李秘书", "赵秘书"],
        steward="孙管家",
        responsible_unit="咸安区经信局",
    )


def ms(p: Project, code: str):
    return p.milestones.get(code=code)


def text(r) -> str:
    return r.content.decode()


def test_the_page_shows_header_people_gantt_milestones_and_overdue(login, users, project):
    r = login(users["xianan"]).get(f"/projects/{project.pk}/")
    html = text(r)
    assert r.status_code == 200
    assert "咸安新能源电池项目" in html and "黄色" in html and "已签约未开工" in html and "三档" in html
    for who in ("王副区长", "李秘书、赵秘书", "孙管家", "咸安区经信局"):  # XN-XM-6
        assert who in html
    gantt = r.context["gantt"]
    assert gantt["has_data"] and len(gantt["items"]) == 12 and 'id="chart-project-gantt"' in html
    registration = gantt["items"][0]
    assert registration["planned_start"] == str(project.signed_on) and registration["overdue"] is True
    overdue = {row.m.code for row in r.context["rows"] if row.overdue}
    assert {"registration", "funds", "land", "tender", "construction"} <= overdue
    assert "逾期节点" in html and "table-danger" in html


def test_xn_xm_4_recording_milestones_through_the_web_moves_the_colour(login, users, project):
    c = login(users["xianan"])
    start = TODAY - dt.timedelta(days=30)
    r = c.post(f"/projects/{project.pk}/milestones/{ms(project, 'construction').pk}/", {"actual_on": str(start)})
    assert r.status_code == 302 and r["Location"].endswith(f"/projects/{project.pk}/#milestones")
    project.refresh_from_db()
    assert (project.status, project.colour, project.started_on) == ("building", "blue", start)
    page = c.get(r["Location"])
    assert "项目由黄色转为蓝色" in text(page) and "蓝色" in text(page)
    # planned dates are re-planned from the actual start: 5–10亿 → 12 months (XN-XM-2)
    assert ms(project, "acceptance").planned_on == start.replace(year=start.year + 1)
    c.post(f"/projects/{project.pk}/milestones/{ms(project, 'acceptance').pk}/", {"actual_on": str(TODAY)})
    project.refresh_from_db()
    assert (project.status, project.colour) == ("producing", "green")
    assert AuditLog.objects.filter(object_type="projects.milestone", username="xianan").count() == 2


def test_a_planned_date_is_edited_and_kept(login, users, project):
    c = login(users["xianan"])
    eq = ms(project, "equipment")
    r = c.post(f"/projects/{project.pk}/milestones/{eq.pk}/", {"planned_on": "2030-06-01", "note": "设备进口"})
    assert r.status_code == 302
    eq.refresh_from_db()
    assert (eq.planned_on, eq.planned_edited, eq.note, eq.actual_on) == (dt.date(2030, 6, 1), True, "设备进口", None)


@pytest.mark.parametrize(
    ("actual", "message"),
    [
        (TODAY + dt.timedelta(days=3), "实际完成日期不能晚于今天"),
        (TODAY - dt.timedelta(days=400), "实际完成日期不能早于签约日期"),
        ("2025-13-40", "实际完成"),  # not a date: the form's own message, with the field's label
    ],
)
def test_refused_milestone_dates_are_shown_in_chinese_and_nothing_changes(login, users, project, actual, message):
    m = ms(project, "construction")
    r = login(users["xianan"]).post(f"/projects/{project.pk}/milestones/{m.pk}/", {"actual_on": str(actual)})
    assert r.status_code == 200 and message in text(r) and 'role="alert"' in text(r)
    m.refresh_from_db()
    project.refresh_from_db()
    assert m.actual_on is None and project.colour == "yellow"


def test_xn_xm_4_exit_without_explanation_and_unit_is_refused(login, users, project):
    c = login(users["xianan"])
    r = c.post(f"/projects/{project.pk}/exit/", {"reason": "不干了", "unit": ""})
    assert r.status_code == 200
    assert "退出须由项目责任单位书面说明情况" in text(r) and "请填写作出说明的责任单位" in text(r)
    assert "不干了" in text(r)  # what was typed stays in the form
    project.refresh_from_db()
    assert project.colour == "yellow"
    r = c.post(
        f"/projects/{project.pk}/exit/", {"reason": "投资方资金链断裂，经协调无法继续建设。", "unit": "咸安区经信局"}
    )
    assert r.status_code == 302
    project.refresh_from_db()
    assert (project.colour, project.status, project.exit_unit) == ("red", "exited", "咸安区经信局")
    page = text(c.get(f"/projects/{project.pk}/"))
    assert "已退出（红色）" in page and "投资方资金链断裂" in page and "退出项目" not in page
    m = ms(project, "construction")  # an exited project takes no more milestones
    r = c.post(f"/projects/{project.pk}/milestones/{m.pk}/", {"actual_on": str(TODAY)})
    assert "项目已退出，不能再更新节点" in text(r)


def test_xn_xm_5_rectification_through_the_web(login, users, project, regions):
    c = login(users["xianan"])
    assert 'id="rectify-form"' in text(c.get(f"/projects/{project.pk}/"))
    r = c.post(f"/projects/{project.pk}/rectify/", {"deadline": str(TODAY), "note": "x"})
    assert "整改期限应晚于今天" in text(r)
    r = c.post(f"/projects/{project.pk}/rectify/", {"note": "限期完成土地供应"})
    assert r.status_code == 302
    project.refresh_from_db()
    assert project.rectify_by == TODAY + dt.timedelta(days=30) and project.rectify_note == "限期完成土地供应"
    on_time = ProjectFactory(county=regions["咸安区"], signed_on=TODAY)
    assert 'id="rectify-form"' not in text(c.get(f"/projects/{on_time.pk}/"))
    r = c.post(f"/projects/{on_time.pk}/rectify/", {})
    assert "无需限期整改" in text(r)


def test_colour_and_grade_history_strip(login, users, project):
    this_month = TODAY.replace(day=1)
    last_month = (this_month - dt.timedelta(days=1)).replace(day=1)
    do_grade_month(actor=SYSTEM, month=last_month)
    do_grade_month(actor=SYSTEM, month=this_month)
    r = login(users["viewer"]).get(f"/projects/{project.pk}/")
    history = r.context["history"]
    assert [h["month"] for h in history] == [last_month, this_month]
    # nothing done since signing: down a grade each month from the middle; grade 1 is the pack's lowest, 五档
    assert [(h["grade"], h["change"]) for h in history] == [(2, "down"), (1, "down")]
    assert history[-1]["grade_label"] == "五档" and history[-1]["colour"] == "yellow"
    assert 'id="history-strip"' in text(r) and "降档" in text(r)


def test_yy_p_2_issue_flow_through_the_web_with_evidence_upload_and_download(login, users, project, media):
    c = login(users["xianan"])
    r = c.post(f"/projects/{project.pk}/issues/", {"content": ""})
    assert r.status_code == 200 and "问题" in text(r) and 'role="alert"' in text(r)
    r = c.post(f"/projects/{project.pk}/issues/", {"content": "施工用电未接入"})
    assert r.status_code == 302
    issue = ProjectIssue.objects.get(project=project)
    act = f"/projects/issues/{issue.pk}/action/"
    r = c.post(act, {"action": "assign", "department": "", "due_on": ""})
    assert "交办须填写责任单位" in text(r) and "交办须填写办结时限" in text(r)
    due = TODAY + dt.timedelta(days=10)
    assert c.post(act, {"action": "assign", "department": "区供电公司", "due_on": str(due)}).status_code == 302
    assert c.post(act, {"action": "remind"}).status_code == 302
    r = c.post(act, {"action": "supervise", "note": ""})
    assert "督查须填写督查情况" in text(r)
    assert c.post(act, {"action": "supervise", "note": "现场督查，线路已架设"}).status_code == 302
    r = c.post(act, {"action": "close", "note": "已接入"})
    assert "销号须上传佐证材料或说明佐证情况" in text(r)
    bad = SimpleUploadedFile("回执.html", b"<script>alert(1)</script>", content_type="text/html")
    r = c.post(act, {"action": "close", "note": "已接入", "evidence": bad})
    assert "佐证材料请上传" in text(r)
    pdf = SimpleUploadedFile("供电回执.pdf", b"%PDF-1.4 receipt", content_type="application/pdf")
    r = c.post(act, {"action": "close", "note": "已接入", "evidence": pdf})
    assert r.status_code == 302 and r["Location"].endswith(f"#issue-{issue.pk}")
    issue.refresh_from_db()
    assert issue.status == IssueStatus.CLOSED and issue.evidence.name.endswith(".pdf")
    assert str(media) in issue.evidence.path  # under the data directory, not public
    assert list(issue.events.values_list("kind", flat=True)) == ["raise", "assign", "remind", "supervise", "close"]
    page = text(c.get(f"/projects/{project.pk}/"))
    assert f"/projects/issues/{issue.pk}/evidence/" in page and "现场督查，线路已架设" in page
    for who in ("xianan", "viewer", "admin"):
        r = login(users[who]).get(f"/projects/issues/{issue.pk}/evidence/")
        assert r.status_code == 200 and b"".join(r.streaming_content) == b"%PDF-1.4 receipt"
        assert r["Content-Type"] == "application/octet-stream" and "attachment" in r["Content-Disposition"]
    assert login(users["jiayu"]).get(f"/projects/issues/{issue.pk}/evidence/").status_code == 404
    assert AuditLog.objects.filter(action="export", message="下载佐证材料").count() == 3


def test_closing_with_a_written_evidence_and_overdue_issues_stand_out(login, users, project):
    a = users["xianan"]
    late = do_raise_issue(actor=a, project=project, content="环评批复滞后", on=TODAY - dt.timedelta(days=20))
    do_assign_issue(actor=a, issue=late, department="市生态环境局", due_on=TODAY - dt.timedelta(days=2))
    c = login(a)
    r = c.get(f"/projects/{project.pk}/")
    assert r.context["overdue_issues"] == 1 and "已逾期" in text(r) and "逾期问题 1 个" in text(r)
    r = c.post(
        f"/projects/issues/{late.pk}/action/", {"action": "close", "note": "已批复", "evidence_text": "批复文号X"}
    )
    assert r.status_code == 302
    late.refresh_from_db()
    assert late.status == "closed" and late.evidence_text == "批复文号X"


def test_issue_list_filters_highlights_overdue_and_counts_per_department(login, users, project, regions):
    a = users["admin"]
    other = ProjectFactory(county=regions["嘉鱼县"], name="嘉鱼食品项目")
    overdue = do_raise_issue(actor=a, project=project, content="供地延迟", on=TODAY - dt.timedelta(days=30))
    do_assign_issue(actor=a, issue=overdue, department="区自然资源局", due_on=TODAY - dt.timedelta(days=1))
    on_time = do_raise_issue(actor=a, project=other, content="融资困难", on=TODAY)
    do_assign_issue(actor=a, issue=on_time, department="县金融办", due_on=TODAY + dt.timedelta(days=9))
    do_raise_issue(actor=a, project=other, content="用工短缺", on=TODAY)
    c = login(a)
    r = c.get("/projects/issues/")
    listed = [i.content for i in r.context["page"]]
    assert listed[0] == "供地延迟" and set(listed) == {"供地延迟", "融资困难", "用工短缺"}  # overdue first
    assert "table-danger" in text(r) and r.context["overdue_total"] == 1
    stats = {d["department"]: d for d in r.context["stats"]}
    assert (stats["区自然资源局"]["overdue"], stats["县金融办"]["open"], stats["县金融办"]["rate"]) == (1, 1, 0.0)

    def contents(q):
        return {i.content for i in c.get(f"/projects/issues/?{q}").context["page"]}

    assert contents("overdue=1") == {"供地延迟"}
    assert contents("status=open") == {"用工短缺"}
    assert contents("department=县金融办") == {"融资困难"}
    assert contents("county=421221") == {"融资困难", "用工短缺"}
    ws = load_workbook(io.BytesIO(c.get("/projects/issues/export.xlsx?overdue=1").content)).active
    rows = list(ws.iter_rows(values_only=True))
    assert rows[0][4] == "问题" and [(r[4], r[9]) for r in rows[1:]] == [("供地延迟", "是")]
    # scope: the 咸安 officer sees only 咸安's issues and may remind from the list
    c = login(users["xianan"])
    assert {i.content for i in c.get("/projects/issues/").context["page"]} == {"供地延迟"}
    r = c.post(f"/projects/issues/{overdue.pk}/action/", {"action": "remind", "from": "list", "qs": "overdue=1"})
    assert r.status_code == 302 and r["Location"] == "/projects/issues/?overdue=1"
    assert c.post(f"/projects/issues/{on_time.pk}/action/", {"action": "remind"}).status_code == 404


# ---------------------------------------------------------------- create and edit


def form_data(**over):
    data = {
        "code": "XA-2025-001",
        "name": "咸安智能装备产业园",
        "enterprise": "",
        "investor": "湖北智造投资有限公司",
        "county": "",
        "kind": "new",
        "list_kind": "new_build",
        "project_type": "industry",
        "investment": "12",
        "signed_on": str(TODAY - dt.timedelta(days=10)),
        "leader": "王副区长",
        "secretaries": "李秘书、赵秘书",
        "steward": "孙管家",
        "responsible_unit": "咸安区经信局",
    }
    data.update(over)
    return data


def test_create_a_project_through_the_form(login, users, regions):
    c = login(users["xianan"])
    r = c.get("/projects/new/")
    assert r.status_code == 200 and list(r.context["form"].fields["county"].queryset) == [regions["咸安区"]]
    r = c.post("/projects/new/", form_data(county=regions["咸安区"].pk))
    assert r.status_code == 302
    p = Project.objects.get(code="XA-2025-001")
    assert (p.colour, p.status, p.secretaries, p.milestones.count()) == ("yellow", "signed", ["李秘书", "赵秘书"], 12)
    assert AuditLog.objects.filter(action="create", object_type="projects.project", object_id=str(p.pk)).exists()
    page = text(c.get(r["Location"]))
    assert "项目已登记" in page and "十亿级" in page


def test_form_errors_are_shown_next_to_their_fields(login, users, regions):
    c = login(users["xianan"])
    ProjectFactory(county=regions["咸安区"], code="TAKEN")
    r = c.post(
        "/projects/new/",
        form_data(
            code="TAKEN",
            county=regions["嘉鱼县"].pk,  # not the officer's county: not a choice
            investment="abc",
            secretaries="甲、乙、丙、丁",
        ),
    )
    errors = r.context["form"].errors
    assert r.status_code == 200 and set(errors) >= {"code", "county", "investment"}
    assert "该项目编号已被使用" in errors["code"][0]
    r = c.post(
        "/projects/new/",
        form_data(
            county=regions["咸安区"].pk,
            investment="0",
            investor="",
            signed_on=str(TODAY),
            started_on=str(TODAY - dt.timedelta(days=5)),
            secretaries="甲、乙、丙、丁",
        ),
    )
    errors = r.context["form"].errors  # the service's refusals, each under its field
    assert "总投资应大于0" in errors["investment"][0]
    assert "请选择投资企业或填写投资主体" in errors["investor"][0]
    assert "开工日期不能早于签约日期" in errors["started_on"][0]
    assert "1—3名" in errors["secretaries"][0]
    assert 'class="text-danger small field-error"' in text(r) and not Project.objects.filter(code="XA-2025-001")


def test_the_investor_is_found_by_uscc_or_exact_name_within_scope_and_linked(login, users, regions):
    mine = EnterpriseFactory(county=regions["咸安区"], name="湖北咸安电池有限公司")
    theirs = EnterpriseFactory(county=regions["嘉鱼县"], name="嘉鱼电池有限公司")
    c = login(users["xianan"])
    r = c.post("/projects/new/", form_data(county=regions["咸安区"].pk, enterprise=theirs.uscc, investor=""))
    assert "在您的范围内没有找到企业" in r.context["form"].errors["enterprise"][0]
    r = c.post("/projects/new/", form_data(county=regions["咸安区"].pk, enterprise="湖北咸安电池有限公司", investor=""))
    p = Project.objects.get(code="XA-2025-001")
    assert p.enterprise == mine
    page = text(c.get(f"/projects/{p.pk}/"))
    assert f'href="/enterprises/{mine.uscc}/"' in page
    r = c.post("/projects/new/", form_data(code="XA-2", county=regions["咸安区"].pk, enterprise=mine.uscc.lower()))
    assert Project.objects.get(code="XA-2").enterprise == mine


def test_edit_keeps_the_values_and_replans(login, users, project):
    c = login(users["xianan"])
    r = c.get(f"/projects/{project.pk}/edit/")
    form = r.context["form"]
    assert form.initial["secretaries"] == "李秘书、赵秘书" and form.initial["investment"] == Decimal("6")
    data = {k: ("" if v is None else v) for k, v in form.initial.items()}
    data.update(name="咸安新能源电池项目（二期）", investment="12", signed_on=str(project.signed_on))
    r = c.post(f"/projects/{project.pk}/edit/", data)
    assert r.status_code == 302
    project.refresh_from_db()
    assert project.name == "咸安新能源电池项目（二期）" and project.investment == 12
    start = project.signed_on + dt.timedelta(days=60)
    assert ms(project, "acceptance").planned_on == rules.add_months(start, 18)  # 10亿 and above (XN-XM-2)
    r = c.post(f"/projects/{project.pk}/edit/", {**data, "name": "", "investment": "-1"})
    assert r.status_code == 200 and "咸安新能源电池项目（二期）" in text(r)  # the title is the stored name
