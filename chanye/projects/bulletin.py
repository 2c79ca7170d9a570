"""The monthly bulletin (月通报, YY-P-3): every figure of a month within a user's (or region's) scope, assembled from
`chanye.projects.stats`, `chanye.projects.progress` and `chanye.projects.indicators`, with its opening paragraph, the
months it can be asked for, and what its charts (and those of the growth-point and 技改 pages) draw."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone

from chanye.projects import rules as project_rules
from chanye.projects.indicators import PROJECT_INDICATORS, indicator_values, limits, pack_targets
from chanye.projects.models import COLOUR_HEX, ProjectMonth
from chanye.projects.progress import (
    decimal_text,
    growth_points,
    key_projects,
    production_speed,
    start_speed,
    target_progress,
    tech_upgrade,
)
from chanye.projects.stats import (
    COLOURS,
    colour_board,
    colour_changes,
    is_graded,
    issues,
    movements,
    overdue,
    previous_month,
    scope,
)
from chanye.regions.models import Region

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
    lim, targets = limits(), pack_targets(PROJECT_INDICATORS)
    graded, prev_graded = is_graded(month), is_graded(previous_month(month))
    values = indicator_values(month, projects=sc.projects, lim=lim, targets=targets)
    board = colour_board(sc, month, graded)
    city = city_name()
    overdue_figures = overdue(sc, month)
    if not project_rules.current().milestones:  # a pack without milestones marks nothing overdue (FIDELITY D6)
        overdue_figures["note"] = f"{project_rules.NO_CLOCKS}，项目无节点计划，不计节点逾期"
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
        "overdue": overdue_figures,
        "start_speed": start_speed(sc, month),
        "production_speed": production_speed(sc, month),
        "key_projects": key_projects(sc, month, values, targets=targets),
        "growth": growth_points(sc, month, values, lim=lim, targets=targets),
        "tech": tech_upgrade(sc, month, values, lim=lim, targets=targets),
        "targets": target_progress(sc, month, values, targets=targets),
        "issues": issues(sc, month),
    }
    data["late_data"] = late_data(user)
    data["summary"] = summary(data)
    return data


def late_data(user: Any = None) -> list[dict[str, Any]]:
    """The data sources overdue today (数据更新, issue 13), for the bulletin: whose, due when, how late."""
    from chanye.analytics.selectors import data_freshness
    from chanye.core import access

    return [
        {"label": s.source.label, "owner": s.owner_unit, "due_on": s.due_on, "late_days": s.late_days}
        for s in data_freshness(user=user or access.SYSTEM, detail=False)
        if s.overdue
    ]


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
        f"{od['note']}。"
        if od.get("note")
        else f"月末逾期未完成节点{od['milestones']}个，涉及项目{od['project_count']}个。",
        _speed_summary(ss, ps),
    ]
    if d.get("late_data"):
        late = "、".join(f"{x['label']}（{x['owner']}，逾期{x['late_days']}天）" for x in d["late_data"])
        parts.append(f"逾期未更新的数据：{late}。")
    return "".join(parts)


def _speed_summary(ss: dict[str, Any], ps: dict[str, Any]) -> str:
    """The speed sentence: against the pack's clocks (XN-XM-1/2), or — for a pack that states none — the counts and
    average durations with the note that the city's policy sets no limit."""
    avg = f"、平均{decimal_text(ss['ytd']['avg_days'])}天" if ss["ytd"]["avg_days"] is not None else ""
    if ss["limit"] is not None:
        start = f"今年开工项目{ss['ytd']['n']}个，签约后{ss['limit']}天内开工{ss['ytd']['within']}个{avg}（XN-XM-1）；"
    else:
        start = f"今年开工项目{ss['ytd']['n']}个{avg.replace('、', '，签约到开工', 1)}（{ss['note']}）；"
    if ps["bands"]:
        return start + f"今年投产项目{ps['n']}个，按期投产{ps['within']}个（XN-XM-2）。"
    return start + f"今年投产项目{ps['n']}个（{ps['note']}）。"


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


# ---------------------------------------------------------------- charts


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
            {"name": f"{decimal_text(t['threshold_wan'])}万元以上", "data": [r["n"] for r in rows]},
            {"name": "年度目标", "data": [float(r["target"]) if r["target"] is not None else None for r in rows]},
            {"name": f"{decimal_text(t['major_threshold'])}亿元以上", "data": [r["major"] for r in rows]},
            {
                "name": "亿元以上目标",
                "data": [float(r["major_target"]) if r["major_target"] is not None else None for r in rows],
            },
        ],
    }
