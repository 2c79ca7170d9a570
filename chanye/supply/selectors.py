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
    return str(top.code[:2] if top.level == "province" else top.code[:4])


# ---------------------------------------------------------------- figures for pages, exports, the API and other apps
# One definition each: the 供应链 pages, their .xlsx export, /api/v1/supply/… and the chain-leader pages (through
# hooks.invoice_purchases) all read these.


def years() -> list[int]:
    """Years with stored invoices, newest first."""
    from chanye.supply import store

    return sorted({int(m[:4]) for m in store.months()}, reverse=True)


def year_months(year: int) -> list[str]:
    from chanye.supply import store

    return [m for m in store.months() if m.startswith(f"{year}-")]


def scope_buyers(user: Any) -> set[int] | None:
    """The firms whose purchases `user` may see: None (all) for city-wide users, else their scope's firms."""
    from chanye.core import access
    from chanye.enterprises.models import Enterprise

    if access.is_city_wide(user):
        return None
    return set(access.scoped(Enterprise, user).values_list("pk", flat=True))


def add_up(rows: list[dict[str, Any]]) -> dict[Any, dict[str, Any]]:
    """Monthly rows (`analytics.shares`) added up per key over the months: amounts summed, shares recomputed by the
    one share function, the months with data listed."""
    from chanye.supply.analytics import _figures

    sums: dict[Any, dict[str, Any]] = {}
    for r in rows:
        s = sums.setdefault(
            r["key"],
            {"key": r["key"], "total_amount": 0.0, "local_amount": 0.0, "same_county_amount": 0.0, "months": []},
        )
        for k in ("total_amount", "local_amount", "same_county_amount"):
            s[k] += r[k]
        s["months"].append(r["month"])
    return {k: {"key": k, "months": sorted(v["months"]), **_figures(v)} for k, v in sums.items()}


def target() -> dict[str, Any] | None:
    """XN-LZ-2's local supporting rate target of the active pack (value in %, comparator), if it has one."""
    from chanye.industry.models import Target

    t = Target.objects.filter(indicator="local_supporting_rate", is_active=True).order_by("year").first()
    if t is None:
        return None
    return {"value": float(t.value), "comparator": t.comparator, "label": t.label, "rule": t.rule, "year": t.year}


def meets(value: float | None, goal: dict[str, Any] | None) -> bool | None:
    """Whether a share meets the target (超过 excludes the bound, 达到/不低于 includes it); None without either."""
    if value is None or goal is None:
        return None
    from chanye.core import bounds

    return bounds.reaches(value, goal["comparator"], float(goal["value"]))


def invoice_purchases(*, enterprise_ids: list[int], year: int) -> dict[int, dict[str, Any]]:
    """`hooks.invoice_purchases`: each firm's invoiced purchases of `year` (those with invoices only)."""
    from chanye.supply import analytics

    months = year_months(year)
    if not months or not enterprise_ids:
        return {}
    per_month = analytics.shares(months, by="firm", buyers=set(enterprise_ids))
    return {int(k): v for k, v in add_up(per_month).items()}


# Link words too general to place a product by containing them (a link named 材料 does not own every 新材料); they
# still match a product named exactly so.
GENERIC_WORDS = frozenset(
    {
        "材料",
        "原料",
        "设备",
        "制造",
        "加工",
        "产品",
        "配件",
        "零件",
        "部件",
        "服务",
        "销售",
        "应用",
        "研发",
        "下游",
        "上游",
    }
)


def link_of(product: str | None, links: list[dict[str, Any]]) -> dict[str, Any] | None:
    """The chain link a purchased product belongs to: the link whose product names (or own name) the product's name
    contains, the longest such name first; None when no link names it."""
    if not product:
        return None
    best: tuple[int, dict[str, Any]] | None = None
    for link in links:
        for word in [*link["products"], link["name"]]:
            word = (word or "").strip()
            if len(word) < 2 or (word in GENERIC_WORDS and word != product.strip()):
                continue
            if word in product and (best is None or len(word) > best[0]):
                best = (len(word), link)
    return best[1] if best else None


