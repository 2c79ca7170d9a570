"""Invoice analytics as Ibis expressions: one definition each, run on DuckDB (default) or PySpark (`CHANYE_ENGINE`).

The invoice store's Parquet files are read by the engine itself; the registry's firms and county codes go in as small
tables. Amounts are stored in 元 and reported in 万元.

本地配套率 (XN-LZ-2 “本地化配套率”): of a buying firm's purchases (the amount without tax of the invoices it received),
the share bought from suppliers registered in the city — a supplier in the enterprise registry, or one whose invoice
region code (else its USCC's 3rd–8th characters, the registering authority's region) lies in the city — and, of
those, the share from its own county-level unit.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from chanye.supply import selectors, store

ENGINES = ("duckdb", "spark")
YUAN_PER_WAN = 10000


class EngineUnavailable(RuntimeError):
    """The chosen engine cannot run here; the message says why, in Chinese."""


def engine_name(name: str | None = None) -> str:
    name = (name or os.environ.get("CHANYE_ENGINE") or "duckdb").lower()
    if name not in ENGINES:
        raise EngineUnavailable(f"不支持的计算引擎“{name}”：可选 duckdb（默认）或 spark。")
    return name


@dataclass
class Session:
    """An Ibis backend with the invoice store and the registry's tables at hand."""

    con: Any
    name: str
    _registry: tuple[Any, Any, str] | None = None

    def use_registry(self, firms: Any) -> None:
        """Use `firms` (`selectors.registry_firms()`, already read by the caller) as this session's registry."""
        self._registry = (
            self.table("supply_firms", firms),
            self.table("supply_counties", selectors.region_counties()),
            selectors.home_prefix(),
        )

    def registry(self) -> tuple[Any, Any, str]:
        """The registry's firms and county codes as tables, and the city's code prefix — read once per session."""
        if self._registry is None:
            self.use_registry(selectors.registry_firms())
        assert self._registry is not None
        return self._registry

    def invoices(self, months: list[str] | None = None) -> Any:
        """The stored invoice lines of `months` (every stored month when None), with their `month` column."""
        stored = store.months()
        wanted = [m for m in (months or stored) if m in set(stored)]
        if not wanted:
            return None
        paths = [store.glob(m) for m in wanted]
        if self.name == "duckdb":
            return self.con.read_parquet(paths, hive_partitioning=True)
        # Spark reads the month folders with the store's root as the base, so that `month` comes from the folder names.
        spark = self.con._session
        df = spark.read.option("basePath", str(store.root())).parquet(*[str(store.month_dir(m)) for m in wanted])
        df.createOrReplaceTempView("supply_invoices")
        return self.con.table("supply_invoices")

    def table(self, name: str, data: Any) -> Any:
        """A small Arrow table as a table of the expression (registered with the backend when it runs)."""
        import ibis

        return ibis.memtable(data)

    def records(self, expr: Any) -> list[dict[str, Any]]:
        return expr.to_pyarrow().to_pylist()


@contextmanager
def session(name: str | None = None) -> Iterator[Session]:
    """A backend for `name` (`engine_name`): DuckDB in process; Spark in local mode, or at `CHANYE_SPARK_MASTER`."""
    import ibis

    name = engine_name(name)
    if name == "duckdb":
        con = ibis.duckdb.connect(threads=2)
        try:
            yield Session(con, name)
        finally:
            con.disconnect()
        return
    try:
        from pyspark.sql import SparkSession
    except ImportError as e:  # pragma: no cover - pyspark is in the lock file
        raise EngineUnavailable("没有安装 PySpark：请先执行 make install。") from e
    master = os.environ.get("CHANYE_SPARK_MASTER", "local[2]")
    spark = (
        SparkSession.builder.master(master)
        .appName("chanye")
        .config("spark.sql.session.timeZone", "UTC")
        .config("spark.ui.enabled", "false")
        .config("spark.ui.showConsoleProgress", "false")
        # Local mode: the driver is the executor, and results come back to it (a year's outside suppliers of 10⁸
        # lines is 1.5 million groups): the JVM's default 1 GB loses them.
        .config("spark.driver.memory", os.environ.get("CHANYE_SPARK_DRIVER_MEMORY", "6g"))
        .config("spark.driver.maxResultSize", os.environ.get("CHANYE_SPARK_MAX_RESULT", "4g"))
        .config("spark.sql.sources.partitionColumnTypeInference.enabled", "false")  # month=2026-03 stays text
        .config("spark.sql.shuffle.partitions", os.environ.get("CHANYE_SPARK_PARTITIONS", "8"))
        .getOrCreate()
    )
    spark.sparkContext.setLogLevel(os.environ.get("CHANYE_SPARK_LOG_LEVEL", "ERROR"))
    yield Session(ibis.pyspark.connect(spark), name)


