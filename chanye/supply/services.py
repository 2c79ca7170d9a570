"""Writes of the supply app: an outside supplier into a chain link's 招商目标库 (through `hooks.add_attraction_target`,
so the chains app's own permission, checks and audit apply)."""

from __future__ import annotations

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
