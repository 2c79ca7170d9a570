"""Writes of 督办: tasks synced from the pack, progress reports, the city's settings and status of a task.

Rules: EZ-ORG-1 (鄂州: 责任单位 per task; every district and zone co-responsible for every task, `task_defaults`),
YY-ORG-1 (益阳: the first-named unit leads, “排第一的为牵头单位”; 服务业 分工负责 with no lead), YY-P-3 (季调度: a
quarterly report cadence). Every write takes its actor and is audited.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from chanye.core import access, audit
from chanye.core.access import Actor
from chanye.core.models import AuditAction
from chanye.industry.models import Pack
from chanye.regions.models import Region
from chanye.supervision.models import Cadence, Department, Task, TaskReport, TaskStatus, TaskUnit

SETTINGS = ["status", "deadline", "cadence", "is_key", "done_on"]


# ---------------------------------------------------------------- from the pack


def city_units(city: Region) -> list[Region]:
    """The city's counties and parks (its children and theirs)."""
    return list(Region.objects.filter(parent=city) | Region.objects.filter(parent__parent=city))


def resolve_unit(name: str, city: Region, units: list[Region] | None = None) -> list[Region] | None:
    """The counties/parks a responsible unit's name stands for, or None for a department.

    “各区人民政府” / “各县(市、区)” → every county of the city; with “管委会” also the county-level parks
    (“各区县（市）人民政府（管委会）”); “园区（管委会）” → every park; “葛店经开区管委会” → 葛店经开区; a unit named
    exactly like a county or park → it. `units`: the city's units when the caller resolves many names."""
    units = city_units(city) if units is None else units
    counties = [r for r in units if r.level == "county"]
    parks = [r for r in units if r.level == "park"]
    if name.startswith("各") and ("区" in name or "县" in name):
        return counties + ([r for r in parks if r.is_county_level] if "管委会" in name else [])
    if name.startswith("园区") or name in ("各园区", "各园区管委会"):
        return parks
    bare = name.removesuffix("管委会").removesuffix("人民政府")
    found = [r for r in units if bare in (r.name, r.short_name) and bare]
    return found or None


def _units_of(spec_task: Any, defaults: Any, city: Region) -> list[tuple[str, Region | None, bool]]:
    """(department name or "", region, is_lead) for every responsible unit, in the text's order; co-responsible
    units of `task_defaults` after them."""
    names = list(spec_task.units)
    for extra in defaults.co_responsible if defaults else []:
        if extra not in names:
            names.append(extra)
    lead_rule = spec_task.lead or (defaults.lead if defaults else "none")
    lead_name = names[0] if lead_rule == "first" else (None if lead_rule == "none" else lead_rule)
    out: list[tuple[str, Region | None, bool]] = []
    for name in names:
        regions = resolve_unit(name, city)
        is_lead = name == lead_name
        if regions is None:
            out.append((name, None, is_lead))
        else:
            out += [("", r, is_lead and len(regions) == 1) for r in regions]
    return out


def sync_from_pack(*, spec: Any, pack: Pack, clusters: Any, result: Any) -> None:
    """The pack's tasks become tracked tasks (EZ-ORG-1, YY-ORG-1). Text, rule and units follow the pack; status,
    reports and settings the city changed on the platform are kept; a unit that holds reports is never dropped."""
    defaults = spec.task_defaults
    for d in spec.departments:
        Department.objects.update_or_create(name=d.name, defaults={"code": d.code})
    seen = []
    for t in spec.tasks:
        seen.append(t.code)
        task, created = Task.objects.get_or_create(code=t.code, defaults={"label": t.label})
        before = audit.snapshot(task, ["label", "rule", "deadline", "cadence", "is_key", "is_active"])
        task.label, task.rule, task.source_text, task.pack, task.is_active = (
            t.label,
            t.rule or "",
            t.source_text,
            pack,
            True,
        )
        if not task.settings_edited:
            task.deadline = t.deadline
            task.cadence = t.cadence or (defaults.cadence if defaults else None) or Cadence.NONE
            task.is_key = t.key if t.key is not None else bool(defaults and defaults.key)
        task.save()
        wanted = []
        for order, (dept_name, region, is_lead) in enumerate(_units_of(t, defaults, pack.city)):
            dept = Department.objects.get_or_create(name=dept_name)[0] if dept_name else None
            unit, _ = TaskUnit.objects.update_or_create(
                task=task, department=dept, region=region, defaults={"is_lead": is_lead, "order": order}
            )
            wanted.append(unit.pk)
        task.units.exclude(pk__in=wanted).filter(reports__isnull=True).delete()
        after = audit.snapshot(task, ["label", "rule", "deadline", "cadence", "is_key", "is_active"])
        if created:
            result.created["督办任务"] = result.created.get("督办任务", 0) + 1
        elif before != after:
            result.updated["督办任务"] = result.updated.get("督办任务", 0) + 1
    stale = Task.objects.filter(is_active=True, pack__isnull=False).exclude(code__in=seen)
    if n := stale.update(is_active=False):
        result.deactivated["督办任务"] = n


