"""Pages of the monthly bulletin (月通报, YY-P-3) and of the growth-point (XN-GS-9) and 技改 (XN-JG-1/2) libraries,
with their .docx/.xlsx exports. Read-only, scoped through `chanye.projects.stats.scope(user=…)` (which reads through
`Project.objects.for_user`): a county officer sees their county; the city and viewers everything; other roles 404."""

from __future__ import annotations

import datetime as dt
from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from chanye.accounts.http import AuthedRequest
from chanye.core import access, audit
from chanye.core.downloads import DOCX, XLSX, attachment
from chanye.core.models import AuditAction
from chanye.projects import bulletin as bulletin_figures
from chanye.projects import bulletin_tables, indicators, plausibility, progress, stats
from chanye.projects import rules as project_rules
from chanye.projects.selectors import require_reader
from chanye.regions.models import Region

PER_PAGE = 50


def _month(request: AuthedRequest) -> dt.date:
    raw = request.GET.get("month", "").strip()
    if raw:
        try:
            return bulletin_figures.parse_bulletin_month(raw)
        except ValueError as e:
            messages.error(request, str(e))
    return bulletin_figures.default_month()


@login_required
@require_GET
def bulletin(request: AuthedRequest) -> HttpResponse:
    """月通报 of a month (`?month=2025-06`, default the latest graded month) within the user's scope."""
    require_reader(request.user)
    month = _month(request)
    d = bulletin_figures.bulletin(month, user=request.user)
    return render(
        request,
        "projects/bulletin.html",
        {
            "d": d,
            "month": month,
            "months": bulletin_figures.available_months(),
            "chart": bulletin_figures.chart_data(d),
            "growth_chart": bulletin_figures.growth_chart(d["growth"]),
            "tech_chart": bulletin_figures.tech_chart(d["tech"]),
            "project_rules": project_rules.current(),
        },
    )


@login_required
@require_GET
def bulletin_export(request: AuthedRequest, fmt: str) -> HttpResponse:
    """The bulletin as .docx or .xlsx — the same figures as the page, for the same scope."""
    require_reader(request.user)
    if fmt not in ("docx", "xlsx"):
        raise Http404
    from chanye.projects import reports  # python-docx, openpyxl and matplotlib load only for an export

    month = _month(request)
    d = bulletin_figures.bulletin(month, user=request.user)
    name = d["title"] + (f"（{d['subtitle']}）" if d["subtitle"] else "")
    if fmt == "docx":
        data, ctype = reports.bulletin_docx(d), DOCX
    else:
        data, ctype = reports.bulletin_xlsx(d), XLSX
    audit.record(actor=request.user, action=AuditAction.EXPORT, message=f"导出{name}（.{fmt}）")
    return attachment(data, f"{name}.{fmt}", ctype)


# ---------------------------------------------------------------- growth points and 技改


def _year(request: AuthedRequest) -> tuple[int, dt.date]:
    """`?year=2025` (default this year) → the year and the month its figures are as of."""
    today = timezone.localdate()
    try:
        year = int(request.GET.get("year") or today.year)
    except ValueError:
        year = today.year
    year = max(2000, min(year, today.year))
    return year, indicators.period_for(year, today)


def _county(request: AuthedRequest, sc: stats.Scope) -> Region | None:
    """The `?county=` filter (a unit's code) for users seeing more than one county."""
    if access.is_officer(request.user):
        return None
    code = request.GET.get("county", "")
    return next((u for u in sc.units if u.code == code), None) if code else None


def _list_context(request: AuthedRequest, qs: Any, unit: Region | None, year: int) -> dict[str, Any]:
    if unit is not None:
        qs = qs.filter(county=unit)
    page = Paginator(qs, PER_PAGE).get_page(request.GET.get("page"))
    keep = {k: v for k, v in (("year", str(year)), ("county", unit.code if unit else "")) if v}
    return {"page": page, "unit": unit, "query": urlencode(keep), "year": year, "years": _years()}


def _years() -> list[int]:
    y = timezone.localdate().year
    return [y, y - 1, y - 2]


def _growth(request: AuthedRequest) -> tuple[stats.Scope, dict[str, Any], Any, int]:
    require_reader(request.user)
    year, month = _year(request)
    sc = stats.scope(user=request.user)
    g = progress.growth_points(sc, month)
    qs = (
        sc.projects.filter(indicators.growth_point_q(month))
        .select_related("county", "park", "enterprise")
        .order_by("-expected_output", "code")
    )
    return sc, g, qs, year


@login_required
@require_GET
def growth_points(request: AuthedRequest) -> HttpResponse:
    """工业增长点培育库 (XN-GS-9): the projects entered this year with expected added output at or above the pack's
    threshold, per county against the yearly targets."""
    sc, g, qs, year = _growth(request)
    unit = _county(request, sc)
    # The page counts to this month; the latest 月通报 to its month's end: say what the bulletin counts (issue 13).
    as_of = indicators.period_for(year)
    bulletin_month = bulletin_figures.default_month()
    in_bulletin = None
    if bulletin_month.year == year and bulletin_month != as_of:
        in_bulletin = {"month": bulletin_month, **progress.growth_points(sc, bulletin_month)}
    listed = _list_context(request, qs, unit, year)
    outputs = plausibility.county_outputs(year - 1)
    doubts = {p.pk: plausibility.project_doubts(p, outputs=outputs) for p in listed["page"]}
    return render(
        request,
        "projects/growth_points.html",
        {
            "g": g,
            "as_of": as_of,
            "in_bulletin": in_bulletin,
            "doubts": {pk: d for pk, d in doubts.items() if d},
            "chart": bulletin_figures.growth_chart(g),
            "units": sc.units,
            **listed,
        },
    )


