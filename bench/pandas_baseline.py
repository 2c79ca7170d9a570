"""A plain pandas baseline for `chanye analyze` and `chanye indicators` (issue 11, Speed).

What a competent analyst would write without chanye: read the tables with PostgreSQL's COPY into pandas, compute
the month's alerts (XN-GS-6 threshold reminders, XN-GS-7 exit-risk warnings, the XN-GS-4/5 candidate pool) and the
enterprise indicators (city, county-level units, parks, clusters) with vectorised pandas, and store them the obvious
way: a bulk insert skipping existing rows (alerts, candidates) and delete-then-COPY (indicators) into scratch tables
`bench_pandas_*` of the same database. "End to end" is read + compute + store, as for chanye.

It then checks that it found exactly what chanye stored for the month (set equality on enterprise, kind, month and
figures for alerts; indicator, parameters, region, cluster and value for indicators) and prints the mismatches.

    python bench/pandas_baseline.py --month 2026-11                 # both, then the comparison with chanye
    python bench/pandas_baseline.py --month 2026-11 --only analyze  # (bench/analysis.py times it as a subprocess)

Needs only pandas and psycopg (both already installed with chanye); no Django. The database is
`BENCH_DATABASE_URL` (default postgres://postgres@127.0.0.1:5432/chanye_bench).
"""

from __future__ import annotations

import argparse
import datetime as dt
import io
import json
import os
import sys
import time
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

import pandas as pd
import psycopg

DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/chanye_bench"
# chanye.projects.indicators.PROJECT_INDICATORS: computed from the project library, not by the enterprise indicators.
PROJECT_INDICATORS = (
    "key_projects_landed_count",
    "projects_started_count",
    "projects_producing_count",
    "key_project_reserve_count",
    "growth_point_count",
    "growth_point_reserve_count",
    "growth_point_expected_output",
    "techrenovation_project_count",
    "project_count_investment_over",
    "techrenovation_coverage",
)
HONOUR_KINDS = [
    "high_tech",
    "rd_institution",
    "digital",
    "single_champion",
    "specialized",
    "little_giant",
    "innovative_sme",
    "green_factory",
    "chain_leader",
]
# chanye.targets.indicators.HONOUR_KINDS: per cluster, its member firms holding each (HG-T-3)
CLUSTER_HONOUR_KINDS = (
    "smart_factory",
    "integration_demo",
    "green_factory",
    "high_tech",
    "specialized",
    "little_giant",
)
INVOICE_SOURCES = ("tax", "stats", "self", "invoices")  # chanye.cultivation.figure_uses.THRESHOLD_REMINDER.sources
SOURCE_LABELS = {"stats": "统计", "tax": "税务", "power": "电力", "self": "企业自报", "invoices": "发票明细"}


def source_note(source: str) -> str:
    return "" if source == "tax" else f"（{SOURCE_LABELS[source]}来源，无税务数据）"


HONOUR_LEVELS = ("national", "provincial", "city")  # chanye.targets.indicators.HONOUR_LEVELS
SMART_GRADES = ["basic", "advanced", "excellent", "leading"]
# How chanye reads a target's definition (chanye.core.indicators.params_key, chanye.targets.definitions): the bound's
# word, the measure, the GB/T 4754 门类 of a sector.
BOUND = {w: ">=" for w in (">=", "≥", "以上", "达", "达到", "级", "不低于", "不少于")}
BOUND |= {w: ">" for w in (">", "超过", "超", "突破", "过")}
MEASURE = {"revenue": "revenue", "营业收入": "revenue", "营收": "revenue"}
MEASURE |= {"output": "output", "产值": "output", "工业总产值": "output", "总产值": "output"}
SERVICES = "FGHIJKLMNOPQRST"
SECTIONS = {"农林牧渔业": "A", "农、林、牧、渔业": "A", "采矿业": "B", "制造业": "C", "工业": "BCD", "建筑业": "E"}
SECTIONS |= {"电力、热力、燃气及水生产和供应业": "D", "服务业": SERVICES, "第三产业": SERVICES}
Q4, Q2 = Decimal("0.0001"), Decimal("0.01")


# ----------------------------------------------------------------------------------------------------- reading


def read(con: psycopg.Connection, sql: str, dates: list[str] | None = None) -> pd.DataFrame:
    """A query's rows as a DataFrame, through COPY … TO STDOUT (CSV) and pandas.read_csv."""
    buf = io.BytesIO()
    with con.cursor() as cur, cur.copy(f"COPY ({sql}) TO STDOUT WITH (FORMAT csv, HEADER)") as copy:
        for chunk in copy:
            buf.write(chunk)
    buf.seek(0)
    df = pd.read_csv(buf, true_values=["t"], false_values=["f"], keep_default_na=False, na_values=[""])
    for c in dates or []:
        df[c] = pd.to_datetime(df[c], format="%Y-%m-%d")
    return df


