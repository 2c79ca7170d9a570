"""/api/v1/projects/: the board's filters, paginated; one project with milestones (XN-XM-3), colour and grade history
(XN-XM-4/5) and issues (YY-P-2); the same scope as the pages (404 outside it)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from chanye.accounts.services import do_issue_token
from chanye.core.access import SYSTEM
from chanye.projects.issues import do_assign_issue, do_close_issue, do_raise_issue
from chanye.projects.services import do_grade_month
from tests.factories import ProjectFactory

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()


@pytest.fixture
def projects(regions):
    xa, jy = regions["咸安区"], regions["嘉鱼县"]
    return {
        "late": ProjectFactory(county=xa, name="咸安逾期项目", signed_on=TODAY - dt.timedelta(days=150),
                               investment=Decimal("55")),
        "blue": ProjectFactory(county=xa, name="咸安在建项目", signed_on=TODAY - dt.timedelta(days=100),
                               started_on=TODAY - dt.timedelta(days=50), kind="upgrade"),
        "jiayu": ProjectFactory(county=jy, name="嘉鱼项目", signed_on=TODAY),
    }  # fmt: skip


def bearer(user) -> dict[str, str]:
    return {"Authorization": f"Bearer {do_issue_token(actor=SYSTEM, user=user)}"}


def test_openapi_lists_the_project_endpoints(client, users):
    paths = set(client.get("/api/v1/openapi.json", headers=bearer(users["viewer"])).json()["paths"])
    assert {"/api/v1/projects/", "/api/v1/projects/{project_id}"} <= paths


def test_list_filters_like_the_board_and_pages(client, users, projects):
    h = bearer(users["admin"])

    def names(q: str = "") -> list[str]:
        return [r["name"] for r in client.get(f"/api/v1/projects/?{q}", headers=h).json()["results"]]

    assert set(names()) == {"咸安逾期项目", "咸安在建项目", "嘉鱼项目"}
    assert names("colour=blue") == ["咸安在建项目"]
    assert names("kind=upgrade") == ["咸安在建项目"]
    assert names("tier=50") == ["咸安逾期项目"]
    assert set(names("county=421202")) == {"咸安逾期项目", "咸安在建项目"}
    assert set(names("overdue=1")) == {"咸安逾期项目", "咸安在建项目"}
    body = client.get("/api/v1/projects/?page_size=2&page=2", headers=h).json()
    assert (body["count"], body["page"], len(body["results"])) == (3, 2, 1)
    assert client.get("/api/v1/projects/?page_size=2&page=9", headers=h).json()["results"] == []
    row = next(r for r in client.get("/api/v1/projects/", headers=h).json()["results"] if r["name"] == "咸安逾期项目")
    assert row["colour"] == "yellow" and row["colour_label"] == "黄" and row["tier"] == "五十亿级"
    assert row["grade_label"] == "三档" and row["overdue_milestones"] > 5 and row["next_milestone"] == "项目注册"
    assert Decimal(row["investment"]) == 55 and row["county"] == "咸安区"


def test_list_is_scoped_and_the_url_cannot_widen_it(client, users, projects):
    h = bearer(users["xianan"])
    body = client.get("/api/v1/projects/", headers=h).json()
    assert body["count"] == 2 and {r["county"] for r in body["results"]} == {"咸安区"}
    assert client.get("/api/v1/projects/?county=421221", headers=h).json()["count"] == 0


def test_detail_has_milestones_history_and_issues(client, users, projects, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    p = projects["late"]
    a = users["xianan"]
    do_grade_month(actor=SYSTEM, month=TODAY.replace(day=1))
    issue = do_raise_issue(actor=a, project=p, content="施工许可未办", on=TODAY - dt.timedelta(days=9))
    do_assign_issue(actor=a, issue=issue, department="区住建局", due_on=TODAY - dt.timedelta(days=1))
    do_close_issue(actor=a, issue=issue, note="已办", evidence=SimpleUploadedFile("许可.pdf", b"%PDF"))
    open_issue = do_raise_issue(actor=a, project=p, content="水电未通", on=TODAY - dt.timedelta(days=3))
    do_assign_issue(actor=a, issue=open_issue, department="区水务局", due_on=TODAY - dt.timedelta(days=1))
    r = client.get(f"/api/v1/projects/{p.pk}", headers=bearer(a))
    assert r.status_code == 200
    d = r.json()
    assert len(d["milestones"]) == 12 and d["milestones"][0]["code"] == "registration"
    assert d["milestones"][0]["overdue"] is True and d["overdue_milestones"] == sum(
        m["overdue"] for m in d["milestones"]
    )
    assert [m["month"] for m in d["months"]] == [str(TODAY.replace(day=1))] and d["months"][0]["change"] == "down"
    issues = {i["content"]: i for i in d["issues"]}
    assert issues["施工许可未办"]["evidence_url"] == f"/projects/issues/{issue.pk}/evidence/"
    assert [e["kind"] for e in issues["施工许可未办"]["events"]] == ["raise", "assign", "close"]
    assert issues["水电未通"]["overdue"] is True and issues["施工许可未办"]["overdue"] is False


def test_detail_outside_the_scope_or_missing_is_404(client, users, projects):
    pk = projects["jiayu"].pk
    assert client.get(f"/api/v1/projects/{pk}", headers=bearer(users["xianan"])).status_code == 404
    assert client.get(f"/api/v1/projects/{pk}", headers=bearer(users["jiayu"])).status_code == 200
    assert client.get(f"/api/v1/projects/{pk}", headers=bearer(users["viewer"])).status_code == 200
    assert client.get("/api/v1/projects/999999", headers=bearer(users["admin"])).status_code == 404
    assert client.get(f"/api/v1/projects/{pk}", headers=bearer(users["auditor"])).status_code == 404
    assert client.get("/api/v1/projects/", headers=bearer(users["auditor"])).status_code == 404
    assert client.get(f"/api/v1/projects/{pk}").status_code == 401