def _parties(s: Session, inv: Any, buyers: set[int] | None = None) -> Any:
    """Invoice lines bought by registry firms (those of `buyers` when given: the user's scope), with where the seller
    is: `buyer_id`, `buyer_county`, `seller_id` (None outside the registry), `seller_county` (the registry's, else by
    the region code), `is_local`, `is_same_county`."""
    import ibis

    firms, counties, prefix = s.registry()
    b = firms.select(b_uscc=firms.uscc, buyer_id=firms.enterprise_id, buyer_county=firms.county_id)
    if buyers is not None:
        b = b.filter(b.buyer_id.isin(sorted(buyers) or [-1]))
    sf = firms.select(s_uscc=firms.uscc, seller_id=firms.enterprise_id, s_reg_county=firms.county_id)
    rc = counties.select(r_code=counties.code, r_county=counties.county_id)
    j = inv.inner_join(b, inv.buyer_uscc == b.b_uscc)
    j = j.left_join(sf, j.seller_uscc == sf.s_uscc)
    j = j.left_join(rc, j.seller_region == rc.r_code)
    seller_county = ibis.coalesce(j.s_reg_county, j.r_county)
    in_city = j.seller_region.substr(0, len(prefix)) == prefix if prefix else ibis.literal(False)
    return j.mutate(
        seller_county=seller_county,
        is_local=j.seller_id.notnull() | in_city,
        is_same_county=(seller_county == j.buyer_county).fill_null(False),
    )


def _amounts(j: Any, by: list[str]) -> Any:
    """Purchases grouped `by`: `total_amount`, `local_amount`, `same_county_amount` in 万元, `lines`, `buyers`."""
    amount = j.amount.cast("float64")
    return j.group_by(by).aggregate(
        total_amount=amount.sum() / YUAN_PER_WAN,
        local_amount=amount.sum(where=j.is_local) / YUAN_PER_WAN,
        same_county_amount=amount.sum(where=j.is_same_county) / YUAN_PER_WAN,
        lines=j.count(),
        buyers=j.buyer_id.nunique(),
    )


def local_share_expr(s: Session, inv: Any, buyers: set[int] | None = None) -> Any:
    """Per buying registry firm (and month): `local_amount`, `same_county_amount`, `total_amount` in 万元."""
    return _amounts(_parties(s, inv, buyers), ["buyer_uscc", "buyer_id", "buyer_county", "month"])


def sales_expr(s: Session, inv: Any, sellers: set[int] | None = None) -> Any:
    """Invoiced sales (开票销售额, without tax) of registry firms per month, in 万元: what they sold to anyone."""
    firms, _, _ = s.registry()
    sf = firms.select(s_uscc=firms.uscc, seller_id=firms.enterprise_id)
    if sellers is not None:
        sf = sf.filter(sf.seller_id.isin(sorted(sellers) or [-1]))
    j = inv.inner_join(sf, inv.seller_uscc == sf.s_uscc)
    return j.group_by(["seller_id", "month"]).aggregate(
        sales=j.amount.cast("float64").sum() / YUAN_PER_WAN, lines=j.count()
    )


def sales(months: list[str], *, sellers: set[int] | None = None, engine: str | None = None) -> list[dict[str, Any]]:
    """`sales_expr` over `months`: rows of seller_id, month ('YYYY-MM'), sales (万元, 4 decimals), lines."""
    with session(engine) as s:
        inv = s.invoices(months)
        if inv is None:
            return []
        rows = s.records(sales_expr(s, inv, sellers))
    return [{**r, "sales": round(_f(r["sales"]), 4)} for r in sorted(rows, key=lambda r: (r["seller_id"], r["month"]))]