def month_end(month: dt.date) -> dt.date:
    nxt = (month.replace(day=28) + dt.timedelta(days=4)).replace(day=1)
    return nxt - dt.timedelta(days=1)


def ts(d: dt.date) -> pd.Timestamp:
    return pd.Timestamp(d)


def thresholds(con: psycopg.Connection) -> dict[str, float]:
    df = read(con, "SELECT key, value FROM industry_threshold")
    return dict(zip(df["key"], df["value"].astype(float), strict=True))


def dec(v: Any, q: Decimal = Q4) -> Decimal | None:
    if v is None or v != v:
        return None
    return Decimal(str(round(float(v), 4))).quantize(q)


def wan(v: Any) -> str:
    if v is None or v != v:
        return "—"
    return f"{Decimal(str(round(float(v), 4))).quantize(Decimal('0.1'), rounding=ROUND_HALF_UP):,.1f}"


# ----------------------------------------------------------------------------------------------------- analyze


def analyze(con: psycopg.Connection, month: dt.date, *, window: bool = False) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The month's alerts and candidates (a clean state: no earlier alerts, dismissals or pool entries).

    By default it reads only the rows the rules look at (as chanye sums them); `window` reads every monthly row from
    January of last year to the month, as the first script one writes would (about 70 % more rows)."""
    th = thresholds(con)
    line = th.get("above_scale_revenue", 2000.0)
    share = th.get("scale_approach_share", 80.0) / 100
    exit_output = th.get("exit_risk_output", 3000.0)
    exit_decline = th.get("exit_risk_decline", 20.0)
    pool_line = th.get("candidate_pool_revenue", 1000.0)
    d = month_end(month)
    y0 = dt.date(month.year, 1, 1)
    last12 = dt.date(month.year - 1, month.month, 1)
    prev_y0, prev_y1 = dt.date(month.year - 1, 1, 1), dt.date(month.year - 1, 12, 1)
    start = min(prev_y0, last12)

    ent = read(con, "SELECT id, is_above_scale FROM enterprises_enterprise").set_index("id")
    sp = read(con, "SELECT enterprise_id, entered_on, exited_on FROM enterprises_scaleperiod", ["entered_on"])
    sp["exited_on"] = pd.to_datetime(sp["exited_on"], format="%Y-%m-%d")
    # The rows the rules look at, no more (the same rows chanye sums): every source over the last 12 months (the
    # year to date lies within them), 统计 back to January of last year.
    rows = f"month >= '{start}'" if window else f"(month > '{last12}' OR (source = 'stats' AND month >= '{start}'))"
    mf = read(
        con,
        "SELECT enterprise_id, month, source, output, invoice_sales, revenue, main_revenue "
        f"FROM enterprises_monthlyfigure WHERE month <= '{month}' AND {rows}",
        ["month"],
    )

    cur = sp[(sp.entered_on <= ts(d)) & (sp.exited_on.isna() | (sp.exited_on > ts(d)))]
    m = pd.DataFrame(index=ent.index)
    m["is_above"] = m.index.isin(cur.enterprise_id.unique())
    in12 = (mf.month > ts(last12)) & (mf.month <= ts(month))
    rev = mf.revenue.fillna(mf.main_revenue).fillna(mf.invoice_sales)
    per_source = rev.where(in12).groupby([mf.enterprise_id, mf.source]).sum(min_count=1)
    m["revenue_12m"] = per_source.groupby(level=0).max()
    # 开票销售额 of the first source (税务, 统计, 企业自报) that has any in the window
    inv = pd.DataFrame(
        {
            "i12": mf.invoice_sales.where(in12).groupby([mf.enterprise_id, mf.source]).sum(min_count=1),
            "iytd": mf.invoice_sales.where(mf.month >= ts(y0)).groupby([mf.enterprise_id, mf.source]).sum(min_count=1),
        }
    ).reset_index()
    inv = inv[inv.source.isin(INVOICE_SOURCES) & (inv.i12.notna() | inv.iytd.notna())]
    inv = inv.assign(rank=inv.source.map(INVOICE_SOURCES.index)).sort_values("rank").groupby("enterprise_id").first()
    m["invoice_12m"], m["invoice_ytd"], m["invoice_source"] = inv.i12, inv.iytd, inv.source
    st = mf[mf.source == "stats"]
    prev = st.output.where((st.month >= ts(prev_y0)) & (st.month <= ts(prev_y1)))
    m["prev_year"] = prev.groupby(st.enterprise_id).sum(min_count=1)
    m["prev_year_months"] = prev.groupby(st.enterprise_id).count()
    m["this_month"] = st.output.where(st.month == ts(month)).groupby(st.enterprise_id).max()
    m["same_month_last_year"] = st.output.where(st.month == ts(last12)).groupby(st.enterprise_id).max()

    # XN-GS-6
    best = m[["invoice_12m", "invoice_ytd"]].fillna(0).max(axis=1)
    thr = m[~m.is_above & (best >= share * line) & ~ent.is_above_scale.reindex(m.index).fillna(False).astype(bool)]
    rows = []
    line_d = Decimal(str(line))
    for eid, r in thr.assign(best=best).iterrows():
        measure = dec(r.best)
        rows.append(
            {
                "kind": "reached" if measure >= line_d else "approach",
                "enterprise_id": int(eid),
                "month": month,
                "measure": measure,
                "reference": None,
                "change_pct": None,
                "threshold": line_d.quantize(Q4),
                "detail": f"近12个月开票销售额{source_note(r.invoice_source)} {wan(r.invoice_12m)} 万元，"
                f"本年累计 {wan(r.invoice_ytd)} 万元；"
                f"规上门槛 {line_d.normalize():f} 万元",
                "rule": "XN-GS-6",
            }
        )
    # XN-GS-7
    risk = m[
        m.is_above
        & (m.prev_year_months > 0)
        & (m.prev_year <= exit_output)
        & m.this_month.notna()
        & (m.same_month_last_year > 0)
    ]
    decline = (risk.same_month_last_year - risk.this_month) / risk.same_month_last_year * 100
    risk = risk.assign(decline=decline)[decline >= exit_decline - 1e-9]
    for eid, r in risk.iterrows():
        rows.append(
            {
                "kind": "exit_risk",
                "enterprise_id": int(eid),
                "month": month,
                "measure": dec(r.this_month),
                "reference": dec(r.same_month_last_year),
                "change_pct": Decimal(str(round(-float(r.decline), 2))).quantize(Q2),
                "threshold": Decimal(str(exit_output)).quantize(Q4),
                "detail": f"本月产值 {wan(r.this_month)} 万元，上年同月 {wan(r.same_month_last_year)} 万元，"
                f"下降 {round(float(r.decline), 1)}%；上年产值 {wan(r.prev_year)} 万元",
                "rule": "XN-GS-7",
            }
        )
    alerts = pd.DataFrame(rows)
    # XN-GS-4 (revenue) and XN-GS-5 (a project put into production in the last 12 months)
    pool = m[~m.is_above & (m.revenue_12m >= pool_line)]
    cands = pd.DataFrame(
        {
            "enterprise_id": pool.index.astype(int),
            "source": "revenue",
            "revenue_12m": [dec(v) for v in pool.revenue_12m],
        }
    )
    projects = read(
        con,
        "SELECT DISTINCT p.enterprise_id FROM projects_project p "
        "JOIN enterprises_enterprise e ON e.id = p.enterprise_id "
        f"WHERE p.producing_on >= '{last12}' AND p.producing_on <= '{d}' AND p.exited_on IS NULL "
        "AND NOT e.is_above_scale",
    )
    extra = projects[~projects.enterprise_id.isin(cands.enterprise_id)]
    if len(extra):
        cands = pd.concat(
            [cands, pd.DataFrame({"enterprise_id": extra.enterprise_id, "source": "project", "revenue_12m": None})]
        )
    cands["added_month"] = month
    return alerts, cands


def store_analysis(con: psycopg.Connection, alerts: pd.DataFrame, cands: pd.DataFrame) -> tuple[int, int]:
    """Bulk insert skipping existing rows; returns (alerts added, candidates added)."""
    with con.cursor() as cur:
        cur.execute(
            "CREATE TABLE IF NOT EXISTS bench_pandas_alert (kind varchar(12), enterprise_id bigint, month date, "
            "measure numeric(18,4), reference numeric(18,4), change_pct numeric(9,2), threshold numeric(18,4), "
            "detail varchar(300), rule varchar(20), PRIMARY KEY (kind, enterprise_id, month))"
        )
        cur.execute(
            "CREATE TABLE IF NOT EXISTS bench_pandas_candidate (enterprise_id bigint, added_month date, "
            "source varchar(10), revenue_12m numeric(18,4), PRIMARY KEY (enterprise_id, added_month))"
        )
        added = []
        for table, df, cols in (
            (
                "bench_pandas_alert",
                alerts,
                ["kind", "enterprise_id", "month", "measure", "reference", "change_pct", "threshold", "detail", "rule"],
            ),
            ("bench_pandas_candidate", cands, ["enterprise_id", "added_month", "source", "revenue_12m"]),
        ):
            cur.execute(f"CREATE TEMP TABLE staging (LIKE {table}) ON COMMIT DROP")
            with cur.copy(f"COPY staging ({', '.join(cols)}) FROM STDIN") as copy:
                for row in df[cols].itertuples(index=False):
                    copy.write_row([None if v is None or v != v else v for v in row])
            cur.execute(f"INSERT INTO {table} SELECT * FROM staging ON CONFLICT DO NOTHING")
            added.append(cur.rowcount)
            cur.execute("DROP TABLE staging")
    con.commit()
    return added[0], added[1]


# -------------------------------------------------------------------------------------------------- indicators


def _key(v: Decimal) -> str:
    return format(v.normalize(), "f")


def _params(p: Any) -> dict[str, Any]:
    p = json.loads(p) if isinstance(p, str) else p
    return p if isinstance(p, dict) else {}


def count_definitions(
    targets: pd.DataFrame, indicator: str, defaults: list[int], extra: str = ""
) -> dict[str, tuple[Decimal, bool, str, str, str]]:
    """key → (threshold 亿元, inclusive, measure, 门类 letters, family) for the defaults and each target's params;
    `extra` is the indicator's own filter parameter (sector or family)."""
    out: dict[str, tuple[Decimal, bool, str, str, str]] = {}
    written = [_params(x) for x in targets.params[targets.indicator == indicator]]
    for p in [{"threshold": x} for x in defaults] + written:
        if p.get("threshold") in (None, ""):
            continue
        t = Decimal(str(p["threshold"]))
        cmp = BOUND.get(str(p.get("threshold_comparator") or ">").strip())
        meas = MEASURE.get(str(p.get("measure") or "revenue").strip())
        if cmp is None or meas is None:
            continue
        parts = [f"threshold={_key(t)}"] + ([f"threshold_comparator={cmp}"] if cmp != ">" else [])
        parts += [f"measure={meas}"] if meas != "revenue" else []
        value = str(p.get(extra) or "").strip() if extra else ""
        parts += [f"{extra}={value}"] if value else []
        sections = SECTIONS.get(value, value) if extra == "sector" else ""
        family = value if extra == "family" else ""
        out.setdefault(",".join(parts), (t, cmp == ">=", meas, sections, family))
    return out


