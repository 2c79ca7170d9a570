"""Writes on project issues (问题, 一单三制, YY-P-2) — every one audited, every refusal a Chinese ValidationError:
raise → 交办 (department, due date) → 提醒/督查 → 销号 (note and evidence); and the per-department figures of a set
of issues (`issue_stats`). Who may write is the project's editors (`services.require_editor`)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from chanye.core import access, audit
from chanye.core.access import Actor
from chanye.core.models import AuditAction
from chanye.projects.models import IssueEvent, IssueEventKind, IssueStatus, Project, ProjectIssue
from chanye.projects.services import require_editor


def _event(issue: ProjectIssue, kind: str, actor: Actor, note: str = "", on: dt.date | None = None) -> None:
    IssueEvent.objects.create(
        issue=issue, kind=kind, on=on or timezone.localdate(), note=note[:300], by=access.user_row(actor)
    )


@transaction.atomic
def do_raise_issue(*, actor: Actor, project: Project, content: str, on: dt.date | None = None) -> ProjectIssue:
    require_editor(actor, project)
    if not content.strip():
        raise ValidationError("请填写问题内容。")
    issue = ProjectIssue.objects.create(
        project=project, raised_on=on or timezone.localdate(), content=content.strip(), created_by=actor
    )
    _event(issue, IssueEventKind.RAISE, actor, on=issue.raised_on)
    audit.record(actor=actor, action=AuditAction.CREATE, obj=issue, after={"content": issue.content})
    return issue


@transaction.atomic
def do_assign_issue(*, actor: Actor, issue: ProjectIssue, department: str, due_on: dt.date | None) -> ProjectIssue:
    """交办: a responsible department and a due date."""
    require_editor(actor, issue.project)
    if issue.status == IssueStatus.CLOSED:
        raise ValidationError("问题已销号，不能再交办。")
    errors = []
    if not department.strip():
        errors.append("交办须填写责任单位。")
    if due_on is None:
        errors.append("交办须填写办结时限。")
    elif due_on < issue.raised_on:
        errors.append("办结时限不能早于问题提出日期。")
    if errors:
        raise ValidationError(errors)
    before = {"status": issue.status, "department": issue.department, "due_on": issue.due_on}
    issue.department, issue.due_on, issue.status = department.strip(), due_on, IssueStatus.ASSIGNED
    issue.assigned_on = issue.assigned_on or timezone.localdate()
    issue.save()
    _event(issue, IssueEventKind.ASSIGN, actor, f"{issue.department}，{due_on:%Y-%m-%d}前办结")
    audit.record(
        actor=actor,
        action=AuditAction.UPDATE,
        obj=issue,
        before=before,
        after={"status": issue.status, "department": issue.department, "due_on": due_on},
        message="问题交办",
    )
    return issue


@transaction.atomic
def do_follow_up(*, actor: Actor, issue: ProjectIssue, kind: str, note: str = "") -> IssueEvent:
    """提醒 or 督查 an assigned issue while it is open."""
    require_editor(actor, issue.project)
    if kind not in (IssueEventKind.REMIND, IssueEventKind.SUPERVISE):
        raise ValidationError("未知操作。")
    if issue.status != IssueStatus.ASSIGNED:
        raise ValidationError(
            f"“{issue.get_status_display()}”的问题不能{IssueEventKind(kind).label}（应先交办，且未销号）。"
        )
    if kind == IssueEventKind.SUPERVISE and not note.strip():
        raise ValidationError("督查须填写督查情况。")
    _event(issue, kind, actor, note)
    audit.record(actor=actor, action=AuditAction.UPDATE, obj=issue, after={"event": kind, "note": note})
    return issue.events.order_by("-pk").first()


@transaction.atomic
def do_close_issue(
    *,
    actor: Actor,
    issue: ProjectIssue,
    note: str,
    evidence: Any = None,
    evidence_text: str = "",
    on: dt.date | None = None,
) -> ProjectIssue:
    """销号 only with the result and evidence (a file or a description of it)."""
    require_editor(actor, issue.project)
    if issue.status != IssueStatus.ASSIGNED:
        raise ValidationError(f"“{issue.get_status_display()}”的问题不能销号（应先交办）。")
    errors = []
    if not note.strip():
        errors.append("销号须填写办理结果。")
    if not evidence and not evidence_text.strip():
        errors.append("销号须上传佐证材料或说明佐证情况。")
    if errors:
        raise ValidationError(errors)
    issue.status, issue.closed_on, issue.closing_note = IssueStatus.CLOSED, on or timezone.localdate(), note.strip()
    if evidence:
        issue.evidence = evidence
    issue.evidence_text = evidence_text.strip()
    issue.save()
    _event(issue, IssueEventKind.CLOSE, actor, note, on=issue.closed_on)
    audit.record(
        actor=actor,
        action=AuditAction.UPDATE,
        obj=issue,
        before={"status": IssueStatus.ASSIGNED},
        after={
            "status": issue.status,
            "note": issue.closing_note,
            "evidence": issue.evidence.name or issue.evidence_text,
        },
        message="问题销号",
    )
    return issue


def issue_stats(qs: Any, *, today: dt.date | None = None) -> list[dict[str, Any]]:
    """Per department: issues, closed, closure rate, average days to close, open and overdue now."""
    today = today or timezone.localdate()
    out: dict[str, dict[str, Any]] = {}
    for i in qs.exclude(department="").only("department", "status", "assigned_on", "raised_on", "closed_on", "due_on"):
        d = out.setdefault(
            i.department, {"department": i.department, "total": 0, "closed": 0, "days": 0, "open": 0, "overdue": 0}
        )
        d["total"] += 1
        if i.status == IssueStatus.CLOSED:
            d["closed"] += 1
            d["days"] += (i.closed_on - (i.assigned_on or i.raised_on)).days
        else:
            d["open"] += 1
            if i.due_on and i.due_on < today:
                d["overdue"] += 1
    for d in out.values():
        d["rate"] = round(d["closed"] * 100 / d["total"], 1) if d["total"] else None
        d["avg_days"] = round(d["days"] / d["closed"], 1) if d["closed"] else None
    return sorted(out.values(), key=lambda d: (-d["overdue"], -d["open"], d["department"]))


__all__ = ["do_assign_issue", "do_close_issue", "do_follow_up", "do_raise_issue", "issue_stats"]
