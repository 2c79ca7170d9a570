"""Chain finance (XN-LZ-11): "构建'链主企业+合作银行+若干链属企业'融资对接机制 … 引导一家主办银行服务一条产业链，
业务覆盖产业链上的每家企业".

* One lead bank (主办银行) per chain (`Chain.lead_bank`), named by the city (`do_set_lead_bank`, `core.roles.CITY`);
  naming another replaces it.
* Which enterprises on the chain — every enterprise placed on any of its links (`LinkEnterprise`), whatever its role —
  the bank's business covers, with their credit lines (`ChainCredit`; `do_mark_financed`: the city, or a county/park
  officer for an enterprise of their unit). A row counts only while its bank is the chain's bank.
* Coverage (`finance_many`, `chain_finance`): the chain's enterprises the user may see (each once, however many links
  it is on; optionally one county), how many the chain's bank covers, and their credit total.
* `leader_chains`: the chains an enterprise is on with their finance — what `core.hooks.chain_finance` answers, so the
  chain-leader pages (cultivation) show their chain's bank without importing this app.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Count, Exists, F, OuterRef, Q, QuerySet, Sum
from django.urls import reverse

from chanye.core import access, audit
from chanye.core.access import Actor
from chanye.core.imports.values import CellError, parse_decimal
from chanye.core.models import AuditAction
from chanye.core.roles import CITY, WRITERS
from chanye.enterprises.models import Enterprise
from chanye.regions.models import Region

from .models import Chain, ChainCredit, LinkEnterprise, LinkRole

BANK_SETTERS = CITY  # XN-LZ-11: the city names each chain's bank
MARKERS = WRITERS  # the city, and county/park officers for the enterprises of their unit
ZERO = Decimal(0)
BANK_FIELDS = ["lead_bank", "lead_bank_since", "lead_bank_note"]


@dataclass
class ChainFinance:
    """One chain's lead bank and its coverage, counted over the enterprises a user may see."""

    chain_id: int
    chain: str
    bank: str
    since: dt.date | None
    members: int  # enterprises on the chain (each once)
    covered: int  # of them, served by the chain's current bank
    credit: Decimal  # their credit lines, 万元
    url: str = ""  # the chain's finance page

    @property
    def complete(self) -> bool:
        """XN-LZ-11: the lead bank's business covers every enterprise on the chain."""
        return bool(self.bank) and self.members > 0 and self.covered == self.members


@dataclass
class MemberRow:
    """An enterprise on the chain for the finance page: its links, its best role, and whether the bank serves it."""

    enterprise: Enterprise
    links: list[str] = field(default_factory=list)
    role: str = LinkRole.ORDINARY
    covered: bool = False
    credit: Decimal | None = None
    former_bank: str = ""  # served by a bank the chain no longer has


def can_set_bank(actor: Actor) -> bool:
    return access.has_role(actor, BANK_SETTERS)


def can_mark(actor: Actor) -> bool:
    return access.has_role(actor, MARKERS)


def _credit(value: Any) -> Decimal | None:
    if value in (None, ""):
        return None
    try:
        return parse_decimal(value)
    except CellError as e:
        raise ValidationError(f"授信额度“{value}”{e}。") from e


@transaction.atomic
def do_set_lead_bank(*, actor: Actor, chain: Chain, bank: str, since: dt.date) -> Chain:
    """Name the chain's lead bank (XN-LZ-11 "一家主办银行服务一条产业链"): one per chain, the city's decision; naming
    another replaces it (the enterprises the former bank served are no longer counted as covered)."""
    if not can_set_bank(actor):
        raise PermissionDenied("只有市级管理员可以确定产业链的主办银行。")
    bank = (bank or "").strip()
    if not bank:
        raise ValidationError("请填写主办银行名称。")
    if len(bank) > 100:
        raise ValidationError("主办银行名称不能超过100个字。")
    before = audit.snapshot(chain, BANK_FIELDS)
    chain.lead_bank, chain.lead_bank_since, chain.lead_bank_note = bank, since, ""
    changed_before, changed_after = audit.diff(before, audit.snapshot(chain, BANK_FIELDS))
    if not changed_after:
        return chain
    chain.save(update_fields=BANK_FIELDS)
    audit.record(
        actor=actor,
        action=AuditAction.UPDATE,
        obj=chain,
        before=changed_before,
        after=changed_after,
        message=f"{chain.name} 主办银行：{bank}（XN-LZ-11）",
    )
    return chain


@transaction.atomic
def do_mark_financed(
    *, actor: Actor, chain: Chain, enterprise: Enterprise, covered: bool, credit: Any = None
) -> ChainCredit | None:
    """Record whether the chain's lead bank serves this enterprise on the chain (链属企业), with its credit line."""
    if not can_mark(actor) or not access.in_scope(actor, enterprise):
        raise PermissionDenied("只能维护本辖区链上企业的金融服务覆盖。")
    if not LinkEnterprise.objects.filter(link__chain=chain, enterprise=enterprise).exists():
        raise ValidationError(f"{enterprise.name}不在“{chain.name}”的环节上。")
    row = ChainCredit.objects.filter(chain=chain, enterprise=enterprise).first()
    before = audit.snapshot(row, ["bank", "credit"]) if row else None
    if not covered:
        if row is not None:
            audit.record(
                actor=actor,
                action=AuditAction.DELETE,
                obj=row,
                before=before,
                message=f"{enterprise.name} 取消主办银行覆盖（XN-LZ-11）",
            )
            row.delete()
        return None
    if not chain.lead_bank:
        raise ValidationError("请先确定这条产业链的主办银行（XN-LZ-11）。")
    value = _credit(credit)
    if row is None:
        row = ChainCredit.objects.create(chain=chain, enterprise=enterprise, bank=chain.lead_bank, credit=value)
    else:
        row.bank, row.credit = chain.lead_bank, value
        row.save(update_fields=["bank", "credit", "updated_at"])
    after = audit.snapshot(row, ["bank", "credit"])
    if before != after:
        audit.record(
            actor=actor,
            action=AuditAction.UPDATE if before else AuditAction.CREATE,
            obj=row,
            before=before,
            after=after,
            message=f"{enterprise.name} 由{chain.lead_bank}覆盖（XN-LZ-11）",
        )
    return row