@login_required
@require_GET
def growth_points_export(request: AuthedRequest) -> HttpResponse:
    from chanye.projects import reports

    sc, g, qs, year = _growth(request)
    unit = _county(request, sc)
    if unit is not None:
        qs = qs.filter(county=unit)
    title = f"{year}年工业增长点（XN-GS-9，预增产值{bulletin_tables.number_text(g['threshold'])}万元以上）"
    data = reports.list_xlsx(
        title=title,
        county_headers=["区县", "今年入库", "年度目标", "预增产值(亿元)"],
        county_rows=[[r["region"].name, r["n"], r["target"], r["output"]] for r in g["rows"]],
        chart_cols=(2, 3),
        chart_title="各区县增长点入库与年度目标",
        headers=[
            "项目编号",
            "项目名称",
            "投资主体",
            "区县",
            "园区",
            "项目性质",
            "总投资(亿元)",
            "预计新增产值(万元)",
            "签约日期",
            "状态",
        ],
        rows=(
            [
                p.code,
                p.name,
                p.investor_name,
                p.county.name,
                p.park.name if p.park_id else "",
                p.get_kind_display(),
                p.investment,
                p.expected_output,
                p.signed_on.isoformat() if p.signed_on else "",
                p.get_status_display(),
            ]
            for p in qs
        ),
    )
    audit.record(actor=request.user, action=AuditAction.EXPORT, message=f"导出{title}")
    return attachment(data, f"{year}年工业增长点.xlsx", XLSX)


def _tech(request: AuthedRequest) -> tuple[stats.Scope, dict[str, Any], Any, int]:
    require_reader(request.user)
    year, month = _year(request)
    sc = stats.scope(user=request.user)
    t = progress.tech_upgrade(sc, month)
    qs = (
        sc.projects.filter(indicators.tech_upgrade_q(month))
        .select_related("county", "park", "enterprise")
        .order_by("-investment", "code")
    )
    if request.GET.get("major") == "1":
        qs = qs.filter(indicators.is_major_q(indicators.limits()))
    return sc, t, qs, year


@login_required
@require_GET
def tech_upgrade(request: AuthedRequest) -> HttpResponse:
    """技改项目 (XN-JG-1/2): 技改 projects entered this year with investment at or above 500万元 (of which 1亿元),
    per county against the yearly targets."""
    sc, t, qs, year = _tech(request)
    unit = _county(request, sc)
    ctx = _list_context(request, qs, unit, year)
    base = ctx["query"]
    if request.GET.get("major") == "1":
        ctx["query"], ctx["toggle_query"] = base + ("&" if base else "") + "major=1", base
    else:
        ctx["toggle_query"] = base + ("&" if base else "") + "major=1"
    return render(
        request,
        "projects/tech_upgrade.html",
        {
            "t": t,
            "chart": bulletin_figures.tech_chart(t),
            "units": sc.units,
            "major": request.GET.get("major") == "1",
            **ctx,
        },
    )


@login_required
@require_GET
def tech_upgrade_export(request: AuthedRequest) -> HttpResponse:
    from chanye.projects import reports

    sc, t, qs, year = _tech(request)
    unit = _county(request, sc)
    if unit is not None:
        qs = qs.filter(county=unit)
    major = indicators.limits().tech_major
    title = f"{year}年技改项目（XN-JG-1/2，投资{bulletin_tables.number_text(t['threshold_wan'])}万元以上）"
    data = reports.list_xlsx(
        title=title,
        county_headers=[
            "区县",
            f"{bulletin_tables.number_text(t['threshold_wan'])}万元以上",
            "年度目标",
            f"{bulletin_tables.number_text(t['major_threshold'])}亿元以上",
            "亿元以上目标",
            "总投资(亿元)",
        ],
        county_rows=[
            [r["region"].name, r["n"], r["target"], r["major"], r["major_target"], r["investment"]] for r in t["rows"]
        ],
        chart_cols=(2, 5),
        chart_title="各区县技改项目与年度目标",
        headers=[
            "项目编号",
            "项目名称",
            "投资主体",
            "区县",
            "园区",
            "总投资(亿元)",
            "亿元以上",
            "签约日期",
            "开工日期",
            "投产日期",
            "状态",
        ],
        rows=(
            [
                p.code,
                p.name,
                p.investor_name,
                p.county.name,
                p.park.name if p.park_id else "",
                p.investment,
                "是" if p.investment >= major else "",
                p.signed_on.isoformat() if p.signed_on else "",
                p.started_on.isoformat() if p.started_on else "",
                p.producing_on.isoformat() if p.producing_on else "",
                p.get_status_display(),
            ]
            for p in qs
        ),
    )
    audit.record(actor=request.user, action=AuditAction.EXPORT, message=f"导出{title}")
    return attachment(data, f"{year}年技改项目.xlsx", XLSX)