def share(part: float | None, total: float | None) -> float | None:
    """A share in %, None when there is nothing to divide by (no purchases, or red-letter lines cancelling them)."""
    if not total or total <= 0:
        return None
    return round(100.0 * (part or 0.0) / total, 2)


def _figures(r: dict[str, Any]) -> dict[str, Any]:
    """A group's amounts (万元, 4 decimals) and shares (%, 2 decimals): the one place shares are computed."""
    total, local, same = (_f(r["total_amount"]), _f(r["local_amount"]), _f(r["same_county_amount"]))
    return {
        "local_amount": round(local, 4),
        "total_amount": round(total, 4),
        "local_share": share(local, total),
        "same_county_amount": round(same, 4),
        "same_county_share": share(same, total),
    }


def local_share(month: str, *, engine: str | None = None, buyers: set[int] | None = None) -> list[dict[str, Any]]:
    """本地配套率 of every buying registry firm in `month` ('YYYY-MM'), sorted by USCC: uscc, local_amount,
    same_county_amount and total_amount in 万元 (4 decimals), local_share and same_county_share in % (2 decimals)."""
    with session(engine) as s:
        inv = s.invoices([month])
        if inv is None:
            return []
        rows = s.records(local_share_expr(s, inv, buyers))
    return [
        {"uscc": r["buyer_uscc"], "month": r["month"], **_figures(r)}
        for r in sorted(rows, key=lambda r: r["buyer_uscc"])
    ]


def firm_months(
    months: list[str], *, engine: str | None = None, buyers: set[int] | None = None, within: Session | None = None
) -> Any:
    """The purchases of every buying registry firm (of `buyers`) per month over `months` (`local_share_expr`), as the
    engine sums them, unrounded, as an Arrow table: buyer_id, buyer_county, month, the three amounts in 万元, lines.
    Every other grouping (`roll_up`) adds these up: one scan of the lines for a page's city, counties, groups, firms.
    `within`: a session already open (the overview's, which reads the registry once for both of its scans)."""
    schema = _firm_month_schema()
    if within is None:
        with session(engine) as s:
            return firm_months(months, buyers=buyers, within=s)
    inv = within.invoices(months)
    if inv is None:
        return schema.empty_table()
    t = within.con.to_pyarrow(local_share_expr(within, inv, buyers))
    return t.select(schema.names).cast(schema)


def _firm_month_schema() -> Any:
    import pyarrow as pa

    return pa.schema(
        [
            ("buyer_id", pa.int64()),
            ("buyer_county", pa.int64()),
            ("month", pa.string()),
            ("total_amount", pa.float64()),
            ("local_amount", pa.float64()),
            ("same_county_amount", pa.float64()),
            ("lines", pa.int64()),
        ]
    )


def only_buyers(firm_rows: Any, ids: set[int]) -> Any:
    """The `firm_months` rows of the firms `ids`."""
    import pyarrow as pa
    import pyarrow.compute as pc

    return firm_rows.filter(pc.is_in(firm_rows["buyer_id"], value_set=pa.array(sorted(ids), pa.int64())))


