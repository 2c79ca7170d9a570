"""The year and county filters of the yearly firm lists (退规风险企业库 XN-GS-7, 研发强度引导名单 XN-RD-4): one reading
of `?year=` and `?county=` for their pages and exports."""

from __future__ import annotations

from collections.abc import Callable

from chanye.accounts.http import AuthedRequest
from chanye.core import access
from chanye.regions.models import Region


def year_and_unit(request: AuthedRequest, default_year: Callable[[], int]) -> tuple[int, list[Region], Region | None]:
    """The year read (`?year=`, a year outside 2000–2100 or none: `default_year()`), the county-level units the user
    may pick, and for city-wide users the unit picked (`?county=`); a county officer's `?county=` is ignored."""
    try:
        year = int(request.GET.get("year", ""))
    except ValueError:
        year = default_year()
    if not 2000 <= year <= 2100:
        year = default_year()
    units = list(Region.objects.county_level())
    unit = None
    if access.is_city_wide(request.user):
        unit = next((u for u in units if u.code == request.GET.get("county", "")), None)
    else:
        units = [u for u in units if u.pk == request.user.region_id]
    return year, units, unit
