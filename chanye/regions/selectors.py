from __future__ import annotations

from typing import Any

from django.db.models import Q

from chanye.core.text import squash
from chanye.regions.models import Region


def county_units() -> list[Region]:
    return list(Region.objects.county_level())


def units_for(user: Any) -> list[Region]:
    """The county-level units a user's pages show, one row each: every one for the city, an officer's own unit (a
    park officer's park, when it is not county-level itself)."""
    from chanye.core import access

    units = county_units()
    if access.is_officer(user):
        units = [u for u in units if u.pk == user.region_id] or [user.region]
    return units


def region_lookup() -> dict[str, Region]:
    """Every way a sheet may name a region (code, name, short name, name without 县/区/市) → region."""
    out: dict[str, Region] = {}
    for r in Region.objects.all():
        keys = {r.code, squash(r.name), squash(r.short_name or "")}
        for suffix in ("自治县", "县", "区", "市"):
            if r.name.endswith(suffix) and len(r.name) > len(suffix) + 1:
                keys.add(r.name[: -len(suffix)])
        if r.parent_id and r.parent and r.parent.level == "city":
            keys.add(squash(r.parent.name) + squash(r.name))
        for k in keys:
            if k:
                out.setdefault(k, r)
    return out


def region_name_prefixes() -> tuple[str, ...]:
    """Names to strip from the front of company names when matching (湖北省, 咸宁市, 咸宁, 嘉鱼县, 嘉鱼 …)."""
    names: set[str] = set()
    for r in Region.objects.filter(Q(level__in=["province", "city", "county"]) | Q(is_county_level=True)):
        names.add(r.name)
        if r.short_name:
            names.add(r.short_name)
        for suffix in ("省", "市", "县", "区"):
            if r.name.endswith(suffix) and len(r.name) > 2:
                names.add(r.name[: -len(suffix)])
    names.update({"湖北省", "湖北", "湖南省", "湖南"})
    return tuple(sorted(names, key=len, reverse=True))