def roll_up(firm_rows: Any, *, by: str, members: Any = None) -> list[dict[str, Any]]:
    """`firm_months` rows added up per `by` ("city", "county", "group" — with `members`, an Arrow table of
    enterprise_id, group_id: a firm in two groups counts in both — or "firm") and month, in Arrow's compute engine:
    rows of key (county id, group id, enterprise id; None for the city), month, the amounts and shares (`_figures`),
    lines and buyers (firms)."""
    import pyarrow as pa

    t = firm_rows
    if by == "city":
        t = t.append_column("key", pa.nulls(len(t), pa.int64()))
    elif by == "county":
        t = t.append_column("key", t["buyer_county"])
    elif by == "firm":
        t = t.append_column("key", t["buyer_id"])
    elif by == "group":
        if members is None or len(t) == 0:
            return []
        m = members.select(["enterprise_id", "group_id"]).cast(
            pa.schema([("enterprise_id", pa.int64()), ("group_id", pa.int64())])
        )
        joined = t.join(m, keys="buyer_id", right_keys="enterprise_id", join_type="inner")
        t = joined.rename_columns(["key" if c == "group_id" else c for c in joined.column_names])
    else:  # pragma: no cover - a programming error
        raise ValueError(by)
    if len(t) == 0:
        return []
    g = t.group_by(["key", "month"], use_threads=False).aggregate(
        [
            ("total_amount", "sum"),
            ("local_amount", "sum"),
            ("same_county_amount", "sum"),
            ("lines", "sum"),
            ("buyer_id", "count_distinct"),
        ]
    )
    out = [
        {
            "key": r["key"],
            "month": r["month"],
            "lines": int(r["lines_sum"]),
            "buyers": int(r["buyer_id_count_distinct"]),
            **_figures(
                {
                    "total_amount": r["total_amount_sum"],
                    "local_amount": r["local_amount_sum"],
                    "same_county_amount": r["same_county_amount_sum"],
                }
            ),
        }
        for r in g.to_pylist()
    ]
    return sorted(out, key=lambda r: (str(r["key"]), r["month"]))


def shares(
    months: list[str],
    *,
    by: str,
    members: Any = None,
    engine: str | None = None,
    buyers: set[int] | None = None,
) -> list[dict[str, Any]]:
    """Local shares per `by` and month over `months` (`roll_up` of `firm_months`)."""
    return roll_up(firm_months(months, engine=engine, buyers=buyers), by=by, members=members)


def outside_suppliers_expr(s: Session, inv: Any, buyers: set[int] | None = None) -> Any:
    """Purchases from suppliers outside the city, per supplier and product: amount (万元), lines, buying firms."""
    j = _parties(s, inv, buyers)
    j = j.filter(~j.is_local)
    amount = j.amount.cast("float64")
    return j.group_by(["seller_uscc", "seller_region", "product"]).aggregate(
        seller_name=j.seller_name.max(),
        amount=amount.sum() / YUAN_PER_WAN,
        lines=j.count(),
        buyer_ids=j.buyer_id.collect(distinct=True),
    )


def outside_suppliers(
    months: list[str],
    *,
    engine: str | None = None,
    buyers: set[int] | None = None,
    limit: int = 50,
    within: Session | None = None,
) -> dict[str, Any]:
    """Who the city's firms buy from outside the city over `months`: `suppliers` (largest first: uscc, name, region,
    amount 万元, share of all outside purchases %, lines, buying firms, products by amount) and `products` (per product:
    amount, suppliers, the largest supplier's share — CR1 — and the Herfindahl index over suppliers, 0–10000: how
    concentrated the city's sourcing of it is). `within`: a session already open (the overview's)."""
    if within is not None:
        inv = within.invoices(months)
        rows = within.con.to_pyarrow(outside_suppliers_expr(within, inv, buyers)) if inv is not None else None
    else:
        with session(engine) as s:
            inv = s.invoices(months)
            rows = s.con.to_pyarrow(outside_suppliers_expr(s, inv, buyers)) if inv is not None else None
    if rows is None:
        return {"suppliers": [], "products": [], "total": 0.0}
    return summarise_outside(rows, limit=limit)


