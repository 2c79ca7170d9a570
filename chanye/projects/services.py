"""Writes on projects — every one audited, every refusal a Chinese ValidationError:

* `do_save_project` registers or edits a project and (re)plans its milestones from the pack (XN-XM-1/2/3);
* `do_record_milestone` sets an actual date (施工队进场 starts the project, 验收投产 puts it into production) or
  edits a planned date;
* `do_exit` turns a project red only with a written explanation and the responsible unit (XN-XM-4);
* `do_grade_month` grades every project for a month (XN-XM-5) and keeps the colour history; `do_set_rectification`
  gives a project behind schedule a deadline instead of a downgrade;
* issues (一单三制, YY-P-2) are written by `chanye.projects.issues`.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Count, Q
from django.utils import timezone

from chanye.core import access, audit, indicators
from chanye.core.access import Actor
from chanye.core.models import AuditAction
from chanye.core.roles import WRITERS
from chanye.enterprises.models import Enterprise
from chanye.projects import rules as project_rules
from chanye.projects.models import (
    COLOUR_OF_STATUS,
    STATUS_BY_DATE,
    GradeChange,
    Milestone,
    Project,
    ProjectMonth,
    ProjectStatus,
)

EDITORS = WRITERS


def start_within_days() -> int | None:
    """Days from signing to start in the current pack (XN-XM-1); None when the pack sets no such clock."""
    return project_rules.current().start_within_days


def producing_enterprises(since: dt.date, until: dt.date) -> set[int]:
    """Firms whose project (not exited) went into production between the two dates (the candidate pool's 新投产工业项目,
    XN-GS-4; asked through `core.hooks.producing_enterprises`)."""
    qs = Project.objects.filter(
        producing_on__gte=since, producing_on__lte=until, enterprise__isnull=False, exited_on__isnull=True
    )
    return set(qs.values_list("enterprise_id", flat=True))


def can_edit(actor: Actor, project: Project | None = None) -> bool:
    """City administrators, and county/park officers for projects of their unit (viewers read only)."""
    return access.can_write(actor, project)


def require_editor(actor: Actor, project: Project) -> None:
    if not can_edit(actor, project):
        raise PermissionDenied("无权修改该项目。")


def status_on(p: Project, day: dt.date | None = None) -> str:
    """The one colour rule (XN-XM-4): a project's status from its dates as of `day` (today's dates when None) —
    退出 > 投产 > 开工在建 > 签约 > 谋划; its colour is `COLOUR_OF_STATUS[status]`. The page, the import, the monthly
    grading and the bulletin all take status and colour from here."""

    for status, field in STATUS_BY_DATE:
        d = getattr(p, field)
        if d is not None and (day is None or d <= day):
            return status
    return ProjectStatus.PLANNED


def _apply_status(p: Project) -> None:
    p.status = status_on(p)
    p.colour = COLOUR_OF_STATUS[ProjectStatus(p.status)]


def validate(p: Project) -> None:
    """The project's own consistency, all errors at once."""
    errors = []
    if not p.name.strip():
        errors.append("请填写项目名称。")
    if p.investment is None or p.investment <= 0:
        errors.append("总投资应大于0（单位：亿元）。")
    if not p.enterprise_id and not p.investor.strip():
        errors.append("请选择投资企业或填写投资主体。")
    if p.started_on and not p.signed_on:
        errors.append("已开工的项目应有签约日期。")
    if p.signed_on and p.started_on and p.started_on < p.signed_on:
        errors.append("开工日期不能早于签约日期。")
    if p.producing_on and not p.started_on:
        errors.append("投产前应先开工（请填写开工日期）。")
    if p.started_on and p.producing_on and p.producing_on < p.started_on:
        errors.append("投产日期不能早于开工日期。")
    staffing = project_rules.current().staffing
    if staffing is not None and len(p.secretaries or []) > staffing.secretaries_max:
        errors.append(f"项目秘书为{staffing.secretaries_min}—{staffing.secretaries_max}名（XN-XM-6）。")
    if p.park_id and p.park_id != p.county_id and p.park.parent_id != p.county_id:
        errors.append(f"园区“{p.park.name}”不属于“{p.county.name}”。")
    if errors:
        raise ValidationError(errors)


