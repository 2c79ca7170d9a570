"""Monthly cultivation analysis (`chanye analyze --month YYYY-MM`): threshold and exit-risk warnings.

- XN-GS-6: a firm not yet 规上 whose invoiced sales (开票销售额, 税务) over the last 12 months or the year to date
  reach the pack's share (default 80 %) of 2000万元 is "approaching"; at 2000万元 it has "reached" the threshold.
  It stays in the county's to-do list until it enters 规上 or is dismissed with a reason.
- XN-GS-7: a 规上 firm whose previous-year output was 3000万元 or less (以下 includes 3000) is in the exit-risk
  library; a month whose output is down 20 % or more (以上 includes 20 %) on the same month a year earlier raises a
  warning. A firm with no figures for that month last year cannot be compared and raises nothing. One warning per
  firm and month: running the analysis again changes nothing.
All numbers come from the pack's thresholds. Computed with Ibis on DuckDB (chanye.analytics.engine).
"""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Callable
from decimal import Decimal
from typing import Any

import ibis
from django.db import transaction

from chanye.analytics.engine import Engine, connect
from chanye.cultivation.models import Alert, AlertKind, AlertStatus, AnalysisRun
from chanye.industry.selectors import threshold
from chanye.targets.indicators import month_end

Q4 = Decimal("0.0001")


def _wan(v: Any) -> str:
    """A 万元 figure for a sentence: one decimal."""
    return "—" if v is None or v != v else f"{float(v):,.1f}"


def _dec(v: Any) -> Decimal | None:
    if v is None or v != v:
        return None
    return Decimal(str(round(float(v), 4)))


def compute(month: dt.date, engine: Engine) -> dict[str, list[dict[str, Any]]]:
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
    mf = engine.load(
        "c_mf",
        "enterprises_monthlyfigure",
        {
            "enterprise_id": "BIGINT",
            "month": "DATE",
            "source": "VARCHAR",
            "output": "DOUBLE",
            "invoice_sales": "DOUBLE",
            "revenue": "DOUBLE",
            "main_revenue": "DOUBLE",
        },
        where=f"month >= '{start.isoformat()}' AND month <= '{month.isoformat()}'",
    )
    above = (
        sp.filter((sp.entered_on <= d) & (sp.exited_on.isnull() | (sp.exited_on > d)))
        .select("enterprise_id")
        .distinct()
        .mutate(is_above=ibis.literal(True))
    )
    tax = mf.filter(mf.source == "tax")
    in12 = (mf.month > last12) & (mf.month <= month)
    rev = mf.revenue.fill_null(mf.main_revenue).fill_null(mf.invoice_sales)
    # XN-GS-4: operating revenue over 12 months, from whichever source reports it (统计 revenue, else 开票销售额)
    per_source = mf.group_by(["enterprise_id", "source"]).aggregate(r=rev.sum(where=in12))
    revenue = per_source.group_by("enterprise_id").aggregate(revenue_12m=per_source.r.max())
    inv = tax.group_by("enterprise_id").aggregate(
        invoice_12m=tax.invoice_sales.sum(where=(tax.month > last12) & (tax.month <= month)),
        invoice_ytd=tax.invoice_sales.sum(where=tax.month >= y0),
    )
    st = mf.filter(mf.source == "stats")
    out = st.group_by("enterprise_id").aggregate(
        prev_year=st.output.sum(where=(st.month >= prev_y0) & (st.month <= prev_y1)),
        prev_year_months=st.output.count(where=(st.month >= prev_y0) & (st.month <= prev_y1)),
        this_month=st.output.max(where=st.month == month),
        same_month_last_year=st.output.max(where=st.month == same_last_year),
    )
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

    # XN-GS-6 (not 规上; invoiced sales reach the share of the line, or the line itself)
    best = ibis.greatest(m.invoice_12m.fill_null(0), m.invoice_ytd.fill_null(0))
    thr = (
        m.filter(~m.is_above & (best >= share * above_line))
        .mutate(best=best)
        .select("id", "invoice_12m", "invoice_ytd", "best")
        .execute()
        .to_dict("records")
    )
    # XN-GS-7 (规上 with last year's output ≤ 3000万; this month down ≥ 20 % on the same month last year)
    decline = (m.same_month_last_year - m.this_month) / m.same_month_last_year * 100
    risk = (
        m.filter(
            m.is_above
            & (m.prev_year_months > 0)
            & (m.prev_year <= exit_output)
            & m.this_month.notnull()
            & (m.same_month_last_year > 0)
        )
        .mutate(decline=decline)
        .filter(lambda t: t.decline >= exit_decline - 1e-9)
        .select("id", "prev_year", "this_month", "same_month_last_year", "decline")
        .execute()
        .to_dict("records")
    )
    pool_line = float(threshold("candidate_pool_revenue", 1000))
    pool = m.filter(~m.is_above & (m.revenue_12m >= pool_line)).select("id", "revenue_12m").execute().to_dict("records")
    return {
        "threshold": thr,
        "exit_risk": risk,
        "candidates": pool,
        "params": [
            {"above_line": above_line, "share": share, "exit_output": exit_output, "exit_decline": exit_decline}
        ],
    }