# ---------------------------------------------------------------- reads


def _members(user: Any, county: Region | None) -> QuerySet[LinkEnterprise]:
    qs = LinkEnterprise.objects.for_user(user)
    if county is not None:
        qs = qs.filter(Q(enterprise__county=county) | Q(enterprise__park=county))
    return qs


def finance_many(chains: Iterable[Chain], *, user: Any, county: Region | None = None) -> dict[int, ChainFinance]:
    """Each chain's bank and coverage (XN-LZ-11) over the enterprises on it the user may see (optionally one county):
    two queries whatever the number of chains and enterprises."""
    by_pk = {c.pk: c for c in chains}
    members = _members(user, county).filter(link__chain_id__in=list(by_pk))
    counts = dict(
        members.order_by()
        .values("link__chain_id")
        .annotate(n=Count("enterprise_id", distinct=True))
        .values_list("link__chain_id", "n")
    )
    served = {
        chain_id: (n, total)
        for chain_id, n, total in ChainCredit.objects.filter(chain_id__in=list(by_pk), bank=F("chain__lead_bank"))
        .exclude(bank="")
        .filter(Exists(members.filter(link__chain_id=OuterRef("chain_id"), enterprise_id=OuterRef("enterprise_id"))))
        .order_by()
        .values("chain_id")
        .annotate(n=Count("id"), total=Sum("credit"))
        .values_list("chain_id", "n", "total")
    }
    return {
        pk: ChainFinance(
            chain_id=pk,
            chain=c.name,
            bank=c.lead_bank,
            since=c.lead_bank_since,
            members=counts.get(pk, 0),
            covered=served.get(pk, (0, None))[0],
            credit=served.get(pk, (0, None))[1] or ZERO,
            url=reverse("chains:finance", args=[pk]),
        )
        for pk, c in by_pk.items()
    }


def chain_finance(chain: Chain, *, user: Any, county: Region | None = None) -> ChainFinance:
    return finance_many([chain], user=user, county=county)[chain.pk]


def member_rows(chain: Chain, *, user: Any, county: Region | None = None) -> list[MemberRow]:
    """The enterprises on `chain` the user may see, each once (链主 first, then by name), with their coverage."""
    order: dict[str, int] = {LinkRole.LEADER: 0, LinkRole.CORE: 1, LinkRole.ORDINARY: 2}
    rows: dict[int, MemberRow] = {}
    for m in (
        _members(user, county)
        .filter(link__chain=chain)
        .select_related("enterprise", "enterprise__county", "link")
        .order_by("link__position", "pk")
    ):
        r = rows.setdefault(m.enterprise_id, MemberRow(enterprise=m.enterprise, role=m.role))
        r.links.append(m.link.name)
        if order.get(m.role, 9) < order.get(r.role, 9):
            r.role = m.role
    for eid, bank, credit in ChainCredit.objects.filter(chain=chain, enterprise_id__in=list(rows)).values_list(
        "enterprise_id", "bank", "credit"
    ):
        if chain.lead_bank and bank == chain.lead_bank:
            rows[eid].covered, rows[eid].credit = True, credit
        else:
            rows[eid].former_bank = bank
    return sorted(rows.values(), key=lambda r: (order.get(r.role, 9), r.enterprise.name))


def leader_chains(*, enterprise_ids: Iterable[int], user: Any) -> dict[int, list[ChainFinance]]:
    """The active chains each enterprise is on (where it is 链主 first), with their lead bank and its coverage in the
    user's scope — the answer to `core.hooks.chain_finance` for the chain-leader pages (XN-LZ-11)."""
    ids = list(set(enterprise_ids))
    placed: dict[int, dict[int, int]] = {}  # enterprise → chain → rank (0 where it is the chain's 链主)
    chains: dict[int, Chain] = {}
    for m in (
        LinkEnterprise.objects.filter(enterprise_id__in=ids, link__chain__is_active=True)
        .select_related("link__chain")
        .order_by("link__chain__sort_order", "link__chain__code")
    ):
        chains[m.link.chain_id] = m.link.chain
        rank = 0 if m.role == LinkRole.LEADER else 1
        mine = placed.setdefault(m.enterprise_id, {})
        mine[m.link.chain_id] = min(rank, mine.get(m.link.chain_id, rank))
    figures = finance_many(chains.values(), user=user)
    return {
        eid: [figures[c] for c in sorted(mine, key=lambda c: mine[c])]  # stable: chain order within a rank
        for eid, mine in placed.items()
    }