def staffing_gaps(p: Project, rules: project_rules.ProjectRules | None = None) -> list[str]:
    """XN-XM-6, where the pack states it: what the project still lacks (fewer 项目秘书 than the minimum, no 包保领导,
    no 项目管家). Flagged on the project page and after each save, never a refusal: projects registered before the
    people were named (an import, a signed lead) stay valid. Empty for a pack that states no staffing."""
    staffing = (rules or project_rules.current()).staffing
    if staffing is None or p.status == ProjectStatus.EXITED:
        return []
    gaps = []
    if len(p.secretaries or []) < staffing.secretaries_min:
        gaps.append(f"项目秘书应为{staffing.secretaries_min}—{staffing.secretaries_max}名（XN-XM-6）")
    if staffing.leader and not (p.leader or "").strip():
        gaps.append("尚未确定包保领导（XN-XM-6）")
    if staffing.steward and not (p.steward or "").strip():
        gaps.append("尚未确定项目管家（XN-XM-6）")
    return gaps


def replan(p: Project, rules: project_rules.ProjectRules | None = None) -> None:
    """(Re)plan the pack's milestones (XN-XM-1/2/3); planned dates edited by hand are kept. A pack without
    milestones leaves the project none (its dates and colour are tracked on the project itself)."""
    rules = rules or project_rules.current()
    existing = {m.code: m for m in p.milestones.all()}
    planned = (
        project_rules.plan(rules, signed_on=p.signed_on, investment=p.investment, started_on=p.started_on)
        if p.signed_on
        else {}
    )
    keep = set()
    for seq, spec in enumerate(rules.milestones, start=1):
        code = spec["code"]
        keep.add(code)
        m = existing.get(code) or Milestone(project=p, code=code)
        m.seq, m.name = seq, spec["name"]
        if not m.planned_edited:
            m.planned_on = planned.get(code)
        if code == project_rules.START_MILESTONE:
            m.actual_on = p.started_on
        if code == project_rules.PRODUCTION_MILESTONE:
            m.actual_on = p.producing_on
        m.save()
    p.milestones.exclude(code__in=keep).delete()


FIELDS = [
    "code",
    "name",
    "enterprise_id",
    "investor",
    "county_id",
    "park_id",
    "industry_id",
    "cluster_id",
    "chain_node",
    "kind",
    "list_kind",
    "project_type",
    "investment",
    "signed_on",
    "started_on",
    "producing_on",
    "expected_output",
    "leader",
    "secretaries",
    "steward",
    "responsible_unit",
    "note",
]


@transaction.atomic
def do_save_project(*, actor: Actor, project: Project, data: dict[str, Any]) -> Project:
    """Create or update a project from cleaned values; milestones are planned from the pack."""
    if not access.can_write(actor):
        raise PermissionDenied("无权登记项目。")
    if project.pk and not can_edit(actor, project):
        raise PermissionDenied("无权修改该项目。")
    before = audit.snapshot(project) if project.pk else None
    enterprise_before = project.enterprise_id
    for k, v in data.items():
        if k in FIELDS:
            setattr(project, k, v)
    # a firm is linked only if the actor may see it: never a name or page of another county's firm
    changed_firm = project.enterprise_id and project.enterprise_id != enterprise_before
    if changed_firm and not access.scoped(Enterprise, actor).filter(pk=project.enterprise_id).exists():
        raise ValidationError({"enterprise": "投资企业不在您的权限范围内；请填写投资主体名称。"})
    if access.unit_id(actor) and access.unit_id(actor) not in (project.county_id, project.park_id):
        raise PermissionDenied("只能登记本辖区的项目。")
    validate(project)
    created = project.pk is None
    if created:
        project.grade = project_rules.current().initial_grade
    _apply_status(project)
    if not created:
        b, a = audit.diff(before, audit.snapshot(project))
        if not a:
            return project  # saved without a change: nothing written, nothing audited
    project.save()
    replan(project)
    if created:
        audit.record(actor=actor, action=AuditAction.CREATE, obj=project, after=audit.snapshot(project))
    else:
        b, a = audit.diff(before, audit.snapshot(project))
        audit.record(actor=actor, action=AuditAction.UPDATE, obj=project, before=b, after=a)
    return project