def growth_definitions(targets: pd.DataFrame, month: dt.date) -> dict[str, tuple[dt.date, bool]]:
    """key → (baseline day, in clusters only) of above_scale_count_growth: last year's end, all and in clusters, and
    each target's."""
    out = {"": (dt.date(month.year - 1, 12, 31), False), "in_clusters=true": (dt.date(month.year - 1, 12, 31), True)}
    for p in [_params(x) for x in targets.params[targets.indicator == "above_scale_count_growth"]]:
        year = p.get("baseline_year")
        base = month.year - 1 if year in (None, "") else int(year)
        if base >= month.year:
            continue
        parts = (["in_clusters=true"] if p.get("in_clusters") else []) + (
            [f"baseline_year={str(year).strip()}"] if year not in (None, "") else []
        )
        out.setdefault(",".join(parts), (dt.date(base, 12, 31), bool(p.get("in_clusters"))))
    return out


def indicators(con: psycopg.Connection, month: dt.date) -> pd.DataFrame:  # noqa: C901 — a plain script on purpose: the baseline the analysis is measured against
    """The enterprise indicators of chanye's catalogue for `month` (city, county-level units, parks, clusters)."""
    d = month_end(month)
    y0 = dt.date(month.year, 1, 1)
    prev_y0, prev_end = dt.date(month.year - 1, 1, 1), month.replace(year=month.year - 1)
    last12 = dt.date(month.year - 1, month.month, 1)
    start = min(prev_y0, last12)
    ent = read(
        con,
        "SELECT e.id, e.county_id, e.park_id, e.smart_factory_grade, c.section FROM enterprises_enterprise e "
        "LEFT JOIN industry_industrycode c ON c.code = e.industry_code_id",
    ).set_index("id")
    sp = read(
        con, "SELECT enterprise_id, entered_on, exited_on, entry_assumed FROM enterprises_scaleperiod", ["entered_on"]
    )
    sp["exited_on"] = pd.to_datetime(sp["exited_on"], format="%Y-%m-%d")
    hon = read(con, "SELECT enterprise_id, kind, level FROM enterprises_honour")
    mf = read(
        con,
        "SELECT enterprise_id, month, output, revenue, main_revenue, rd_expense FROM enterprises_monthlyfigure "
        f"WHERE source = 'stats' AND month >= '{start}' AND month <= '{month}'",
        ["month"],
    )
    ec = read(con, "SELECT enterprise_id, cluster_id FROM enterprises_enterprise_clusters")
    clusters = read(con, "SELECT id, parent_id, family, is_active, recognitions, region_id FROM industry_cluster")
    layout = read(
        con,
        "SELECT l.region_id AS county_id, c.cluster_id FROM industry_countylayout l "
        "JOIN industry_countylayout_clusters c ON c.countylayout_id = l.id",
    )
    targets = read(con, "SELECT indicator, params FROM industry_target WHERE is_active")
    regions = read(con, "SELECT id, level, is_county_level FROM regions_region")
    pack = read(con, "SELECT content FROM industry_pack WHERE is_active ORDER BY loaded_at DESC LIMIT 1")
    period = json.loads(pack.content[0]).get("period") if len(pack) else None
    new_since = int(period[0]) if period else None

    m = ent.copy()
    m["is_above"] = m.index.isin(
        sp[(sp.entered_on <= ts(d)) & (sp.exited_on.isna() | (sp.exited_on > ts(d)))].enterprise_id
    )
    known = sp[~sp.entry_assumed.astype(str).isin(["t", "True", "true"])]  # an assumed entry date is not a new entry
    m["entered"] = m.index.isin(known[(known.entered_on >= ts(y0)) & (known.entered_on <= ts(d))].enterprise_id)
    m["exited"] = m.index.isin(sp[(sp.exited_on >= ts(y0)) & (sp.exited_on <= ts(d))].enterprise_id)
    rev = mf.revenue.fillna(mf.main_revenue)
    in_ytd = (mf.month >= ts(y0)) & (mf.month <= ts(month))
    in_prev = (mf.month >= ts(prev_y0)) & (mf.month <= ts(prev_end))
    in_12 = (mf.month > ts(last12)) & (mf.month <= ts(month))
    g = mf.enterprise_id
    for name, col, mask in (
        ("output_ytd", mf.output, in_ytd),
        ("output_prev", mf.output, in_prev),
        ("revenue_ytd", rev, in_ytd),
        ("revenue_12m", rev, in_12),
        ("output_12m", mf.output, in_12),
        ("rd_ytd", mf.rd_expense, in_ytd),
        ("rd_prev", mf.rd_expense, in_prev),
    ):
        m[name] = col.where(mask).groupby(g).sum().reindex(m.index).fillna(0.0)
    for k in {*HONOUR_KINDS, *CLUSTER_HONOUR_KINDS}:
        m[f"has_{k}"] = m.index.isin(hon.enterprise_id[hon.kind == k])
    for lv in HONOUR_LEVELS:
        m[f"has_single_champion_{lv}"] = m.index.isin(
            hon.enterprise_id[(hon.kind == "single_champion") & (hon.level == lv)]
        )
    m["smart_rank"] = m.smart_factory_grade.map({g: i + 1 for i, g in enumerate(SMART_GRADES)}).fillna(0)

    active_ids = set(clusters.id[clusters.is_active])
    m["in_cluster"] = m.index.isin(ec.enterprise_id[ec.cluster_id.isin(active_ids)])
    # HG-A-1: firms in an active cluster placed in their own county (by the cluster's region or the county's layout)
    placed = pd.concat(
        [
            layout[["cluster_id", "county_id"]],
            clusters[clusters.region_id.notna()].rename(columns={"id": "cluster_id", "region_id": "county_id"})[
                ["cluster_id", "county_id"]
            ],
        ]
    )
    placed = placed[placed.cluster_id.isin(active_ids)].drop_duplicates()
    own = ec.merge(placed, on="cluster_id").merge(m[["county_id"]], left_on="enterprise_id", right_index=True)
    own = own[own.county_id_x == own.county_id_y]
    m["in_own_cluster"] = m.index.isin(own.enterprise_id)
    m["section"] = m.section.fillna("")
    a = m.is_above
    cols = {
        "above_scale_count": a,
        "above_scale_new_count": m.entered,
        "above_scale_exit_count": m.exited,
        "above_scale_output": m.output_ytd.where(a, 0.0) / 10000,
        "above_scale_output_prev": m.output_prev.where(a, 0.0) / 10000,
        "single_champion_count": m.has_single_champion,
        **{f"single_champion_count|level={lv}": m[f"has_single_champion_{lv}"] for lv in HONOUR_LEVELS},
        "specialized_count": m.has_specialized,
        "little_giant_count": m.has_little_giant,
        "innovative_sme_count": m.has_innovative_sme,
        "high_tech_count": m.has_high_tech,
        "green_factory_count": m.has_green_factory,
        "chain_leader_count": m.has_chain_leader,
        "chain_leader_output": m.output_ytd.where(m.has_chain_leader, 0.0) / 10000,
        "high_tech_above": a & m.has_high_tech,
        "rd_above": a & m.has_rd_institution,
        "digital_above": a & m.has_digital,
        "rd_ytd": m.rd_ytd,
        "rd_prev": m.rd_prev,
        "county_cluster_output": m.output_ytd.where(m.in_own_cluster, 0.0) / 10000,
        "county_cluster_output_prev": m.output_prev.where(m.in_own_cluster, 0.0) / 10000,
        "county_cluster_above_scale_count": a & m.in_own_cluster,
        "county_cluster_new_above_count": m.entered & m.in_own_cluster,
    }
    for i, grade in enumerate(SMART_GRADES):
        cols[f"smart_factory_count|grade={grade}"] = m.smart_rank >= i + 1
    for indicator, extra in (("enterprise_count_revenue_over", "sector"), ("chain_leader_count_revenue_over", "")):
        definitions = count_definitions(targets, indicator, [10, 30, 50, 100], extra)
        for key, (t, inclusive, meas, sections, _) in definitions.items():
            value = m.output_12m if meas == "output" else m.revenue_12m
            over = value >= float(t) * 10000 if inclusive else value > float(t) * 10000
            if sections:
                over = over & m.section.isin(list(sections))
            cols[f"{indicator}|{key}"] = over & m.has_chain_leader if indicator.startswith("chain") else over
    growth = growth_definitions(targets, month)
    for key, (day, in_clusters) in growth.items():
        then = m.index.isin(
            sp[(sp.entered_on <= ts(day)) & (sp.exited_on.isna() | (sp.exited_on > ts(day)))].enterprise_id
        )
        cols[f"growth_now|{key}"] = a & m.in_cluster if in_clusters else a
        cols[f"growth_base|{key}"] = then & m.in_cluster if in_clusters else then
    parts = pd.DataFrame(cols).astype(float)
    parts["county_id"], parts["park_id"] = m.county_id, m.park_id

    out: list[tuple[str, str, Any, Any, Decimal]] = []

    def emit(values: dict[str, float], region_id: Any = None, cluster_id: Any = None) -> None:
        v = dict(values)
        above = v.get("above_scale_count") or 0
        for name, part in (
            ("high_tech_share", "high_tech_above"),
            ("rd_institution_coverage", "rd_above"),
            ("digital_transformation_rate", "digital_above"),
        ):
            v[name] = None if not above else 100.0 * v[part] / above
        prev, cur = v["above_scale_output_prev"], v["above_scale_output"]
        v["above_scale_output_growth"] = None if not prev else 100.0 * (cur - prev) / prev
        v["rd_expense_growth"] = None if not v["rd_prev"] else 100.0 * (v["rd_ytd"] - v["rd_prev"]) / v["rd_prev"]
        cp, cc = v["county_cluster_output_prev"], v["county_cluster_output"]
        v["county_cluster_output_growth"] = None if not cp else 100.0 * (cc - cp) / cp
        for k in (
            "high_tech_above",
            "rd_above",
            "digital_above",
            "above_scale_output_prev",
            "rd_ytd",
            "rd_prev",
            "county_cluster_output_prev",
        ):
            v.pop(k)
        for key in growth:
            now, base = v.pop(f"growth_now|{key}"), v.pop(f"growth_base|{key}")
            v[f"above_scale_count_growth|{key}"] = None if not base else 100.0 * (now - base) / base
        for name, x in v.items():
            if x is not None:
                code, _, key = name.partition("|")
                out.append((code, key, region_id, cluster_id, dec(x)))

    metric_cols = [c for c in parts.columns if c not in ("county_id", "park_id")]
    city = parts[metric_cols].sum()
    emit(city.to_dict())
    units = set(regions.id[regions.is_county_level])
    for county_id, r in parts.groupby("county_id")[metric_cols].sum().iterrows():
        if county_id in units:
            emit(r.to_dict(), region_id=int(county_id))
    if ((regions.level == "park") & ~regions.is_county_level).any():
        for park_id, r in parts.dropna(subset=["park_id"]).groupby("park_id")[metric_cols].sum().iterrows():
            emit(r.to_dict(), region_id=int(park_id))

    mc = m.join(ec.set_index("enterprise_id"), how="inner")
    per_cluster = (
        pd.DataFrame(
            {
                "above_scale_count": mc.is_above.astype(float),
                "above_scale_output": mc.output_ytd.where(mc.is_above, 0.0) / 10000,
                "cluster_output": mc.output_ytd / 10000,
                "cluster_revenue": mc.revenue_ytd / 10000,
                "cluster_revenue_12m": mc.revenue_12m / 10000,
                "cluster_output_12m": mc.output_12m / 10000,
                **{f"honour_{k}": mc[f"has_{k}"].astype(float) for k in CLUSTER_HONOUR_KINDS},
                "cluster_id": mc.cluster_id,
            }
        )
        .groupby("cluster_id")
        .sum()
    )
    for cluster_id, r in per_cluster.iterrows():
        for code in ("above_scale_count", "above_scale_output", "cluster_output", "cluster_revenue"):
            out.append((code, "", None, int(cluster_id), dec(r[code])))
        for k in CLUSTER_HONOUR_KINDS:
            if r[f"honour_{k}"]:
                out.append(("cluster_honour_count", f"honour={k}", None, int(cluster_id), dec(r[f"honour_{k}"])))
    active = clusters[clusters.is_active]
    top_all = set(active.id[active.parent_id.isna()])
    top = set(active.id[active.parent_id.isna() & (active.family != "county")])
    in_top = per_cluster[per_cluster.index.isin(top_all)]
    family_of = active.set_index("id").family
    for key, (t, inclusive, meas, _, family) in count_definitions(
        targets, "cluster_count_revenue_over", [100, 500, 1000], "family"
    ).items():
        rows = in_top[family_of.reindex(in_top.index) == family] if family else in_top
        value = rows.cluster_output_12m if meas == "output" else rows.cluster_revenue_12m
        n = int((value >= float(t) if inclusive else value > float(t)).sum())
        out.append(("cluster_count_revenue_over", key, None, None, dec(n)))
    if top:
        members = m[m.index.isin(ec.enterprise_id[ec.cluster_id.isin(top)])]
        v = members.output_ytd.where(members.is_above, 0.0).sum() / 10000
        out.append(("cluster_above_scale_output", "", None, None, dec(v)))
        total = city["above_scale_output"]
        if total:
            out.append(("cluster_share_of_above_scale_output", "", None, None, dec(100 * v / total)))
    # every target's own definition has a figure, 0 when no cluster holds that recognition
    counts: dict[str, int] = {
        ",".join(f"{k}={str(p[k]).lower()}" for k in ("level", "kind", "new") if p.get(k) not in (None, "", False)): 0
        for p in (_params(x) for x in targets.params[targets.indicator == "recognised_cluster_count"])
    }
    for rec_list in active.recognitions:
        keys: set[str] = set()
        for rec in json.loads(rec_list) if isinstance(rec_list, str) else rec_list:
            level, kind, year = rec.get("level"), rec.get("kind"), rec.get("year")
            is_new = new_since is not None and isinstance(year, int) and year >= new_since
            for k in (f"level={level},kind={kind}", f"level={level}", f"kind={kind}"):
                keys |= {k, f"{k},new=true"} if is_new else {k}
        for key in keys:
            counts[key] = counts.get(key, 0) + 1
    for key, n in counts.items():
        out.append(("recognised_cluster_count", key, None, None, dec(n)))
    df = pd.DataFrame(out, columns=["indicator", "params_key", "region_id", "cluster_id", "value"])
    df["period"] = month
    return df


