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

    def invoices(self, months: list[str] | None = None) -> Any:
        """The stored invoice lines of `months` (every stored month when None), with their `month` column."""
        wanted = [m for m in (months or store.months()) if m in set(store.months())]
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
        .config("spark.sql.sources.partitionColumnTypeInference.enabled", "false")  # month=2026-03 stays text
        .config("spark.sql.shuffle.partitions", os.environ.get("CHANYE_SPARK_PARTITIONS", "8"))
        .getOrCreate()
    )
    yield Session(ibis.pyspark.connect(spark), name)


def _parties(s: Session, inv: Any) -> Any:
    """Invoice lines bought by registry firms, with where the seller is: `buyer_id`, `buyer_county`, `seller_id`
    (None outside the registry), `seller_county` (the registry's, else by the region code), `is_local`,
    `is_same_county`."""
    import ibis

    firms = s.table("supply_firms", selectors.registry_firms())
    counties = s.table("supply_counties", selectors.region_counties())
    prefix = selectors.home_prefix()
    b = firms.select(b_uscc=firms.uscc, buyer_id=firms.enterprise_id, buyer_county=firms.county_id)
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


def local_share_expr(s: Session, inv: Any) -> Any:
    """Per buying registry firm (and month): `local_amount`, `same_county_amount`, `total_amount` in 万元."""
    j = _parties(s, inv)
    amount = j.amount.cast("float64")
    return j.group_by(["buyer_uscc", "buyer_id", "buyer_county", "month"]).aggregate(
        total_amount=amount.sum() / YUAN_PER_WAN,
        local_amount=amount.sum(where=j.is_local) / YUAN_PER_WAN,
        same_county_amount=amount.sum(where=j.is_same_county) / YUAN_PER_WAN,
        lines=j.count(),
    )


def share(part: float | None, total: float | None) -> float | None:
    """A share in %, None when there is nothing to divide by (no purchases, or red-letter lines cancelling them)."""
    if not total or total <= 0:
        return None
    return round(100.0 * (part or 0.0) / total, 2)


def local_share(month: str, *, engine: str | None = None) -> list[dict[str, Any]]:
    """本地配套率 of every buying registry firm in `month` ('YYYY-MM'), sorted by USCC: uscc, local_amount,
    same_county_amount and total_amount in 万元 (4 decimals), local_share and same_county_share in % (2 decimals)."""
    with session(engine) as s:
        inv = s.invoices([month])
        if inv is None:
            return []
        rows = s.records(local_share_expr(s, inv))
    out = []
    for r in sorted(rows, key=lambda r: r["buyer_uscc"]):
        total, local, same = (_f(r["total_amount"]), _f(r["local_amount"]), _f(r["same_county_amount"]))
        out.append(
            {
                "uscc": r["buyer_uscc"],
                "month": r["month"],
                "local_amount": round(local, 4),
                "total_amount": round(total, 4),
                "local_share": share(local, total),
                "same_county_amount": round(same, 4),
                "same_county_share": share(same, total),
            }
        )
    return out


def _f(v: Any) -> float:
    return 0.0 if v is None else float(v)