def supplier_link(product_amounts: list[tuple[str, float]], links: list[dict[str, Any]]) -> dict[str, Any] | None:
    """The link an outside supplier serves: the one its products name for the largest amount, when that is at least a
    third of what the city bought from it (a supplier of many things is not pinned on a side line); else None."""
    total = sum(max(a, 0.0) for _, a in product_amounts)
    by_link: dict[int, float] = {}
    found: dict[int, dict[str, Any]] = {}
    for product, amount in product_amounts:
        if (lk := link_of(product, links)) is not None and amount > 0:
            by_link[lk["id"]] = by_link.get(lk["id"], 0.0) + amount
            found[lk["id"]] = lk
    if not by_link or total <= 0:
        return None
    best = max(by_link, key=lambda k: by_link[k])
    return found[best] if by_link[best] * 3 >= total else None


def chain_links(chain_id: int | None = None) -> list[dict[str, Any]]:
    from chanye.core import hooks

    links = [x for answer in hooks.chain_links() for x in answer]
    return [x for x in links if chain_id is None or x["chain_id"] == chain_id]


def leaders() -> list[dict[str, Any]]:
    from chanye.core import hooks

    return [x for answer in hooks.chain_leaders() for x in answer]


def trend(user: Any, year: int, firm_rows: Any = None) -> list[dict[str, Any]]:
    """The user's scope (the city for city-wide users) month by month. `firm_rows`: the scope's `analytics.firm_months`
    of the year when the caller has them (one scan for the whole page)."""
    from chanye.supply import analytics

    return analytics.roll_up(_firm_rows(user, year, firm_rows), by="city")


def _firm_rows(user: Any, year: int, firm_rows: Any) -> Any:
    from chanye.supply import analytics

    return firm_rows if firm_rows is not None else analytics.firm_months(year_months(year), buyers=scope_buyers(user))


def counties(user: Any, year: int, firm_rows: Any = None) -> list[dict[str, Any]]:
    """Each county-level unit's year (its firms' purchases), highest local share first."""
    from chanye.regions.models import Region
    from chanye.supply import analytics

    goal = target()
    names = dict(Region.objects.county_level().values_list("pk", "name"))
    rows = add_up(analytics.roll_up(_firm_rows(user, year, firm_rows), by="county"))
    return sorted(
        ({**v, "name": names.get(k, "（未填区县）"), "meets": meets(v["local_share"], goal)} for k, v in rows.items()),
        key=lambda r: -(r["local_share"] if r["local_share"] is not None else -1),
    )


def clusters(user: Any, year: int, firm_rows: Any = None) -> list[dict[str, Any]]:
    """Each active cluster's year: the purchases of its member firms (a sub-cluster's counted in its parent too; a firm
    in two clusters counts in both), highest total first."""
    import pyarrow as pa

    from chanye.enterprises.models import Enterprise
    from chanye.industry.models import Cluster
    from chanye.supply import analytics

    goal = target()
    active = {c.pk: c for c in Cluster.objects.filter(is_active=True)}
    pairs: set[tuple[int, int]] = set()
    for eid, cid in Enterprise.clusters.through.objects.filter(cluster__is_active=True).values_list(
        "enterprise_id", "cluster_id"
    ):
        pairs.add((eid, cid))
        parent = active[cid].parent_id if cid in active else None
        if parent in active:
            pairs.add((eid, parent))
    if not pairs:
        return []
    members = pa.table(
        {"enterprise_id": [p[0] for p in sorted(pairs)], "group_id": [p[1] for p in sorted(pairs)]},
        schema=pa.schema([("enterprise_id", pa.int64()), ("group_id", pa.int64())]),
    )
    rows = add_up(analytics.roll_up(_firm_rows(user, year, firm_rows), by="group", members=members))
    out = [
        {**v, "name": active[k].name, "top_level": active[k].parent_id is None, "meets": meets(v["local_share"], goal)}
        for k, v in rows.items()
        if k in active
    ]
    return sorted(out, key=lambda r: (not r["top_level"], -r["total_amount"]))


