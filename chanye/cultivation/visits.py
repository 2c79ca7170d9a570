"""A listed chain leader's 包保 official (XN-LZ-10: deputy county level or above), the monthly visits (a month without
one is flagged) and the demands (诉求) raised, each tracked open → handling → closed.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from chanye.core import access, audit
from chanye.core.access import Actor
from chanye.core.models import AuditAction
from chanye.cultivation.ledger import require_editor, require_listed
from chanye.cultivation.models import (
    DEMAND_TRANSITIONS,
    ChainLeader,
    DemandStatus,
    LeaderDemand,
    LeaderOfficial,
    LeaderVisit,
    OfficialRank,
)

RANK_ORDER = [OfficialRank.SECTION, OfficialRank.DEPUTY_COUNTY, OfficialRank.COUNTY, OfficialRank.BUREAU]


def current_official(leader: ChainLeader) -> LeaderOfficial | None:
    return next((o for o in leader.officials.all() if o.until is None), None)  # uses a prefetch when there is one


@transaction.atomic
def do_assign_official(
    *, actor: Actor, leader: ChainLeader, name: str, post: str, rank: str, since: dt.date
) -> LeaderOfficial:
    """Assign (or replace) the 包保 official; XN-LZ-10 asks for deputy county level or above."""
    require_editor(actor, leader)
    require_listed(leader)
    if not name.strip() or not post.strip():
        raise ValidationError("请填写包保领导姓名和职务。")
    if rank not in OfficialRank.values:
        raise ValidationError("请选择包保领导级别。")
    if RANK_ORDER.index(OfficialRank(rank)) < RANK_ORDER.index(OfficialRank.DEPUTY_COUNTY):
        raise ValidationError("包保领导应为副县级以上领导干部（XN-LZ-10）。")
    old = current_official(leader)
    if old is not None:
        if since <= old.since:
            raise ValidationError(f"新包保开始日期应晚于{old.name}的开始日期{old.since:%Y-%m-%d}。")
        old.until = since - dt.timedelta(days=1)
        old.save(update_fields=["until"])
    official = LeaderOfficial.objects.create(
        leader=leader, name=name.strip(), post=post.strip(), rank=rank, since=since
    )
    audit.record(
        actor=actor,
        action=AuditAction.CREATE,
        obj=official,
        before={"official": str(old)} if old else None,
        after={"official": str(official), "rank": official.get_rank_display(), "since": since},
        message=f"{leader.enterprise.name}包保领导",
    )
    return official


def _month(d: dt.date) -> dt.date:
    return d.replace(day=1)


def _months(start: dt.date, end: dt.date) -> list[dt.date]:
    out, m = [], _month(start)
    while m <= end:
        out.append(m)
        m = dt.date(m.year + (m.month == 12), m.month % 12 + 1, 1)
    return out


@dataclass
class VisitMonth:
    month: dt.date
    visits: int
    due: bool  # a visit was owed that month (an official was assigned and the month is over)

    @property
    def missed(self) -> bool:
        return self.due and self.visits == 0


def visit_calendar(leader: ChainLeader, year: int, *, today: dt.date | None = None) -> list[VisitMonth]:
    """The twelve months of `year`: visits made, and whether a visit was owed (XN-LZ-10: once a month).

    A month is owed once it has ended, the leader was listed and an official was assigned during it; the
    current month is not flagged until it is over."""
    today = today or timezone.localdate()
    counts: dict[dt.date, int] = {}
    for on in (v.on for v in leader.visits.all() if v.on.year == year):  # uses a prefetch when there is one
        counts[_month(on)] = counts.get(_month(on), 0) + 1
    periods = [(o.since, o.until or dt.date.max) for o in leader.officials.all()]
    listed_from = leader.approved_on or dt.date.max
    listed_to = leader.revoked_on or dt.date.max
    out = []
    for m in _months(dt.date(year, 1, 1), dt.date(year, 12, 1)):
        m_end = dt.date(m.year + (m.month == 12), m.month % 12 + 1, 1) - dt.timedelta(days=1)
        owed = (
            m_end < today and listed_from <= m_end and listed_to >= m and any(s <= m_end and u >= m for s, u in periods)
        )
        out.append(VisitMonth(month=m, visits=counts.get(m, 0), due=owed))
    return out


def missed_months(leader: ChainLeader, *, today: dt.date | None = None) -> list[dt.date]:
    """Every month since the leader was listed in which the 包保 official did not visit."""
    today = today or timezone.localdate()
    if leader.approved_on is None:
        return []
    out = []
    for y in range(leader.approved_on.year, today.year + 1):
        out += [v.month for v in visit_calendar(leader, y, today=today) if v.missed]
    return out


@transaction.atomic
def do_record_visit(
    *, actor: Actor, leader: ChainLeader, on: dt.date, summary: str = "", demands: list[str] | None = None
) -> LeaderVisit:
    """Record a visit, with the demands raised in it (each becomes a tracked 诉求)."""
    require_editor(actor, leader)
    require_listed(leader)
    if on > timezone.localdate():
        raise ValidationError("走访日期不能晚于今天。")
    official = leader.officials.filter(since__lte=on).filter(Q(until__isnull=True) | Q(until__gte=on)).first()
    if official is None:
        raise ValidationError(f"{on:%Y-%m-%d}没有在任的包保领导，请先指定包保领导。")
    visit = LeaderVisit.objects.create(
        leader=leader, on=on, official=official.name, summary=summary.strip(), created_by=access.user_row(actor)
    )
    audit.record(
        actor=actor,
        action=AuditAction.CREATE,
        obj=visit,
        after={"on": on, "official": official.name, "summary": visit.summary},
        message=f"{leader.enterprise.name}包保走访",
    )
    for text in demands or []:
        if text.strip():
            do_raise_demand(actor=actor, leader=leader, content=text, on=on, visit=visit)
    return visit


@transaction.atomic
def do_raise_demand(
    *, actor: Actor, leader: ChainLeader, content: str, on: dt.date, visit: LeaderVisit | None = None
) -> LeaderDemand:
    require_editor(actor, leader)
    if not content.strip():
        raise ValidationError("请填写诉求内容。")
    demand = LeaderDemand.objects.create(leader=leader, visit=visit, raised_on=on, content=content.strip())
    audit.record(
        actor=actor,
        action=AuditAction.CREATE,
        obj=demand,
        after={"content": demand.content, "raised_on": on},
        message=f"{leader.enterprise.name}诉求",
    )
    return demand


@transaction.atomic
def do_demand_step(
    *,
    actor: Actor,
    demand: LeaderDemand,
    to: str,
    department: str = "",
    due_on: dt.date | None = None,
    response: str = "",
    on: dt.date | None = None,
) -> LeaderDemand:
    """交办 (to handling: a department is required) or 办结 (to closed: the result is required)."""
    require_editor(actor, demand.leader)
    current = DemandStatus(demand.status)
    if to not in DemandStatus.values or DemandStatus(to) not in DEMAND_TRANSITIONS[current]:
        target = DemandStatus(to).label if to in DemandStatus.values else to
        raise ValidationError(f"诉求“{current.label}”状态下不能转为“{target}”。")
    before = {"status": demand.status, "department": demand.department, "response": demand.response}
    if to == DemandStatus.HANDLING:
        if not department.strip():
            raise ValidationError("交办须填写承办单位。")
        demand.department, demand.due_on = department.strip(), due_on
    else:
        if not response.strip():
            raise ValidationError("办结须填写办理结果。")
        demand.response, demand.closed_on = response.strip(), on or timezone.localdate()
    demand.status = to
    demand.save()
    audit.record(
        actor=actor,
        action=AuditAction.UPDATE,
        obj=demand,
        before=before,
        after={"status": demand.status, "department": demand.department, "response": demand.response},
        message="诉求交办" if to == DemandStatus.HANDLING else "诉求办结",
    )
    return demand
