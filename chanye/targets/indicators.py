"""Computing the catalogue's indicators for one month, for the city, every county-level unit and every cluster.

One per-enterprise table of measures is built in DuckDB from the app database (enterprises, 规上 periods,
honours, cluster links, and the monthly 统计 figures for the 24 months to the period summed per enterprise in the app
database), then each indicator is an Ibis aggregation over it. No Python loops over enterprises or months. Results
go to `IndicatorValue`.
"""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db import connection, transaction

from chanye.analytics.engine import (
    FIGURE_YEAR,
    Engine,
    connect,
    figure_year_columns,
    measure,
    sum_over,
)
from chanye.core import dates, indicators
from chanye.targets import definitions as defs
from chanye.targets.figure_uses import INDICATOR_FIGURES
from chanye.targets.models import IndicatorValue

SMART_GRADES = ["basic", "advanced", "excellent", "leading"]  # XN-RD-3, lowest first
DEFAULT_ENTERPRISE_THRESHOLDS = [10, 30, 50, 100]  # 亿元 (XN-CL-3, EZ-T-1, YY-T-1)
DEFAULT_CLUSTER_THRESHOLDS = [100, 500, 1000]  # 亿元 (XN-CL-1, HG-T-1)
WAN_PER_YI = 10000
HONOUR_KINDS = ("smart_factory", "integration_demo", "green_factory", "high_tech", "specialized", "little_giant")
HONOUR_LEVELS = ("national", "provincial", "city")  # enterprises.choices.HonourLevel, "" (not stated) aside


add_months, month_end = dates.add_months, dates.month_end  # one definition each, in core.dates


def shift_year(d: dt.date, years: int) -> dt.date:
    return d.replace(year=d.year + years)


@dataclass
class Row:
    indicator: str
    value: Decimal
    region_id: int | None = None
    cluster_id: int | None = None
    params_key: str = ""


def _num(v: Any) -> float:
    """A DuckDB aggregate as a float: NULL or NaN (a sum over no rows) is 0."""
    return 0.0 if v is None or v != v else float(v)


def _above_on(sp: Any, day: dt.date) -> Any:
    """Whether a scale period covers `day` (XN-GS-2: 规上 from the entry date until the day before the exit date)."""
    return (sp.entered_on <= day) & (sp.exited_on.isnull() | (sp.exited_on > day))


def baseline_column(day: dt.date) -> str:
    return f"above_at_{day:%Y%m%d}"


# The registry's tables the measures are built from: app table and columns (name → DuckDB type).
MEASURE_SOURCES: dict[str, tuple[str, dict[str, str]]] = {
    "ent": (
        "enterprises_enterprise",
        {
            "id": "BIGINT",
            "county_id": "BIGINT",
            "park_id": "BIGINT",
            "smart_factory_grade": "VARCHAR",
            "industry_code_id": "VARCHAR",
        },
    ),
    "codes": ("industry_industrycode", {"code": "VARCHAR", "section": "VARCHAR"}),
    "ec_m": ("enterprises_enterprise_clusters", {"enterprise_id": "BIGINT", "cluster_id": "BIGINT"}),
    "cl_m": ("industry_cluster", {"id": "BIGINT", "is_active": "BOOLEAN", "region_id": "BIGINT"}),
    "sp": (
        "enterprises_scaleperiod",
        {"enterprise_id": "BIGINT", "entered_on": "DATE", "exited_on": "DATE", "entry_assumed": "BOOLEAN"},
    ),
    "hon": ("enterprises_honour", {"enterprise_id": "BIGINT", "kind": "VARCHAR", "level": "VARCHAR"}),
    "layout_m": ("industry_countylayout", {"id": "BIGINT", "region_id": "BIGINT"}),
    "layout_cl_m": ("industry_countylayout_clusters", {"countylayout_id": "BIGINT", "cluster_id": "BIGINT"}),
}