class ProjectInvalid(ValidationError):
    """A project whose dates an action would make inconsistent (e.g. a milestone import moving its start after its
    production); `project` names it."""

    def __init__(self, project: Project, error: ValidationError) -> None:
        super().__init__(error.messages)
        self.project = project


@transaction.atomic
def do_update_milestones(*, actor: Actor, changes: list[tuple[Milestone, dict[str, Any]]], message: str = "") -> int:
    """Milestones changed in bulk (an import): each saved and audited with its before/after; the start and production
    milestones move their project's dates, status and colour (XN-XM-3/4) and the later milestones are re-planned."""
    moved: dict[int, Project] = {}
    checked: set[int] = set()
    items = []
    for m, before in changes:
        p = m.project
        if p.pk not in checked:
            require_editor(actor, p)
            checked.add(p.pk)
        m.save()
        if m.code == project_rules.START_MILESTONE:
            p.started_on = m.actual_on
            moved[p.pk] = p
        if m.code == project_rules.PRODUCTION_MILESTONE:
            p.producing_on = m.actual_on
            moved[p.pk] = p
        after = {"planned_on": m.planned_on, "actual_on": m.actual_on, "note": m.note}
        items.append((m, before, after, f"{p.name}：{m.name}（{message}）" if message else f"{p.name}：{m.name}"))
    rules = project_rules.current()
    for p in moved.values():
        try:
            validate(p)
        except ValidationError as e:
            raise ProjectInvalid(p, e) from e
        _apply_status(p)
        p.save(update_fields=["started_on", "producing_on", "status", "colour", "updated_at"])
        replan(p, rules)
    audit.record_many(actor=actor, action=AuditAction.UPDATE, items=items, message=message)
    return len(items)


@transaction.atomic
def do_record_milestone(
    *,
    actor: Actor,
    milestone: Milestone,
    actual_on: dt.date | None = None,
    planned_on: dt.date | None = None,
    note: str | None = None,
) -> Milestone:
    """Record a milestone's actual date (or clear it) and/or change its planned date.

    The start milestone (施工队进场) sets the project's start, the production one (验收投产) its production — the
    colour follows (XN-XM-4) and the later milestones are re-planned from the actual start (XN-XM-2)."""
    p = milestone.project
    require_editor(actor, p)
    if p.status == ProjectStatus.EXITED:
        raise ValidationError("项目已退出，不能再更新节点。")
    if actual_on and actual_on > timezone.localdate():
        raise ValidationError("实际完成日期不能晚于今天。")
    if actual_on and p.signed_on and actual_on < p.signed_on and milestone.seq > 1:
        raise ValidationError(f"实际完成日期不能早于签约日期{p.signed_on:%Y-%m-%d}。")
    before = {"planned_on": milestone.planned_on, "actual_on": milestone.actual_on, "note": milestone.note}
    if planned_on is not None and planned_on != milestone.planned_on:
        milestone.planned_on, milestone.planned_edited = planned_on, True
    milestone.actual_on = actual_on
    if note is not None:
        milestone.note = note
    milestone.save()
    if milestone.code == project_rules.START_MILESTONE:
        p.started_on = actual_on
    if milestone.code == project_rules.PRODUCTION_MILESTONE:
        p.producing_on = actual_on
    if milestone.code in (project_rules.START_MILESTONE, project_rules.PRODUCTION_MILESTONE):
        validate(p)
        _apply_status(p)
        p.save(update_fields=["started_on", "producing_on", "status", "colour", "updated_at"])
        replan(p)
    audit.record(
        actor=actor,
        action=AuditAction.UPDATE,
        obj=milestone,
        before=before,
        after={"planned_on": milestone.planned_on, "actual_on": milestone.actual_on, "note": milestone.note},
        message=f"{p.name}：{milestone.name}",
    )
    return milestone