def summarise_outside(rows: Any, *, limit: int = 50) -> dict[str, Any]:
    """`outside_suppliers_expr`'s groups (an Arrow table) summed per supplier and per product in
    Arrow's compute engine; only the `limit` largest suppliers are turned into Python rows (a year of a city's lines has
    hundreds of thousands of supplier × product groups)."""
    import pyarrow as pa
    import pyarrow.compute as pc

    if len(rows) == 0:
        return {"suppliers": [], "products": [], "total": 0.0}
    t = rows.set_column(rows.schema.get_field_index("product"), "product", pc.fill_null(rows["product"], "（未注明）"))
    t = t.set_column(
        t.schema.get_field_index("amount"), "amount", pc.fill_null(pc.cast(t["amount"], pa.float64()), 0.0)
    )
    total = pc.sum(t["amount"]).as_py() or 0.0

    per_supplier = t.group_by("seller_uscc", use_threads=False).aggregate([("amount", "sum"), ("lines", "sum")])
    order = pc.sort_indices(per_supplier, sort_keys=[("amount_sum", "descending"), ("seller_uscc", "ascending")])
    top = per_supplier.take(order[:limit])
    top_ids = top["seller_uscc"]
    detail = t.filter(pc.is_in(t["seller_uscc"], value_set=top_ids)).to_pylist()
    out_suppliers = []
    for sup in top.to_pylist():
        mine = [r for r in detail if r["seller_uscc"] == sup["seller_uscc"]]
        amounts: dict[str, float] = {}
        buyer_ids: set[int] = set()
        for r in mine:
            amounts[r["product"]] = amounts.get(r["product"], 0.0) + _f(r["amount"])
            buyer_ids |= set(r["buyer_ids"] or [])
        by_amount = sorted(amounts.items(), key=lambda x: -x[1])
        out_suppliers.append(
            {
                "uscc": sup["seller_uscc"],
                "name": next((r["seller_name"] for r in mine if r["seller_name"]), ""),
                "region": mine[0]["seller_region"] if mine else None,
                "amount": round(sup["amount_sum"], 4),
                "share": share(sup["amount_sum"], total),
                "lines": int(sup["lines_sum"]),
                "buyers": len(buyer_ids),
                "buyer_ids": sorted(buyer_ids),
                "products": [p for p, _ in by_amount],
                "product_amounts": [(p, round(v, 4)) for p, v in by_amount],
            }
        )

    # Per product: each supplier's amount, then the product's total, its suppliers, and over the suppliers with a
    # positive amount the largest share (CR1) and the Herfindahl index (shares in %, squared, summed: 0–10000).
    ps = t.group_by(["product", "seller_uscc"], use_threads=False).aggregate([("amount", "sum")])
    ps = ps.select(["product", "seller_uscc", "amount_sum"]).rename_columns(["product", "seller_uscc", "v"])
    everyone = ps.group_by("product", use_threads=False).aggregate([("v", "sum"), ("seller_uscc", "count")])
    everyone = everyone.select(["product", "v_sum", "seller_uscc_count"]).rename_columns(
        ["product", "amount", "suppliers"]
    )
    pos = ps.filter(pc.greater(ps["v"], 0.0))
    spread = pos.group_by("product", use_threads=False).aggregate([("v", "sum"), ("v", "max")])
    spread = spread.select(["product", "v_sum", "v_max"]).rename_columns(["product", "denom", "top"])
    pos = pos.join(spread, keys="product")
    pos = pos.append_column("sq", pc.power(pc.divide(pc.multiply(pos["v"], 100.0), pos["denom"]), 2))
    hhi = pos.group_by("product", use_threads=False).aggregate([("sq", "sum")])
    hhi = hhi.select(["product", "sq_sum"]).rename_columns(["product", "hhi"])
    per_product = everyone.join(spread, keys="product", join_type="left outer")
    per_product = per_product.join(hhi, keys="product", join_type="left outer")
    order = pc.sort_indices(per_product, sort_keys=[("amount", "descending"), ("product", "ascending")])
    out_products = [
        {
            "product": r["product"],
            "amount": round(r["amount"], 4),
            "share": share(r["amount"], total),
            "suppliers": int(r["suppliers"]),
            "cr1": share(r["top"], r["denom"]) if r["top"] is not None else None,
            "hhi": round(r["hhi"], 1) if r["hhi"] is not None and r["denom"] else None,
        }
        for r in per_product.take(order[:limit]).to_pylist()
    ]
    return {"suppliers": out_suppliers, "products": out_products, "total": round(total, 4)}


