"""Project progress figures of the year to a month end, each per county and scoped like `chanye.projects.stats`:
the speed from signing to start (XN-XM-1) and from start to production (XN-XM-2), the projects landed, started, put
into production and in reserve (XN-GS-8, HG-T-2), the growth points (XN-GS-9) and 技改 projects with their investment
(XN-JG-1/2) against the yearly targets, and every project target's progress. Database aggregations, as in `stats`.

Definitions (the platform's):

* **XN-XM-1**: signing → start in at most `start_within_days` days (exactly 60 days is within);
* **XN-XM-2**: start → production within the band's months for the project's total investment, counted by calendar
  month as `rules.add_months` does (exactly 9 months is within; exactly 5亿 is in the 12-month band).

Both clocks are the pack's: a pack that states none (鄂州, 黄冈, 益阳 — FIDELITY D6) gets the counts and average
durations only, with `limit`/`bands` empty, `within`/`over` None and a `note` (“本市政策未规定开工时限”).
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.db.models import Avg, Case, Count, DurationField, ExpressionWrapper, F, IntegerField, Q, Sum, Value, When
from django.db.models.functions import ExtractDay, ExtractMonth, ExtractYear

from chanye.core.indicators import params_key, satisfies
from chanye.projects import rules as project_rules
from chanye.projects.indicators import (
    PROJECT_INDICATORS,
    WAN_PER_YI,
    Limits,
    indicator_values,
    limits,
    pack_targets,
    tech_q,
)
from chanye.projects.stats import Scope, as_days, entered_between, live_at

DAYS_PER_MONTH = 365.25 / 12


# ---------------------------------------------------------------- XN-XM-1/2 speed


def start_speed(sc: Scope, month: dt.date) -> dict[str, Any]:
    """XN-XM-1: days from signing to the start of construction of the projects started in the month and in the
    year to date, against the pack's limit (exactly the limit is within)."""
    rules = project_rules.current()
    limit = rules.start_within_days
    end, y0 = project_rules.month_end(month), dt.date(month.year, 1, 1)
    days = ExpressionWrapper(F("started_on") - F("signed_on"), output_field=DurationField())
    # without a start clock `shape` drops the within/over counts (computed against 0 days, never shown)
    within = Q(started_on__lte=F("signed_on") + dt.timedelta(days=limit or 0))
    in_month = Q(started_on__gte=month)
    aggs = {
        "n": Count("pk"),
        "within": Count("pk", filter=within),
        "avg": Avg(days),
        "n_month": Count("pk", filter=in_month),
        "within_month": Count("pk", filter=in_month & within),
        "avg_month": Avg(days, filter=in_month),
    }
    qs = sc.projects.filter(signed_on__isnull=False, started_on__range=(y0, end)).order_by()

    def shape(r: dict[str, Any]) -> dict[str, Any]:
        out = {}
        for suffix, label in (("", "ytd"), ("_month", "month")):
            n, w = r[f"n{suffix}"] or 0, r[f"within{suffix}"] or 0
            avg = as_days(r[f"avg{suffix}"])
            out[label] = {
                "n": n,
                "within": w if limit is not None else None,
                "over": n - w if limit is not None else None,
                "avg_days": None if avg is None else round(avg, 1),
            }
        return out

    per = {r.pop("county"): shape(r) for r in qs.values("county").annotate(**aggs)}
    blank = shape(dict.fromkeys(aggs))
    rows = [{"region": u, **per.get(u.pk, blank)} for u in sc.units]
    note = "" if limit is not None else project_rules.NO_START_CLOCK
    return {"limit": limit, "note": note, "rows": rows, **shape(qs.aggregate(**aggs))}