def build_measures(engine: Engine, month: dt.date, baselines: list[dt.date] | None = None) -> Any:
    """The per-enterprise measures table for the period ending with `month` (an Ibis table on DuckDB).

    Besides the figures: the enterprise's GB/T 4754 门类 (`section`), whether it belongs to an active cluster
    (`in_cluster`), and its 规上 status at each of `baselines` (`above_at_YYYYMMDD`, for growth rates).
    """
    return start_measures(engine, month, baselines).build()


@dataclass
class PendingMeasures:
    """The measures being prepared (`start_measures`): `table` (named `measures`, its columns known) to compile
    queries on at once, `build()` to wait for the sources and fill it."""

    engine: Engine
    sql: str
    table: Any
    sources: dict[str, Any]  # MEASURE_SOURCES' tables (and `figures`), filled by `build()` too
    wait: Callable[[], None]

    def build(self) -> Any:
        self.wait()
        return self.engine.materialise("measures", self.sql)


def start_measures(engine: Engine, month: dt.date, baselines: list[dt.date] | None = None) -> PendingMeasures:
    """Start filling the measures' sources — the 统计 sums in the app database, the registry's tables copied into
    DuckDB; on PostgreSQL in the background — and compile the measures meanwhile (Ibis compilation is Python work,
    the copies are the databases'); the caller may compile its own queries on `table` before `build()`."""
    import ibis

    prepared = engine.prepare(
        MEASURE_SOURCES,
        [("figures", FIGURE_YEAR, figure_year_columns(), lambda fy: per_enterprise_figures(fy, month))],
    )
    expr = measures_expr(prepared.tables, prepared.tables["figures"], month, baselines)
    table = ibis.table(expr.schema(), name="measures")
    return PendingMeasures(engine, engine.compile(expr), table, prepared.tables, prepared.wait)


def figure_window(month: dt.date) -> tuple[int, int]:
    """The years of FigureYear rows `per_enterprise_figures` reads for `month`: last year's January (the same period
    last year, the last 12 months) to this year."""
    return month.year - 1, month.year


def per_enterprise_figures(fy: Any, month: dt.date) -> Any:
    """统计 figures summed per enterprise from FigureYear (one row per firm and year): year to date, the same period
    last year, the last 12 months, R&D."""
    y0 = dt.date(month.year, 1, 1)
    prev_y0, prev_end = dt.date(month.year - 1, 1, 1), shift_year(month, -1)
    first12 = add_months(month, -11)
    output, revenue, rd = measure("output"), measure("revenue"), measure("rd")
    fy = fy.filter((fy.source == INDICATOR_FIGURES.sources[0]) & fy.year.between(*figure_window(month)))
    return fy.group_by("enterprise_id").aggregate(
        output_ytd=sum_over(fy, output, y0, month),
        output_prev=sum_over(fy, output, prev_y0, prev_end),
        revenue_ytd=sum_over(fy, revenue, y0, month),
        revenue_12m=sum_over(fy, revenue, first12, month),
        output_12m=sum_over(fy, output, first12, month),
        rd_ytd=sum_over(fy, rd, y0, month),
        rd_prev=sum_over(fy, rd, prev_y0, prev_end),
    )


