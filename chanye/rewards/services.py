"""Writes of rewards: the year's entitlements computed from the pack's rules (`rules.evaluate`), and reward facts."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, TypeVar

from django.core.exceptions import ValidationError
from django.db import models, transaction

from chanye.core import access, audit
from chanye.core.access import Actor
from chanye.core.models import AuditAction
from chanye.core.roles import CITY, WRITERS, Role
from chanye.rewards.models import RECOMPUTABLE, Entitlement, EntitlementStatus, Objection, RewardFact, RewardFund
from chanye.rewards.rules import Proposal, evaluate
from chanye.rewards.selectors import fund_remaining, reward_rules, total_amount

OBJECTORS = WRITERS | {Role.ENTERPRISE}  # who may object during 公示: the city, the firm's county, the firm itself
M = TypeVar("M", bound=models.Model)
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
        before = _values_of(row)
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
    audit.record_many(actor=actor, action=AuditAction.CREATE, items=[(e, None, _values_of(e)) for e in created])
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


def _save_audited(actor: Actor, model: type[M], lookup: dict[str, Any], values: dict[str, Any]) -> M:
    """The row of `model` found by `lookup` with `values` (created or changed), audited with before and after."""
    row = model._default_manager.filter(**lookup).first()
    before = {k: getattr(row, k) for k in values} if row else None
    if row is None:
        row = model._default_manager.create(**lookup, **values)
    else:
        for k, v in values.items():
            setattr(row, k, v)
        row.save(update_fields=[*values, *(["updated_at"] if hasattr(row, "updated_at") else [])])
    audit.record(
        actor=actor, action=AuditAction.UPDATE if before else AuditAction.CREATE, obj=row, before=before, after=values
    )
    return row


def _values_of(e: Entitlement) -> dict[str, Any]:
    return {f: getattr(e, f) for f in FIELDS}


@transaction.atomic
def do_record_fact(
    *, actor: Actor, enterprise: Any, year: int, kind: str, value: Decimal, project: str = "", note: str = ""
) -> RewardFact:
    """Record (or correct) one reward fact of an enterprise and year; audited."""
    return _save_audited(
        actor, RewardFact, {"enterprise": enterprise, "year": year, "kind": kind, "project": project},
        {"value": value, "note": note},
    )  # fmt: skip


# --- 公示 → 审核 → 拨付, 撤销: each step audited; the city's administrators decide, the enterprise objects ---


def _snapshot(e: Entitlement) -> dict[str, Any]:
    return {
        f: getattr(e, f)
        for f in (
            "status",
            "amount",
            "published_on",
            "objection_until",
            "approved_on",
            "paid_on",
            "voucher_no",
            "fund_id",
            "status_note",
        )
    }


def _move(actor: Actor, rows: list[Entitlement], message: str, **values: Any) -> int:
    items = []
    for e in rows:
        before = _snapshot(e)
        for k, v in values.items():
            setattr(e, k, v)
        e.save(update_fields=[*values])
        items.append((e, before, _snapshot(e), message))
    audit.record_many(actor=actor, action=AuditAction.UPDATE, items=items)
    return len(rows)


def do_publish(*, actor: Actor, entitlements: list[Entitlement], today: dt.date, days: int = 7) -> int:
    """测算 → 公示: the list goes public today, objections until `days` later (inclusive)."""
    access.require(actor, CITY, what="奖补公示")
    with transaction.atomic():  # after the gate: a refusal's audit row is not rolled back
        if not 1 <= days <= 60:
            raise ValidationError("公示期应为1—60天。")
        rows = [e for e in entitlements if e.status == EntitlementStatus.COMPUTED]
        if not rows:
            raise ValidationError("没有可公示的测算结果（只有状态为“测算”的奖补可以公示）。")
        until = today + dt.timedelta(days=days)
        return _move(
            actor,
            rows,
            f"公示，异议截止{until:%Y-%m-%d}",
            status=EntitlementStatus.PUBLISHED,
            published_on=today,
            objection_until=until,
        )


def do_raise_objection(*, actor: Actor, entitlement: Entitlement, text: str, today: dt.date) -> Objection:
    """An objection during the publication period, by the enterprise itself or an officer who may see the row (a viewer
    only reads)."""
    access.require_write(actor, entitlement, roles=OBJECTORS, what="奖补")
    with transaction.atomic():  # after the gate: a refusal's audit row is not rolled back
        text = text.strip()
        if not text:
            raise ValidationError("请写明异议内容。")
        if entitlement.status != EntitlementStatus.PUBLISHED:
            raise ValidationError("只有公示中的奖补可以提出异议。")
        if entitlement.objection_until is not None and today > entitlement.objection_until:
            raise ValidationError(f"公示期已于{entitlement.objection_until:%Y年%m月%d日}结束，不能再提出异议。")
        o: Objection = Objection.objects.create(
            entitlement=entitlement, raised_by=actor if getattr(actor, "pk", None) else None, text=text
        )
        audit.record(
            actor=actor, action=AuditAction.CREATE, obj=o, after={"text": text}, message=f"对“{entitlement}”提出异议"
        )
        return o


def do_answer_objection(*, actor: Actor, objection: Objection, reply: str, upheld: bool) -> Objection:
    """答复异议: upheld sends the entitlement back to 测算 to be checked and corrected; rejected keeps it published."""
    from django.utils import timezone

    access.require(actor, CITY, what="公示异议")
    with transaction.atomic():  # after the gate: a refusal's audit row is not rolled back
        if objection.outcome:
            raise ValidationError("该异议已答复。")
        if not reply.strip():
            raise ValidationError("请填写答复意见。")
        before = {"outcome": objection.outcome, "reply": objection.reply}
        objection.outcome = Objection.Outcome.UPHELD if upheld else Objection.Outcome.REJECTED
        objection.reply, objection.replied_at = reply.strip(), timezone.now()
        objection.replied_by = actor if getattr(actor, "pk", None) else None  # type: ignore[assignment]
        objection.save(update_fields=["outcome", "reply", "replied_at", "replied_by"])
        audit.record(
            actor=actor,
            action=AuditAction.UPDATE,
            obj=objection,
            before=before,
            after={"outcome": objection.outcome, "reply": objection.reply},
        )
        if upheld:
            _move(
                actor,
                [objection.entitlement],
                "异议成立，退回测算核实",
                status=EntitlementStatus.COMPUTED,
                published_on=None,
                objection_until=None,
            )
        return objection


def do_approve(*, actor: Actor, entitlements: list[Entitlement], today: dt.date, note: str = "") -> int:
    """公示 → 审核通过: only after the publication period, with every objection answered."""
    access.require(actor, CITY, what="奖补审核")
    with transaction.atomic():  # after the gate: a refusal's audit row is not rolled back
        rows = [e for e in entitlements if e.status == EntitlementStatus.PUBLISHED]
        if not rows:
            raise ValidationError("没有可审核的奖补（只有公示中的奖补可以审核）。")
        early = [e for e in rows if e.objection_until is not None and today <= e.objection_until]
        if early:
            last = max(e.objection_until for e in early if e.objection_until is not None)
            raise ValidationError(f"{len(early)}项奖补仍在公示期内（最晚至{last:%Y-%m-%d}），公示期满后才能审核。")
        open_ = [e for e in rows if e.objections.filter(outcome="").exists()]
        if open_:
            raise ValidationError(
                f"{len(open_)}项奖补有未答复的异议，请先答复："
                f"{'、'.join(str(e.enterprise or e.cluster) for e in open_[:5])}。"
            )
        return _move(
            actor, rows, "审核通过", status=EntitlementStatus.APPROVED, approved_on=today, status_note=note[:300]
        )


def do_pay(
    *, actor: Actor, entitlement: Entitlement, paid_on: dt.date, voucher_no: str, fund: RewardFund | None
) -> Entitlement:
    """审核通过 → 已拨付, with the date, the voucher and the fund; refused in words beyond the fund's budget."""
    access.require(actor, CITY, what="奖补拨付")
    with transaction.atomic():  # after the gate: a refusal's audit row is not rolled back
        if entitlement.status != EntitlementStatus.APPROVED:
            raise ValidationError("只有审核通过的奖补可以拨付。")
        if not voucher_no.strip():
            raise ValidationError("请填写拨付凭证号。")
        if fund is not None:
            fund = RewardFund.objects.select_for_update().get(pk=fund.pk)
            left = fund_remaining(fund)
            if entitlement.amount > left:
                raise ValidationError(
                    f"“{fund}”剩余{left.normalize():f}万元，不足以拨付{entitlement.amount.normalize():f}万元：请调整预算或改用其他资金。"
                )
        _move(
            actor,
            [entitlement],
            f"拨付，凭证{voucher_no.strip()}",
            status=EntitlementStatus.PAID,
            paid_on=paid_on,
            voucher_no=voucher_no.strip(),
            fund=fund,
        )
        return entitlement


