"""Writes of the supply app: an outside supplier into a chain link's 招商目标库 (through `hooks.add_attraction_target`,
so the chains app's own permission, checks and audit apply)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError

from chanye.core import access, hooks
from chanye.core import uscc as uscc_codes
from chanye.core.access import Actor


def do_add_supplier_target(
    *, actor: Actor, link_id: int, uscc: str, name: str, region: str, products: str, amount: str = ""
) -> int:
    """Add an outside supplier seen in the invoices to the link's 招商目标库; returns the target's id."""
    access.require_write(actor, what="招商目标")
    code = uscc_codes.normalize(uscc or "")
    if code and (problems := uscc_codes.problems(code)):
        raise ValidationError(f"统一社会信用代码“{code}”{problems[0].message}。")
    try:
        wan = Decimal(amount) if amount else None
    except InvalidOperation:
        wan = None
    note = f"增值税发票：本市企业向其采购 {wan:.2f} 万元（不含税）" if wan is not None else "增值税发票外购分析"
    results = hooks.add_attraction_target(
        actor=actor,
        link_id=link_id,
        name=(name or "").strip() or f"供应商 {code}",
        uscc=code,
        location=region,
        products=products,
        source="增值税发票外购分析",
        note=note,
    )
    if not results:
        raise ValidationError("招商目标库不可用（产业链模块未启用）。")
    return int(results[0])


@dataclass
class Nowcast:
    months: list[str]
    firms: int
    created: int
    updated: int
    unchanged: int

    def summary(self) -> str:
        span = f"{self.months[0]}至{self.months[-1]}" if self.months else "（无发票月份）"
        return (
            f"发票预估（{span}）：{self.firms} 家未规上企业的开票销售额已写入“发票明细”来源"
            f"（新增 {self.created}、更新 {self.updated}、未变 {self.unchanged} 条月度数据），"
            "规上门槛提醒在没有其他来源时使用它。"
        )


def do_nowcast(*, actor: Actor, months: list[str]) -> Nowcast:
    """XN-GS-6 where statistics are late: each firm not yet 规上, its monthly 开票销售额 summed from its own invoice
    lines (as seller) into the monthly figures under the source 发票明细 (`FigureSource.INVOICES`) — never over a
    sheet's figures; the threshold reminders read that source last. Idempotent; one audit row per run."""
    from chanye.core import audit
    from chanye.core.models import AuditAction
    from chanye.enterprises.choices import FigureSource
    from chanye.enterprises.models import Enterprise
    from chanye.enterprises.services import do_store_monthly
    from chanye.supply import analytics

    access.require_write(actor, what="发票预估")
    below = set(Enterprise.objects.filter(is_above_scale=False).values_list("pk", flat=True))
    rows = analytics.sales(months, sellers=below) if months and below else []
    items = [
        {
            "enterprise_id": int(r["seller_id"]),
            "month": dt.date(int(r["month"][:4]), int(r["month"][5:7]), 1),
            "source": FigureSource.INVOICES,
            "values": {"invoice_sales": Decimal(str(r["sales"])).quantize(Decimal("0.0001"))},
        }
        for r in rows
    ]
    created, updated, unchanged = do_store_monthly(actor=actor, items=items) if items else (0, 0, 0)
    result = Nowcast(months, len({i["enterprise_id"] for i in items}), created, updated, unchanged)
    audit.record(actor=actor, action=AuditAction.UPDATE, object_type="supply.nowcast", message=result.summary())
    if items:
        hooks.monthly_figures_changed(months=sorted({i["month"] for i in items}))
    return result