def measures_expr(t: dict[str, Any], figures: Any, month: dt.date, baselines: list[dt.date] | None = None) -> Any:
    """The measures as one Ibis expression over the source tables `t` (MEASURE_SOURCES' names) and the per-enterprise
    `figures` (`per_enterprise_figures`)."""
    import ibis

    d = month_end(month)
    y0 = dt.date(month.year, 1, 1)

    e, codes, ec, cl, sp, hon = t["ent"], t["codes"], t["ec_m"], t["cl_m"], t["sp"], t["hon"]
    members = (
        ec.inner_join(cl.filter(cl.is_active), ec.cluster_id == cl.id)
        .select("enterprise_id")
        .distinct()
        .mutate(in_cluster=ibis.literal(True))
    )
    own_members = _own_cluster_members(e, ec, cl, t["layout_m"], t["layout_cl_m"])
    # 规上 status at the period end and at each baseline, entries and exits this year (XN-GS-2, re-entries count as
    # entries; an entry whose date is assumed is not known to be new: enterprises.selectors.new_entries) — one row per
    # enterprise with a scale period, all flags from one grouping.
    flags_at = [baseline_column(b) for b in sorted(set(baselines or []))]
    scale = sp.group_by("enterprise_id").aggregate(
        is_above=_above_on(sp, d).any(),
        entered=((sp.entered_on >= y0) & (sp.entered_on <= d) & ~sp.entry_assumed).any(),
        exited=((sp.exited_on >= y0) & (sp.exited_on <= d)).any(),
        **{flag: _above_on(sp, b).any() for b, flag in zip(sorted(set(baselines or [])), flags_at, strict=True)},
    )

    kinds = [
        "high_tech",
        "rd_institution",
        "digital",
        "single_champion",
        "specialized",
        "little_giant",
        "innovative_sme",
        "green_factory",
        "chain_leader",
        "smart_factory",
        "integration_demo",
    ]
    # XN-CL-3 “国家级制造业单项冠军”: the champion honour by the level it was awarded at (`Honour.level`).
    champion_at = {
        f"has_single_champion_{lv}": ((hon.kind == "single_champion") & (hon.level == lv)).any() for lv in HONOUR_LEVELS
    }
    flags = hon.group_by("enterprise_id").aggregate(**{f"has_{k}": (hon.kind == k).any() for k in kinds}, **champion_at)
    grade = ibis.cases(*[(e.smart_factory_grade == g, i + 1) for i, g in enumerate(SMART_GRADES)], else_=0)

    # Each side's key gets a name of its own, so the joins chain without a projection after each (Ibis compiles one
    # join of six tables and one final selection: a third of the compile time of dropping the key after each join).
    sides = [
        (codes, "code"),
        (members, "enterprise_id"),
        (own_members, "enterprise_id"),
        (scale, "enterprise_id"),
        (figures, "enterprise_id"),
        (flags, "enterprise_id"),
    ]
    base = e.mutate(smart_rank=grade)
    keep = [c for c in base.columns if c != "industry_code_id"]
    joined = base
    for i, (side, key) in enumerate(sides):
        side = side.rename({f"k{i}": key})
        joined = joined.left_join(side, (base.industry_code_id if i == 0 else base.id) == side[f"k{i}"])
        keep += [c for c in side.columns if c != f"k{i}"]
    m = joined.select(*keep)
    fill: dict[str, bool | float | str] = {
        c: False
        for c in [
            "is_above",
            "entered",
            "exited",
            "in_cluster",
            "in_own_cluster",
            *flags_at,
            *[f"has_{k}" for k in kinds],
            *[f"has_single_champion_{lv}" for lv in HONOUR_LEVELS],
        ]
    }
    fill["section"] = ""
    fill |= {
        c: 0.0 for c in ["output_ytd", "output_prev", "revenue_ytd", "revenue_12m", "output_12m", "rd_ytd", "rd_prev"]
    }
    return m.mutate(**{c: m[c].fill_null(v) for c, v in fill.items()})


def _own_cluster_members(e: Any, ec: Any, cl: Any, layout: Any, lc: Any) -> Any:
    """The enterprises in an active cluster placed in their own county (HG-A-1 “对各县(市、区)产业集群开展考核评价”): a
    cluster is placed in a county by its `region` or by the county's layout (a cluster several counties share, such as
    黄冈 红安、罗田、黄州食品饮料, is each of those counties' cluster for its own firms). Flagged `in_own_cluster`."""
    import ibis

    active = cl.filter(cl.is_active)
    by_layout = lc.inner_join(layout, lc.countylayout_id == layout.id).select(
        cluster_id=lc.cluster_id, county_id=layout.region_id
    )
    by_region = active.filter(active.region_id.notnull()).select(cluster_id=active.id, county_id=active.region_id)
    placed = by_layout.union(by_region).distinct()
    placed = placed.semi_join(active, placed.cluster_id == active.id)
    homes = e.select(ent_id=e.id, home=e.county_id)
    own = ec.inner_join(placed, ec.cluster_id == placed.cluster_id).inner_join(homes, ec.enterprise_id == homes.ent_id)
    own = own.filter(own.home == own.county_id)
    return own.select("enterprise_id").distinct().mutate(in_own_cluster=ibis.literal(True))


