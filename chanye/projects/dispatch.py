"""The quarterly dispatch (季调度, YY-P-3, 益阳: “实行‘月通报’‘季调度’‘年考评’”) for a pack that states
`projects: {dispatch: quarter}`; packs without it show nothing of it.

A quarter's report per industry (the pack's top-level clusters: 益阳's 千亿级产业) and per county unit, generated like
the monthly bulletin and from the bulletin's own functions (one fact, one definition): every row — each industry,
each county and the total — is `row_figures` of the projects of that row, which reads

* the colours at the quarter end: `stats.colour_board` of the quarter's last month (graded colours where graded);
* the new starts and productions in the quarter, with their investment: `stats.movements` over the quarter;
* the issues raised and closed in the quarter and open at its end (一单三制, YY-P-2): `stats.issues` over the quarter;
* the portfolio's investment at the quarter end: the total investment (亿元) of the projects in the portfolio then
  (`stats.exists_at`) and not exited by then (`stats.live_at`).

A project's industry is the top-level cluster its cluster belongs to; projects without a cluster (or under a cluster
outside the pack's) make the row 未归类产业, so the industry rows add up to the total as the county rows do. Scoped
through `stats.scope(user=…)`: a county officer sees their county. `sections()` lays the figures out once, for the
page, the .docx and the .xlsx."""

from __future__ import annotations

import dataclasses
from decimal import Decimal
from typing import Any

from django.db.models import Q, Sum
from django.utils import timezone

from chanye.projects import rules as project_rules
from chanye.projects.bulletin import city_name
from chanye.projects.bulletin_tables import number_text
from chanye.projects.models import COLOUR_HEX
from chanye.projects.quarters import Quarter
from chanye.projects.stats import (
    COLOURS,
    ZERO,
    Scope,
    colour_board,
    exists_at,
    is_graded,
    issues,
    live_at,
    movements,
    scope,
)

RULE = "YY-P-3"
UNCLASSIFIED = "未归类产业"


def stated() -> bool:
    """Whether the active pack states the quarterly dispatch (YY-P-3)."""
    return project_rules.current().dispatch == "quarter"


def industries() -> list[tuple[str, Q]]:
    """The pack's top-level clusters (in the pack's order) as (name, the projects under it), and 未归类产业."""
    from chanye.industry.models import Cluster

    clusters = list(Cluster.objects.filter(is_active=True).values("pk", "name", "parent_id"))
    parent = {c["pk"]: c["parent_id"] for c in clusters}

    def top(pk: int) -> int:
        seen = set()
        while parent.get(pk) is not None and pk not in seen:
            seen.add(pk)
            pk = parent[pk]
        return pk

    under: dict[int, list[int]] = {}
    for c in clusters:
        under.setdefault(top(c["pk"]), []).append(c["pk"])
    out = [(c["name"], Q(cluster__in=under[c["pk"]])) for c in clusters if c["parent_id"] is None]
    everything = [pk for pks in under.values() for pk in pks]
    out.append((UNCLASSIFIED, Q(cluster__isnull=True) | ~Q(cluster__in=everything)))
    return out


def narrow(sc: Scope, q: Q) -> Scope:
    """The scope's projects matching `q` (one row of the report)."""
    return dataclasses.replace(sc, projects=sc.projects.filter(q), restricted=True)


def row_figures(sc: Scope, quarter: Quarter, graded: bool) -> dict[str, Any]:
    """One row of the report — the projects of `sc` — from the bulletin's functions over the quarter."""
    month, end = quarter.last_month, quarter.end
    board = colour_board(sc, month, graded)
    mv = movements(sc, month, since=quarter.first)["totals"]
    iss = issues(sc, month, since=quarter.first)
    investment = sc.projects.filter(exists_at(end) & live_at(end)).aggregate(v=Sum("investment"))["v"]
    return {
        "colours": board["totals"],
        "total": board["total"],
        "investment": investment if investment is not None else ZERO,
        "started": mv["started"],
        "started_investment": mv["started_investment"],
        "producing": mv["producing"],
        "producing_investment": mv["producing_investment"],
        "issues_raised": iss["raised"],
        "issues_closed": iss["closed"],
        "issues_open": iss["open"],
    }


