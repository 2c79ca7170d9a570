"""Which chain links a county is closest to hosting (可培育的产业链环节, issue 6 §6, XN-CL-5 按图索骥).

The arithmetic is `chanye.analytics.relatedness.link_opportunities` (a link's density is the maximum relatedness
density of the GB/T 4754 大类 its codes fall in; see its docstring for why the maximum); this module reads what it
needs from the database: the links of the active chains and the links on which the county already has an enterprise
(the user's scope through `LinkEnterprise.objects.for_user`, so a county officer's own county is judged on their own
placements). Links the county already hosts are not recommended.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from chanye.analytics.relatedness import Complexity, LinkCandidate, LinkOpportunity, link_opportunities

from .models import ChainLink
from .selectors import members_for


def link_candidates() -> list[LinkCandidate]:
    """Every link of the active chains with GB/T 4754 codes, in chain order."""
    links = (
        ChainLink.objects.filter(chain__is_active=True)
        .select_related("chain")
        .order_by("chain__sort_order", "chain__code", "position")
    )
    return [
        LinkCandidate(
            key=x.pk,
            name=x.name,
            chain=x.chain.name,
            codes=[str(c) for c in (x.gbt4754 or [])],
            is_key=x.is_key,
            is_chokepoint=x.is_chokepoint,
        )
        for x in links
        if x.gbt4754
    ]


def hosted_links(*, user: Any, county: Any) -> set[int]:
    """The links on which `county` (a county or park) has at least one enterprise the user may see."""
    return set(members_for(user, county).values_list("link_id", flat=True).distinct())


def county_link_opportunities(
    c: Complexity,
    *,
    county: Any,
    divisions: Sequence[str],
    user: Any,
    k: int = 5,
    top: int | None = 20,
) -> list[LinkOpportunity]:
    """The links `county` has no enterprise on, ranked by how close it is to hosting them (two queries)."""
    return link_opportunities(
        c,
        county.name,
        link_candidates(),
        divisions=divisions,
        hosted=hosted_links(user=user, county=county),
        k=k,
        top=top,
    )