def _reaches(m: Any, spec: defs.CountSpec) -> Any:
    """Whether an enterprise's 12-month measure reaches the spec's threshold, in its sector (EZ-T-1, YY-T-1)."""
    value = m.output_12m if spec.measure == "output" else m.revenue_12m
    bound = float(spec.threshold) * WAN_PER_YI
    cond = value >= bound if spec.inclusive else value > bound
    if spec.sections:
        cond = cond & m.section.isin(list(spec.sections))
    return cond


def _per_enterprise_aggregates(
    m: Any,
    counts: list[defs.CountSpec],
    growth: list[defs.GrowthSpec] | None = None,
) -> dict[str, Any]:
    """Named Ibis aggregations over (a group of) the measures table; `counts` are the enterprise and chain-leader
    count definitions, `growth` the 规上 count growth ones (each a current and a baseline count, `_derive`d)."""
    a = m.is_above
    aggs: dict[str, Any] = {
        "above_scale_count": a.sum(),
        "above_scale_new_count": m.entered.sum(),
        "above_scale_exit_count": m.exited.sum(),
        "above_scale_output": m.output_ytd.sum(where=a) / WAN_PER_YI,
        "above_scale_output_prev": m.output_prev.sum(where=a) / WAN_PER_YI,
        "single_champion_count": m.has_single_champion.sum(),
        **{f"single_champion_count|level={lv}": m[f"has_single_champion_{lv}"].sum() for lv in HONOUR_LEVELS},
        "specialized_count": m.has_specialized.sum(),
        "little_giant_count": m.has_little_giant.sum(),
        "innovative_sme_count": m.has_innovative_sme.sum(),
        "high_tech_count": m.has_high_tech.sum(),
        "green_factory_count": m.has_green_factory.sum(),
        "chain_leader_count": m.has_chain_leader.sum(),
        "chain_leader_output": m.output_ytd.sum(where=m.has_chain_leader) / WAN_PER_YI,
        "high_tech_above": (a & m.has_high_tech).sum(),
        "rd_above": (a & m.has_rd_institution).sum(),
        "digital_above": (a & m.has_digital).sum(),
        "rd_ytd": m.rd_ytd.sum(),
        "rd_prev": m.rd_prev.sum(),
        # HG-A-1: the unit's own clusters (placed in its county), for the yearly cluster assessment.
        "county_cluster_output": m.output_ytd.sum(where=m.in_own_cluster) / WAN_PER_YI,
        "county_cluster_output_prev": m.output_prev.sum(where=m.in_own_cluster) / WAN_PER_YI,
        "county_cluster_above_scale_count": (a & m.in_own_cluster).sum(),
        "county_cluster_new_above_count": (m.entered & m.in_own_cluster).sum(),
    }
    for i, g in enumerate(SMART_GRADES):
        aggs[f"smart_factory_count|grade={g}"] = (m.smart_rank >= i + 1).sum()
    for spec in counts:
        reaches = _reaches(m, spec)
        if spec.indicator == defs.CHAIN_LEADER_COUNT:
            reaches = reaches & m.has_chain_leader
        aggs[f"{spec.indicator}|{spec.key}"] = reaches.sum()
    for rate in growth or []:
        base = m[baseline_column(rate.baseline)]
        now = a & m.in_cluster if rate.in_clusters else a
        base = base & m.in_cluster if rate.in_clusters else base
        aggs[f"{GROWTH_NOW}|{rate.key}"] = now.sum()
        aggs[f"{GROWTH_BASE}|{rate.key}"] = base.sum()
    return aggs


GROWTH_NOW, GROWTH_BASE = "growth_now", "growth_base"


