"""一单三制 (YY-P-2): an issue is assigned (交办) with a department and due date, reminded and supervised (督查) while
open, closed (销号) only with a note and evidence; overdue stands out; closure rate and time per department."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from chanye.projects.issues import (
    do_assign_issue,
    do_close_issue,
    do_follow_up,
    do_raise_issue,
    issue_stats,
)
from chanye.projects.models import ProjectIssue
from tests.factories import ProjectFactory

pytestmark = pytest.mark.django_db
D = dt.date(2025, 3, 1)


@pytest.fixture
def issue(regions, users):
    p = ProjectFactory(county=regions["咸安区"])
    return do_raise_issue(actor=users["xianan"], project=p, content="施工用电未接入", on=D)


def test_yy_p_2_assign_supervise_close_in_order(users, issue):
    a = users["xianan"]
    with pytest.raises(ValidationError, match="应先交办"):
        do_close_issue(actor=a, issue=issue, note="已接入", evidence_text="供电公司回执")
    with pytest.raises(ValidationError, match="应先交办"):
        do_follow_up(actor=a, issue=issue, kind="supervise", note="x")
    with pytest.raises(ValidationError) as e:
        do_assign_issue(actor=a, issue=issue, department="", due_on=None)
    assert "责任单位" in str(e.value) and "办结时限" in str(e.value)
    do_assign_issue(actor=a, issue=issue, department="区供电公司", due_on=D + dt.timedelta(days=10))
    do_follow_up(actor=a, issue=issue, kind="remind")
    with pytest.raises(ValidationError, match="督查情况"):
        do_follow_up(actor=a, issue=issue, kind="supervise")
    do_follow_up(actor=a, issue=issue, kind="supervise", note="现场督查，线路已架设")
    with pytest.raises(ValidationError, match="佐证"):
        do_close_issue(actor=a, issue=issue, note="已接入")
    do_close_issue(
        actor=a,
        issue=issue,
        note="已接入",
        evidence=SimpleUploadedFile("回执.pdf", b"%PDF-1.4 test", content_type="application/pdf"),
        on=D + dt.timedelta(days=8),
    )
    issue.refresh_from_db()
    assert issue.status == "closed" and issue.evidence.name.endswith(".pdf")
    assert list(issue.events.values_list("kind", flat=True)) == ["raise", "assign", "remind", "supervise", "close"]
    with pytest.raises(ValidationError):
        do_follow_up(actor=a, issue=issue, kind="remind")


def test_yy_p_2_closure_rate_time_and_overdue_per_department(regions, users):
    p = ProjectFactory(county=regions["咸安区"])
    a = users["admin"]
    for k in range(3):
        i = do_raise_issue(actor=a, project=p, content=f"问题{k}", on=D)
        do_assign_issue(actor=a, issue=i, department="区自然资源局", due_on=D + dt.timedelta(days=5))
        i.assigned_on = D
        i.save()
        if k < 2:
            do_close_issue(actor=a, issue=i, note="办结", evidence_text="批复文件", on=D + dt.timedelta(days=4 + k * 2))
    [row] = issue_stats(ProjectIssue.objects.all(), today=D + dt.timedelta(days=30))
    assert (row["total"], row["closed"], row["rate"], row["avg_days"], row["overdue"]) == (3, 2, 66.7, 5.0, 1)


def test_issues_are_scoped_by_county(users, issue):
    assert ProjectIssue.objects.for_user(users["jiayu"]).count() == 0
    with pytest.raises(PermissionDenied):
        do_assign_issue(actor=users["jiayu"], issue=issue, department="x", due_on=D)
