"""Monthly cultivation analysis (`chanye analyze --month YYYY-MM`): threshold and exit-risk warnings.

- XN-GS-6: a firm not yet 规上 whose invoiced sales (开票销售额: the tax bureau's, else the first other source of
  `figure_uses.THRESHOLD_REMINDER` that has them for the window) over the last 12 months or the year to date
  reach the pack's share (default 80 %) of 2000万元 is "approaching"; at 2000万元 it has "reached" the threshold.
  It stays in the county's to-do list until it enters 规上 or is dismissed with a reason.
- XN-GS-7: a 规上 firm whose previous-year output was 3000万元 or less (以下 includes 3000) is in the exit-risk
  library; a month whose output is down 20 % or more (以上 includes 20 %) on the same month a year earlier raises a
  warning. A firm with no figures for that month last year cannot be compared and raises nothing. One warning per
  firm and month: running the analysis again changes nothing.
- XN-GS-4/5: firms not 规上 with 12-month revenue at the pool line join the candidate pool (and firms whose project
  went into production in the last 12 months).
All numbers come from the pack's thresholds. Computed with Ibis on DuckDB (chanye.analytics.engine); stored in bulk,
in one transaction with one audit row, by `chanye.cultivation.services.do_store_analysis`.
"""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Callable
from typing import Any

from chanye.analytics.engine import (
    FIGURE_YEAR,
    Engine,
    any_in,
    connect,
    figure_year_columns,
    measure,
    sum_over,
    value_in,
)
from chanye.core.access import Actor
from chanye.core.dates import add_months, month_end
from chanye.cultivation.figure_uses import CANDIDATE_POOL, EXIT_RISK, THRESHOLD_REMINDER
from chanye.industry.selectors import threshold