def _derive(values: dict[str, float | None]) -> dict[str, float | None]:
    """Shares and growth rates from the summed parts."""
    out = dict(values)
    above = values.get("above_scale_count") or 0

    def share(part: str) -> float | None:
        return None if not above else 100.0 * (values.get(part) or 0) / above

    out["high_tech_share"] = share("high_tech_above")
    out["rd_institution_coverage"] = share("rd_above")
    out["digital_transformation_rate"] = share("digital_above")
    prev, cur = values.get("above_scale_output_prev") or 0, values.get("above_scale_output") or 0
    out["above_scale_output_growth"] = None if not prev else 100.0 * (cur - prev) / prev
    rp, rc = values.get("rd_prev") or 0, values.get("rd_ytd") or 0
    out["rd_expense_growth"] = None if not rp else 100.0 * (rc - rp) / rp
    cp, cc = values.get("county_cluster_output_prev") or 0, values.get("county_cluster_output") or 0
    out["county_cluster_output_growth"] = None if not cp else 100.0 * (cc - cp) / cp
    for k in (
        "high_tech_above",
        "rd_above",
        "digital_above",
        "above_scale_output_prev",
        "rd_ytd",
        "rd_prev",
        "county_cluster_output_prev",
    ):
        out.pop(k, None)
    # HG-T-2 (FIDELITY D4): growth is a rate against the baseline's count, not the count itself; none without a base.
    for name in [k for k in values if k.startswith(f"{GROWTH_NOW}|")]:
        key = name.partition("|")[2]
        now, base = out.pop(name) or 0, out.pop(f"{GROWTH_BASE}|{key}", 0) or 0
        out[f"{defs.COUNT_GROWTH}|{key}"] = None if not base else 100.0 * (now - base) / base
    return out


def _add_up(
    groups: list[dict[str, Any]], keys: Iterable[str], keep: Callable[[dict[str, Any]], bool]
) -> dict[str, Any]:
    """The aggregates `keys` of the groups `keep` selects, added up (a sum over no rows is NULL, as in SQL)."""
    out: dict[str, Any] = dict.fromkeys(keys)
    for r in groups:
        if not keep(r):
            continue
        for k, v in r.items():
            if k in ("county_id", "park_id"):
                continue
            if v is not None and not (isinstance(v, float) and v != v):
                out[k] = v if out[k] is None else out[k] + v
    return out


def _in_unit(unit: int) -> Callable[[dict[str, Any]], bool]:
    return lambda r: unit in (r["county_id"], r["park_id"])


def _in_park(park: int) -> Callable[[dict[str, Any]], bool]:
    return lambda r: r["park_id"] == park