def production_speed(sc: Scope, month: dt.date) -> dict[str, Any]:
    """XN-XM-2: months from start to production of the projects put into production in the year to date, against
    the band of each project's total investment (calendar months as `rules.add_months` counts them: producing on or
    before start + N months is within, so exactly 9 months is within)."""
    rules = project_rules.current()
    end, y0 = project_rules.month_end(month), dt.date(month.year, 1, 1)
    bands = rules.bands
    if not bands:
        return _production_without_clock(sc, y0, end, month)
    band_idx = Case(
        *[
            When(Q(investment__gte=lo) & (Q() if hi is None else Q(investment__lt=hi)), then=Value(i))
            for i, (lo, hi, _) in enumerate(bands)
        ],
        When(investment__lt=bands[0][0], then=Value(0)),
        default=Value(len(bands) - 1),
        output_field=IntegerField(),
    )
    band_months = Case(*[When(band=i, then=Value(m)) for i, (_, _, m) in enumerate(bands)], output_field=IntegerField())
    months = (ExtractYear("producing_on") - ExtractYear("started_on")) * 12 + (
        ExtractMonth("producing_on") - ExtractMonth("started_on")
    )
    qs = (
        sc.projects.filter(started_on__isnull=False, producing_on__range=(y0, end))
        .annotate(band=band_idx)
        .annotate(
            allowed=band_months,
            took=ExpressionWrapper(months, output_field=IntegerField()),
            sd=ExtractDay("started_on"),
            pd=ExtractDay("producing_on"),
        )
        .order_by()
    )
    within = Q(took__lt=F("allowed")) | Q(took=F("allowed"), pd__lte=F("sd"))
    days = ExpressionWrapper(F("producing_on") - F("started_on"), output_field=DurationField())
    in_month = Q(producing_on__gte=month)
    aggs = {
        "n": Count("pk"),
        "within": Count("pk", filter=within),
        "avg": Avg(days),
        "n_month": Count("pk", filter=in_month),
        "within_month": Count("pk", filter=in_month & within),
    }
    per_band = {r["band"]: r for r in qs.values("band").annotate(**aggs)}
    out_bands = []
    for i, (lo, hi, m) in enumerate(bands):
        r = per_band.get(i, {})
        n, w = r.get("n", 0), r.get("within", 0)
        avg = as_days(r.get("avg"))
        out_bands.append(
            {
                "label": band_label(lo, hi, i == 0),
                "months": m,
                "n": n,
                "within": w,
                "over": n - w,
                "avg_months": None if avg is None else round(avg / DAYS_PER_MONTH, 1),
                "n_month": r.get("n_month", 0),
                "within_month": r.get("within_month", 0),
            }
        )
    per_county = {
        r.pop("county"): r for r in qs.values("county").annotate(n=Count("pk"), within=Count("pk", filter=within))
    }
    rows = [
        {"region": u, "n": per_county.get(u.pk, {}).get("n", 0), "within": per_county.get(u.pk, {}).get("within", 0)}
        for u in sc.units
    ]
    for r in rows:
        r["over"] = r["n"] - r["within"]
    total = qs.aggregate(**aggs)
    avg = as_days(total["avg"])
    return {
        "bands": out_bands,
        "note": "",
        "rows": rows,
        "n": total["n"],
        "within": total["within"],
        "over": total["n"] - total["within"],
        "avg_months": None if avg is None else round(avg / DAYS_PER_MONTH, 1),
        "n_month": total["n_month"],
        "within_month": total["within_month"],
    }


def _production_without_clock(sc: Scope, y0: dt.date, end: dt.date, month: dt.date) -> dict[str, Any]:
    """`production_speed` for a pack that states no start → production clock: how many went into production and how
    long they took, with no band, no “按期” and no “超期”."""
    qs = sc.projects.filter(started_on__isnull=False, producing_on__range=(y0, end)).order_by()
    days = ExpressionWrapper(F("producing_on") - F("started_on"), output_field=DurationField())
    per_county = dict(qs.values_list("county").annotate(n=Count("pk")))
    total = qs.aggregate(n=Count("pk"), avg=Avg(days), n_month=Count("pk", filter=Q(producing_on__gte=month)))
    avg = as_days(total["avg"])
    return {
        "bands": [],
        "note": project_rules.NO_PRODUCTION_CLOCK,
        "rows": [{"region": u, "n": per_county.get(u.pk, 0), "within": None, "over": None} for u in sc.units],
        "n": total["n"],
        "within": None,
        "over": None,
        "avg_months": None if avg is None else round(avg / DAYS_PER_MONTH, 1),
        "n_month": total["n_month"],
        "within_month": None,
    }


