"""Quarterly concentrated starts (HG-P-1, 黄冈: “按季举办重大项目集中开工活动”), for a pack that states
`projects: {concentrated_starts: quarter}`; packs without it show nothing of it.

Definitions (the text names the cadence, not the counting rules; these are the platform's):

* a project **started in a quarter** has its start date (started_on) between the quarter's first and last day
  (31 March is Q1, 1 April Q2) — the bulletin's “新开工” (`stats.movements`) counted over the quarter, with the total
  investment (亿元) of those projects;
* the **candidates for the next quarter's concentrated start** (下季度拟集中开工) are the projects signed by the end of
  the quarter (by today while the quarter runs) and not started, put into production or exited by then — the
  yellow, signed projects of XN-XM-4.

Everything is scoped (`stats.scope`): a county officer sees their county. `sections()` lays the figures out once, for
the page and the .xlsx export alike."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.db.models import Count, Q, QuerySet, Sum
from django.utils import timezone

from chanye.projects import rules as project_rules
from chanye.projects.bulletin import city_name
from chanye.projects.bulletin_tables import number_text
from chanye.projects.models import Project
from chanye.projects.quarters import Quarter, quarters_of
from chanye.projects.stats import ZERO, Scope, movements, scope

RULE = "HG-P-1"


def stated() -> bool:
    """Whether the active pack states quarterly concentrated starts (HG-P-1)."""
    return project_rules.current().concentrated_starts == "quarter"


def as_of(quarter: Quarter, today: dt.date | None = None) -> dt.date:
    """The day a quarter's candidates are counted at: its last day, or today while it runs."""
    return min(quarter.end, today or timezone.localdate())


def candidates_q(day: dt.date) -> Q:
    """Signed by `day` and not started, put into production or exited by then (yellow and signed, XN-XM-4)."""
    return (
        Q(signed_on__lte=day)
        & (Q(started_on__isnull=True) | Q(started_on__gt=day))
        & (Q(producing_on__isnull=True) | Q(producing_on__gt=day))
        & (Q(exited_on__isnull=True) | Q(exited_on__gt=day))
    )


def candidates(sc: Scope, day: dt.date) -> dict[str, Any]:
    """The candidates for the next concentrated start at `day`, per county: count and total investment (亿元)."""
    per = {
        r.pop("county"): r
        for r in sc.projects.filter(candidates_q(day))
        .order_by()
        .values("county")
        .annotate(n=Count("pk"), investment=Sum("investment"))
    }
    rows = [
        {"region": u, "n": per.get(u.pk, {}).get("n", 0), "investment": per.get(u.pk, {}).get("investment") or ZERO}
        for u in sc.units
    ]
    return {
        "rows": rows,
        "n": sum(r["n"] for r in rows),
        "investment": sum((r["investment"] for r in rows), ZERO),
    }


def quarter_starts(sc: Scope, quarter: Quarter) -> dict[str, Any]:
    """A quarter's starts per county (count and investment), from the bulletin's movements over the quarter."""
    mv = movements(sc, quarter.last_month, since=quarter.first)
    return {
        "quarter": quarter,
        "rows": [{"region": r["region"], "n": r["started"], "investment": r["started_investment"]} for r in mv["rows"]],
        "n": mv["totals"]["started"],
        "investment": mv["totals"]["started_investment"],
    }


def started_projects(sc: Scope, quarter: Quarter) -> QuerySet[Project]:
    return (
        sc.projects.filter(started_on__range=(quarter.first, quarter.end))
        .select_related("county", "park", "enterprise")
        .order_by("started_on", "code")
    )


def candidate_projects(sc: Scope, day: dt.date) -> QuerySet[Project]:
    return (
        sc.projects.filter(candidates_q(day))
        .select_related("county", "park", "enterprise")
        .order_by("-investment", "code")
    )


