"""Writes of the 千亿级产业 liaison arrangement (YY-ORG-1, 益阳 四（三）“实行千亿级产业市级领导联系机制，按照
‘两名市领导、一个牵头单位、一套工作班子’的工作模式”).

The pack's `industry_liaison` names the industries (top-level clusters), how many city leaders each has and the lead
unit where the text gives one (`sync_from_pack`, on `pack_loaded`). The leaders, the working team and a lead unit the
text leaves open are the city's: a city administrator fills them in through the `do_*` actions below, each audited;
a reload of the pack keeps them. Whether an arrangement is complete is read in `selectors.liaison_state`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from chanye.core import access, audit
from chanye.core.access import Actor
from chanye.core.models import AuditAction
from chanye.industry.models import Pack
from chanye.supervision.models import Department, IndustryLiaison, LiaisonLeader, LiaisonMember
from chanye.supervision.services import city_units, resolve_unit

LABEL = "千亿级产业联系机制"
PHONE = re.compile(r"^[0-9+\-() 转]{5,30}$")


# ---------------------------------------------------------------- from the pack


def sync_from_pack(*, spec: Any, pack: Pack, clusters: Any, result: Any) -> None:
    """One arrangement per industry of the pack's `industry_liaison` (YY-ORG-1), with the number of leaders and the
    lead unit the pack gives (a lead unit the city set on the platform is kept); leaders and team are never touched.
    A pack without the section (鄂州, 黄冈, 咸宁) leaves no arrangement active."""
    section = spec.industry_liaison
    seen: list[int] = []
    for item in section.industries if section else []:
        cluster = clusters[item.cluster]
        lead = Department.objects.get_or_create(name=item.lead_unit)[0] if item.lead_unit else None
        liaison, created = IndustryLiaison.objects.get_or_create(
            cluster=cluster, defaults={"lead_unit": lead, "leaders_required": section.leaders_per_industry}
        )
        fields = ["lead_unit", "leaders_required", "note", "rule", "source_text", "is_active", "pack"]
        before = audit.snapshot(liaison, fields)
        if not liaison.lead_unit_edited:
            liaison.lead_unit = lead
        liaison.leaders_required = section.leaders_per_industry
        liaison.note, liaison.rule, liaison.source_text = item.note, section.rule or "", section.source_text
        liaison.is_active, liaison.pack = True, pack
        if created or audit.snapshot(liaison, fields) != before:
            liaison.save()
            key = result.created if created else result.updated
            key[LABEL] = key.get(LABEL, 0) + 1
        seen.append(liaison.pk)
    if n := IndustryLiaison.objects.filter(is_active=True).exclude(pk__in=seen).update(is_active=False):
        result.deactivated[LABEL] = n


# ---------------------------------------------------------------- who may write


def can_manage(actor: Actor) -> bool:
    """The arrangement is the city's (市级领导联系机制): only a city administrator (or the system) changes it."""
    return access.is_city_admin(actor)


def _require(actor: Actor) -> None:
    if not can_manage(actor):
        raise PermissionDenied("只有市级管理员可以维护千亿级产业联系机制。")


def lead_unit_choices(liaison: IndustryLiaison) -> list[Department]:
    """The departments that can lead an industry: the pack's departments that are not counties or parks written as
    units (“各区县（市）人民政府（管委会）”, “园区（管委会）”)."""
    city = liaison.pack.city if liaison.pack_id and liaison.pack else None
    if city is None:
        return list(Department.objects.all())
    units = city_units(city)
    return [d for d in Department.objects.all() if resolve_unit(d.name, city, units) is None]


# ---------------------------------------------------------------- actions


@transaction.atomic
def do_set_lead_unit(*, actor: Actor, liaison: IndustryLiaison, department: Department | None) -> IndustryLiaison:
    """The city names (or clears) the industry's lead unit (一个牵头单位); kept over reloads of the pack."""
    _require(actor)
    if department is not None and department.pk not in {d.pk for d in lead_unit_choices(liaison)}:
        raise ValidationError("牵头单位应为市直部门。")
    if liaison.lead_unit_id == (department.pk if department else None):
        return liaison
    before = {"lead_unit": liaison.lead_unit.name if liaison.lead_unit else ""}
    liaison.lead_unit, liaison.lead_unit_edited = department, True
    liaison.save(update_fields=["lead_unit", "lead_unit_edited", "updated_at"])
    audit.record(
        actor=actor,
        action=AuditAction.UPDATE,
        obj=liaison,
        before=before,
        after={"lead_unit": department.name if department else ""},
        message=f"设置{liaison.cluster.name}牵头单位（{liaison.rule or 'YY-ORG-1'}）",
    )
    return liaison


@dataclass(frozen=True)
class LeaderInput:
    name: str
    post: str