# ---------------------------------------------------------------- who may write


def can_report(actor: Actor, unit: TaskUnit) -> bool:
    """The city reports for any unit (departments have no accounts of their own); a county/park officer for their
    own unit's share of a task."""
    if access.is_city_admin(actor):
        return True
    return access.can_write(actor) and unit.region_id is not None and unit.region_id == access.unit_id(actor)


def can_manage(actor: Actor) -> bool:
    """Status, deadline, cadence and 重点督办 are the city's (the bureau supervises the units)."""
    return access.is_city_admin(actor)


# ---------------------------------------------------------------- actions


@transaction.atomic
def do_report_progress(
    *, actor: Actor, unit: TaskUnit, text: str, evidence: Any = None, on: dt.date | None = None
) -> TaskReport:
    """A unit's progress report (进展) with optional evidence; the task moves from 未启动 to 推进中."""
    if not can_report(actor, unit):
        raise PermissionDenied("只能报送本单位承担的任务进展。")
    text = (text or "").strip()
    on = on or timezone.localdate()
    errors = []
    if not text:
        errors.append("请填写进展情况。")
    if on > timezone.localdate():
        errors.append("报送日期不能晚于今天。")
    if errors:
        raise ValidationError(errors)
    report = TaskReport(task=unit.task, unit=unit, on=on, text=text[:4000], by=access.user_row(actor))
    if evidence:
        report.evidence.save(evidence.name, evidence, save=False)
    report.save()
    task = unit.task
    if task.status == TaskStatus.OPEN:
        task.status = TaskStatus.DOING
        task.save(update_fields=["status"])
    audit.record(
        actor=actor,
        action=AuditAction.CREATE,
        obj=report,
        object_repr=f"{task.label} · {unit.name}",
        after={"on": on.isoformat(), "text": text[:200], "evidence": bool(report.evidence)},
        message=f"报送任务进展（{task.rule or task.code}）",
    )
    return report


@transaction.atomic
def do_update_task(
    *,
    actor: Actor,
    task: Task,
    status: str,
    deadline: dt.date | None,
    cadence: str,
    is_key: bool,
) -> Task:
    """The city sets a task's status, deadline, reporting cadence and 重点督办 flag; nothing changed, nothing
    written."""
    if not can_manage(actor):
        raise PermissionDenied("只有市级管理员可以调整任务状态和督办设置。")
    if status not in TaskStatus.values:
        raise ValidationError("状态不正确。")
    if cadence not in Cadence.values:
        raise ValidationError("报送频次不正确。")
    if status == TaskStatus.DONE and not task.reports.exists():
        raise ValidationError("任务还没有任何进展报送，不能标记为已完成。")
    before = audit.snapshot(task, SETTINGS)
    settings_changed = (task.deadline, task.cadence, task.is_key) != (deadline, cadence, is_key)
    task.status, task.deadline, task.cadence, task.is_key = status, deadline, cadence, is_key
    task.done_on = (task.done_on or timezone.localdate()) if status == TaskStatus.DONE else None
    after = audit.snapshot(task, SETTINGS)
    if after == before:
        return task
    task.settings_edited = task.settings_edited or settings_changed
    task.save()
    audit.record(
        actor=actor,
        action=AuditAction.UPDATE,
        obj=task,
        before=before,
        after=after,
        message=f"调整督办任务（{task.rule or task.code}）",
    )
    return task
