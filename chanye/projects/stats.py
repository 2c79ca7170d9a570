"""Project figures of a month's colours and status (XN-XM-4): the scope every project figure is counted in, the SQL
building blocks the project figures share, and the bulletin's colour board, movements, colour changes, overdue
milestones and issues (一单三制, YY-P-2). The yearly figures are `chanye.projects.progress`, the project indicators
`chanye.projects.indicators`, the bulletin that assembles them all `chanye.projects.bulletin`.

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
* a project **enters the library** (入库) on its signing date, or — never signed — on the day it was registered.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
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
    Q,
    QuerySet,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Coalesce

from chanye.core import access
from chanye.projects import rules as project_rules
from chanye.projects.models import (
    COLOUR_OF_STATUS,
    STATUS_BY_DATE,
    Colour,
    Milestone,
    Project,
    ProjectIssue,
    ProjectMonth,
    ProjectStatus,
)
from chanye.regions.models import Region

ZERO = Decimal(0)
COLOURS = [Colour.GREEN, Colour.BLUE, Colour.YELLOW, Colour.RED]  # XN-XM-4, high to low
COLOUR_RANK = {c: i for i, c in enumerate(reversed(COLOURS))}  # red 0 … green 3


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


def exists_at(day: dt.date) -> Q:
    """In the portfolio at `day`: signed by then, or registered by then if never signed (grade_month's population)."""
    return Q(signed_on__lte=day) | Q(signed_on__isnull=True, created_at__date__lte=day)


def live_at(day: dt.date) -> Q:
    return Q(exited_on__isnull=True) | Q(exited_on__gt=day)


def implemented_at(end: dt.date) -> Q:
    """Implemented in the year of `end` (YY-P-1 “实施…十亿级项目”): in the library by `end`, not exited by it and not
    already producing before the year began — `project_count_investment_over` and the 梯队名单's project tiers."""
    y0 = dt.date(end.year, 1, 1)
    return exists_at(end) & live_at(end) & (Q(producing_on__isnull=True) | Q(producing_on__gte=y0))


def entered_between(y0: dt.date, end: dt.date) -> Q:
    """Entered the library between `y0` and `end`: signed then, or registered then if never signed."""
    return Q(signed_on__range=(y0, end)) | Q(signed_on__isnull=True, created_at__date__range=(y0, end))


def colour_at(day: dt.date) -> Case:
    """The XN-XM-4 colour each project's dates give at the end of `day`, in SQL: the same rule as
    `services.status_on` (both read `STATUS_BY_DATE` and `COLOUR_OF_STATUS`)."""
    return Case(
        *(
            When(**{f"{field}__lte": day}, then=Value(COLOUR_OF_STATUS[status].value))
            for status, field in STATUS_BY_DATE
        ),
        default=Value(COLOUR_OF_STATUS[ProjectStatus.PLANNED].value),
        output_field=CharField(),
    )


def is_graded(month: dt.date) -> bool:
    return ProjectMonth.objects.filter(month=month).exists()


def _with_colour(qs: QuerySet[Project], name: str, month: dt.date, graded: bool) -> QuerySet[Project]:
    """`qs` annotated with `name` = the XN-XM-4 colour at the end of `month`: the graded one if the month was graded
    (a LEFT JOIN on that month's `ProjectMonth`, for projects added since the grading the dates decide), else the one
    the dates give."""
    derived = colour_at(project_rules.month_end(month))
    if not graded:
        return qs.annotate(**{name: derived})
    rel = f"{name}_pm"
    return qs.annotate(**{rel: FilteredRelation("months", condition=Q(months__month=month))}).annotate(
        **{name: Coalesce(F(f"{rel}__colour"), derived, output_field=CharField())}
    )


def cmp_q(field: str, value: Decimal, comparator: str) -> Q:
    return Q(**{f"{field}__{'gt' if comparator == '>' else 'gte'}": value})


# ---------------------------------------------------------------- the colour and status sections


def _rows(sc: Scope, per: dict[int, dict[str, Any]], empty: dict[str, Any]) -> list[dict[str, Any]]:
    """One row per unit (in the pack's order), zeros where a unit has nothing."""
    return [{"region": u, **{**empty, **per.get(u.pk, {})}} for u in sc.units]


def colour_board(sc: Scope, month: dt.date, graded: bool | None = None) -> dict[str, Any]:
    """Projects by colour × county at the end of `month` (XN-XM-4)."""
    graded = is_graded(month) if graded is None else graded
    end = project_rules.month_end(month)
    q = (
        _with_colour(sc.projects.filter(exists_at(end)), "c", month, graded)
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


def movements(sc: Scope, month: dt.date, *, since: dt.date | None = None) -> dict[str, Any]:
    """Signed, started, put into production and exited in the month — or from `since` to the end of `month` (a
    quarter: the quarterly concentrated starts HG-P-1, the 季调度 YY-P-3) — per county, with the total investment
    (亿元) of the projects started and put into production then."""
    first, end = since or month, project_rules.month_end(month)
    started, producing = Q(started_on__range=(first, end)), Q(producing_on__range=(first, end))
    aggs: dict[str, Any] = {
        "signed": Count("pk", filter=Q(signed_on__range=(first, end))),
        "started": Count("pk", filter=started),
        "producing": Count("pk", filter=producing),
        "exited": Count("pk", filter=Q(exited_on__range=(first, end))),
        "started_investment": Coalesce(Sum("investment", filter=started), Value(ZERO)),
        "producing_investment": Coalesce(Sum("investment", filter=producing), Value(ZERO)),
    }
    per = {r.pop("county"): r for r in sc.projects.order_by().values("county").annotate(**aggs)}
    empty = {k: ZERO if k.endswith("investment") else 0 for k in aggs}
    rows = _rows(sc, per, empty)
    return {"rows": rows, "totals": {k: sum((r[k] for r in rows), empty[k]) for k in aggs}}


def colour_changes(
    sc: Scope, month: dt.date, *, limit: int = 30, graded: bool | None = None, prev_graded: bool | None = None
) -> dict[str, Any]:
    """Colour at the end of `month` against the end of the previous month (graded colours where graded)."""
    prev = previous_month(month)
    end, prev_end = project_rules.month_end(month), project_rules.month_end(prev)
    graded = is_graded(month) if graded is None else graded
    prev_graded = is_graded(prev) if prev_graded is None else prev_graded
    qs = _with_colour(
        _with_colour(sc.projects.filter(exists_at(end)), "now", month, graded), "was_c", prev, prev_graded
    )
    was = Case(When(~exists_at(prev_end), then=Value("")), default=F("was_c"), output_field=CharField())
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


def as_days(v: dt.timedelta | None) -> float | None:
    return None if v is None else v.total_seconds() / 86400


def issues(sc: Scope, month: dt.date, *, since: dt.date | None = None) -> dict[str, Any]:
    """一单三制 (YY-P-2) as of the month end: issues raised and closed in the month (or from `since`: a quarter, the
    季调度 YY-P-3), open and overdue at its end, and per department the closure rate and average days to close —
    `issues.issue_stats`'s figures, but of the state at the month end (an issue closed later was still open then),
    counted in the database."""
    end = project_rules.month_end(month)
    first = since or month
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
        raised=Count("pk", filter=Q(raised_on__gte=first)),
        closed=Count("pk", filter=Q(closed_on__range=(first, end))),
        **aggs,
    )

    def shape(r: dict[str, Any]) -> dict[str, Any]:
        avg = as_days(r.pop("avg"))
        r["avg_days"] = None if avg is None else round(avg, 1)
        r["rate"] = round(r["closed_total"] * 100 / r["total"], 1) if r["total"] else None
        return r

    departments = [shape(r) for r in qs.exclude(department="").values("department").annotate(**aggs)]
    departments.sort(key=lambda d: (-d["overdue"], -d["open"], d["department"]))
    return {**shape(s), "departments": departments}