@transaction.atomic
def do_set_leaders(*, actor: Actor, liaison: IndustryLiaison, leaders: list[LeaderInput]) -> list[LiaisonLeader]:
    """The city leaders in charge of the industry (两名市领导), in order; blank rows are dropped. No more than the
    pack's number; each with name and post. Nothing changed, nothing written."""
    _require(actor)
    rows = [LeaderInput(x.name.strip(), x.post.strip()) for x in leaders if x.name.strip() or x.post.strip()]
    errors = []
    for i, x in enumerate(rows, start=1):
        if not x.name:
            errors.append(f"第{i}位市领导：请填写姓名。")
        if not x.post:
            errors.append(f"第{i}位市领导：请填写职务。")
        if len(x.name) > 40 or len(x.post) > 80:
            errors.append(f"第{i}位市领导：姓名不超过40字，职务不超过80字。")
    if len(rows) > liaison.leaders_required:
        errors.append(f"按工作模式，每个千亿级产业由{liaison.leaders_required}名市领导联系，不能超过。")
    if len({x.name for x in rows}) < len(rows):
        errors.append("同一位市领导不能重复填写。")
    if errors:
        raise ValidationError(errors)
    current = list(liaison.leaders.all())
    before = [f"{x.post} {x.name}" for x in current]
    after = [f"{x.post} {x.name}" for x in rows]
    if before == after:
        return current
    liaison.leaders.all().delete()
    made = [
        LiaisonLeader.objects.create(liaison=liaison, name=x.name, post=x.post, order=i)
        for i, x in enumerate(rows, start=1)
    ]
    audit.record(
        actor=actor,
        action=AuditAction.UPDATE,
        obj=liaison,
        before={"leaders": before},
        after={"leaders": after},
        message=f"设置{liaison.cluster.name}联系市领导（{liaison.rule or 'YY-ORG-1'}）",
    )
    return made


MEMBER_FIELDS = ["name", "unit", "role", "phone"]


@transaction.atomic
def do_save_member(
    *,
    actor: Actor,
    liaison: IndustryLiaison,
    name: str,
    unit: str,
    role: str,
    phone: str = "",
    member: LiaisonMember | None = None,
) -> LiaisonMember:
    """Add a member to the industry's working team (一套工作班子), or change one (`member`): name, unit and role
    required, phone optional."""
    _require(actor)
    if member is not None and member.liaison_id != liaison.pk:
        raise ValidationError("该成员不属于此产业的工作班子。")
    values = {"name": name.strip(), "unit": unit.strip(), "role": role.strip(), "phone": phone.strip()}
    errors = [
        f"请填写{label}。"
        for key, label in (("name", "姓名"), ("unit", "单位"), ("role", "职务/分工"))
        if not values[key]
    ]
    if values["phone"] and not PHONE.match(values["phone"]):
        errors.append("联系电话格式不正确。")
    if len(values["name"]) > 40 or len(values["unit"]) > 80 or len(values["role"]) > 80:
        errors.append("姓名不超过40字，单位和职务/分工不超过80字。")
    if errors:
        raise ValidationError(errors)
    if member is None:
        order = max((m.order for m in liaison.team.all()), default=0) + 1
        member = LiaisonMember.objects.create(liaison=liaison, order=order, **values)
        audit.record(
            actor=actor,
            action=AuditAction.CREATE,
            obj=member,
            object_repr=f"{liaison.cluster.name} · {member.name}",
            after=values,
            message=f"增加{liaison.cluster.name}工作班子成员（{liaison.rule or 'YY-ORG-1'}）",
        )
        return member
    before = audit.snapshot(member, MEMBER_FIELDS)
    for k, v in values.items():
        setattr(member, k, v)
    if audit.snapshot(member, MEMBER_FIELDS) == before:
        return member
    member.save(update_fields=MEMBER_FIELDS)
    b, a = audit.diff(before, audit.snapshot(member, MEMBER_FIELDS))
    audit.record(
        actor=actor,
        action=AuditAction.UPDATE,
        obj=member,
        object_repr=f"{liaison.cluster.name} · {member.name}",
        before=b,
        after=a,
        message=f"修改{liaison.cluster.name}工作班子成员（{liaison.rule or 'YY-ORG-1'}）",
    )
    return member


@transaction.atomic
def do_remove_member(*, actor: Actor, member: LiaisonMember) -> None:
    """Take a member off the industry's working team."""
    _require(actor)
    liaison = member.liaison
    audit.record(
        actor=actor,
        action=AuditAction.DELETE,
        obj=member,
        object_repr=f"{liaison.cluster.name} · {member.name}",
        before=audit.snapshot(member, MEMBER_FIELDS),
        message=f"移出{liaison.cluster.name}工作班子成员（{liaison.rule or 'YY-ORG-1'}）",
    )
    member.delete()