def compute(
    month: dt.date, *, engine: Engine | None = None, progress: Callable[[str], None] | None = None
) -> list[Row]:
    """Every computed indicator for `month`, for the city, each county-level unit and each cluster."""
    from chanye.industry.models import Cluster
    from chanye.regions.models import Region

    progress = progress or (lambda s: None)
    county_level = set(Region.objects.county_level().values_list("pk", flat=True))
    own = engine is None
    engine = engine or connect()
    try:
        progress("读取数据")
        growth = defs.growth_specs(month)
        counts = defs.count_specs(defs.ENTERPRISE_COUNT, DEFAULT_ENTERPRISE_THRESHOLDS) + defs.count_specs(
            defs.CHAIN_LEADER_COUNT, DEFAULT_ENTERPRISE_THRESHOLDS
        )
        top_level = Cluster.objects.filter(is_active=True, parent__isnull=True)
        top = set(top_level.exclude(family="county").values_list("pk", flat=True))
        pending = start_measures(engine, month, [g.baseline for g in growth])
        # Every query is compiled while the sources are being filled; only their execution waits for the data.
        m, ec = pending.table, pending.sources["ec_m"]
        # Every aggregate is a sum or a count, so one query grouped by (county, park) gives the city, each
        # county-level unit and each park by adding up its groups (one compile and one scan instead of three).
        aggs = _per_enterprise_aggregates(m, counts, growth)
        groups_sql = engine.compile(m.group_by("county_id", "park_id").aggregate(**aggs))
        mc = m.inner_join(ec, m.id == ec.enterprise_id)
        cluster_aggs = {
            "above_scale_count": mc.is_above.sum(),
            "above_scale_output": mc.output_ytd.sum(where=mc.is_above) / WAN_PER_YI,
            "cluster_output": mc.output_ytd.sum() / WAN_PER_YI,
            "cluster_revenue": mc.revenue_ytd.sum() / WAN_PER_YI,
            "cluster_revenue_12m": mc.revenue_12m.sum() / WAN_PER_YI,
            "cluster_output_12m": mc.output_12m.sum() / WAN_PER_YI,
            "enterprise_count": mc.count(),
            # HG-T-3: member firms holding each honour, per cluster
            **{f"honour_{k}": mc[f"has_{k}"].sum() for k in HONOUR_KINDS},
        }
        cluster_sql = engine.compile(mc.group_by("cluster_id").aggregate(**cluster_aggs))
        # XN-CL-2: 规上 output of the enterprises in any (non-county) cluster, each counted once.
        queries = {"groups": groups_sql, "clusters": cluster_sql}
        if top:
            member = ec.filter(ec.cluster_id.isin(list(top))).select("enterprise_id").distinct()
            mm = m.inner_join(member, m.id == member.enterprise_id)
            queries["member"] = engine.compile(mm.aggregate(v=mm.output_ytd.sum(where=mm.is_above) / WAN_PER_YI))

        # The three read the measures, computed once in memory within the one statement (Engine.records_with). DuckDB
        # runs it without holding the GIL: meanwhile this thread reads what comes from the registry alone.
        def run() -> dict[str, list[dict[str, Any]]]:
            pending.wait()
            return engine.records_with({"measures": pending.sql}, queries)

        with ThreadPoolExecutor(1) as pool:
            running = pool.submit(run)
            family = dict(top_level.values_list("pk", "family"))
            honour_specs = defs.honour_share_specs()
            recognised = _recognition_counts()
            results = running.result()
        rows: list[Row] = []

        def emit(values: dict[str, Any], region_id: int | None = None, cluster_id: int | None = None) -> None:
            # A sum over no rows comes back as NULL/NaN: it is zero. Shares of nothing stay undefined (None).
            values = {k: (0.0 if v is None or (isinstance(v, float) and v != v) else v) for k, v in values.items()}
            for name, v in _derive(values).items():
                if v is None:
                    continue
                code, _, pk = name.partition("|")
                rows.append(Row(code, Decimal(str(round(float(v), 4))), region_id, cluster_id, pk))

        progress("全市与区县")
        groups = results["groups"]
        city = _add_up(groups, aggs, lambda r: True)
        emit(city)
        # A county-level park (咸宁高新区) holds the firms registered under it as their county and those in its park
        # column (regions.models.RegionQuerySet.unit_parks); every other park those of its park column.
        seen = {r["county_id"] for r in groups} | {r["park_id"] for r in groups}
        for unit in sorted(county_level & seen):
            emit(_add_up(groups, aggs, _in_unit(unit)), region_id=int(unit))
        for park in sorted({r["park_id"] for r in groups if r["park_id"] is not None} - county_level):
            emit(_add_up(groups, aggs, _in_park(park)), region_id=int(park))

        progress("产业集群")
        per_cluster = results["clusters"]
        for r in per_cluster:
            for code in ("above_scale_count", "above_scale_output", "cluster_output", "cluster_revenue"):
                v = r[code]
                v = 0.0 if v is None or v != v else float(v)  # a sum over no matching rows is zero
                rows.append(Row(code, Decimal(str(round(v, 4))), cluster_id=int(r["cluster_id"])))

        rows += _cluster_counts(per_cluster, family)
        rows += _honour_rows(per_cluster, family, honour_specs)
        if "member" in results:
            v = results["member"][0]["v"]
            v = 0.0 if v is None or v != v else float(v)
            rows.append(Row("cluster_above_scale_output", Decimal(str(round(v, 4)))))
            total = float(city.get("above_scale_output") or 0)
            if total and total == total:
                rows.append(Row("cluster_share_of_above_scale_output", Decimal(str(round(100 * v / total, 4)))))

        rows += recognised
        return rows
    finally:
        if own:
            engine.close()


