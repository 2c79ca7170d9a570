"""What a listed chain leader owes and gets (RULES.md §3):

* yearly duties XN-LZ-3/4/5 — projects over 5000万, core suppliers, M&A of 3000万 or more, matchmaking events —
  counted from the leader's activity ledger against the pack's per-leader targets and thresholds;
* its 包保 official (XN-LZ-10, deputy county level or above), the monthly visits (a month without one is flagged)
  and the demands (诉求) raised, each tracked open → handling → closed;
* the local supporting rate (XN-LZ-2) from declared direct upstream/downstream relations;
* chain finance (XN-LZ-11): one lead bank per chain, and which local chain members it serves;
* subsidy claims checked against XN-LZ-6/7/8 — a claim that breaks a rule is refused with the rule and the figures,
  and never stored.

Counts feed the per-leader indicators (the city value is the lowest leader's: "每家" is met only if every leader
meets it) and `local_supporting_rate`, so the target tree shows them with the rest.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Count, Q, Sum
from django.utils import timezone

from chanye.core import access, audit, indicators
from chanye.core.indicators import satisfies
from chanye.core.models import AuditAction
from chanye.cultivation.models import (
    DEMAND_TRANSITIONS,
    ActivityKind,
    ChainLeader,
    DemandStatus,
    Direction,
    LeaderActivity,
    LeaderDemand,
    LeaderOfficial,
    LeaderStatus,
    LeaderVisit,
    OfficialRank,
    SubsidyClaim,
    SubsidyKind,
    SupplierRelation,
)
from chanye.enterprises.models import Enterprise
from chanye.enterprises.selectors import enterprise_by_name
from chanye.industry.models import Industry, Target, Threshold
from chanye.industry.selectors import threshold

ZERO = Decimal(0)


# ---------------------------------------------------------------- permissions


def can_edit(actor: Any, leader: ChainLeader) -> bool:
    """City admins, and county officers for leaders in their scope, keep the ledgers; viewers only read."""
    return access.can_write(actor, leader)


def _editor(actor: Any, leader: ChainLeader) -> None:
    if not can_edit(actor, leader):
        raise PermissionDenied("无权维护该链主企业的台账。")


def _listed(leader: ChainLeader) -> None:
    if leader.status != LeaderStatus.LISTED:
        raise ValidationError(f"{leader.enterprise.name}目前不在链主企业库中（{leader.get_status_display()}）。")


def _money(value: Any, label: str, *, required: bool = True) -> Decimal | None:
    if value in (None, ""):
        if required:
            raise ValidationError(f"请填写{label}。")
        return None
    try:
        d = Decimal(str(value).replace(",", "").strip())
    except Exception as e:
        raise ValidationError(f"{label}“{value}”不是数字。") from e
    if d < 0 or not d.is_finite():
        raise ValidationError(f"{label}不能为负数。")
    return d


# ---------------------------------------------------------------- duties XN-LZ-3/4/5


@dataclass(frozen=True)
class Duty:
    indicator: str
    kind: str
    rule: str
    amount_param: str = ""  # the target's params key holding the minimum amount (万元)
    threshold_key: str = ""  # the pack threshold used when the target has no such param


DUTIES = (
    Duty(
        "chain_leader_projects_introduced",
        ActivityKind.PROJECT,
        "XN-LZ-3",
        "min_investment",
        "chain_leader_project_investment",
    ),
    Duty("chain_leader_core_suppliers_introduced", ActivityKind.SUPPLIER, "XN-LZ-3"),
    Duty("chain_leader_mna_projects", ActivityKind.MNA, "XN-LZ-4", "min_amount", "chain_leader_mna_amount"),
    Duty("chain_leader_matchmaking_events", ActivityKind.MATCHMAKING, "XN-LZ-5"),
)


@dataclass
class DutyProgress:
    duty: Duty
    label: str
    target: Decimal | None
    comparator: str
    min_amount: Decimal | None
    min_comparator: str
    counted: int
    recorded: int
    expected: Decimal | None
    status: str  # met | on_track | behind | no_target

    @property
    def status_label(self) -> str:
        return {"met": "已完成", "on_track": "进度正常", "behind": "滞后", "no_target": "未设目标"}[self.status]

    @property
    def percent(self) -> int | None:
        if not self.target:
            return None
        return min(100, round(self.counted * 100 / float(self.target)))

    @property
    def rule_text(self) -> str:
        if self.min_amount is None:
            return ""
        word = {">": "超过", ">=": "达到", "<=": "不超过", "<": "低于"}.get(self.min_comparator, self.min_comparator)
        return f"金额{word}{self.min_amount.normalize():f}万元才计入"


Rule = tuple[Target | None, Decimal | None, str]  # the per-leader target, the amount bound (万元), its comparator


def duty_rules() -> dict[str, Rule]:
    """Each duty's target and amount bound from the pack: the target's params, else the pack threshold."""
    targets: dict[str, Target] = {}
    for t in Target.objects.filter(is_active=True, indicator__in=[d.indicator for d in DUTIES]).order_by("-code"):
        targets[t.indicator] = t  # the first code wins
    thresholds = {
        th.key: th for th in Threshold.objects.filter(key__in=[d.threshold_key for d in DUTIES if d.threshold_key])
    }
    out: dict[str, Rule] = {}
    for duty in DUTIES:
        t = targets.get(duty.indicator)
        params = t.params if t is not None and isinstance(t.params, dict) else {}
        th = thresholds.get(duty.threshold_key)
        if duty.amount_param and params.get(duty.amount_param) not in (None, ""):
            amount = Decimal(str(params[duty.amount_param]))
            out[duty.kind] = (t, amount, str(params.get(f"{duty.amount_param}_comparator") or ">="))
        elif th is not None:
            out[duty.kind] = (t, th.value, th.comparator or ">=")
        else:
            out[duty.kind] = (t, None, "")
    return out


def counts_activity(amount: Decimal | None, min_amount: Decimal | None, comparator: str) -> bool:
    """Whether an activity counts towards its duty: amount-bound duties need the amount (以上 includes it)."""
    if min_amount is None:
        return True
    if amount is None:
        return False
    return satisfies(amount, comparator, min_amount)


def duty_progress(
    leader: ChainLeader, year: int, *, today: dt.date | None = None, rules: dict[str, Rule] | None = None
) -> list[DutyProgress]:
    """A leader's progress on each duty; pages listing many leaders pass `rules` (from `duty_rules`) once."""
    today = today or timezone.localdate()
    elapsed = 1.0 if year < today.year else (0.0 if year > today.year else today.timetuple().tm_yday / 365)
    rules = rules or duty_rules()
    acts = [a for a in leader.activities.all() if a.on.year == year]  # uses a prefetch when the caller made one
    out = []
    for duty in DUTIES:
        t, min_amount, comp = rules[duty.kind]
        mine = [a for a in acts if a.kind == duty.kind]
        counted = sum(1 for a in mine if counts_activity(a.amount, min_amount, comp))
        target = t.value if t is not None else None
        expected = None
        if target is None:
            status = "no_target"
        elif satisfies(Decimal(counted), t.comparator, target):
            status = "met"
        else:
            expected = (target * Decimal(str(elapsed))).quantize(Decimal("0.1"))
            status = "on_track" if counted >= expected else "behind"
        out.append(
            DutyProgress(
                duty=duty,
                label=ActivityKind(duty.kind).label,
                target=target,
                comparator=t.comparator if t is not None else "",
                min_amount=min_amount,
                min_comparator=comp,
                counted=counted,
                recorded=len(mine),
                expected=expected,
                status=status,
            )
        )
    return out