def store_indicators(con: psycopg.Connection, month: dt.date, df: pd.DataFrame) -> int:
    """Replace the month's values (delete, then COPY)."""
    cols = ["indicator", "params_key", "period", "region_id", "cluster_id", "value"]
    with con.cursor() as cur:
        cur.execute(
            "CREATE TABLE IF NOT EXISTS bench_pandas_indicator (indicator varchar(60), params_key varchar(60), "
            "period date, region_id bigint, cluster_id bigint, value numeric(20,4))"
        )
        cur.execute("DELETE FROM bench_pandas_indicator WHERE period = %s", [month])
        with cur.copy(f"COPY bench_pandas_indicator ({', '.join(cols)}) FROM STDIN") as copy:
            for row in df[cols].itertuples(index=False):
                copy.write_row([None if v is None or v != v else (int(v) if isinstance(v, float) else v) for v in row])
    con.commit()
    return len(df)


# --------------------------------------------------------------------------------------------------- comparison


def _norm(v: Any, q: Decimal = Q4) -> Decimal | None:
    return None if v is None or v != v else Decimal(str(v)).quantize(q)


def compare_alerts(con: psycopg.Connection, month: dt.date, alerts: pd.DataFrame, cands: pd.DataFrame) -> list[str]:
    """Mismatches between what pandas found and what chanye stored for the month (empty: identical)."""
    with con.cursor() as cur:
        cur.execute(
            "SELECT kind, enterprise_id, month, measure, reference, change_pct, threshold FROM cultivation_alert "
            "WHERE month = %s",
            [month],
        )
        chanye = {(k, e, m, _norm(a), _norm(b), _norm(c, Q2), _norm(t)) for k, e, m, a, b, c, t in cur.fetchall()}
        cur.execute(
            "SELECT enterprise_id, source, revenue_12m FROM cultivation_candidate WHERE added_month = %s", [month]
        )
        chanye_c = {(e, s, _norm(r)) for e, s, r in cur.fetchall()}
    ours = {
        (
            r.kind,
            r.enterprise_id,
            r.month,
            _norm(r.measure),
            _norm(r.reference),
            _norm(r.change_pct, Q2),
            _norm(r.threshold),
        )
        for r in alerts.itertuples()
    }
    ours_c = {(int(r.enterprise_id), r.source, _norm(r.revenue_12m)) for r in cands.itertuples()}
    out = [f"alert only in chanye: {x}" for x in sorted(chanye - ours, key=str)]
    out += [f"alert only in pandas: {x}" for x in sorted(ours - chanye, key=str)]
    out += [f"candidate only in chanye: {x}" for x in sorted(chanye_c - ours_c, key=str)]
    out += [f"candidate only in pandas: {x}" for x in sorted(ours_c - chanye_c, key=str)]
    return out