def _cluster_counts(per_cluster: list[dict[str, Any]], family: dict[int, str]) -> list[Row]:
    """XN-CL-1, HG-T-1, YY-T-1: top-level clusters whose 12-month revenue (or output: 黄冈 产值过千亿, 益阳 千亿级产业)
    passes (超过/过) or reaches (级/达) a threshold, of one family when the target names it (黄冈 百亿特色 = county,
    块状经济 = other; 益阳 制造业 = pillar, 服务业 = other). Without a family every top-level cluster counts, county
    characteristic ones included. `family`: the active top-level clusters' families by pk."""
    rows = []
    for spec in defs.count_specs(defs.CLUSTER_COUNT, DEFAULT_CLUSTER_THRESHOLDS):
        column = "cluster_output_12m" if spec.measure == "output" else "cluster_revenue_12m"
        n = sum(
            1
            for r in per_cluster
            if r["cluster_id"] in family
            and (not spec.family or family[r["cluster_id"]] == spec.family)
            and spec.passes(_num(r[column]))
        )
        rows.append(Row(defs.CLUSTER_COUNT, Decimal(n), params_key=spec.key))
    return rows


def _honour_rows(
    per_cluster: list[dict[str, Any]], family: dict[int, str], specs: list[defs.HonourShareSpec]
) -> list[Row]:
    """Per cluster, its member firms holding each honour; and each `cluster_share_with_honour` definition: the share of
    the family's active top-level clusters with at least `min_count` such firms — a cluster without members counts as
    falling short (HG-T-3 “每个特色产业集群……至少1家……10家”). `family` as `_cluster_counts`; `specs` the definitions."""
    rows = [
        Row(
            "cluster_honour_count",
            Decimal(int(_num(r[f"honour_{k}"]))),
            cluster_id=int(r["cluster_id"]),
            params_key=f"honour={k}",
        )
        for r in per_cluster
        for k in HONOUR_KINDS
        if _num(r[f"honour_{k}"])
    ]
    by_cluster = {int(r["cluster_id"]): r for r in per_cluster}
    for spec in specs:
        pool = [pk for pk, f in family.items() if not spec.family or f == spec.family]
        if not pool:
            continue
        meeting = sum(
            1 for pk in pool if pk in by_cluster and _num(by_cluster[pk][f"honour_{spec.honour}"]) >= spec.min_count
        )
        rows.append(
            Row(defs.CLUSTER_HONOUR_SHARE, Decimal(str(round(100.0 * meeting / len(pool), 4))), params_key=spec.key)
        )
    return rows


def _recognition_counts() -> list[Row]:
    """Active clusters by recognition level and kind, by level alone and by kind alone, and the same for recognitions
    new in the active pack's period (from the pack, not from enterprise data; EZ-T-3, HG-T-1 省级产业集群: FIDELITY
    D3; XN-CL-1 新认定)."""
    from chanye.industry.models import Cluster
    from chanye.industry.selectors import active_pack

    pack = active_pack()
    period = pack.content.get("period") if pack else None
    since = int(period[0]) if period else None
    # Every target's own definition has a figure, 0 when no cluster holds that recognition: the recognitions come from
    # the pack, so none is a count, not missing data.
    named = defs.target_params(["recognised_cluster_count"])  # the definitions' one reading of the targets
    counts: dict[str, int] = dict.fromkeys(
        (key for _, ind, params in named if (key := indicators.params_key(ind, params))), 0
    )
    for recognitions in Cluster.objects.filter(is_active=True).values_list("recognitions", flat=True):
        for key in defs.recognition_keys(recognitions or [], since):
            counts[key] = counts.get(key, 0) + 1
    return [Row("recognised_cluster_count", Decimal(n), params_key=key) for key, n in sorted(counts.items())]


