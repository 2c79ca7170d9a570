"""Writes of rewards: the year's entitlements computed from the pack's rules (`rules.evaluate`), and reward facts."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db import transaction

from chanye.core import audit
from chanye.core.access import Actor
from chanye.core.models import AuditAction
from chanye.rewards.models import RECOMPUTABLE, Entitlement, EntitlementStatus, RewardFact
from chanye.rewards.rules import Proposal, evaluate
from chanye.rewards.selectors import reward_rules, total_amount

FIELDS = ["amount", "base", "explanation", "status", "label", "rule", "county_id", "park_id"]


@dataclass
class ComputeResult:
    year: int
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    removed: int = 0
    kept: list[str] = field(default_factory=list)  # rows already acted on that the new data no longer supports
    entitled: int = 0
    excluded: int = 0
    total: Decimal = Decimal(0)  # 万元: the year's entitled amount (selectors.total_amount), acted-on rows included
    notes: list[str] = field(default_factory=list)

    def summary(self) -> str:
        return (
            f"{self.year}年奖补测算：应兑现{self.entitled}项，合计{self.total.normalize():f}万元；不予兑现{self.excluded}项"
            f"（新增{self.created}、更新{self.updated}、未变{self.unchanged}、移除{self.removed}）"
        )


def _key(p: Proposal) -> str:
    return f"{p.code}|{p.year}|e{p.enterprise_id or ''}|c{p.cluster_id or ''}|{p.subject}"


def _place(proposals: list[Proposal]) -> None:
    """The recipient's county and park: an enterprise's own; a cluster's county was set by its rule."""
    from chanye.enterprises.models import Enterprise

    ids = {p.enterprise_id for p in proposals if p.enterprise_id is not None}
    where = {
        pk: (county, park)
        for pk, county, park in Enterprise.objects.filter(pk__in=ids).values_list("pk", "county_id", "park_id")
    }
    for p in proposals:
        if p.enterprise_id is not None:
            p.county_id, p.park_id = where[p.enterprise_id]


def _values(p: Proposal) -> dict[str, Any]:
    return {
        "amount": p.amount.quantize(Decimal("0.0001")),
        "base": p.base.quantize(Decimal("0.0001")) if p.base is not None else None,
        "explanation": p.explanation,
        "status": EntitlementStatus.EXCLUDED if p.excluded else EntitlementStatus.COMPUTED,
        "label": p.label,
        "rule": p.rule,
        "county_id": p.county_id,
        "park_id": p.park_id,
    }


@transaction.atomic
def do_compute_rewards(*, actor: Actor, year: int) -> ComputeResult:
    """Every entitlement of `year` from data, idempotently: rows still at 测算/不予兑现 follow the data (created,
    updated, removed); rows already published, approved, paid or revoked are left as they are, and listed when the
    data no longer supports them. Audited: one row per change and one for the run."""
    specs, facts = reward_rules()
    ev = evaluate(specs, year, {f.key: f.label for f in facts})
    _place(ev.proposals)
    result = ComputeResult(year=year, notes=ev.notes)
    wanted = {_key(p): p for p in ev.proposals}
    existing = {e.key: e for e in Entitlement.objects.filter(year=year)}
    created: list[Entitlement] = []
    changed: list[tuple[Entitlement, dict[str, Any], dict[str, Any]]] = []
    for key, p in wanted.items():
        values = _values(p)
        if p.excluded:
            result.excluded += 1
        else:
            result.entitled += 1
        row = existing.get(key)
        if row is None:
            created.append(
                Entitlement(
                    key=key,
                    year=year,
                    reward_code=p.code,
                    enterprise_id=p.enterprise_id,
                    cluster_id=p.cluster_id,
                    subject=p.subject,
                    **values,
                )
            )
            continue
        if row.status not in RECOMPUTABLE:
            if p.excluded or row.amount != values["amount"]:
                result.kept.append(f"{row.label}（{row.get_status_display()}）：{p.explanation}")
            continue
        before = {f: getattr(row, f) for f in FIELDS}
        if before == values:
            result.unchanged += 1
            continue
        for f, v in values.items():
            setattr(row, f, v)
        changed.append((row, before, values))
    gone = [e for k, e in existing.items() if k not in wanted]
    removable = [e for e in gone if e.status in RECOMPUTABLE]
    result.kept.extend(
        f"{e.label}（{e.get_status_display()}）：按新数据已不符合条件，请复核"
        for e in gone
        if e.status not in RECOMPUTABLE
    )
    Entitlement.objects.bulk_create(created, batch_size=2000)
    if changed:
        Entitlement.objects.bulk_update([r for r, _, _ in changed], [*FIELDS, "computed_at"], batch_size=2000)
    if removable:
        Entitlement.objects.filter(pk__in=[e.pk for e in removable]).delete()
    result.created, result.updated, result.removed = len(created), len(changed), len(removable)
    result.total = total_amount(Entitlement.objects.filter(year=year))
    saved = {e.key: e for e in Entitlement.objects.filter(key__in=[e.key for e in created])} if created else {}
    audit.record_many(
        actor=actor,
        action=AuditAction.CREATE,
        items=[(saved[e.key], None, _values_of(saved[e.key])) for e in created],
    )
    audit.record_many(actor=actor, action=AuditAction.UPDATE, items=changed)
    audit.record_many(actor=actor, action=AuditAction.DELETE, items=[(e, _values_of(e), None) for e in removable])
    audit.record(
        actor=actor,
        action=AuditAction.UPDATE,
        object_type="rewards.entitlement",
        object_repr=f"{year}年奖补测算",
        message=result.summary(),
    )
    return result


def _values_of(e: Entitlement) -> dict[str, Any]:
    return {f: getattr(e, f) for f in FIELDS}


@transaction.atomic
def do_record_fact(
    *, actor: Actor, enterprise: Any, year: int, kind: str, value: Decimal, project: str = "", note: str = ""
) -> RewardFact:
    """Record (or correct) one reward fact of an enterprise and year; audited."""
    row: RewardFact | None = RewardFact.objects.filter(
        enterprise=enterprise, year=year, kind=kind, project=project
    ).first()
    before = {"value": row.value, "note": row.note} if row else None
    if row is None:
        row = RewardFact.objects.create(
            enterprise=enterprise, year=year, kind=kind, project=project, value=value, note=note
        )
    else:
        row.value, row.note = value, note
        row.save(update_fields=["value", "note", "updated_at"])
    audit.record(
        actor=actor,
        action=AuditAction.UPDATE if before else AuditAction.CREATE,
        obj=row,
        before=before,
        after={"value": row.value, "note": row.note},
    )
    return row