@transaction.atomic
def do_add_activity(
    *,
    actor: Any,
    leader: ChainLeader,
    kind: str,
    on: dt.date,
    name: str,
    amount: Any = None,
    counterpart: str = "",
    note: str = "",
) -> LeaderActivity:
    _editor(actor, leader)
    _listed(leader)
    if kind not in ActivityKind.values:
        raise ValidationError(f"未知事项类型：{kind}")
    if not name.strip():
        raise ValidationError("请填写名称。")
    if on > timezone.localdate():
        raise ValidationError("日期不能晚于今天。")
    duty = next(d for d in DUTIES if d.kind == kind)
    value = _money(amount, "金额", required=bool(duty.amount_param))
    act = LeaderActivity.objects.create(
        leader=leader,
        kind=kind,
        on=on,
        name=name.strip(),
        amount=value,
        counterpart=counterpart.strip(),
        note=note.strip(),
        created_by=actor,
    )
    audit.record(
        actor=actor,
        action=AuditAction.CREATE,
        obj=act,
        after={"kind": kind, "on": on, "name": act.name, "amount": value},
        message=f"{leader.enterprise.name}履职事项（{duty.rule}）",
    )
    refresh_leader_indicators(on.year)
    return act


@transaction.atomic
def do_delete_activity(*, actor: Any, activity: LeaderActivity) -> None:
    _editor(actor, activity.leader)
    year = activity.on.year
    audit.record(
        actor=actor,
        action=AuditAction.DELETE,
        obj=activity,
        before={"kind": activity.kind, "on": activity.on, "name": activity.name, "amount": activity.amount},
    )
    activity.delete()
    refresh_leader_indicators(year)