def supplier_graph(
    enterprise_id: int,
    months: list[str],
    *,
    engine: str | None = None,
    visible: set[int] | None = None,
    first_max: int = 15,
    second_max: int = 5,
) -> dict[str, Any]:
    """A firm's local suppliers and their own local suppliers (two levels), with the amounts bought over `months`
    (万元): `nodes` (id, name, uscc, level 0/1/2, county_id, in_registry) and `edges` (source → target: the supplier
    sells to the buyer, amount); the `first_max` largest suppliers and, of each, its `second_max` largest, so that the
    picture stays readable (`more`: how many smaller ones were left out). Firms outside `visible` (another county's,
    for a county officer) are drawn as one node per level, “其他区县企业”, without names."""
    firms = selectors.registry_firms()
    by_id = {r["enterprise_id"]: r for r in firms.to_pylist()}
    root = by_id.get(enterprise_id)
    if root is None:
        return {"nodes": [], "edges": []}
    with session(engine) as s:
        s.use_registry(firms)  # read once: the graph's names and the parties' locations
        inv = s.invoices(months)
        if inv is None:
            return {"nodes": [], "edges": []}
        j = _parties(s, inv)
        local = j.filter(j.is_local)
        amount = local.amount.cast("float64")
        first = local.filter(local.buyer_id == enterprise_id)
        first = s.records(
            first.group_by(["seller_uscc", "seller_id"]).aggregate(
                amount=amount.sum() / YUAN_PER_WAN, name=first.seller_name.max()
            )
        )
        first.sort(key=lambda r: (-_f(r["amount"]), r["seller_uscc"]))
        left_out = max(0, len(first) - first_max)
        first = first[:first_max]
        level1 = sorted({r["seller_id"] for r in first if r["seller_id"] is not None})
        second = []
        if level1:
            sel = local.filter(local.buyer_id.isin(level1) & (local.seller_uscc != root["uscc"]))
            second = s.records(
                sel.group_by(["buyer_id", "seller_uscc", "seller_id"]).aggregate(
                    amount=sel.amount.cast("float64").sum() / YUAN_PER_WAN, name=sel.seller_name.max()
                )
            )
    kept: list[dict[str, Any]] = []
    per_buyer: dict[int, int] = {}
    for r in sorted(second, key=lambda r: (-_f(r["amount"]), r["seller_uscc"])):
        if per_buyer.get(r["buyer_id"], 0) < second_max:
            per_buyer[r["buyer_id"]] = per_buyer.get(r["buyer_id"], 0) + 1
            kept.append(r)
    graph = _graph(root, first, kept, by_id, visible)
    graph["more"] = left_out + len(second) - len(kept)
    return graph


def _graph(
    root: dict[str, Any],
    first: list[dict[str, Any]],
    second: list[dict[str, Any]],
    by_id: dict[int, dict[str, Any]],
    visible: set[int] | None,
) -> dict[str, Any]:
    nodes: dict[str, dict[str, Any]] = {}
    edges: dict[tuple[str, str], float] = {}

    def node(uscc: str, eid: int | None, name: str | None, level: int) -> str:
        firm = by_id.get(eid) if eid is not None else None
        if firm is not None and visible is not None and eid not in visible:
            key = f"hidden-{level}"
            nodes.setdefault(key, {"id": key, "name": "其他区县企业", "uscc": "", "level": level, "in_registry": True})
            return key
        if uscc not in nodes:
            nodes[uscc] = {
                "id": uscc,
                "name": (firm["name"] if firm else None) or name or uscc,
                "uscc": uscc,
                "level": level,
                "enterprise_id": eid,
                "county_id": firm["county_id"] if firm else None,
                "in_registry": firm is not None,
            }
        return uscc

    top = node(root["uscc"], root["enterprise_id"], root["name"], 0)
    for r in first:
        src = node(r["seller_uscc"], r["seller_id"], r["name"], 1)
        edges[(src, top)] = edges.get((src, top), 0.0) + _f(r["amount"])
    for r in second:
        buyer = by_id[r["buyer_id"]]
        dst = node(buyer["uscc"], buyer["enterprise_id"], buyer["name"], 1)
        src = node(r["seller_uscc"], r["seller_id"], r["name"], 2)
        if src != dst:
            edges[(src, dst)] = edges.get((src, dst), 0.0) + _f(r["amount"])
    return {
        "nodes": list(nodes.values()),
        "edges": [{"source": a, "target": b, "amount": round(v, 4)} for (a, b), v in sorted(edges.items())],
    }


def _f(v: Any) -> float:
    return 0.0 if v is None else float(v)