def compare_indicators(con: psycopg.Connection, month: dt.date, df: pd.DataFrame) -> list[str]:
    with con.cursor() as cur:
        cur.execute(
            "SELECT indicator, params_key, region_id, cluster_id, value FROM targets_indicatorvalue "
            "WHERE period = %s AND source = 'computed' AND NOT (indicator = ANY(%s))",
            [month, list(PROJECT_INDICATORS)],
        )
        chanye = {(i, p, r, c, _norm(v)) for i, p, r, c, v in cur.fetchall()}
    ours = {
        (
            r.indicator,
            r.params_key,
            None if r.region_id is None or r.region_id != r.region_id else int(r.region_id),
            None if r.cluster_id is None or r.cluster_id != r.cluster_id else int(r.cluster_id),
            _norm(r.value),
        )
        for r in df.itertuples()
    }
    out = [f"indicator only in chanye: {x}" for x in sorted(chanye - ours, key=str)]
    out += [f"indicator only in pandas: {x}" for x in sorted(ours - chanye, key=str)]
    return out


# --------------------------------------------------------------------------------------------------------- main


def run_analyze(
    con: psycopg.Connection, month: dt.date, *, window: bool = False
) -> tuple[float, pd.DataFrame, pd.DataFrame, tuple[int, int]]:
    t = time.perf_counter()
    alerts, cands = analyze(con, month, window=window)
    added = store_analysis(con, alerts, cands)
    return time.perf_counter() - t, alerts, cands, added


