"""The local supporting rate (XN-LZ-2): a listed chain leader's declared direct upstream/downstream partners with the
year's purchase/sale amounts, local when registered here (within the actor's scope) or ticked 本地 — or, where the
invoice store holds the leader's purchases of the year (`hooks.invoice_purchases`, the supply app), the share of its
invoiced purchases bought from suppliers registered in the city, which then replaces the declared figure. Every
figure says which it is (`LocalRate.source`).
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q, Sum

from chanye.core import audit, hooks
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


@dataclass(frozen=True)
class LocalRate:
    """A leader's (or the city's) local supporting rate of a year and where it comes from."""

    rate: Decimal | None
    local: Decimal
    total: Decimal
    source: str  # "invoices", "declared", "mixed" (the city: some leaders each way) or "" (nothing)
    months: tuple[str, ...] = ()

    @property
    def source_label(self) -> str:
        if self.source == "invoices":
            span = f"{self.months[0]}至{self.months[-1]}" if self.months else ""
            return f"增值税发票（{span}采购）" if span else "增值税发票"
        return {"declared": "企业申报", "mixed": "发票与申报"}.get(self.source, "")


def _declared(relations: Any) -> tuple[Decimal, Decimal]:
    agg = relations.aggregate(total=Sum("amount"), local=Sum("amount", filter=Q(is_local=True)))
    return Decimal(agg["local"] or 0), Decimal(agg["total"] or 0)


def _rate(local: Decimal, total: Decimal) -> Decimal | None:
    return (local * 100 / total).quantize(Decimal("0.01")) if total > 0 else None


def leader_rates(leaders: list[ChainLeader], year: int) -> dict[int, LocalRate]:
    """Each leader's rate of `year`: from its invoices where the store has them, else from its declared partners."""
    invoiced: dict[int, dict[str, Any]] = {}
    for answer in hooks.invoice_purchases(enterprise_ids=[x.enterprise_id for x in leaders], year=year):
        invoiced.update(answer)
    out = {}
    for x in leaders:
        inv = invoiced.get(x.enterprise_id)
        if inv and inv["total_amount"] > 0:
            local, total = Decimal(str(inv["local_amount"])), Decimal(str(inv["total_amount"]))
            out[x.pk] = LocalRate(_rate(local, total), local, total, "invoices", tuple(inv["months"]))
            continue
        local, total = _declared(x.relations.filter(year=year))
        out[x.pk] = LocalRate(_rate(local, total), local, total, "declared" if total else "")
    return out


def leader_rate(leader: ChainLeader, year: int) -> LocalRate:
    return leader_rates([leader], year)[leader.pk]


def city_rate(year: int) -> LocalRate:
    """The listed leaders' amounts added up, each leader's from its own source (XN-LZ-2 目标超过30%)."""
    leaders = list(ChainLeader.objects.filter(status=LeaderStatus.LISTED))
    rates = [r for r in leader_rates(leaders, year).values() if r.source]
    local, total = sum((r.local for r in rates), Decimal(0)), sum((r.total for r in rates), Decimal(0))
    sources = {r.source for r in rates}
    source = sources.pop() if len(sources) == 1 else ("mixed" if sources else "")
    return LocalRate(_rate(local, total), local, total, source)


def city_local_rate(year: int) -> Decimal | None:
    return city_rate(year).rate