def band_label(lo: Decimal, hi: Decimal | None, first: bool) -> str:
    lo_s, hi_s = decimal_text(lo), decimal_text(hi) if hi is not None else ""
    if hi is None:
        return f"{lo_s}亿元及以上"
    if first:
        return f"{hi_s}亿元以下"
    return f"{lo_s}—{hi_s}亿元（含{lo_s}亿元）"


def decimal_text(v: Decimal | float | int | None) -> str:
    if v is None:
        return "—"
    d = Decimal(str(v)).normalize()
    return f"{d:f}"


def _target_map(targets: list[Any], indicator: str, key: str = "") -> dict[int | None, Any]:

    return {
        t.region_id: t
        for t in targets
        if t.indicator == indicator and params_key(indicator, t.params if isinstance(t.params, dict) else {}) == key
    }


# ---------------------------------------------------------------- the year against the targets


def growth_points(
    sc: Scope,
    month: dt.date,
    values: dict[tuple[str, str], dict[int | None, Decimal]] | None = None,
    *,
    lim: Limits | None = None,
    targets: list[Any] | None = None,
) -> dict[str, Any]:
    """XN-GS-9: growth points entered in the year (expected added output at or above the pack's threshold), count
    and expected output per county against the yearly targets."""
    lim = lim or limits()
    values = values or indicator_values(month, projects=sc.projects, lim=lim, targets=targets)
    targets = pack_targets(
        ["growth_point_count", "growth_point_reserve_count", "growth_point_expected_output"], targets
    )
    count_t = _target_map(targets, "growth_point_reserve_count")
    n, out = values[("growth_point_count", "")], values[("growth_point_expected_output", "")]
    rows = [
        {"region": u, "n": int(n.get(u.pk, 0)), "output": out.get(u.pk, Decimal(0)), "target": _tv(count_t.get(u.pk))}
        for u in sc.units
    ]
    return {
        "threshold": lim.growth_output,
        "comparator": lim.growth_cmp,
        "rows": rows,
        "n": int(n.get(None, 0)),
        "output": out.get(None, Decimal(0)),
        "target_n": None if sc.restricted else _tv(_target_map(targets, "growth_point_count").get(None)),
        "target_output": None if sc.restricted else _tv(_target_map(targets, "growth_point_expected_output").get(None)),
        "target_sum": sum(r["target"] for r in rows if r["target"] is not None) or None,
    }


def tech_upgrade(
    sc: Scope,
    month: dt.date,
    values: dict[tuple[str, str], dict[int | None, Decimal]] | None = None,
    *,
    lim: Limits | None = None,
    targets: list[Any] | None = None,
) -> dict[str, Any]:
    """XN-JG-1/2: 技改 projects entered in the year with investment at or above the pack's threshold (500万元), and
    of them at or above 1亿元, per county against the yearly targets."""

    lim = lim or limits()
    values = values or indicator_values(month, projects=sc.projects, lim=lim, targets=targets)
    k1 = params_key("techrenovation_project_count", lim.tech_params)
    k2 = params_key("techrenovation_project_count", lim.tech_major_params)
    targets = pack_targets(["techrenovation_project_count"], targets)
    t1, t2 = (
        _target_map(targets, "techrenovation_project_count", k1),
        _target_map(targets, "techrenovation_project_count", k2),
    )
    v1, v2 = values[("techrenovation_project_count", k1)], values[("techrenovation_project_count", k2)]
    end, y0 = project_rules.month_end(month), dt.date(month.year, 1, 1)
    inv = dict(
        sc.projects.filter(entered_between(y0, end) & live_at(end) & tech_q(lim.tech_params))
        .order_by()
        .values_list("county")
        .annotate(s=Sum("investment"))
    )
    rows = [
        {
            "region": u,
            "n": int(v1.get(u.pk, 0)),
            "target": _tv(t1.get(u.pk)),
            "major": int(v2.get(u.pk, 0)),
            "major_target": _tv(t2.get(u.pk)),
            "investment": (inv.get(u.pk) or Decimal(0)).quantize(Decimal("0.0001")),
        }
        for u in sc.units
    ]
    return {
        "threshold": lim.tech,
        "threshold_wan": lim.tech * WAN_PER_YI,
        "major_threshold": lim.tech_major,
        "rows": rows,
        "n": int(v1.get(None, 0)),
        "major": int(v2.get(None, 0)),
        "investment": sum((r["investment"] for r in rows), Decimal(0)).quantize(Decimal("0.0001")),
        "target_n": None if sc.restricted else _tv(t1.get(None)),
    }


