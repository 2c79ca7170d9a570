"""`{% rule_ref "XN-LZ-11" %}`: a rule ID shown on a page only when it is the active pack's city's rule.

Pages carry the rule IDs of the texts they implement (“链上金融（XN-LZ-11）”). A 咸宁 ID on 黄冈's page would
tell 黄冈's officers their own policy says so; the tag prints the IDs whose city prefix (XN, EZ, HG, YY …) the active
pack's rules use, in full-width brackets, and nothing otherwise.
"""

from __future__ import annotations

import functools
import json
import re
from typing import Any

from django import template

register = template.Library()
RULE = re.compile(r"\b([A-Z]{2})-[A-Z]+-\d+\b")


@functools.lru_cache(maxsize=8)
def _prefixes(pack_pk: int, loaded_at: Any) -> frozenset[str]:
    from chanye.industry.models import Pack

    content = Pack.objects.filter(pk=pack_pk).values_list("content", flat=True).first() or {}
    return frozenset(RULE.findall(json.dumps(content, ensure_ascii=False)))


def city_rules(pack: Any, ids: tuple[str, ...]) -> list[str]:
    """The IDs among `ids` of the active pack's city (by prefix); none without a pack."""
    if pack is None:
        return []
    prefixes = _prefixes(pack.pk, getattr(pack, "loaded_at", None))
    return [i for i in ids if (m := RULE.match(i)) and m.group(1) in prefixes]


@register.simple_tag(takes_context=True)
def rule_ref(context: template.Context, *ids: str, bare: bool = False) -> str:
    shown = city_rules(context.get("active_pack"), ids)
    if not shown:
        return ""
    text = "、".join(shown)
    return text if bare else f"（{text}）"