# ---------------------------------------------------------------- 包保 official, visits, demands (XN-LZ-10)

RANK_ORDER = [OfficialRank.SECTION, OfficialRank.DEPUTY_COUNTY, OfficialRank.COUNTY, OfficialRank.BUREAU]


def current_official(leader: ChainLeader) -> LeaderOfficial | None:
    return next((o for o in leader.officials.all() if o.until is None), None)  # uses a prefetch when there is one


@transaction.atomic
def do_assign_official(
    *, actor: Any, leader: ChainLeader, name: str, post: str, rank: str, since: dt.date
) -> LeaderOfficial:
    """Assign (or replace) the 包保 official; XN-LZ-10 asks for deputy county level or above."""
    _editor(actor, leader)
    _listed(leader)
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
    *, actor: Any, leader: ChainLeader, on: dt.date, summary: str = "", demands: list[str] | None = None
) -> LeaderVisit:
    """Record a visit, with the demands raised in it (each becomes a tracked 诉求)."""
    _editor(actor, leader)
    _listed(leader)
    if on > timezone.localdate():
        raise ValidationError("走访日期不能晚于今天。")
    official = leader.officials.filter(since__lte=on).filter(Q(until__isnull=True) | Q(until__gte=on)).first()
    if official is None:
        raise ValidationError(f"{on:%Y-%m-%d}没有在任的包保领导，请先指定包保领导。")
    visit = LeaderVisit.objects.create(
        leader=leader, on=on, official=official.name, summary=summary.strip(), created_by=actor
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
    *, actor: Any, leader: ChainLeader, content: str, on: dt.date, visit: LeaderVisit | None = None
) -> LeaderDemand:
    _editor(actor, leader)
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
    actor: Any,
    demand: LeaderDemand,
    to: str,
    department: str = "",
    due_on: dt.date | None = None,
    response: str = "",
    on: dt.date | None = None,
) -> LeaderDemand:
    """交办 (to handling: a department is required) or 办结 (to closed: the result is required)."""
    _editor(actor, demand.leader)
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


# ---------------------------------------------------------------- local supporting rate (XN-LZ-2)


def match_local(actor: Any, name: str) -> Enterprise | None:
    """A partner in the registry (by name or alias) is a local enterprise — looked up among the enterprises the actor
    may see: another county's firm named by a county officer is not linked, not named and not marked local (the
    officer ticks 本地 themselves if it is), exactly as if it were not registered."""
    return enterprise_by_name(actor, name)


@transaction.atomic
def do_declare_relation(
    *,
    actor: Any,
    leader: ChainLeader,
    year: int,
    direction: str,
    partner_name: str,
    amount: Any,
    is_local: bool = False,
) -> SupplierRelation:
    """Declare (or update) a direct upstream/downstream partner with the year's purchase/sale amount."""
    _editor(actor, leader)
    if direction not in Direction.values:
        raise ValidationError("请选择上游或下游。")
    if not partner_name.strip():
        raise ValidationError("请填写配套企业名称。")
    value = _money(amount, "年采购/销售额")
    if value == 0:
        raise ValidationError("年采购/销售额应大于0。")
    partner = match_local(actor, partner_name)
    rel, created = SupplierRelation.objects.update_or_create(
        leader=leader,
        year=year,
        direction=direction,
        partner_name=partner_name.strip(),
        defaults={"partner": partner, "is_local": partner is not None or is_local, "amount": value},
    )
    audit.record(
        actor=actor,
        action=AuditAction.CREATE if created else AuditAction.UPDATE,
        obj=rel,
        after={"year": year, "direction": direction, "amount": value, "is_local": rel.is_local},
        message=f"{leader.enterprise.name}配套关系",
    )
    refresh_leader_indicators(year)
    return rel