def compute(month: dt.date, engine: Engine) -> dict[str, list[dict[str, Any]]]:
    """What the month's figures raise: threshold reminders, exit-risk warnings and pool candidates (not stored).

    The per-enterprise table joining 规上 status, invoices, output and revenue is computed once in DuckDB; the
    three lists are read from it."""
    import ibis

    d = month_end(month)
    y0 = dt.date(month.year, 1, 1)
    last12 = dt.date(month.year - 1, month.month, 1)
    prev_y0, prev_y1 = dt.date(month.year - 1, 1, 1), dt.date(month.year - 1, 12, 1)
    same_last_year = dt.date(month.year - 1, month.month, 1)
    start = min(prev_y0, last12)
    above_line = float(threshold("above_scale_revenue", 2000))
    share = float(threshold("scale_approach_share", 80)) / 100
    exit_output = float(threshold("exit_risk_output", 3000))
    exit_decline = float(threshold("exit_risk_decline", 20))

    e = engine.load("c_ent", "enterprises_enterprise", {"id": "BIGINT"})
    sp = engine.load(
        "c_sp", "enterprises_scaleperiod", {"enterprise_id": "BIGINT", "entered_on": "DATE", "exited_on": "DATE"}
    )
    above = (
        sp.filter((sp.entered_on <= d) & (sp.exited_on.isnull() | (sp.exited_on > d)))
        .select("enterprise_id")
        .distinct()
        .mutate(is_above=ibis.literal(True))
    )

    first12 = add_months(month, -11)
    output, invoice = measure("output"), measure("invoice")
    rev = measure("revenue").otherwise(invoice)  # XN-GS-4 revenue: 营业收入, else 主营业务收入, else 开票销售额

    def last_12_months(fy: Any) -> Any:
        """Revenue and invoices of the last 12 months (the year to date lies within them) per firm and source."""
        fy = fy.filter(fy.year.between(first12.year, month.year))
        return fy.group_by(["enterprise_id", "source"]).aggregate(
            r=sum_over(fy, rev, first12, month),
            invoice_12m=sum_over(fy, invoice, first12, month),
            invoice_ytd=sum_over(fy, invoice, y0, month),
        )

    def stats_output(fy: Any) -> Any:
        """统计 output: last year's total and whether it has any month, this month and the same month last year."""
        fy = fy.filter((fy.source == EXIT_RISK.sources[0]) & fy.year.between(start.year, month.year))
        return fy.group_by("enterprise_id").aggregate(
            prev_year=sum_over(fy, output, prev_y0, prev_y1),
            has_prev_year=any_in(fy, output, prev_y0, prev_y1),
            this_month=value_in(fy, output, month),
            same_month_last_year=value_in(fy, output, same_last_year),
        )

    # Summed in the app database from FigureYear (a row per firm, source and year, kept by triggers): only one row
    # per firm (and source) reaches DuckDB.
    columns = figure_year_columns()
    recent, out = engine.aggregate_many(
        [
            ("c_recent", FIGURE_YEAR, columns, last_12_months),
            ("c_output", FIGURE_YEAR, columns, stats_output),
        ]
    )
    # XN-GS-4: operating revenue over 12 months, from whichever source reports it (统计 revenue, else 开票销售额)
    pool_sources = recent.filter(recent.source.isin(CANDIDATE_POOL.sources))
    revenue = pool_sources.group_by("enterprise_id").aggregate(revenue_12m=pool_sources.r.max())
    # XN-GS-6: 开票销售额 of the first source in THRESHOLD_REMINDER.sources (税务 first) that has any in the window
    order = THRESHOLD_REMINDER.sources
    inv = recent.filter(recent.source.isin(order) & (recent.invoice_12m.notnull() | recent.invoice_ytd.notnull()))
    inv = inv.mutate(rank=ibis.cases(*((inv.source == s, i) for i, s in enumerate(order))))
    inv = inv.mutate(pick=ibis.row_number().over(group_by="enterprise_id", order_by="rank"))
    inv = inv.filter(inv.pick == 0).select("enterprise_id", "invoice_12m", "invoice_ytd", invoice_source="source")
    m = (
        e.left_join(above, e.id == above.enterprise_id)
        .drop("enterprise_id")
        .left_join(inv, e.id == inv.enterprise_id)
        .drop("enterprise_id")
        .left_join(out, e.id == out.enterprise_id)
        .drop("enterprise_id")
        .left_join(revenue, e.id == revenue.enterprise_id)
        .drop("enterprise_id")
    )
    m = m.mutate(is_above=m.is_above.fill_null(False))
    m = engine.materialise("c_measures", m)

    # XN-GS-6 (not 规上; invoiced sales reach the share of the line, or the line itself)
    best = ibis.greatest(m.invoice_12m.fill_null(0), m.invoice_ytd.fill_null(0))
    thr = engine.records(
        m.filter(~m.is_above & (best >= share * above_line))
        .mutate(best=best)
        .select("id", "invoice_12m", "invoice_ytd", "best", "invoice_source")
        .order_by("id")
    )
    # XN-GS-7 (规上 with last year's output ≤ 3000万; this month down ≥ 20 % on the same month last year)
    decline = (m.same_month_last_year - m.this_month) / m.same_month_last_year * 100
    risk = engine.records(
        m.filter(
            m.is_above
            & m.has_prev_year
            & (m.prev_year <= exit_output)
            & m.this_month.notnull()
            & (m.same_month_last_year > 0)
        )
        .mutate(decline=decline)
        .filter(lambda t: t.decline >= exit_decline - 1e-9)
        .select("id", "prev_year", "this_month", "same_month_last_year", "decline")
        .order_by("id")
    )
    pool_line = float(threshold("candidate_pool_revenue", 1000))
    pool = engine.records(
        m.filter(~m.is_above & (m.revenue_12m >= pool_line)).select("id", "revenue_12m").order_by("id")
    )
    return {
        "threshold": thr,
        "exit_risk": risk,
        "candidates": pool,
        "params": [
            {"above_line": above_line, "share": share, "exit_output": exit_output, "exit_decline": exit_decline}
        ],
    }


def analyze(
    month: dt.date, *, actor: Actor | None = None, progress: Callable[[str], None] | None = None
) -> tuple[dict[str, int], float]:
    """Run the month's analysis and store it through `do_store_analysis` as `actor` (the command passes
    `access.system("chanye analyze")`; None is the system too). Idempotent: a second run of the same month writes
    nothing new and says so in its counts."""
    from chanye.core import access
    from chanye.cultivation.services import do_store_analysis

    progress = progress or (lambda s: None)
    t = time.perf_counter()
    engine = connect()
    try:
        progress("计算")
        found = compute(month, engine)
    finally:
        engine.close()
    progress("写入")
    counts = do_store_analysis(
        actor=access.SYSTEM if actor is None else actor,
        month=month,
        threshold=found["threshold"],
        exit_risk=found["exit_risk"],
        candidates=found["candidates"],
        params=found["params"][0],
        started=t,
    )
    return counts, time.perf_counter() - t
