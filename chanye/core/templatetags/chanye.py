from __future__ import annotations

from decimal import Decimal

from django import template
from django.utils.html import format_html
from django.utils.safestring import mark_safe

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
        exponent = value.as_tuple().exponent
        v = value.quantize(Decimal("0.01")) if isinstance(exponent, int) and exponent < -2 else value
        return f"{v.normalize():f}"
    return str(value)


@register.filter
def figure(value: object, unit: str = "") -> str:
    """A figure with its unit: counts (家, 个 … core.indicators.COUNT_UNITS) as whole numbers — 55家, not 55.0家 —,
    other figures to one decimal (29.7亿元); "—" without a figure."""
    from chanye.core.indicators import COUNT_UNITS

    if value is None or value == "":
        return "—"
    try:
        d = Decimal(str(value))
    except ArithmeticError:
        return f"{value}{unit}"
    places = Decimal(1) if unit in COUNT_UNITS else Decimal("0.1")
    return f"{d.quantize(places):f}{unit}"


@register.filter
def model_name(label: object) -> str:
    """An audit row's object type ("accounts.user") in words (用户); the label itself for a model no longer there."""
    from django.apps import apps

    try:
        return str(apps.get_model(str(label))._meta.verbose_name)
    except (LookupError, ValueError):
        return str(label)


@register.filter
def decnum(value: object) -> str:
    """A number stored as text (an assessment's actual value "24.0000") shown like `num`: 24."""
    try:
        return num(Decimal(str(value))) if value not in (None, "") else "—"
    except ArithmeticError:
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


_JSON_SCRIPT_ESCAPES = {ord(">"): "\\u003E", ord("<"): "\\u003C", ord("&"): "\\u0026"}


@register.filter
def json_text(value: str, element_id: str) -> str:
    """Text that is JSON already, in a <script type="application/json" id=…> block, escaped as Django's json_script
    escapes (so a name containing </script> cannot end the block). For views that hand templates a JSON string."""
    return format_html(
        '<script id="{}" type="application/json">{}</script>',
        element_id,
        mark_safe(str(value).translate(_JSON_SCRIPT_ESCAPES)),
    )
