"""A listed chain leader's yearly duties (XN-LZ-3/4/5, RULES.md §3) — projects over 5000万, core suppliers, M&A of
3000万 or more, matchmaking events — counted from the leader's activity ledger against the pack's per-leader targets
and thresholds, and the ledger's entries (added and deleted, audited).

The rest of what a listed leader owes and gets: 包保 official, visits and demands (XN-LZ-10) in `visits`, the local
supporting rate (XN-LZ-2) in `supply`, chain finance (XN-LZ-11) in `finance`, subsidy claims (XN-LZ-6/7/8) in
`subsidies`; their indicators for the target tree in `leader_indicators`.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from chanye.core import access, audit
from chanye.core.access import Actor
from chanye.core.indicators import satisfies
from chanye.core.models import AuditAction
from chanye.cultivation.ledger import money, refresh_leader_indicators, require_editor, require_listed
from chanye.cultivation.models import ActivityKind, ChainLeader, LeaderActivity
from chanye.industry.models import Target, Threshold


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
    actor: Actor,
    leader: ChainLeader,
    kind: str,
    on: dt.date,
    name: str,
    amount: Any = None,
    counterpart: str = "",
    note: str = "",
) -> LeaderActivity:
    require_editor(actor, leader)
    require_listed(leader)
    if kind not in ActivityKind.values:
        raise ValidationError(f"未知事项类型：{kind}")
    if not name.strip():
        raise ValidationError("请填写名称。")
    if on > timezone.localdate():
        raise ValidationError("日期不能晚于今天。")
    duty = next(d for d in DUTIES if d.kind == kind)
    value = money(amount, "金额", required=bool(duty.amount_param))
    act = LeaderActivity.objects.create(
        leader=leader,
        kind=kind,
        on=on,
        name=name.strip(),
        amount=value,
        counterpart=counterpart.strip(),
        note=note.strip(),
        created_by=access.user_row(actor),
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
def do_delete_activity(*, actor: Actor, activity: LeaderActivity) -> None:
    require_editor(actor, activity.leader)
    year = activity.on.year
    audit.record(
        actor=actor,
        action=AuditAction.DELETE,
        obj=activity,
        before={"kind": activity.kind, "on": activity.on, "name": activity.name, "amount": activity.amount},
    )
    activity.delete()
    refresh_leader_indicators(year)