@transaction.atomic
def do_exit(*, actor: Actor, project: Project, reason: str, unit: str, on: dt.date | None = None) -> Project:
    """XN-XM-4: red (退出/僵尸) only with the responsible unit's written explanation."""
    require_editor(actor, project)
    errors = []
    if len(reason.strip()) < 10:
        errors.append("退出须由项目责任单位书面说明情况（不少于10个字）。")
    if not unit.strip():
        errors.append("请填写作出说明的责任单位。")
    if errors:
        raise ValidationError(errors)
    before = {"status": project.status, "colour": project.colour}
    project.exited_on, project.exit_reason, project.exit_unit = on or timezone.localdate(), reason.strip(), unit.strip()
    _apply_status(project)
    project.save(update_fields=["exited_on", "exit_reason", "exit_unit", "status", "colour", "updated_at"])
    audit.record(
        actor=actor,
        action=AuditAction.UPDATE,
        obj=project,
        before=before,
        after={"status": project.status, "colour": project.colour, "reason": project.exit_reason, "unit": unit},
        message="项目退出（红色）",
    )
    return project


@transaction.atomic
def do_set_rectification(*, actor: Actor, project: Project, deadline: dt.date | None = None, note: str = "") -> Project:
    """XN-XM-5: a project behind schedule may be given a deadline to rectify instead of being graded down."""
    require_editor(actor, project)
    if project.status in (ProjectStatus.EXITED, ProjectStatus.PRODUCING):
        raise ValidationError("已投产或已退出的项目不需要限期整改。")
    if not overdue_milestones(project, timezone.localdate()):
        raise ValidationError("该项目没有逾期节点，达到时序进度，无需限期整改。")
    deadline = deadline or timezone.localdate() + dt.timedelta(days=project_rules.current().rectify_days)
    if deadline <= timezone.localdate():
        raise ValidationError("整改期限应晚于今天。")
    before = {"rectify_by": project.rectify_by}
    project.rectify_by, project.rectify_note, project.rectify_since = deadline, note.strip(), timezone.localdate()
    project.save(update_fields=["rectify_by", "rectify_note", "rectify_since", "updated_at"])
    audit.record(
        actor=actor,
        action=AuditAction.UPDATE,
        obj=project,
        before=before,
        after={"rectify_by": deadline, "note": project.rectify_note},
        message="限期整改",
    )
    return project


def overdue_milestones(project: Project, as_of: dt.date) -> list[Milestone]:
    """Milestones past their planned date without an actual date as of `as_of` (or done only after it)."""
    return list(
        project.milestones.filter(planned_on__lt=as_of).filter(Q(actual_on__isnull=True) | Q(actual_on__gt=as_of))
    )