@transaction.atomic
def store(month: dt.date, rows: list[Row]) -> int:
    """Replace the computed values of `month` (idempotent); those of other apps' providers (`core.indicators`) are
    theirs to replace (`store_provided`)."""
    IndicatorValue.objects.filter(period=month, source=IndicatorValue.Source.COMPUTED).exclude(
        indicator__in=indicators.provided_codes()
    ).delete()
    if connection.vendor == "postgresql":
        _copy_values(month, rows)
        return len(rows)
    IndicatorValue.objects.bulk_create(
        [
            IndicatorValue(
                indicator=r.indicator,
                params_key=r.params_key,
                period=month,
                region_id=r.region_id,
                cluster_id=r.cluster_id,
                value=r.value,
            )
            for r in rows
        ],
        batch_size=2000,
    )
    return len(rows)


def _copy_values(month: dt.date, rows: list[Row]) -> None:
    """The rows as computed `IndicatorValue`s through PostgreSQL's COPY (a tenth of the time of one INSERT of ~1,000
    rows with eight parameters each); the same columns `bulk_create` would write."""
    from django.utils import timezone

    now = timezone.now()
    table = IndicatorValue._meta.db_table
    cols = "indicator, params_key, period, region_id, cluster_id, value, source, source_note, computed_at"
    with connection.cursor() as cur, cur.copy(f"COPY {table} ({cols}) FROM STDIN") as copy:
        for r in rows:
            copy.write_row(
                (
                    r.indicator,
                    r.params_key,
                    month,
                    r.region_id,
                    r.cluster_id,
                    r.value,
                    IndicatorValue.Source.COMPUTED.value,
                    "",
                    now,
                )
            )


def history_months(months: list[dt.date]) -> list[dt.date]:
    """The months whose values the target pages need: each year's last month with data, and the latest."""
    last_of_year: dict[int, dt.date] = {}
    for m in months:
        last_of_year[m.year] = max(m, last_of_year.get(m.year, m))
    return sorted(set(last_of_year.values()))


def refresh_after_import(months: list[dt.date]) -> None:
    """After new figures arrive: recompute the affected year-end months and the latest month."""
    from chanye.analytics.selectors import latest_month

    latest = latest_month()
    wanted = set(history_months(months))
    if latest and latest in months:
        wanted.add(latest)
    for m in sorted(wanted):
        refresh(m)


@transaction.atomic
def store_provided(provider: indicators.Provider, year: int, month: dt.date | None = None) -> int:
    """A provider's values for `year` (to `month`) as computed `IndicatorValue`s: the computed values of its codes in
    the period (or the year) are replaced; reported figures are kept (and still win). Idempotent."""
    provided = provider.values(year, month)
    old = IndicatorValue.objects.filter(indicator__in=provider.codes, source=IndicatorValue.Source.COMPUTED)
    old = old.filter(period__year=year) if provided.replace == "year" else old.filter(period=provided.period)
    old.delete()
    if not provided.rows:
        return 0
    IndicatorValue.objects.bulk_create(
        [
            IndicatorValue(
                indicator=r.indicator,
                params_key=r.params_key,
                period=provided.period,
                region_id=r.region_id,
                cluster_id=r.cluster_id,
                value=r.value,
                source_note=r.note,
            )
            for r in provided.rows
        ],
        batch_size=2000,
    )
    return len(provided.rows)


def refresh(month: dt.date, *, progress: Callable[[str], None] | None = None) -> tuple[int, float]:
    """The registry's indicators of `month` (Ibis/DuckDB) and every provider's (projects, chain leaders) of its year
    to it."""
    t = time.perf_counter()
    n = store(month, compute(month, progress=progress))
    for provider in indicators.providers():
        n += store_provided(provider, month.year, month)
    return n, time.perf_counter() - t
