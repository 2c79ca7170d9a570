"""Project figures for one month: the monthly bulletin (月通报, YY-P-3), the growth-point (XN-GS-9) and 技改
(XN-JG-1/2) views, and the project indicators of the target tree (XN-GS-8/9, XN-JG-1/2, HG-T-2, YY-P-1).

Everything is scoped: `scope(user=…)` reads through `Project.objects.for_user` (a county officer sees their
county), `scope(region=…)` narrows to one county or park, `scope()` is the whole city (CLI, indicators). Every
figure is a database aggregation (GROUP BY with filtered counts); there is no loop over projects in Python, so a
20,000-project city takes a dozen queries.

Definitions (the texts name the targets, not the counting rules; these are the platform's, documented here and in the
catalogue):

* the **portfolio at a month end** is every project signed by then, or registered by then if not yet signed — the
  population `services.grade_month` grades;
* its **colour at a month end** (XN-XM-4) is the graded one (`ProjectMonth`) when the month is graded, otherwise the
  colour its dates give (exited → red, producing → green, started → blue, else yellow);
* a milestone is **overdue at a month end** when planned before the end and not done by it (the grading's rule),
  projects exited by then excluded;
* **XN-XM-1**: signing → start in at most `start_within_days` days (exactly 60 days is within);
* **XN-XM-2**: start → production within the band's months for the project's total investment, counted by calendar
  month as `rules.add_months` does (exactly 9 months is within; exactly 5亿 is in the 12-month band);
* a project **enters the library** (入库) on its signing date, or — never signed — on the day it was registered;
  growth points (XN-GS-9), 技改 projects (XN-JG-1/2) and the reserve (XN-GS-8) of a year are the projects entering
  that year and not exited by the period end;
* **landed** (落地, XN-GS-8) = signed in the year; **started** / **producing** (HG-T-2, XN-GS-8) = started /
  put into production in the year;
* **projects implemented in a year** (YY-P-1 `project_count_investment_over`) = in the library by the period end,
  not exited by it and not already producing before the year began.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db.models import (
    Avg,
    Case,
    CharField,
    Count,
    DurationField,
    ExpressionWrapper,
    F,
    FilteredRelation,
    IntegerField,
    Q,
    QuerySet,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Coalesce, ExtractDay, ExtractMonth, ExtractYear
from django.utils import timezone

from chanye.core import access, indicators
from chanye.core.indicators import params_key, satisfies
from chanye.projects import rules as project_rules
from chanye.projects.models import (
    COLOUR_HEX,
    Colour,
    Milestone,
    Project,
    ProjectIssue,
    ProjectKind,
    ProjectMonth,
    ProjectType,
)
from chanye.regions.models import Region

WAN_PER_YI = Decimal(10000)
COLOURS = [Colour.GREEN, Colour.BLUE, Colour.YELLOW, Colour.RED]  # XN-XM-4, high to low
COLOUR_RANK = {c: i for i, c in enumerate(reversed(COLOURS))}  # red 0 … green 3
DAYS_PER_MONTH = 365.25 / 12

# The indicators this module computes (catalogue codes, chanye.projects.indicators); their values replace exactly these.
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
)


# ---------------------------------------------------------------- scope


@dataclass(frozen=True)
class Scope:
    projects: QuerySet[Project]
    units: list[Region]  # the county-level units shown as rows (plus any other county the projects are in)
    label: str  # 全市 or the unit's name
    restricted: bool  # False: the whole city (no filter needed on related tables)

    def within(self, qs: QuerySet[Any], path: str = "project") -> QuerySet[Any]:
        """Rows of a related table (milestones, months, issues) whose project is in scope."""
        return qs.filter(**{f"{path}__in": self.projects}) if self.restricted else qs


def scope(*, user: Any = None, region: Region | None = None) -> Scope:
    """The projects a user (through `for_user`, the one checkpoint) or a region (county or park) covers; neither
    means the whole city."""
    qs = Project.objects.for_user(user) if user is not None else Project.objects.all()
    restricted = False
    unit: Region | None = region
    if user is not None and not access.is_city_wide(user):
        restricted = True
        unit = unit or getattr(user, "region", None)
    if region is not None:
        qs = qs.filter(Q(county=region) | Q(park=region))
        restricted = True
    units = list(Region.objects.county_level())
    if unit is not None:
        units = [u for u in units if u.pk in (unit.pk, unit.parent_id)]
    present = set(qs.order_by().values_list("county", flat=True).distinct())
    known = {u.pk for u in units}
    extra = present - known
    if extra:
        units += list(Region.objects.filter(pk__in=extra))
    label = unit.name if unit is not None else ("全市" if user is None or not restricted else "")
    return Scope(projects=qs, units=units, label=label or "全市", restricted=restricted)


# ---------------------------------------------------------------- expressions


def month_of(d: dt.date) -> dt.date:
    return d.replace(day=1)


def previous_month(month: dt.date) -> dt.date:
    return (month - dt.timedelta(days=1)).replace(day=1)


def _exists_at(day: dt.date) -> Q:
    """In the portfolio at `day`: signed by then, or registered by then if never signed (grade_month's population)."""
    return Q(signed_on__lte=day) | Q(signed_on__isnull=True, created_at__date__lte=day)


def _live_at(day: dt.date) -> Q:
    return Q(exited_on__isnull=True) | Q(exited_on__gt=day)


def _entered(y0: dt.date, end: dt.date) -> Q:
    """Entered the library between `y0` and `end`: signed then, or registered then if never signed."""
    return Q(signed_on__range=(y0, end)) | Q(signed_on__isnull=True, created_at__date__range=(y0, end))


def _colour_from_dates(day: dt.date) -> Case:
    return Case(
        When(exited_on__lte=day, then=Value(Colour.RED.value)),
        When(producing_on__lte=day, then=Value(Colour.GREEN.value)),
        When(started_on__lte=day, then=Value(Colour.BLUE.value)),
        default=Value(Colour.YELLOW.value),
        output_field=CharField(),
    )


def is_graded(month: dt.date) -> bool:
    return ProjectMonth.objects.filter(month=month).exists()


def _with_colour(qs: QuerySet[Project], name: str, month: dt.date, graded: bool) -> QuerySet[Project]:
    """`qs` annotated with `name` = the XN-XM-4 colour at the end of `month`: the graded one if the month was graded
    (a LEFT JOIN on that month's `ProjectMonth`, for projects added since the grading the dates decide), else the one
    the dates give."""
    derived = _colour_from_dates(project_rules.month_end(month))
    if not graded:
        return qs.annotate(**{name: derived})
    rel = f"{name}_pm"
    return qs.annotate(**{rel: FilteredRelation("months", condition=Q(months__month=month))}).annotate(
        **{name: Coalesce(F(f"{rel}__colour"), derived, output_field=CharField())}
    )


def _cmp_q(field: str, value: Decimal, comparator: str) -> Q:
    return Q(**{f"{field}__{'gt' if comparator == '>' else 'gte'}": value})


# ---------------------------------------------------------------- pack numbers


@dataclass(frozen=True)
class Limits:
    """The pack's thresholds for growth points and 技改, in the project fields' units."""

    growth_output: Decimal  # 万元 of expected added output (XN-GS-9)
    growth_cmp: str
    tech: Decimal  # 亿元 of total investment (XN-JG-1)
    tech_cmp: str
    tech_major: Decimal  # 亿元 (XN-JG-2)
    tech_major_cmp: str
    tech_params: dict[str, Any] = field(default_factory=dict)
    tech_major_params: dict[str, Any] = field(default_factory=dict)


def _to_wan(value: Decimal, unit: str) -> Decimal:
    return value * WAN_PER_YI if unit == "亿元" else value


def _to_yi(value: Decimal, unit: str) -> Decimal:
    return value if unit == "亿元" else value / WAN_PER_YI


def limits() -> Limits:
    """Thresholds `growth_point_expected_output` (2000万元), `tech_upgrade_project_investment` (500万元) and
    `tech_upgrade_major_project_investment` (1亿元) from the pack; these defaults (咸宁, XN-GS-9/XN-JG-1/2) apply when
    a pack sets none."""
    from chanye.industry.models import Threshold

    keys = ["growth_point_expected_output", "tech_upgrade_project_investment", "tech_upgrade_major_project_investment"]
    got = {t.key: t for t in Threshold.objects.filter(key__in=keys)}

    def one(key: str, default: Decimal, unit: str) -> tuple[Decimal, str, str]:
        t = got.get(key)
        if t is None:
            return default, unit, ">="
        return t.value, t.unit or unit, t.comparator if t.comparator in (">", ">=") else ">="

    g, gu, gc = one("growth_point_expected_output", Decimal(2000), "万元")
    t1, u1, c1 = one("tech_upgrade_project_investment", Decimal(500), "万元")
    t2, u2, c2 = one("tech_upgrade_major_project_investment", Decimal(1), "亿元")
    return Limits(
        growth_output=_to_wan(g, gu),
        growth_cmp=gc,
        tech=_to_yi(t1, u1),
        tech_cmp=c1,
        tech_major=_to_yi(t2, u2),
        tech_major_cmp=c2,
        tech_params={"min_investment": _plain(t1), "min_investment_unit": u1, "min_investment_comparator": c1},
        tech_major_params={"min_investment": _plain(t2), "min_investment_unit": u2, "min_investment_comparator": c2},
    )


def _plain(v: Decimal) -> int | float:
    v = v.normalize()
    return int(v) if v == v.to_integral_value() else float(v)


def _targets(indicators: tuple[str, ...] | list[str], among: list[Any] | None = None) -> list[Any]:
    """Active pack targets on `indicators` (city or region scope), from `among` when the caller fetched them already."""
    from chanye.industry.models import Target

    if among is not None:
        return [t for t in among if t.indicator in indicators]
    return list(
        Target.objects.filter(is_active=True, indicator__in=indicators, cluster__isnull=True)
        .select_related("region")
        .order_by("rule", "code")
    )


def _param_sets(
    indicator: str, extra: list[dict[str, Any]] | None = None, targets: list[Any] | None = None
) -> dict[str, dict[str, Any]]:
    """params_key → params for a parameterised indicator: those of the pack's targets, plus `extra`."""

    out: dict[str, dict[str, Any]] = {}
    for t in _targets([indicator], targets):
        params = t.params if isinstance(t.params, dict) else {}
        out.setdefault(params_key(indicator, params), params)
    for params in extra or []:
        out.setdefault(params_key(indicator, params), params)
    return out


def _tech_q(params: dict[str, Any]) -> Q:
    """XN-JG-1/2: a 技改 project (kind=upgrade) whose total investment reaches params.min_investment."""
    raw = params.get("min_investment")
    q = Q(kind=ProjectKind.UPGRADE)
    if raw in (None, ""):
        return q
    value = _to_yi(Decimal(str(raw)), str(params.get("min_investment_unit") or "万元"))
    return q & _cmp_q("investment", value, str(params.get("min_investment_comparator") or ">="))


_TYPE_BY_LABEL = {label: value for value, label in ProjectType.choices}


def _over_q(params: dict[str, Any]) -> Q:
    """YY-P-1: total investment at or above params.threshold 亿元, below params.below, of params.project_type."""
    unit = str(params.get("threshold_unit") or "亿元")
    q = Q()
    if params.get("threshold") not in (None, ""):
        q &= _cmp_q(
            "investment",
            _to_yi(Decimal(str(params["threshold"])), unit),
            str(params.get("threshold_comparator") or ">="),
        )
    if params.get("below") not in (None, ""):
        q &= Q(investment__lt=_to_yi(Decimal(str(params["below"])), unit))
    kind = params.get("project_type")
    if kind:
        q &= Q(project_type=_TYPE_BY_LABEL.get(str(kind), str(kind)))
    return q


# ---------------------------------------------------------------- indicator values


def _indicator_aggregates(month: dt.date, lim: Limits, targets: list[Any] | None = None) -> dict[tuple[str, str], Any]:
    """(indicator, params_key) → an aggregate over projects, for the year to the end of `month`."""
    y0, end = dt.date(month.year, 1, 1), project_rules.month_end(month)
    entered = _entered(y0, end) & _live_at(end)
    growth = entered & _cmp_q("expected_output", lim.growth_output, lim.growth_cmp)
    implemented = _exists_at(end) & _live_at(end) & (Q(producing_on__isnull=True) | Q(producing_on__gte=y0))
    aggs: dict[tuple[str, str], Any] = {
        ("key_projects_landed_count", ""): Count("pk", filter=Q(signed_on__range=(y0, end))),  # XN-GS-8
        ("projects_started_count", ""): Count("pk", filter=Q(started_on__range=(y0, end))),  # HG-T-2
        ("projects_producing_count", ""): Count("pk", filter=Q(producing_on__range=(y0, end))),  # XN-GS-8, HG-T-2
        ("key_project_reserve_count", ""): Count("pk", filter=entered),  # XN-GS-8
        ("growth_point_count", ""): Count("pk", filter=growth),  # XN-GS-9
        ("growth_point_reserve_count", ""): Count("pk", filter=growth),
        ("growth_point_expected_output", ""): Sum("expected_output", filter=growth),  # 万元 here, 亿元 stored
    }
    for key, params in _param_sets(
        "techrenovation_project_count", [lim.tech_params, lim.tech_major_params], targets
    ).items():  # XN-JG-1/2
        aggs[("techrenovation_project_count", key)] = Count("pk", filter=entered & _tech_q(params))
    for key, params in _param_sets("project_count_investment_over", None, targets).items():  # YY-P-1
        aggs[("project_count_investment_over", key)] = Count("pk", filter=implemented & _over_q(params))
    return aggs


def _clean(code: str, v: Any) -> Decimal:
    v = Decimal(0) if v is None else Decimal(str(v))
    if code == "growth_point_expected_output":
        v = v / WAN_PER_YI
    return v.quantize(Decimal("0.0001"))


def indicator_values(
    month: dt.date,
    *,
    projects: QuerySet[Project] | None = None,
    lim: Limits | None = None,
    targets: list[Any] | None = None,
) -> dict[tuple[str, str], dict[int | None, Decimal]]:
    """(indicator, params_key) → {None: city (or the scope's total), county/park id: value} for the year to the end
    of `month`: one aggregate for the total, one GROUP BY county, one GROUP BY non-county-level park."""
    projects = projects if projects is not None else Project.objects.all()
    aggs = _indicator_aggregates(month, lim or limits(), targets)
    names = {f"a{i}": key for i, key in enumerate(aggs)}
    by_alias = {alias: aggs[key] for alias, key in names.items()}
    out: dict[tuple[str, str], dict[int | None, Decimal]] = {key: {} for key in aggs}
    total = projects.order_by().aggregate(**by_alias)
    for alias, key in names.items():
        out[key][None] = _clean(key[0], total[alias])
    for row in projects.order_by().values("county").annotate(**by_alias):
        for alias, key in names.items():
            out[key][row["county"]] = _clean(key[0], row[alias])
    parks = projects.filter(park__isnull=False, park__is_county_level=False).order_by().values("park")
    for row in parks.annotate(**by_alias):
        for alias, key in names.items():
            out[key][row["park"]] = _clean(key[0], row[alias])
    return out


def period_for(year: int, today: dt.date | None = None) -> dt.date:
    """The period a year's values are stored under: December for a past year, this month for the current one."""
    today = today or timezone.localdate()
    return dt.date(year, 12, 1) if year < today.year else today.replace(day=1)


def project_indicator_values(year: int, month: dt.date | None = None) -> indicators.Provided:
    """The project indicators (PROJECT_INDICATORS) of `year` for the city, every county-level unit and every park with
    projects, as of `month` (default: December of a past year, else this month); parameterised ones under the
    `params_key` of each pack target's params. Stored by targets (`core.indicators` provider "projects"): the
    period's computed values of these indicators are replaced, reported figures kept. With no project in the library
    at all nothing is stored (the targets show 暂无数据 rather than zeros)."""
    period = (month or period_for(year)).replace(day=1)
    if period.year != year:
        raise ValueError(f"期间 {period:%Y-%m} 不在 {year} 年")
    if not Project.objects.exists():
        return indicators.Provided(period, None)  # a city not using the project library yet: "no data", not zeros
    values = indicator_values(period)
    units = set(Region.objects.county_level().values_list("pk", flat=True))
    rows = [
        indicators.Row(code, per.get(region_id, Decimal(0)), params_key=key, region_id=region_id)
        for (code, key), per in values.items()
        for region_id in units | set(per)
    ]
    return indicators.Provided(period, rows)


PROVIDER = indicators.Provider("projects", PROJECT_INDICATORS, project_indicator_values)


# ---------------------------------------------------------------- bulletin sections


def _rows(sc: Scope, per: dict[int, dict[str, Any]], empty: dict[str, Any]) -> list[dict[str, Any]]:
    """One row per unit (in the pack's order), zeros where a unit has nothing."""
    return [{"region": u, **{**empty, **per.get(u.pk, {})}} for u in sc.units]


def colour_board(sc: Scope, month: dt.date, graded: bool | None = None) -> dict[str, Any]:
    """Projects by colour × county at the end of `month` (XN-XM-4)."""
    graded = is_graded(month) if graded is None else graded
    end = project_rules.month_end(month)
    q = (
        _with_colour(sc.projects.filter(_exists_at(end)), "c", month, graded)
        .order_by()
        .values("county", "c")
        .annotate(n=Count("pk"))
    )
    per: dict[int, dict[str, Any]] = {}
    for r in q:
        per.setdefault(r["county"], {})[r["c"]] = r["n"]
    rows = []
    for r in _rows(sc, per, {}):
        counts = {c.value: r.get(c.value, 0) for c in COLOURS}
        rows.append({"region": r["region"], "counts": counts, "total": sum(counts.values())})
    totals = {c.value: sum(r["counts"][c.value] for r in rows) for c in COLOURS}
    return {"graded": graded, "rows": rows, "totals": totals, "total": sum(totals.values())}


def movements(sc: Scope, month: dt.date) -> dict[str, Any]:
    """Signed, started, put into production and exited in the month, per county."""
    end = project_rules.month_end(month)
    aggs = {
        "signed": Count("pk", filter=Q(signed_on__range=(month, end))),
        "started": Count("pk", filter=Q(started_on__range=(month, end))),
        "producing": Count("pk", filter=Q(producing_on__range=(month, end))),
        "exited": Count("pk", filter=Q(exited_on__range=(month, end))),
    }
    per = {r.pop("county"): r for r in sc.projects.order_by().values("county").annotate(**aggs)}
    rows = _rows(sc, per, dict.fromkeys(aggs, 0))
    return {"rows": rows, "totals": {k: sum(r[k] for r in rows) for k in aggs}}


def colour_changes(
    sc: Scope, month: dt.date, *, limit: int = 30, graded: bool | None = None, prev_graded: bool | None = None
) -> dict[str, Any]:
    """Colour at the end of `month` against the end of the previous month (graded colours where graded)."""
    prev = previous_month(month)
    end, prev_end = project_rules.month_end(month), project_rules.month_end(prev)
    graded = is_graded(month) if graded is None else graded
    prev_graded = is_graded(prev) if prev_graded is None else prev_graded
    qs = _with_colour(
        _with_colour(sc.projects.filter(_exists_at(end)), "now", month, graded), "was_c", prev, prev_graded
    )
    was = Case(When(~_exists_at(prev_end), then=Value("")), default=F("was_c"), output_field=CharField())
    qs = qs.annotate(was=was).exclude(was=F("now"))
    transitions = []
    per: dict[int, dict[str, int]] = {}
    for r in qs.order_by().values("county", "was", "now").annotate(n=Count("pk")):
        d = per.setdefault(r["county"], {"new": 0, "up": 0, "down": 0, "to_red": 0})
        if not r["was"]:
            d["new"] += r["n"]
            continue
        d["up" if COLOUR_RANK[r["now"]] > COLOUR_RANK[r["was"]] else "down"] += r["n"]
        if r["now"] == Colour.RED:
            d["to_red"] += r["n"]
        transitions.append((r["was"], r["now"], r["n"]))
    merged: dict[tuple[str, str], int] = {}
    for a, b, n in transitions:
        merged[(a, b)] = merged.get((a, b), 0) + n
    labels = dict(Colour.choices)
    trans = [
        {"from": a, "to": b, "label": f"{labels[a]}→{labels[b]}", "n": n, "up": COLOUR_RANK[b] > COLOUR_RANK[a]}
        for (a, b), n in sorted(merged.items(), key=lambda x: (-COLOUR_RANK[x[0][1]], x[0][0]))
    ]
    projects = list(
        qs.exclude(was="")
        .annotate(county_name=F("county__name"))
        .order_by("-investment", "pk")
        .values("pk", "code", "name", "county_name", "investment", "was", "now")[:limit]
    )
    for p in projects:
        p["was_label"], p["now_label"] = labels[p["was"]], labels[p["now"]]
    rows = _rows(sc, per, {"new": 0, "up": 0, "down": 0, "to_red": 0})
    return {
        "previous": prev,
        "graded": graded,
        "previous_graded": prev_graded,
        "transitions": trans,
        "rows": rows,
        "totals": {k: sum(r[k] for r in rows) for k in ("new", "up", "down", "to_red")},
        "projects": projects,
        "changed": sum(t["n"] for t in trans),
    }


def overdue(sc: Scope, month: dt.date, *, limit: int = 20) -> dict[str, Any]:
    """Milestones overdue at the end of `month` (planned before the end, not done by it), projects exited by then
    excluded — per county, per milestone and the projects with the most."""
    end = project_rules.month_end(month)
    ms = (
        sc.within(Milestone.objects.all())
        .filter(planned_on__lt=end)
        .filter(Q(actual_on__isnull=True) | Q(actual_on__gt=end))
        .filter(Q(project__exited_on__isnull=True) | Q(project__exited_on__gt=end))
    )
    per = {
        r.pop("project__county"): r
        for r in ms.order_by()
        .values("project__county")
        .annotate(milestones=Count("pk"), projects=Count("project", distinct=True))
    }
    rows = _rows(sc, per, {"milestones": 0, "projects": 0})
    by_milestone = list(ms.order_by().values("code", "name").annotate(n=Count("pk"), seq=Avg("seq")).order_by("seq"))
    top = list(
        ms.order_by()
        .values("project", "project__code", "project__name", "project__county__name")
        .annotate(n=Count("pk"))
        .order_by("-n", "project__code")[:limit]
    )
    return {
        "rows": rows,
        "by_milestone": [{"code": r["code"], "name": r["name"], "n": r["n"]} for r in by_milestone],
        "projects": [
            {
                "pk": r["project"],
                "code": r["project__code"],
                "name": r["project__name"],
                "county": r["project__county__name"],
                "n": r["n"],
            }
            for r in top
        ],
        "milestones": sum(r["milestones"] for r in rows),
        "project_count": ms.values("project").distinct().count(),
    }


def _days(v: dt.timedelta | None) -> float | None:
    return None if v is None else v.total_seconds() / 86400


def start_speed(sc: Scope, month: dt.date) -> dict[str, Any]:
    """XN-XM-1: days from signing to the start of construction of the projects started in the month and in the
    year to date, against the pack's limit (exactly the limit is within)."""
    rules = project_rules.current()
    limit = rules.start_within_days
    end, y0 = project_rules.month_end(month), dt.date(month.year, 1, 1)
    days = ExpressionWrapper(F("started_on") - F("signed_on"), output_field=DurationField())
    within = Q(started_on__lte=F("signed_on") + dt.timedelta(days=limit))
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
            avg = _days(r[f"avg{suffix}"])
            out[label] = {"n": n, "within": w, "over": n - w, "avg_days": None if avg is None else round(avg, 1)}
        return out

    per = {r.pop("county"): shape(r) for r in qs.values("county").annotate(**aggs)}
    blank = shape(dict.fromkeys(aggs))
    rows = [{"region": u, **per.get(u.pk, blank)} for u in sc.units]
    return {"limit": limit, "rows": rows, **shape(qs.aggregate(**aggs))}


def production_speed(sc: Scope, month: dt.date) -> dict[str, Any]:
    """XN-XM-2: months from start to production of the projects put into production in the year to date, against
    the band of each project's total investment (calendar months as `rules.add_months` counts them: producing on or
    before start + N months is within, so exactly 9 months is within)."""
    rules = project_rules.current()
    end, y0 = project_rules.month_end(month), dt.date(month.year, 1, 1)
    bands = rules.bands
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
        avg = _days(r.get("avg"))
        out_bands.append(
            {
                "label": _band_label(lo, hi, i == 0),
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
    avg = _days(total["avg"])
    return {
        "bands": out_bands,
        "rows": rows,
        "n": total["n"],
        "within": total["within"],
        "over": total["n"] - total["within"],
        "avg_months": None if avg is None else round(avg / DAYS_PER_MONTH, 1),
        "n_month": total["n_month"],
        "within_month": total["within_month"],
    }


def _band_label(lo: Decimal, hi: Decimal | None, first: bool) -> str:
    lo_s, hi_s = _num(lo), _num(hi) if hi is not None else ""
    if hi is None:
        return f"{lo_s}亿元及以上"
    if first:
        return f"{hi_s}亿元以下"
    return f"{lo_s}—{hi_s}亿元（含{lo_s}亿元）"


def _num(v: Decimal | float | int | None) -> str:
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
    targets = _targets(["growth_point_count", "growth_point_reserve_count", "growth_point_expected_output"], targets)
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
    targets = _targets(["techrenovation_project_count"], targets)
    t1, t2 = (
        _target_map(targets, "techrenovation_project_count", k1),
        _target_map(targets, "techrenovation_project_count", k2),
    )
    v1, v2 = values[("techrenovation_project_count", k1)], values[("techrenovation_project_count", k2)]
    end, y0 = project_rules.month_end(month), dt.date(month.year, 1, 1)
    inv = dict(
        sc.projects.filter(_entered(y0, end) & _live_at(end) & _tech_q(lim.tech_params))
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
    targets = _targets(list(codes.values()), targets)
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
    for t in _targets(PROJECT_INDICATORS, targets):
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


def issues(sc: Scope, month: dt.date) -> dict[str, Any]:
    """一单三制 (YY-P-2) as of the month end: issues raised and closed in the month, open and overdue at its end, and
    per department the closure rate and average days to close — `issues.issue_stats`'s figures, but of the state at
    the month end (an issue closed later was still open then), counted in the database."""
    end = project_rules.month_end(month)
    qs = sc.within(ProjectIssue.objects.all()).filter(raised_on__lte=end).order_by()
    open_at_end = Q(closed_on__isnull=True) | Q(closed_on__gt=end)
    closed_by_end = Q(closed_on__lte=end)
    took = ExpressionWrapper(F("closed_on") - Coalesce("assigned_on", "raised_on"), output_field=DurationField())
    aggs = {
        "total": Count("pk"),
        "closed_total": Count("pk", filter=closed_by_end),
        "open": Count("pk", filter=open_at_end),
        "overdue": Count("pk", filter=open_at_end & Q(due_on__lt=end)),
        "avg": Avg(took, filter=closed_by_end),
    }
    s = qs.aggregate(
        raised=Count("pk", filter=Q(raised_on__gte=month)),
        closed=Count("pk", filter=Q(closed_on__range=(month, end))),
        **aggs,
    )

    def shape(r: dict[str, Any]) -> dict[str, Any]:
        avg = _days(r.pop("avg"))
        r["avg_days"] = None if avg is None else round(avg, 1)
        r["rate"] = round(r["closed_total"] * 100 / r["total"], 1) if r["total"] else None
        return r

    departments = [shape(r) for r in qs.exclude(department="").values("department").annotate(**aggs)]
    departments.sort(key=lambda d: (-d["overdue"], -d["open"], d["department"]))
    return {**shape(s), "departments": departments}


# ---------------------------------------------------------------- the bulletin


def city_name() -> str:
    from chanye.industry.selectors import active_pack

    pack = active_pack()
    city = getattr(pack, "city", None) if pack else None
    return city.name if city is not None else "本市"


def bulletin(month: dt.date, *, user: Any = None, region: Region | None = None) -> dict[str, Any]:
    """Every figure of the monthly bulletin (月通报, YY-P-3) for `month`, within the user's (or region's) scope."""
    month = month.replace(day=1)
    sc = scope(user=user, region=region)
    lim, targets = limits(), _targets(PROJECT_INDICATORS)
    graded, prev_graded = is_graded(month), is_graded(previous_month(month))
    values = indicator_values(month, projects=sc.projects, lim=lim, targets=targets)
    board = colour_board(sc, month, graded)
    city = city_name()
    data = {
        "month": month,
        "end": project_rules.month_end(month),
        "city": city,
        "scope": sc.label,
        "restricted": sc.restricted,
        "title": f"{city}工业项目建设月通报（{month.year}年{month.month}月）",
        "subtitle": sc.label if sc.restricted else "",
        "units": sc.units,
        "colours": [{"code": c.value, "label": c.label, "hex": COLOUR_HEX[c]} for c in COLOURS],
        "board": board,
        "movements": movements(sc, month),
        "changes": colour_changes(sc, month, graded=graded, prev_graded=prev_graded),
        "overdue": overdue(sc, month),
        "start_speed": start_speed(sc, month),
        "production_speed": production_speed(sc, month),
        "key_projects": key_projects(sc, month, values, targets=targets),
        "growth": growth_points(sc, month, values, lim=lim, targets=targets),
        "tech": tech_upgrade(sc, month, values, lim=lim, targets=targets),
        "targets": target_progress(sc, month, values, targets=targets),
        "issues": issues(sc, month),
    }
    data["summary"] = summary(data)
    return data


def summary(d: dict[str, Any]) -> str:
    """The bulletin's opening paragraph."""
    b, mv, od = d["board"], d["movements"]["totals"], d["overdue"]
    t = b["totals"]
    ss, ps = d["start_speed"], d["production_speed"]
    parts = [
        f"截至{d['month'].year}年{d['month'].month}月末，{d['scope']}在库工业项目{b['total']}个，其中绿色（建成投产）"
        f"{t['green']}个、蓝色（开工在建）{t['blue']}个、黄色（签约或入库未开工）{t['yellow']}个、红色（退出）{t['red']}个"
        f"{'' if b['graded'] else '（本月尚未评定，按项目日期推算）'}。",
        f"本月新签约{mv['signed']}个、新开工{mv['started']}个、新投产{mv['producing']}个、退出{mv['exited']}个；"
        f"四色变化{d['changes']['changed']}个（升色{d['changes']['totals']['up']}个、降色{d['changes']['totals']['down']}个）。",
        f"月末逾期未完成节点{od['milestones']}个，涉及项目{od['project_count']}个。",
        f"今年开工项目{ss['ytd']['n']}个，签约后{ss['limit']}天内开工{ss['ytd']['within']}个"
        f"{'、平均' + _num(ss['ytd']['avg_days']) + '天' if ss['ytd']['avg_days'] is not None else ''}（XN-XM-1）；"
        f"今年投产项目{ps['n']}个，按期投产{ps['within']}个（XN-XM-2）。",
    ]
    return "".join(parts)


def parse_bulletin_month(raw: str, *, today: dt.date | None = None) -> dt.date:
    """A bulletin month from `2025-06` (or 2025年6月, 202506 …); a Chinese ValueError when unreadable or future."""
    from chanye.core.imports.values import CellError, parse_month

    try:
        return parse_month(raw.strip(), today=today)
    except CellError as e:
        raise ValueError(f"月份“{raw}”无法识别：{e}") from e


def available_months(today: dt.date | None = None, n: int = 24) -> list[dt.date]:
    """Months a bulletin can be asked for, newest first: this month back `n` months."""
    today = today or timezone.localdate()
    m, out = today.replace(day=1), []
    for _ in range(n):
        out.append(m)
        m = previous_month(m)
    return out


def default_month(today: dt.date | None = None) -> dt.date:
    """The latest graded month, else this month."""
    latest = ProjectMonth.objects.order_by("-month").values_list("month", flat=True).first()
    return latest or (today or timezone.localdate()).replace(day=1)


def chart_data(d: dict[str, Any]) -> dict[str, Any]:
    """What the page's ECharts (and the documents' images) draw."""
    board, ch, od = d["board"], d["changes"], d["overdue"]
    return {
        "has_data": bool(board["total"]),
        "counties": [r["region"].label for r in board["rows"]],
        "colours": [
            {
                "key": c["code"],
                "name": c["label"],
                "hex": c["hex"],
                "data": [r["counts"][c["code"]] for r in board["rows"]],
            }
            for c in d["colours"]
        ],
        "changes": {
            "labels": [t["label"] for t in ch["transitions"]],
            "data": [t["n"] for t in ch["transitions"]],
            "up": [t["up"] for t in ch["transitions"]],
        },
        "overdue": {
            "counties": [r["region"].label for r in od["rows"]],
            "data": [r["milestones"] for r in od["rows"]],
            "projects": [r["projects"] for r in od["rows"]],
        },
    }


def growth_chart(g: dict[str, Any]) -> dict[str, Any]:
    return {
        "has_data": any(r["n"] or r["target"] for r in g["rows"]),
        "counties": [r["region"].label for r in g["rows"]],
        "series": [
            {"name": "今年入库", "data": [r["n"] for r in g["rows"]]},
            {"name": "年度目标", "data": [float(r["target"]) if r["target"] is not None else None for r in g["rows"]]},
        ],
    }


def tech_chart(t: dict[str, Any]) -> dict[str, Any]:
    rows = t["rows"]
    return {
        "has_data": any(r["n"] or r["target"] for r in rows),
        "counties": [r["region"].label for r in rows],
        "series": [
            {"name": f"{_num(t['threshold_wan'])}万元以上", "data": [r["n"] for r in rows]},
            {"name": "年度目标", "data": [float(r["target"]) if r["target"] is not None else None for r in rows]},
            {"name": f"{_num(t['major_threshold'])}亿元以上", "data": [r["major"] for r in rows]},
            {
                "name": "亿元以上目标",
                "data": [float(r["major_target"]) if r["major_target"] is not None else None for r in rows],
            },
        ],
    }


def growth_point_q(month: dt.date, lim: Limits | None = None) -> Q:
    """The growth points (XN-GS-9) of `month`'s year to its end, as a filter on projects."""
    lim = lim or limits()
    y0, end = dt.date(month.year, 1, 1), project_rules.month_end(month)
    return _entered(y0, end) & _live_at(end) & _cmp_q("expected_output", lim.growth_output, lim.growth_cmp)


def tech_upgrade_q(month: dt.date, lim: Limits | None = None) -> Q:
    """The 技改 projects (XN-JG-1) of `month`'s year to its end, as a filter on projects."""
    lim = lim or limits()
    y0, end = dt.date(month.year, 1, 1), project_rules.month_end(month)
    return _entered(y0, end) & _live_at(end) & _tech_q(lim.tech_params)


def is_major_q(lim: Limits) -> Q:
    return _cmp_q("investment", lim.tech_major, lim.tech_major_cmp)