def do_grade_month(*, actor: Actor, month: dt.date) -> dict[str, int]:
    """Grade every project for `month` (XN-XM-5) and store its colour that month; idempotent for a month. The city's
    monthly job (`chanye projects grade`, the system): one audit row with the counts.

    On schedule (no milestone overdue at month end) → one grade up; behind → one grade down, unless a rectification
    deadline still runs (→ 限期整改, grade kept). The previous month's grade is the starting point. A pack that states
    no project clock has no schedule to judge: every project is 不评 (grade kept) and only its colour is recorded."""
    if not access.is_city_admin(actor):
        raise PermissionDenied("只有市级管理员可以运行项目月度升降档。")
    rules = project_rules.current()
    month = month.replace(day=1)
    end = project_rules.month_end(month)
    prev_month = (month - dt.timedelta(days=1)).replace(day=1)
    overdue = dict(
        Milestone.objects.filter(planned_on__lt=end)
        .filter(Q(actual_on__isnull=True) | Q(actual_on__gt=end))
        .values_list("project")
        .annotate(n=Count("id"))
        .order_by()
    )
    previous = dict(ProjectMonth.objects.filter(month=prev_month).values_list("project_id", "grade"))
    rows: list[ProjectMonth] = []
    counts = {c: 0 for c in GradeChange.values}
    projects = Project.objects.filter(Q(signed_on__lte=end) | Q(signed_on__isnull=True, created_at__date__lte=end))
    updates: list[Project] = []
    for p in projects.only(
        "pk",
        "signed_on",
        "started_on",
        "producing_on",
        "exited_on",
        "grade",
        "rectify_by",
        "rectify_since",
        "status",
        "colour",
    ).iterator(chunk_size=5000):
        status = status_on(p, end)
        colour = COLOUR_OF_STATUS[ProjectStatus(status)]
        grade = previous.get(p.pk, rules.initial_grade)
        n = overdue.get(p.pk, 0)
        on_schedule = n == 0
        if not rules.has_clocks or status in (ProjectStatus.EXITED, ProjectStatus.PRODUCING, ProjectStatus.PLANNED):
            # out of the schedule's reach: a pack without project clocks (no schedule to judge against), or a project
            # producing, exited or not yet signed; its colour of the month is still kept
            change = GradeChange.NONE
        elif on_schedule:
            change = GradeChange.UP if grade < rules.max_grade else GradeChange.HOLD
            grade = min(rules.max_grade, grade + 1)
        elif p.rectify_by and p.rectify_by >= end and (p.rectify_since is None or p.rectify_since <= end):
            # a deadline runs only in the months after it was given, not when an earlier month is re-graded
            change = GradeChange.RECTIFY
        else:
            change = GradeChange.DOWN if grade > 1 else GradeChange.HOLD
            grade = max(1, grade - 1)
        counts[change] += 1
        rows.append(
            ProjectMonth(
                project_id=p.pk,
                month=month,
                status=status,
                colour=colour,
                grade=grade,
                change=change,
                on_schedule=on_schedule,
                overdue=min(n, 32767),
            )
        )
        if p.grade != grade:
            p.grade = grade
            updates.append(p)
    with transaction.atomic():
        ProjectMonth.objects.filter(month=month).delete()
        ProjectMonth.objects.bulk_create(rows, batch_size=2000)
        latest = ProjectMonth.objects.order_by("-month").values_list("month", flat=True).first()
        if latest == month:  # the project's current grade is the latest month's; one UPDATE per grade value
            by_grade: dict[int, list[int]] = {}
            for p in updates:
                by_grade.setdefault(p.grade, []).append(p.pk)
            for g, ids in by_grade.items():
                for i in range(0, len(ids), 5000):
                    Project.objects.filter(pk__in=ids[i : i + 5000]).update(grade=g)
    counts["projects"] = len(rows)
    audit.record(
        actor=actor,
        action=AuditAction.UPDATE,
        object_type="projects.projectmonth",
        object_id=f"{month:%Y-%m}",
        after=counts,
        message=f"{month.year}年{month.month}月项目升降档：{len(rows)}个项目",
    )
    indicators.stale("projects", year=month.year, month=month)  # the target tree's project indicators (XN-GS-8/9 …)
    return counts


__all__ = [
    "can_edit",
    "do_exit",
    "do_grade_month",
    "do_record_milestone",
    "do_save_project",
    "do_set_rectification",
    "overdue_milestones",
    "replan",
    "staffing_gaps",
]