def figures(quarter: Quarter, *, user: Any = None, today: dt.date | None = None) -> dict[str, Any]:
    """HG-P-1 for the year of `quarter`: every begun quarter's starts per county, and for `quarter` the projects
    started in it and the candidates for the next one — within the user's scope."""
    sc = scope(user=user)
    day = as_of(quarter, today)
    city = city_name()
    return {
        "quarter": quarter,
        "next": quarter.next(),
        "as_of": day,
        "city": city,
        "scope": sc.label,
        "restricted": sc.restricted,
        "units": sc.units,
        "title": f"{city}{quarter.year}年重大项目季度集中开工（{RULE}）",
        "subtitle": sc.label if sc.restricted else "",
        "quarters": [quarter_starts(sc, q) for q in quarters_of(quarter.year, today)],
        "this": quarter_starts(sc, quarter),
        "candidates": candidates(sc, day),
        "started_projects": started_projects(sc, quarter),
        "candidate_projects": candidate_projects(sc, day),
    }


# ---------------------------------------------------------------- the sections, once for the page and the .xlsx


def _project_row(p: Project) -> list[Any]:
    return [
        p.code,
        p.name,
        p.investor_name,
        p.county.name,
        p.park.name if p.park is not None else "",
        p.investment,
        p.signed_on.isoformat() if p.signed_on else "",
        p.started_on.isoformat() if p.started_on else "",
        p.responsible_unit,
    ]


PROJECT_HEADERS = [
    "项目编号",
    "项目名称",
    "投资主体",
    "区县",
    "园区",
    "总投资(亿元)",
    "签约日期",
    "开工日期",
    "责任单位",
]


def sections(d: dict[str, Any]) -> list[dict[str, Any]]:
    """The figures as titled sections of text and tables (headers, rows, a total row)."""
    qs, q, nxt, c = d["quarters"], d["quarter"], d["next"], d["candidates"]
    headers = ["区县"]
    for x in qs:
        headers += [f"{x['quarter'].short}开工(个)", f"{x['quarter'].short}投资(亿元)"]
    headers += ["全年开工(个)", "全年投资(亿元)"]
    rows = []
    for k, u in enumerate(d["units"]):
        cells: list[Any] = [u.name]
        for x in qs:
            cells += [x["rows"][k]["n"], x["rows"][k]["investment"]]
        cells += [sum(x["rows"][k]["n"] for x in qs), sum((x["rows"][k]["investment"] for x in qs), ZERO)]
        rows.append(cells)
    total: list[Any] = ["合计"]
    for x in qs:
        total += [x["n"], x["investment"]]
    total += [sum(x["n"] for x in qs), sum((x["investment"] for x in qs), ZERO)]
    this = d["this"]
    day: dt.date = d["as_of"]
    return [
        {
            "key": "quarters",
            "title": f"{q.year}年各季度开工项目",
            "text": ["按开工日期所在季度统计（3月31日开工计入第一季度，4月1日开工计入第二季度），投资为项目总投资。"],
            "tables": [{"name": "分季度分区县", "headers": headers, "rows": rows, "total": total}],
        },
        {
            "key": "started",
            "title": f"{q.label}开工项目",
            "text": [f"{q.label}开工项目{this['n']}个，总投资{_n(this['investment'])}亿元。"],
            "tables": [
                {
                    "name": "本季度开工",
                    "headers": PROJECT_HEADERS,
                    "rows": [_project_row(p) for p in d["started_projects"]],
                }
            ],
        },
        {
            "key": "candidates",
            "title": f"下季度拟集中开工（{nxt.label}）",
            "text": [
                f"截至{day.year}年{day.month}月{day.day}日已签约、尚未开工（未投产、未退出）的项目{c['n']}个，"
                f"总投资{_n(c['investment'])}亿元，作为{nxt.label}集中开工的候选项目。"
            ],
            "tables": [
                {
                    "name": "分区县",
                    "headers": ["区县", "拟开工项目(个)", "总投资(亿元)"],
                    "rows": [[r["region"].name, r["n"], r["investment"]] for r in c["rows"]],
                    "total": ["合计", c["n"], c["investment"]],
                },
                {
                    "name": "候选项目",
                    "headers": PROJECT_HEADERS,
                    "rows": [_project_row(p) for p in d["candidate_projects"]],
                },
            ],
        },
    ]


def _n(v: Decimal) -> str:
    return number_text(v)