def leader_figures(user: Any, year: int, firm_rows: Any = None) -> list[dict[str, Any]]:
    """The listed chain leaders in the user's scope with their invoiced year (None without invoices) against XN-LZ-2."""
    from chanye.supply import analytics

    goal = target()
    buyers = scope_buyers(user)
    rows = [x for x in leaders() if buyers is None or x["enterprise_id"] in buyers]
    if not rows:
        return []
    ids = {x["enterprise_id"] for x in rows}
    if firm_rows is None:
        firm_rows = analytics.firm_months(year_months(year), buyers=ids)
    figures = add_up(analytics.roll_up(analytics.only_buyers(firm_rows, ids), by="firm"))
    out = []
    for x in rows:
        f = figures.get(x["enterprise_id"])
        out.append({**x, "figures": f, "meets": meets(f["local_share"] if f else None, goal)})
    return out


def outside(
    user: Any,
    year: int,
    *,
    buyers: set[int] | None = None,
    links: list[dict[str, Any]] | None = None,
    limit: int = 30,
    within: Any = None,
) -> dict[str, Any]:
    """Outside suppliers of the user's scope (or of `buyers` within it), each product and supplier mapped onto a link
    of `links` (every active chain's by default)."""
    from chanye.supply import analytics

    scope = scope_buyers(user)
    if buyers is not None:
        scope = buyers if scope is None else buyers & scope
    out = analytics.outside_suppliers(year_months(year), buyers=scope, limit=limit, within=within)
    links = chain_links() if links is None else links
    for s in out["suppliers"]:
        s["link"] = supplier_link(s["product_amounts"], links)
    for p in out["products"]:
        p["link"] = link_of(p["product"], links)
    return out


def overview(user: Any, year: int) -> dict[str, Any]:
    """Everything the 供应链 overview shows for `year` within the user's scope (the page and its export), kept in the
    cache for `CHANYE_SUPPLY_CACHE_SECONDS` (600; 0 turns it off) under the invoice store's signature and the
    registry's (firms' count and last change): a new import or a changed firm computes it again."""
    import hashlib

    from django.conf import settings
    from django.core.cache import cache

    from chanye.core import access
    from chanye.enterprises.selectors import registry_version
    from chanye.supply import store

    seconds = int(getattr(settings, "CHANYE_SUPPLY_CACHE_SECONDS", 600))
    if seconds <= 0:
        return _overview(user, year)
    scope = user.region_id if access.is_officer(user) else "city"
    raw = f"{year}|{scope}|{store.signature()}|{registry_version()}"
    key = "supply:overview:" + hashlib.sha256(raw.encode()).hexdigest()
    found: dict[str, Any] | None = cache.get(key)
    if found is None:
        found = _overview(user, year)
        cache.set(key, found, seconds)
    return found


def _overview(user: Any, year: int) -> dict[str, Any]:
    from chanye.supply import analytics

    # One scan of the year's lines for the trend, the counties, the clusters and the leaders (each a roll-up of the
    # scope's firm-month purchases), one for the outside suppliers.
    with analytics.session() as s:
        firm_rows = analytics.firm_months(year_months(year), buyers=scope_buyers(user), within=s)
        suppliers = outside(user, year, within=s)
    rows = trend(user, year, firm_rows)
    return {
        "months": year_months(year),
        "trend": rows,
        "total": add_up([{**r, "key": None} for r in rows]).get(None),
        "counties": counties(user, year, firm_rows),
        "clusters": clusters(user, year, firm_rows),
        "leaders": leader_figures(user, year, firm_rows),
        "outside": suppliers,
        "goal": target(),
        "links": chain_links(),
    }
