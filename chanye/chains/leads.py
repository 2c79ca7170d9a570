"""The attraction pipeline (招商线索, XN-CL-5 按图索骥, XN-LZ-11): 线索 → 接洽 → 考察 → 签约 → 落地, or 终止.

Rules a lead obeys, whoever moves it:

* it moves forward only (a stage may be passed over: a lead may be signed straight from 接洽), never back;
* each stage reached has its date, and the dates do not go backwards or into the future;
* 签约 needs the signing date and the planned investment (亿元); signing registers the project on the four-colour
  board as a yellow (signed, not started) project through `projects.services.do_save_project`, so XN-XM-1/2/3
  plan its milestones from the signing date;
* 落地 needs a signing date — a lead cannot jump from 线索 to 落地 without one — and a landing date on or after it;
* 终止 needs a reason, and a landed lead cannot be dropped.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Case, Count, DecimalField, Max, Q, QuerySet, Sum, Value, When
from django.db.models.functions import Coalesce, Greatest, Trim
from django.utils import timezone

from chanye.accounts.models import Role, User
from chanye.core import access, audit
from chanye.core.access import Actor
from chanye.core.models import AuditAction
from chanye.enterprises.selectors import enterprise_by_uscc
from chanye.industry.selectors import threshold
from chanye.projects import services as project_services
from chanye.projects.models import Project, ProjectKind

from .models import PIPELINE, STAGE_DATE, Lead, LeadEvent, LeadStage

EDITORS = (Role.CITY_ADMIN, Role.COUNTY_OFFICER)
LEAD_FIELDS = [
    "company",
    "uscc",
    "target_id",
    "link_id",
    "cluster_id",
    "county_id",
    "owner_id",
    "owner_name",
    "project_name",
    "investment",
    "found_on",
    "notes",
]


OPEN_STAGES = (LeadStage.CLUE, LeadStage.CONTACT, LeadStage.VISIT, LeadStage.SIGNED)
DEFAULT_STALE_DAYS = 60  # platform default when the pack sets no `lead_stale_days` (the documents give none)


def stale_days() -> int:
    """Days without progress after which an open lead (线索 … 签约, not yet 落地) is flagged 停滞."""
    return int(threshold("lead_stale_days", DEFAULT_STALE_DAYS) or DEFAULT_STALE_DAYS)


def last_progress(lead: Lead) -> dt.date:
    """The date of the furthest stage the lead has reached (its last recorded progress)."""
    return max(d for d in (getattr(lead, STAGE_DATE[s]) for s in PIPELINE) if d)


def idle_days(lead: Lead, today: dt.date | None = None) -> int | None:
    """Days since the last progress of an open lead; None for a landed or dropped one."""
    if lead.stage not in OPEN_STAGES:
        return None
    return ((today or _today()) - last_progress(lead)).days


def stale(qs: Any, *, days: int | None = None, today: dt.date | None = None) -> Any:
    """The open leads of `qs` with no progress for more than `days` (default `stale_days()`)."""
    limit = (today or _today()) - dt.timedelta(days=days if days is not None else stale_days())
    dates = [Coalesce(STAGE_DATE[s], "found_on") for s in PIPELINE[1:]]  # on SQLite one NULL makes Greatest NULL
    return qs.filter(stage__in=OPEN_STAGES).annotate(_last=Greatest("found_on", *dates)).filter(_last__lt=limit)


def can_edit(actor: Actor, lead: Lead | None = None) -> bool:
    return access.can_write(actor, lead)


def _rank(stage: str) -> int:
    return PIPELINE.index(LeadStage(stage)) if stage in PIPELINE else -1


def _today() -> dt.date:
    return timezone.localdate()


def next_code(year: int | None = None) -> str:
    year = year or _today().year
    prefix = f"ZS-{year}-"
    last = Lead.objects.filter(code__startswith=prefix).aggregate(m=Max("code"))["m"]
    n = int(last.rsplit("-", 1)[1]) + 1 if last else 1
    return f"{prefix}{n:04d}"


@transaction.atomic
def do_save_lead(*, actor: Actor, lead: Lead, data: dict[str, Any]) -> Lead:  # noqa: C901 — over the limit when it was set (issue 11); split when next changed
    """Register or edit a lead's particulars (not its stage: see `do_move_lead`)."""
    if not can_edit(actor, lead):
        raise PermissionDenied("无权登记或修改该招商线索。")
    before = audit.snapshot(lead) if lead.pk else None
    for k, v in data.items():
        if k in LEAD_FIELDS:
            setattr(lead, k, v)
    if lead.target_id and not lead.link_id:
        lead.link_id = lead.target.link_id
    if lead.link_id and not lead.cluster_id:
        lead.cluster_id = lead.link.chain.cluster_id
    if lead.target_id and not lead.company:
        lead.company = lead.target.name
    if not lead.found_on:
        lead.found_on = _today()
    errors = []
    if not lead.company.strip():
        errors.append("请填写企业名称。")
    if not lead.county_id:
        errors.append("请选择落户区县。")
    elif access.is_officer(actor) and actor.region_id not in (lead.county_id, lead.county.parent_id):
        errors.append("只能登记本辖区的招商线索。")
    if lead.investment is not None and lead.investment <= 0:
        errors.append("拟投资额应大于0（单位：亿元）。")
    if lead.found_on > _today():
        errors.append("发现日期不能晚于今天。")
    errors += _date_order(lead)
    if errors:
        raise ValidationError(errors)
    created = lead.pk is None
    if created:
        lead.code = lead.code or next_code(lead.found_on.year)
    lead.save()
    if created:
        LeadEvent.objects.create(lead=lead, to_stage=lead.stage, on=lead.found_on, note="登记线索", user=_user(actor))
    audit.record(
        actor=actor,
        action=AuditAction.CREATE if created else AuditAction.UPDATE,
        obj=lead,
        before=before,
        after=audit.snapshot(lead),
    )
    return lead