def dispatch(quarter: Quarter, *, user: Any = None) -> dict[str, Any]:
    """Every figure of the 季调度 (YY-P-3) of `quarter`, within the user's scope."""
    sc = scope(user=user)
    graded = is_graded(quarter.last_month)
    city = city_name()
    total = row_figures(sc, quarter, graded)
    return {
        "quarter": quarter,
        # the data's date: the quarter's end, or today while the quarter runs (not a date still to come)
        "end": min(quarter.end, timezone.localdate()),
        "graded": graded,
        "city": city,
        "scope": sc.label,
        "restricted": sc.restricted,
        "title": f"{city}工业项目季调度（{quarter.label}）",
        "subtitle": sc.label if sc.restricted else "",
        "colours": [{"code": c.value, "label": c.label, "hex": COLOUR_HEX[c]} for c in COLOURS],
        "industries": [{"name": name, **row_figures(narrow(sc, q), quarter, graded)} for name, q in industries()],
        "counties": [
            {"name": u.name, "region": u, **row_figures(narrow(sc, Q(county=u)), quarter, graded)} for u in sc.units
        ],
        "total": total,
    }


# ---------------------------------------------------------------- the sections, once for the page and the exports


def headers(first: str, colours: list[dict[str, Any]]) -> list[str]:
    return [
        first,
        *[f"{c['label']}色" for c in colours],
        "在库项目",
        "在库总投资(亿元)",
        "本季新开工",
        "新开工投资(亿元)",
        "本季新投产",
        "新投产投资(亿元)",
        "本季提出问题",
        "本季销号",
        "季末未销号",
    ]


def cells(name: str, r: dict[str, Any], colours: list[dict[str, Any]]) -> list[Any]:
    return [
        name,
        *[r["colours"][c["code"]] for c in colours],
        r["total"],
        r["investment"],
        r["started"],
        r["started_investment"],
        r["producing"],
        r["producing_investment"],
        r["issues_raised"],
        r["issues_closed"],
        r["issues_open"],
    ]


def summary(d: dict[str, Any]) -> str:
    t, q = d["total"], d["quarter"]
    c = t["colours"]
    return (
        f"截至{q.label}末，{d['scope']}在库工业项目{t['total']}个（绿色{c['green']}个、蓝色{c['blue']}个、"
        f"黄色{c['yellow']}个、红色{c['red']}个{'' if d['graded'] else '，季末月尚未评定，按项目日期推算'}），"
        f"在库总投资{_n(t['investment'])}亿元（不含已退出项目）。本季度新开工{t['started']}个、"
        f"投资{_n(t['started_investment'])}亿元，新投产{t['producing']}个、投资{_n(t['producing_investment'])}亿元；"
        f"提出问题{t['issues_raised']}个、销号{t['issues_closed']}个，季末未销号{t['issues_open']}个（一单三制）。"
    )


def sections(d: dict[str, Any]) -> list[dict[str, Any]]:
    """The report as titled sections of text and tables (headers, rows, a total row), for the page, .docx and .xlsx."""
    colours, total = d["colours"], d["total"]
    note = "四色为季末状态（绿色建成投产、蓝色开工在建、黄色签约或入库未开工、红色退出）；投资为项目总投资。"
    return [
        {"key": "summary", "title": "总体情况", "text": [summary(d)], "tables": []},
        {
            "key": "industries",
            "title": "分产业调度",
            "text": ["产业按本市产业体系的一级产业集群归类；未填产业集群的项目列入“未归类产业”。" + note],
            "tables": [
                {
                    "name": "分产业",
                    "headers": headers("产业", colours),
                    "rows": [cells(r["name"], r, colours) for r in d["industries"]],
                    "total": cells("合计", total, colours),
                    "chart": "industries",
                }
            ],
        },
        {
            "key": "counties",
            "title": "分区县调度",
            "text": [note],
            "tables": [
                {
                    "name": "分区县",
                    "headers": headers("区县", colours),
                    "rows": [cells(r["name"], r, colours) for r in d["counties"]],
                    "total": cells("合计", total, colours),
                    "chart": "counties",
                }
            ],
        },
    ]


def colour_charts(d: dict[str, Any], sections_: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The charts of the tables that name one: each row's projects by colour, stacked — one definition for the page
    (ECharts), the .docx (pictures) and the .xlsx (native charts)."""
    colours = d["colours"]
    out = []
    for s in sections_:
        for tbl in s["tables"]:
            if not tbl.get("chart") or not tbl["rows"]:
                continue
            out.append(
                {
                    "id": tbl["chart"],
                    "title": f"{tbl['name']}项目四色分布",
                    "categories": [r[0] for r in tbl["rows"]],
                    "series": [
                        {
                            "name": c["label"],
                            "code": c["code"],
                            "colour": c["hex"],
                            "values": [r[1 + i] for r in tbl["rows"]],
                        }
                        for i, c in enumerate(colours)
                    ],
                    "cols": (2, 1 + len(colours)),
                }
            )
    return out


def _n(v: Decimal) -> str:
    return number_text(v)