def run_indicators(con: psycopg.Connection, month: dt.date) -> tuple[float, pd.DataFrame]:
    t = time.perf_counter()
    df = indicators(con, month)
    store_indicators(con, month, df)
    return time.perf_counter() - t, df


def reset(con: psycopg.Connection) -> None:
    """Empty the scratch tables (the next run stores everything, like chanye's first run of a month)."""
    with con.cursor() as cur:
        for t in ("bench_pandas_alert", "bench_pandas_candidate", "bench_pandas_indicator"):
            cur.execute(f"DROP TABLE IF EXISTS {t}")
    con.commit()


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--month", required=True, help="YYYY-MM")
    ap.add_argument("--only", choices=["analyze", "indicators"])
    ap.add_argument("--no-check", action="store_true", help="time only; do not compare with chanye")
    ap.add_argument("--window", action="store_true", help="analyze: read every monthly row of the 23-month window")
    args = ap.parse_args()
    month = dt.date.fromisoformat(args.month[:7] + "-01")
    con = psycopg.connect(os.environ.get("BENCH_DATABASE_URL", DEFAULT_URL))
    problems: list[str] = []
    if args.only in (None, "analyze"):
        seconds, alerts, cands, (a, c) = run_analyze(con, month, window=args.window)
        print(
            f"pandas analyze {month:%Y-%m}: {seconds:.2f} s — {len(alerts)} alerts ({a} new), "
            f"{len(cands)} candidates ({c} new)"
        )
        if not args.no_check:
            found = compare_alerts(con, month, alerts, cands)
            print(
                f"pandas analyze: {'same alerts and candidates as chanye' if not found else f'{len(found)} MISMATCHES'}"
            )
            problems += found
    if args.only in (None, "indicators"):
        seconds, df = run_indicators(con, month)
        print(f"pandas indicators {month:%Y-%m}: {seconds:.2f} s — {len(df)} values")
        if not args.no_check:
            found = compare_indicators(con, month, df)
            print(f"pandas indicators: {'same values as chanye' if not found else f'{len(found)} MISMATCHES'}")
            problems += found
    for p in problems[:200]:
        print("  " + p)
    sys.exit(1 if problems else 0)


if __name__ == "__main__":
    main()