def _user(actor: Actor) -> Any:
    return actor if getattr(actor, "pk", None) else None


def _date_order(lead: Lead) -> list[str]:
    errors = []
    previous: tuple[str, dt.date] | None = None
    for stage in PIPELINE:
        on = getattr(lead, STAGE_DATE[stage])
        if on is None:
            continue
        if previous and on < previous[1]:
            errors.append(f"{stage.label}日期（{on}）早于{previous[0]}日期（{previous[1]}）。")
        previous = (stage.label, on)
    return errors


@transaction.atomic
def do_move_lead(  # noqa: C901 — over the limit when it was set (issue 11); split when next changed
    *,
    actor: Actor,
    lead: Lead,
    to: str,
    on: dt.date | None = None,
    note: str = "",
    signed_on: dt.date | None = None,
    investment: Decimal | None = None,
) -> Lead:
    """Move a lead to stage `to` on date `on`. Moving to 签约 (or to 落地 from before 签约) needs `signed_on` (or `on`
    for 签约) and an investment; it registers the yellow project. All errors are given at once."""
    if not can_edit(actor, lead):
        raise PermissionDenied("无权推进该招商线索。")
    lead = Lead.objects.select_for_update().get(pk=lead.pk)
    try:
        target = LeadStage(to)
    except ValueError:
        raise ValidationError(f"阶段“{to}”不存在。") from None
    on = on or _today()
    before = audit.snapshot(lead)
    errors: list[str] = []
    current = LeadStage(lead.stage)
    if current in (LeadStage.LANDED, LeadStage.DROPPED):
        raise ValidationError(f"线索已{current.label}，不能再变更阶段。")
    if on > _today():
        errors.append("日期不能晚于今天。")
    if target == LeadStage.DROPPED:
        if not note.strip():
            errors.append("终止线索须写明原因。")
        if on < (last := last_progress(lead)):
            errors.append(f"终止日期（{on}）早于线索最近一次推进的日期（{last}）。")
    elif _rank(target) <= _rank(current):
        errors.append(f"线索只能向前推进：当前为“{current.label}”，不能改为“{target.label}”。")
    if investment is not None:
        if investment <= 0:
            errors.append("拟投资额应大于0（单位：亿元）。")
        lead.investment = investment
    needs_signing = target in (LeadStage.SIGNED, LeadStage.LANDED) and not lead.signed_on
    if needs_signing:
        sign_date = on if target == LeadStage.SIGNED else signed_on
        if sign_date is None:
            errors.append("落地前须先签约：请填写签约日期（不能从“线索”直接跳到“落地”而没有签约日期）。")
        else:
            lead.signed_on = sign_date
        if lead.investment is None:
            errors.append("签约须填写拟投资额（亿元）。")
    if target == LeadStage.DROPPED:
        lead.dropped_on = on
        lead.drop_reason = note.strip()
    else:
        setattr(lead, STAGE_DATE[target], on)
        errors += _date_order(lead)
    if errors:
        raise ValidationError(errors)
    lead.stage = target
    lead.save()
    if lead.signed_on and lead.project_id is None and target != LeadStage.DROPPED:
        lead.project = _register_project(actor, lead)
        lead.save(update_fields=["project", "updated_at"])
    LeadEvent.objects.create(lead=lead, from_stage=current, to_stage=target, on=on, note=note, user=_user(actor))
    audit.record(
        actor=actor,
        action=AuditAction.UPDATE,
        obj=lead,
        before=before,
        after=audit.snapshot(lead),
        message=f"{current.label} → {target.label}" + (f"：{note}" if note else ""),
    )
    return lead


