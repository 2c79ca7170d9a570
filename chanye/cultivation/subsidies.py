"""Subsidy claims of the chain leaders and industries checked against XN-LZ-6/7/8 (M&A costs, fund equity, matchmaking
events): a claim that breaks a rule is refused with the rule and the figures, audited as refused and never stored.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Sum
from django.utils import timezone

from chanye.core import access, audit
from chanye.core.access import Actor
from chanye.core.models import AuditAction
from chanye.cultivation.ledger import money, require_listed
from chanye.cultivation.models import ChainLeader, SubsidyClaim, SubsidyKind
from chanye.industry.models import Industry
from chanye.industry.selectors import threshold

ZERO = Decimal(0)


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


def _refuse(actor: Actor, message: str, detail: dict[str, Any]) -> None:
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
    actor: Actor,
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
        require_listed(leader)
        industry = leader.industry
    if industry is None:
        raise ValidationError("请选择产业。")
    if not project.strip():
        raise ValidationError("请填写项目或活动名称。")
    value = money(amount, "金额")
    if kind != SubsidyKind.FUND_EQUITY and value == 0:
        raise ValidationError("金额应大于0。")
    args: dict[str, Any] = {
        "kind": kind,
        "industry": industry,
        "year": year,
        "project": project.strip(),
        "amount": value,
        "leader": leader,
        "cost": money(cost, "费用总额", required=False),
        "equity_pct": money(equity_pct, "持股比例", required=False),
        "largest_other_pct": money(largest_other_pct, "其他最大股东持股比例", required=False),
    }
    detail = {k: (str(v) if v is not None else None) for k, v in args.items()}
    with transaction.atomic():
        # Serialise claims of one industry so two officers cannot both pass a cumulative cap.
        Industry.objects.select_for_update().filter(pk=industry.pk).first()
        errors = check_claim(**args)
        if not errors:
            claim = SubsidyClaim.objects.create(
                **args, on=on or timezone.localdate(), created_by=access.user_row(actor)
            )
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