@transaction.atomic
def do_delete_relation(*, actor: Any, relation: SupplierRelation) -> None:
    _editor(actor, relation.leader)
    year = relation.year
    audit.record(
        actor=actor,
        action=AuditAction.DELETE,
        obj=relation,
        before={"partner": relation.partner_name, "amount": relation.amount, "is_local": relation.is_local},
    )
    relation.delete()
    refresh_leader_indicators(year)


def local_rate(relations: Any) -> Decimal | None:
    """Local share of the declared amounts, in %; None when nothing is declared."""
    agg = relations.aggregate(total=Sum("amount"), local=Sum("amount", filter=Q(is_local=True)))
    if not agg["total"]:
        return None
    return (Decimal(agg["local"] or 0) * 100 / agg["total"]).quantize(Decimal("0.01"))


def city_local_rate(year: int) -> Decimal | None:
    return local_rate(SupplierRelation.objects.filter(year=year, leader__status=LeaderStatus.LISTED))


# ---------------------------------------------------------------- chain finance (XN-LZ-11)


@transaction.atomic
def do_set_lead_bank(*, actor: Any, leader: ChainLeader, bank: str, since: dt.date) -> ChainLeader:
    """Name the chain's lead bank (主办银行): one bank serves one chain; naming another replaces it."""
    _editor(actor, leader)
    _listed(leader)
    bank = bank.strip()
    if not bank:
        raise ValidationError("请填写主办银行名称。")
    before = {"lead_bank": leader.lead_bank, "since": leader.lead_bank_since}
    leader.lead_bank, leader.lead_bank_since = bank, since
    leader.save(update_fields=["lead_bank", "lead_bank_since"])
    audit.record(
        actor=actor,
        action=AuditAction.UPDATE,
        obj=leader,
        before=before,
        after={"lead_bank": bank, "since": since},
        message="主办银行（XN-LZ-11）",
    )
    return leader


@transaction.atomic
def do_mark_financed(*, actor: Any, relation: SupplierRelation, covered: bool, credit: Any = None) -> SupplierRelation:
    """Record whether the lead bank serves this chain member (链属企业), with its credit line."""
    _editor(actor, relation.leader)
    if covered and not relation.leader.lead_bank:
        raise ValidationError("请先确定主办银行（XN-LZ-11）。")
    value = _money(credit, "授信额度", required=False) if covered else None
    before = {"bank_covered": relation.bank_covered, "credit": relation.credit}
    relation.bank_covered, relation.credit = covered, value
    relation.save(update_fields=["bank_covered", "credit"])
    audit.record(
        actor=actor,
        action=AuditAction.UPDATE,
        obj=relation,
        before=before,
        after={"bank_covered": covered, "credit": value},
        message="链属企业金融服务覆盖（XN-LZ-11）",
    )
    return relation


@dataclass
class FinanceCoverage:
    bank: str
    members: int  # local chain members (链属企业) declared for the year
    covered: int
    credit: Decimal

    @property
    def complete(self) -> bool:
        """XN-LZ-11: the lead bank's business covers every enterprise on the chain."""
        return bool(self.bank) and self.members > 0 and self.covered == self.members


def finance_coverage(leader: ChainLeader, year: int) -> FinanceCoverage:
    members = leader.relations.filter(year=year, is_local=True)
    agg = members.aggregate(
        n=Count("id"),
        covered=Count("id", filter=Q(bank_covered=True)),
        credit=Sum("credit", filter=Q(bank_covered=True)),
    )
    return FinanceCoverage(
        bank=leader.lead_bank, members=agg["n"], covered=agg["covered"], credit=agg["credit"] or ZERO
    )