def do_revoke(*, actor: Actor, entitlement: Entitlement, reason: str) -> Entitlement:
    """撤销 with a reason, at any step (a paid reward revoked is to be recovered: the reason says so)."""
    access.require(actor, CITY, what="奖补撤销")
    with transaction.atomic():  # after the gate: a refusal's audit row is not rolled back
        if entitlement.status in (EntitlementStatus.REVOKED, EntitlementStatus.EXCLUDED):
            raise ValidationError("该奖补已撤销或不予兑现。")
        if not reason.strip():
            raise ValidationError("请填写撤销原因。")
        _move(
            actor,
            [entitlement],
            f"撤销：{reason.strip()}",
            status=EntitlementStatus.REVOKED,
            status_note=reason.strip()[:300],
        )
        return entitlement


def do_confirm_account(
    *, actor: Actor, entitlement: Entitlement, account_name: str, account_bank: str, account_no: str
) -> Entitlement:
    """免申即享: the enterprise confirms the account the money goes to (its own rows only)."""
    from django.utils import timezone

    access.require_write(actor, entitlement, roles={Role.ENTERPRISE}, what="奖补")  # its own row: the scope says so
    with transaction.atomic():  # after the gate: a refusal's audit row is not rolled back
        no = "".join(account_no.split())
        if not account_name.strip() or not account_bank.strip() or not no.isdigit() or not 8 <= len(no) <= 30:
            raise ValidationError("请填写收款户名、开户银行和8—30位数字的银行账号。")
        if entitlement.status in (EntitlementStatus.REVOKED, EntitlementStatus.EXCLUDED, EntitlementStatus.PAID):
            raise ValidationError("该奖补已办结，无需确认收款账户。")
        before = {
            "account_name": entitlement.account_name,
            "account_bank": entitlement.account_bank,
            "account_no": entitlement.account_masked,
        }
        entitlement.account_name, entitlement.account_bank, entitlement.account_no = (
            account_name.strip(),
            account_bank.strip(),
            no,
        )
        entitlement.account_confirmed_at = timezone.now()
        entitlement.save(update_fields=["account_name", "account_bank", "account_no", "account_confirmed_at"])
        audit.record(
            actor=actor,
            action=AuditAction.UPDATE,
            obj=entitlement,
            before=before,
            after={
                "account_name": entitlement.account_name,
                "account_bank": entitlement.account_bank,
                "account_no": entitlement.account_masked,
            },
            message="确认收款账户",
        )
        return entitlement


def do_save_fund(*, actor: Actor, name: str, year: int, budget: Decimal, note: str = "") -> RewardFund:
    """A fund's budget for a year (created or changed), audited."""
    access.require(actor, CITY, what="奖补资金")
    with transaction.atomic():  # after the gate: a refusal's audit row is not rolled back
        if not name.strip() or budget < 0:
            raise ValidationError("请填写资金名称和不小于0的预算（万元）。")
        return _save_audited(actor, RewardFund, {"name": name.strip(), "year": year}, {"budget": budget, "note": note})
