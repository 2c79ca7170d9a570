from __future__ import annotations

from decimal import Decimal

from django import template

register = template.Library()

_CMP = {">=": "≥", ">": ">", "<=": "≤", "<": "<", "=": "=", "increase_by": "增长", "decrease_by": "下降"}


@register.filter
def cmp(value: str) -> str:
    return _CMP.get(value, value)


@register.filter
def num(value: object) -> str:
    """A Decimal without trailing zeros: 2000.0000 → 2000, 1.5000 → 1.5."""
    if value is None:
        return "—"
    if isinstance(value, Decimal):
        v = value.quantize(Decimal("0.01")) if value.as_tuple().exponent < -2 else value
        return f"{v.normalize():f}"
    return str(value)


@register.filter
def pct(value: object, target: object) -> float:
    try:
        t = float(target)  # type: ignore[arg-type]
        return 0.0 if t == 0 else round(float(value) / t * 100, 1)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return 0.0


@register.filter
def get(mapping: object, key: str) -> object:
    """An attribute, or a dict entry: {{ row|get:field }}."""
    if isinstance(mapping, dict):
        return mapping.get(key)
    try:
        return getattr(mapping, key)
    except AttributeError:
        return None