# ---------------------------------------------------------------- indicators for the target tree


LEADER_INDICATORS = (*(d.indicator for d in DUTIES), "local_supporting_rate")


def leader_indicator_values(year: int, month: dt.date | None = None) -> indicators.Provided:
    """The year's per-leader duty counts (the lowest leader's: every listed leader owes the duty, XN-LZ-3/4/5) and the
    city local supporting rate (XN-LZ-2), for the target tree. Stored by targets (provider "chain_leaders") under
    December of a past year or this month, replacing the year's computed values of these indicators."""
    today = timezone.localdate()
    period = dt.date(year, 12, 1) if year < today.year else dt.date(year, today.month, 1)
    listed = set(ChainLeader.objects.filter(status=LeaderStatus.LISTED).values_list("pk", flat=True))
    values: dict[str, Decimal | None] = {}
    if listed:
        rules = duty_rules()
        counts = {(pk, d.kind): 0 for pk in listed for d in DUTIES}
        for pk, kind, amount in LeaderActivity.objects.filter(leader_id__in=listed, on__year=year).values_list(
            "leader_id", "kind", "amount"
        ):
            _t, min_amount, comp = rules[kind]
            counts[(pk, kind)] += counts_activity(amount, min_amount, comp)
        for duty in DUTIES:
            values[duty.indicator] = Decimal(min(counts[(pk, duty.kind)] for pk in listed))
    values["local_supporting_rate"] = city_local_rate(year)
    note = "链主企业履职台账与配套关系申报（每家指标取各链主企业最低值）"
    rows = [indicators.Row(code, v, note=note) for code, v in values.items() if v is not None]
    return indicators.Provided(period, rows, replace="year")


PROVIDER = indicators.Provider("chain_leaders", LEADER_INDICATORS, leader_indicator_values)


def refresh_leader_indicators(year: int) -> None:
    """The leaders' ledger changed: their indicators of `year` are recomputed and stored (by targets)."""
    indicators.stale("chain_leaders", year=year)


# ---------------------------------------------------------------- subsidy checks (XN-LZ-6/7/8)


# The texts' caps, used when a pack does not set them (XN-LZ-6/7/8).
DEFAULT_CAPS = {
    "mna_cost_subsidy_share": 30,
    "mna_cost_subsidy_cap": 20,
    "fund_equity_share_cap": 30,
    "industry_event_subsidy_cap": 10,
}


def limit(key: str) -> Decimal:
    """A subsidy cap from the pack's thresholds, else the text's value."""
    return threshold(key, DEFAULT_CAPS[key])


def _fmt(d: Decimal) -> str:
    return f"{d.quantize(Decimal('0.01')).normalize():f}"


def _refuse(actor: Any, message: str, detail: dict[str, Any]) -> None:
    audit.record(
        actor=actor,
        action=AuditAction.REFUSED,
        object_type="cultivation.subsidyclaim",
        after=detail,
        message=message,
    )
    raise ValidationError(message)


