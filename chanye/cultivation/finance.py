"""Chain finance (XN-LZ-11): one lead bank (主办银行) per chain leader's chain, and which local chain members (链属企业,
the leader's declared local partners) its business covers, with their credit lines.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, Q, Sum

from chanye.core import audit
from chanye.core.access import Actor
from chanye.core.models import AuditAction
from chanye.cultivation.ledger import money, require_editor, require_listed
from chanye.cultivation.models import ChainLeader, SupplierRelation

ZERO = Decimal(0)


@transaction.atomic
def do_set_lead_bank(*, actor: Actor, leader: ChainLeader, bank: str, since: dt.date) -> ChainLeader:
    """Name the chain's lead bank (主办银行): one bank serves one chain; naming another replaces it."""
    require_editor(actor, leader)
    require_listed(leader)
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
def do_mark_financed(
    *, actor: Actor, relation: SupplierRelation, covered: bool, credit: Any = None
) -> SupplierRelation:
    """Record whether the lead bank serves this chain member (链属企业), with its credit line."""
    require_editor(actor, relation.leader)
    if covered and not relation.leader.lead_bank:
        raise ValidationError("请先确定主办银行（XN-LZ-11）。")
    value = money(credit, "授信额度", required=False) if covered else None
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