@transaction.atomic
def store(month: dt.date, found: dict[str, list[dict[str, Any]]]) -> dict[str, int]:
    p = found["params"][0]
    line = Decimal(str(p["above_line"]))
    counts = {"approach": 0, "reached": 0, "exit_risk": 0, "auto_resolved": 0}
    # Firms that entered 规上 leave the threshold to-do list by themselves.
    from chanye.enterprises.models import Enterprise

    entered = Alert.objects.filter(
        kind__in=[AlertKind.APPROACH, AlertKind.REACHED],
        enterprise__is_above_scale=True,
        status__in=[AlertStatus.OPEN, AlertStatus.ACKNOWLEDGED, AlertStatus.SUPPORTING],
    )
    counts["auto_resolved"] = entered.update(status=AlertStatus.RESOLVED, reason="已入规")
    open_thr = {
        (a.enterprise_id, a.kind): a
        for a in Alert.objects.filter(
            kind__in=[AlertKind.APPROACH, AlertKind.REACHED],
            status__in=[AlertStatus.OPEN, AlertStatus.ACKNOWLEDGED, AlertStatus.SUPPORTING],
        )
    }
    dismissed = set(
        Alert.objects.filter(
            kind__in=[AlertKind.APPROACH, AlertKind.REACHED], status=AlertStatus.DISMISSED, month__year=month.year
        ).values_list("enterprise_id", "kind")
    )
    ids = {r["id"] for r in found["threshold"]}
    ent_above = set(Enterprise.objects.filter(pk__in=ids, is_above_scale=True).values_list("pk", flat=True))
    for r in found["threshold"]:
        eid = int(r["id"])
        if eid in ent_above:
            continue
        best = Decimal(str(round(float(r["best"]), 4)))
        kind = AlertKind.REACHED if best >= line else AlertKind.APPROACH
        if (eid, kind) in dismissed:
            continue
        detail = (
            f"近12个月开票销售额 {_wan(r['invoice_12m'])} 万元，本年累计 {_wan(r['invoice_ytd'])} 万元；"
            f"规上门槛 {line.normalize():f} 万元"
        )
        existing = open_thr.get((eid, kind))
        if existing:
            existing.measure, existing.detail = best, detail
            existing.save(update_fields=["measure", "detail", "updated_at"])
            continue
        if kind == AlertKind.REACHED and (eid, AlertKind.APPROACH) in open_thr:
            a = open_thr[(eid, AlertKind.APPROACH)]
            a.status, a.reason = AlertStatus.RESOLVED, "已达到门槛，转为“达到规上门槛”提醒"
            a.save(update_fields=["status", "reason", "updated_at"])
        _, created = Alert.objects.get_or_create(
            kind=kind,
            enterprise_id=eid,
            month=month,
            defaults={"measure": best, "threshold": line, "detail": detail, "rule": "XN-GS-6"},
        )
        counts[kind] += int(created)
    # XN-GS-4: the candidate pool — firms not 规上 with 12-month revenue at the line join it; entries to 规上 leave it.
    from chanye.cultivation.models import Candidate, CandidateSource

    in_pool = set(Candidate.objects.filter(left_on__isnull=True).values_list("enterprise_id", flat=True))
    # A firm an officer took out of the pool by hand (with a reason) stays out for the rest of that year.
    in_pool |= set(
        Candidate.objects.filter(left_on__year=month.year)
        .exclude(left_reason="已入规")
        .values_list("enterprise_id", flat=True)
    )
    new = [
        Candidate(
            enterprise_id=int(r["id"]),
            source=CandidateSource.REVENUE,
            added_month=month,
            revenue_12m=_dec(r["revenue_12m"]),
        )
        for r in found.get("candidates", [])
        if int(r["id"]) not in in_pool
    ]
    # XN-GS-5: firms whose project went into production in the last 12 months (新投产工业项目) join the pool too.
    from chanye.projects.models import Project

    taken = in_pool | {c.enterprise_id for c in new}
    since = dt.date(month.year - 1, month.month, 1)
    for eid in (
        Project.objects.filter(
            producing_on__gte=since,
            producing_on__lte=month_end(month),
            enterprise__isnull=False,
            enterprise__is_above_scale=False,
            exited_on__isnull=True,
        )
        .values_list("enterprise_id", flat=True)
        .distinct()
    ):
        if eid not in taken:
            new.append(Candidate(enterprise_id=eid, source=CandidateSource.PROJECT, added_month=month))
            taken.add(eid)
    Candidate.objects.bulk_create(new)
    counts["candidates_added"] = len(new)
    counts["candidates_left"] = Candidate.objects.filter(left_on__isnull=True, enterprise__is_above_scale=True).update(
        left_on=month_end(month), left_reason="已入规"
    )
    for r in found["exit_risk"]:
        detail = (
            f"本月产值 {_wan(r['this_month'])} 万元，上年同月 {_wan(r['same_month_last_year'])} 万元，"
            f"下降 {round(float(r['decline']), 1)}%；上年产值 {_wan(r['prev_year'])} 万元"
        )
        _, created = Alert.objects.get_or_create(
            kind=AlertKind.EXIT_RISK,
            enterprise_id=int(r["id"]),
            month=month,
            defaults={
                "measure": _dec(r["this_month"]),
                "reference": _dec(r["same_month_last_year"]),
                "change_pct": Decimal(str(round(-float(r["decline"]), 2))),
                "threshold": Decimal(str(p["exit_output"])),
                "detail": detail,
                "rule": "XN-GS-7",
            },
        )
        counts["exit_risk"] += int(created)
    return counts


def analyze(month: dt.date, *, progress: Callable[[str], None] | None = None) -> tuple[dict[str, int], float]:
    """Run the month's analysis; idempotent (a second run creates nothing new)."""
    progress = progress or (lambda s: None)
    t = time.perf_counter()
    engine = connect()
    try:
        progress("计算")
        found = compute(month, engine)
    finally:
        engine.close()
    progress("写入")
    counts = store(month, found)
    seconds = time.perf_counter() - t
    AnalysisRun.objects.update_or_create(
        month=month,
        defaults={"counts": counts, "seconds": seconds, "status": AnalysisRun.Status.DONE, "stage": "", "error": ""},
    )
    return counts, seconds