def check_claim(
    *,
    kind: str,
    industry: Industry,
    year: int,
    project: str,
    amount: Decimal,
    leader: ChainLeader | None = None,
    cost: Decimal | None = None,
    equity_pct: Decimal | None = None,
    largest_other_pct: Decimal | None = None,
) -> list[str]:
    """The reasons a claim breaks XN-LZ-6/7/8 (empty when it complies); earlier accepted claims count."""
    errors: list[str] = []
    if kind == SubsidyKind.MNA_COST:
        share, cap = limit("mna_cost_subsidy_share"), limit("mna_cost_subsidy_cap")
        if cost is None or cost <= 0:
            return ["请填写资产评估、财务审计等费用总额。"]
        earlier = SubsidyClaim.objects.filter(kind=kind, leader=leader, project=project).aggregate(s=Sum("amount"))
        total = (earlier["s"] or ZERO) + amount
        if total > cost * share / 100:
            errors.append(
                f"补助{_fmt(total)}万元超过费用{_fmt(cost)}万元的{_fmt(share)}%"
                f"（上限{_fmt(cost * share / 100)}万元，XN-LZ-6）。"
            )
        if total > cap:
            errors.append(f"单个项目补助最高{_fmt(cap)}万元，本项目累计将达{_fmt(total)}万元（XN-LZ-6）。")
    elif kind == SubsidyKind.FUND_EQUITY:
        cap = limit("fund_equity_share_cap")
        if equity_pct is None or equity_pct <= 0 or equity_pct > 100:
            return ["请填写本次投资占企业总股本的比例（0—100%）。"]
        if largest_other_pct is None or not 0 <= largest_other_pct <= 100:
            return ["请填写投资后其他股东中最大的持股比例（0—100%）。"]
        earlier = SubsidyClaim.objects.filter(kind=kind, leader=leader).aggregate(s=Sum("equity_pct"))
        held = (earlier["s"] or ZERO) + equity_pct
        if held > cap:
            errors.append(f"政府投资基金累计持股将达{_fmt(held)}%，超过总股本的{_fmt(cap)}%（XN-LZ-7）。")
        if held >= largest_other_pct:
            errors.append(
                f"政府投资基金累计持股{_fmt(held)}%，不低于其他最大股东的{_fmt(largest_other_pct)}%，将成为第一大股东（XN-LZ-7）。"
            )
    elif kind == SubsidyKind.EVENT:
        cap = limit("industry_event_subsidy_cap")
        earlier = SubsidyClaim.objects.filter(kind=kind, industry=industry, year=year).aggregate(s=Sum("amount"))
        total = (earlier["s"] or ZERO) + amount
        if total > cap:
            errors.append(
                f"{industry.name}{year}年活动补贴累计将达{_fmt(total)}万元，每个产业每年不超过{_fmt(cap)}万元"
                f"（已批{_fmt(earlier['s'] or ZERO)}万元，XN-LZ-8）。"
            )
    else:
        errors.append(f"未知补助类型：{kind}")
    return errors


def do_claim(
    *,
    actor: Any,
    kind: str,
    year: int,
    project: str,
    amount: Any,
    leader: ChainLeader | None = None,
    industry: Industry | None = None,
    cost: Any = None,
    equity_pct: Any = None,
    largest_other_pct: Any = None,
    on: dt.date | None = None,
) -> SubsidyClaim:
    """Enter a claim; it is checked against XN-LZ-6/7/8 and refused (not stored, but audited) if it breaks one."""
    if not access.is_city_admin(actor):
        raise PermissionDenied("只有市级管理员可以登记支持资金。")
    if kind not in SubsidyKind.values:
        raise ValidationError(f"未知补助类型：{kind}")
    if kind != SubsidyKind.EVENT:
        if leader is None:
            raise ValidationError("请选择链主企业。")
        _listed(leader)
        industry = leader.industry
    if industry is None:
        raise ValidationError("请选择产业。")
    if not project.strip():
        raise ValidationError("请填写项目或活动名称。")
    value = _money(amount, "金额")
    if kind != SubsidyKind.FUND_EQUITY and value == 0:
        raise ValidationError("金额应大于0。")
    args = {
        "kind": kind,
        "industry": industry,
        "year": year,
        "project": project.strip(),
        "amount": value,
        "leader": leader,
        "cost": _money(cost, "费用总额", required=False),
        "equity_pct": _money(equity_pct, "持股比例", required=False),
        "largest_other_pct": _money(largest_other_pct, "其他最大股东持股比例", required=False),
    }
    detail = {k: (str(v) if v is not None else None) for k, v in args.items()}
    with transaction.atomic():
        # Serialise claims of one industry so two officers cannot both pass a cumulative cap.
        Industry.objects.select_for_update().filter(pk=industry.pk).first()
        errors = check_claim(**args)
        if not errors:
            claim = SubsidyClaim.objects.create(**args, on=on or timezone.localdate(), created_by=actor)
            audit.record(
                actor=actor,
                action=AuditAction.CREATE,
                obj=claim,
                after=detail,
                message=f"登记{claim.get_kind_display()}",
            )
            return claim
    # The refusal is audited outside the (empty) transaction so that it is kept.
    _refuse(actor, "不予登记：" + "；".join(errors), detail)
    raise AssertionError("unreachable")
