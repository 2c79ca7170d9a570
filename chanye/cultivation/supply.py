"""The local supporting rate (XN-LZ-2): a listed chain leader's declared direct upstream/downstream partners with the
year's purchase/sale amounts, local when registered here (within the actor's scope) or ticked 本地.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q, Sum

from chanye.core import audit
from chanye.core.access import Actor
from chanye.core.models import AuditAction
from chanye.cultivation.ledger import money, refresh_leader_indicators, require_editor
from chanye.cultivation.models import ChainLeader, Direction, LeaderStatus, SupplierRelation
from chanye.enterprises.models import Enterprise
from chanye.enterprises.selectors import enterprise_by_name


def match_local(actor: Actor, name: str) -> Enterprise | None:
    """A partner in the registry (by name or alias) is a local enterprise — looked up among the enterprises the actor
    may see: another county's firm named by a county officer is not linked, not named and not marked local (the
    officer ticks 本地 themselves if it is), exactly as if it were not registered."""
    return enterprise_by_name(actor, name)


@transaction.atomic
def do_declare_relation(
    *,
    actor: Actor,
    leader: ChainLeader,
    year: int,
    direction: str,
    partner_name: str,
    amount: Any,
    is_local: bool = False,
) -> SupplierRelation:
    """Declare (or update) a direct upstream/downstream partner with the year's purchase/sale amount."""
    require_editor(actor, leader)
    if direction not in Direction.values:
        raise ValidationError("请选择上游或下游。")
    if not partner_name.strip():
        raise ValidationError("请填写配套企业名称。")
    value = money(amount, "年采购/销售额")
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
def do_delete_relation(*, actor: Actor, relation: SupplierRelation) -> None:
    require_editor(actor, relation.leader)
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