def _tv(t: Any) -> Decimal | None:
    return None if t is None else t.value


def key_projects(
    sc: Scope,
    month: dt.date,
    values: dict[tuple[str, str], dict[int | None, Decimal]] | None = None,
    *,
    targets: list[Any] | None = None,
) -> dict[str, Any]:
    """XN-GS-8 and HG-T-2: landed (signed), started, put into production and reserve (entered) in the year."""
    values = values or indicator_values(month, projects=sc.projects, targets=targets)
    codes = {
        "landed": "key_projects_landed_count",
        "started": "projects_started_count",
        "producing": "projects_producing_count",
        "reserve": "key_project_reserve_count",
    }
    targets = pack_targets(list(codes.values()), targets)
    tmaps = {k: _target_map(targets, code) for k, code in codes.items()}
    rows = []
    for u in sc.units:
        r: dict[str, Any] = {"region": u}
        for k, code in codes.items():
            r[k] = int(values[(code, "")].get(u.pk, 0))
            r[f"{k}_target"] = _tv(tmaps[k].get(u.pk))
        rows.append(r)
    totals = {k: int(values[(code, "")].get(None, 0)) for k, code in codes.items()}
    city_targets = {} if sc.restricted else {k: _tv(tmaps[k].get(None)) for k in codes}
    return {"rows": rows, "totals": totals, "targets": city_targets}


def target_progress(
    sc: Scope,
    month: dt.date,
    values: dict[tuple[str, str], dict[int | None, Decimal]] | None = None,
    *,
    targets: list[Any] | None = None,
) -> list[dict[str, Any]]:
    """Every active pack target on a project indicator within the scope, with the year-to-date value and whether it
    is met or on track for the time elapsed (targets.progress's reading of the comparator)."""

    values = values or indicator_values(month, projects=sc.projects, targets=targets)
    end = project_rules.month_end(month)
    elapsed = min(1.0, ((end - dt.date(month.year, 1, 1)).days + 1) / (366 if month.year % 4 == 0 else 365))
    unit_ids = {u.pk for u in sc.units}
    out = []
    for t in pack_targets(PROJECT_INDICATORS, targets):
        if t.year and not t.per_year and t.year != month.year:
            continue
        if sc.restricted and t.region_id not in unit_ids:
            continue
        per = values.get((t.indicator, params_key(t.indicator, t.params if isinstance(t.params, dict) else {})))
        if per is None:
            continue
        v = per.get(t.region_id, Decimal(0))
        met = satisfies(v, t.comparator, t.value)
        expected = (t.value * Decimal(str(elapsed))).quantize(Decimal("0.1")) if t.per_year else t.value
        status = "met" if met else ("on_track" if v >= expected and t.comparator in (">=", ">") else "behind")
        out.append(
            {
                "target": t,
                "scope": t.region.name if t.region_id else "全市",
                "value": v.normalize(),
                "expected": expected,
                "percent": None if not t.value else round(float(v / t.value * 100), 1),
                "status": status,
                "status_label": {"met": "已达标", "on_track": "进度正常", "behind": "滞后"}[status],
            }
        )
    return out
