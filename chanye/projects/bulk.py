"""Many projects at once — the importer, the demo and `chanye projects replan` — with exactly the result of the
one-at-a-time services: `services.validate` and `services._apply_status` decide, the milestones are those
`services.replan` plans (XN-XM-1/2/3), only written with bulk queries. The `do_*` actions here take the actor (a user
or `access.SYSTEM`), check it may write, and audit in bulk (`audit.record_many`)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import QuerySet

from chanye.core import access, audit
from chanye.core.access import Actor
from chanye.core.models import AuditAction
from chanye.projects import rules as project_rules
from chanye.projects import services
from chanye.projects.models import Milestone, Project

_MILESTONE_FIELDS = ["seq", "name", "planned_on", "actual_on"]


def planned_milestones(
    project: Project, rules: project_rules.ProjectRules, existing: dict[str, Milestone] | None = None
) -> tuple[list[Milestone], list[Milestone], list[int]]:
    """What `services.replan` would do to `project`: (milestones to create, milestones changed, pks to delete).

    `existing` holds the project's current milestones by code (none for a new project); hand-edited planned dates
    are kept, the start and production milestones carry the project's actual dates."""
    existing = existing or {}
    planned = (
        project_rules.plan(
            rules, signed_on=project.signed_on, investment=project.investment, started_on=project.started_on
        )
        if project.signed_on
        else {}
    )
    new: list[Milestone] = []
    changed: list[Milestone] = []
    keep = set()
    for seq, spec in enumerate(rules.milestones, start=1):
        code = spec["code"]
        keep.add(code)
        m = existing.get(code)
        before = None if m is None else tuple(getattr(m, f) for f in _MILESTONE_FIELDS)
        if m is None:
            m = Milestone(project=project, code=code)
        m.seq, m.name = seq, spec["name"]
        if not m.planned_edited:
            m.planned_on = planned.get(code)
        if code == project_rules.START_MILESTONE:
            m.actual_on = project.started_on
        if code == project_rules.PRODUCTION_MILESTONE:
            m.actual_on = project.producing_on
        if before is None:
            new.append(m)
        elif before != tuple(getattr(m, f) for f in _MILESTONE_FIELDS):
            changed.append(m)
    drop = [m.pk for code, m in existing.items() if code not in keep]
    return new, changed, drop


def prepare_new(project: Project, rules: project_rules.ProjectRules) -> None:
    """The checks and derived fields of `services.do_save_project` for a project being created (raises the same
    ValidationError)."""
    services.validate(project)
    project.grade = rules.initial_grade
    services._apply_status(project)


def _check(actor: Actor, projects: Sequence[Project]) -> None:
    if not access.can_write(actor):
        raise PermissionDenied("无权登记项目。")
    unit = access.unit_id(actor)
    if unit and any(unit not in (p.county_id, p.park_id) for p in projects):
        raise PermissionDenied("只能登记本辖区的项目。")


@transaction.atomic
def do_create_projects(
    *,
    actor: Actor,
    projects: Sequence[Project],
    rules: project_rules.ProjectRules | None = None,
    message: str = "",
    batch_size: int = 500,
    adjust: Callable[[Project, list[Milestone]], None] | None = None,
) -> list[Project]:
    """Create projects and their planned milestones as `services.do_save_project` would, with one audit row each.
    Every project is validated first; a ValidationError means nothing was written. `adjust` may change a project's
    milestones before they are written (the demo records progress that way)."""
    _check(actor, projects)
    rules = rules or project_rules.current()
    for p in projects:
        prepare_new(p, rules)
    created = Project.objects.bulk_create(projects, batch_size=batch_size)
    milestones: list[Milestone] = []
    for p in created:
        ms = planned_milestones(p, rules)[0]
        if adjust is not None:
            adjust(p, ms)
        milestones += ms
    Milestone.objects.bulk_create(milestones, batch_size=2000)
    audit.record_many(
        actor=actor, action=AuditAction.CREATE, items=[(p, None, audit.snapshot(p)) for p in created], message=message
    )
    return list(created)


@transaction.atomic
def do_update_projects(
    *,
    actor: Actor,
    changes: Sequence[tuple[Project, dict[str, Any]]],
    rules: project_rules.ProjectRules | None = None,
    message: str = "",
) -> int:
    """Save validated changes to existing projects ((project, its snapshot before)), re-plan their milestones and
    audit each with what changed."""
    projects = [p for p, _ in changes]
    _check(actor, projects)
    if not all(access.can_write(actor, p) for p in projects if access.unit_id(actor)):
        raise PermissionDenied("无权修改该项目。")
    rules = rules or project_rules.current()
    items = []
    for p, before in changes:
        services._apply_status(p)
        p.save()
        items.append((p, *audit.diff(before, audit.snapshot(p))))
    bulk_replan(projects, rules)
    audit.record_many(actor=actor, action=AuditAction.UPDATE, items=items, message=message)
    return len(items)


def do_replan_projects(
    *,
    actor: Actor,
    projects: QuerySet[Project] | Sequence[Project],
    rules: project_rules.ProjectRules | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> dict[str, int]:
    """`chanye projects replan`: re-plan every project's milestones after the pack changed (hand-edited planned
    dates kept), with one audit row saying how many milestones moved."""
    if not access.is_city_admin(actor):
        raise PermissionDenied("只有市级管理员可以重新排期。")
    counts = bulk_replan(projects, rules, progress=progress)
    if counts["created"] or counts["changed"] or counts["removed"]:
        audit.record(
            actor=actor,
            action=AuditAction.UPDATE,
            object_type="projects.milestone",
            object_repr="全部项目节点",
            after=counts,
            message="按政策包重新计划项目节点（chanye projects replan）",
        )
    return counts


def bulk_replan(
    projects: QuerySet[Project] | Sequence[Project],
    rules: project_rules.ProjectRules | None = None,
    *,
    chunk: int = 500,
    progress: Callable[[int, int], None] | None = None,
) -> dict[str, int]:
    """`services.replan` for many projects (e.g. after the pack's durations changed): hand-edited planned dates are
    kept. Returns counts of projects and of milestones created, changed and removed."""
    rules = rules or project_rules.current()
    items = list(projects)
    counts = {"projects": len(items), "created": 0, "changed": 0, "removed": 0}
    for start in range(0, len(items), chunk):
        part = items[start : start + chunk]
        by_project: dict[int, dict[str, Milestone]] = {p.pk: {} for p in part}
        for m in Milestone.objects.filter(project_id__in=list(by_project)):
            by_project[m.project_id][m.code] = m
        new: list[Milestone] = []
        changed: list[Milestone] = []
        drop: list[int] = []
        for p in part:
            n, c, d = planned_milestones(p, rules, by_project[p.pk])
            new += n
            changed += c
            drop += d
        Milestone.objects.bulk_create(new, batch_size=2000)
        Milestone.objects.bulk_update(changed, _MILESTONE_FIELDS, batch_size=1000)
        if drop:
            Milestone.objects.filter(pk__in=drop).delete()
        counts["created"] += len(new)
        counts["changed"] += len(changed)
        counts["removed"] += len(drop)
        if progress:
            progress(min(start + chunk, len(items)), len(items))
    return counts


__all__ = [
    "bulk_replan",
    "do_create_projects",
    "do_replan_projects",
    "do_update_projects",
    "planned_milestones",
    "prepare_new",
]