def _register_project(actor: Actor, lead: Lead) -> Project:
    """The signed lead as a yellow project on the four-colour board (signed, not started)."""
    county = lead.county
    park = None
    if county.level == "park" and county.parent_id and not county.is_county_level:  # 咸宁高新区 is its own unit
        county, park = county.parent, county
    # looked up among the firms the officer may see: another county's firm is neither named nor linked
    enterprise = enterprise_by_uscc(actor, lead.uscc) if lead.uscc else None
    industry = lead.cluster.industries.first() if lead.cluster_id else None
    code = lead.code if not Project.objects.filter(code=lead.code).exists() else f"{lead.code}-{lead.pk}"
    data = {
        "code": code,
        "name": lead.project_name or f"{lead.company}项目",
        "enterprise_id": enterprise.pk if enterprise else None,
        "investor": "" if enterprise else lead.company,
        "county_id": county.pk,
        "park_id": park.pk if park else None,
        "industry_id": industry.pk if industry else None,
        "cluster_id": lead.cluster_id,
        "chain_node": lead.link.name if lead.link_id else "",
        "kind": ProjectKind.NEW,
        "investment": lead.investment,
        "signed_on": lead.signed_on,
        "note": f"由招商线索 {lead.code} 签约转入",
    }
    try:
        return project_services.do_save_project(actor=actor, project=Project(), data=data)
    except ValidationError as e:
        raise ValidationError(["签约后登记项目失败：", *e.messages]) from e


def lead_project(user: Any, lead: Lead) -> Project | None:
    """The project a signed lead became, if the user may see it (the lead page links to it)."""
    return Project.objects.for_user(user).filter(pk=lead.project_id).first() if lead.project_id else None


def start_within_days() -> int | None:
    """The pack's signing → start limit (XN-XM-1), shown on a signed lead: the project's clock is the projects app's."""
    return project_services.start_within_days()


def _reached(stage: LeadStage) -> Q:
    """Leads that reached `stage`: those with its date or a later stage's (a stage may be passed over, and a dropped
    lead keeps the stages it had reached)."""
    q = Q()
    for later in PIPELINE[PIPELINE.index(stage) :]:
        q |= Q(**{f"{STAGE_DATE[later]}__isnull": False})
    return q


def _figures() -> dict[str, Any]:
    """The figures of a conversion row, as aggregates over its leads."""
    return {
        "total": Count("pk"),
        **{stage.value: Count("pk", filter=_reached(stage)) for stage in PIPELINE},
        "dropped": Count("pk", filter=Q(stage=LeadStage.DROPPED)),
        "signed_investment": Coalesce(
            Sum("investment", filter=Q(signed_on__isnull=False)), Value(Decimal(0)), output_field=DecimalField()
        ),
    }


GROUPS = {  # how a conversion table groups the leads: the columns a group is known by
    "cluster": ("cluster_id", "cluster__name"),
    "link": ("link_id", "link__chain__name", "link__name"),
    "owner": ("owner_id", "typed_owner"),
    "county": ("county_id", "county__name"),
}


def conversion(leads: QuerySet[Lead], by: str) -> list[dict[str, Any]]:
    """Conversion figures per cluster, link, owner or county, most signed first: how many leads, how many reached each
    stage, how many were dropped, the signed and landed rates (%) and the signed investment (亿元)."""
    if by not in GROUPS:
        raise ValueError(by)
    qs = leads.order_by()
    if by == "owner":  # a user is one owner whatever name was typed beside it; without a user, the typed name
        qs = qs.annotate(typed_owner=Case(When(owner__isnull=True, then=Trim("owner_name")), default=Value("")))
    groups = list(qs.values(*GROUPS[by]).annotate(**_figures()))
    users = User.objects.in_bulk([g["owner_id"] for g in groups if g["owner_id"]]) if by == "owner" else {}
    rows = []
    for g in groups:
        if by == "owner":
            label = str(users[g["owner_id"]]) if g["owner_id"] else g["typed_owner"]
        elif by == "link":
            label = f"{g['link__chain__name']}·{g['link__name']}" if g["link_id"] else ""
        else:
            label = g[GROUPS[by][1]]
        rows.append(_with_rates(g, label or "（未指定）"))
    rows.sort(key=lambda r: (-r["signed"], -r["total"], r["label"]))
    return rows


def conversion_totals(leads: QuerySet[Lead]) -> dict[str, Any]:
    """The same figures for all of `leads` (the 合计 row)."""
    return _with_rates(leads.order_by().aggregate(**_figures()), "合计")


def _with_rates(figures: dict[str, Any], label: str) -> dict[str, Any]:
    total = figures["total"]
    counts = {k: figures[k] for k in ("total", *(s.value for s in PIPELINE), "dropped")}
    return {
        "label": label,
        **counts,
        "investment": figures["signed_investment"],  # `investment` is the Lead field, not an aggregate name
        "signed_rate": Decimal(counts["signed"] * 100) / total if total else Decimal(0),
        "landed_rate": Decimal(counts["landed"] * 100) / total if total else Decimal(0),
    }
