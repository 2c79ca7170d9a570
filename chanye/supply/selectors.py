"""Reads of the registry the invoice analytics join with (as Arrow tables: they go into DuckDB or Spark as they are)."""

from __future__ import annotations

from typing import Any


def registry_firms() -> Any:
    """Every enterprise of the registry: `uscc`, `enterprise_id`, `name`, `county_id` (its county-level unit), as a
    pyarrow table."""
    import pyarrow as pa

    from chanye.enterprises.models import Enterprise

    rows = list(Enterprise.objects.values_list("uscc", "pk", "name", "county_id"))
    cols = list(zip(*rows, strict=True)) if rows else [(), (), (), ()]
    return pa.table(
        {
            "uscc": pa.array(cols[0], type=pa.string()),
            "enterprise_id": pa.array(cols[1], type=pa.int64()),
            "name": pa.array(cols[2], type=pa.string()),
            "county_id": pa.array(cols[3], type=pa.int64()),
        }
    )


def region_counties() -> Any:
    """GB/T 2260 six-digit codes of the county-level units → their id (`code`, `county_id`), as a pyarrow table: where
    an outside-the-registry party is, by the invoice's region code."""
    import pyarrow as pa

    from chanye.regions.models import Region

    rows = [(c, pk) for c, pk in Region.objects.county_level().values_list("code", "pk") if c.isdigit() and len(c) == 6]
    return pa.table(
        {
            "code": pa.array([c for c, _ in rows], type=pa.string()),
            "county_id": pa.array([pk for _, pk in rows], type=pa.int64()),
        }
    )


def home_prefix() -> str:
    """The leading digits of the GB/T 2260 code that mark "registered here": the city's four (421200 → 4212), or
    the province's two when the deployment's top region is a province. '' when no region is loaded."""
    from chanye.regions.models import Region

    top = Region.objects.filter(parent__isnull=True).exclude(level="park").order_by("sort_order", "code").first()
    if top is None or not top.code[:6].isdigit():
        return ""
    return top.code[:2] if top.level == "province" else top.code[:4]
