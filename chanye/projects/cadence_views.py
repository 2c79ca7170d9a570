"""Pages and exports of the cadences a city's texts name, each only where the active pack states it (404 otherwise):
the quarterly concentrated starts (季度集中开工, HG-P-1 黄冈; .xlsx) and the quarterly dispatch (季调度, YY-P-3 益阳;
.docx and .xlsx). Read-only, scoped through `stats.scope(user=…)`: a county officer sees their county; the city and
viewers everything; other roles 404. The page and its exports show the same sections, built once."""

from __future__ import annotations

import json
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from chanye.accounts.http import AuthedRequest
from chanye.core.downloads import audited_export
from chanye.projects import concentrated_starts as starts
from chanye.projects import dispatch as dispatch_figures
from chanye.projects.quarters import Quarter, available_quarters, parse_quarter
from chanye.projects.selectors import require_reader


def _quarter(request: AuthedRequest, default: Quarter) -> Quarter:
    raw = request.GET.get("quarter", "").strip()
    if raw:
        try:
            return parse_quarter(raw)
        except ValueError as e:
            messages.error(request, str(e))
    return default


def _numbered(sections: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Sections with their Chinese numbers (一、二、…), as the documents number them."""
    return [{"n": "一二三四五六七八九十"[k] if k < 10 else str(k + 1), **s} for k, s in enumerate(sections)]


def _heading(d: dict[str, Any]) -> str:
    return f"{d['title']}（{d['subtitle']}）" if d["subtitle"] else str(d["title"])


# ---------------------------------------------------------------- 季度集中开工 (HG-P-1)


def _starts(request: AuthedRequest) -> dict[str, Any]:
    require_reader(request.user)
    if not starts.stated():
        raise Http404("本市政策未规定季度集中开工")
    quarter = _quarter(request, Quarter.of(timezone.localdate()))
    return starts.figures(quarter, user=request.user)


@login_required
@require_GET
def concentrated_starts(request: AuthedRequest) -> HttpResponse:
    """季度集中开工 (HG-P-1): each quarter's starts per county and the next quarter's candidates."""
    d = _starts(request)
    return render(
        request,
        "projects/cadence_report.html",
        {
            "d": d,
            "sections": _numbered(starts.sections(d)),
            "quarters": available_quarters(),
            "rule": starts.RULE,
            "page_title": "季度集中开工",
            "export_xlsx": "projects:concentrated_starts_export",
            "note": (
                "按季举办重大项目集中开工活动（HG-P-1）：统计本年各季度开工项目，"
                "并列出已签约未开工的项目作为下季度集中开工的候选。"
            ),
        },
    )


@login_required
@require_GET
def concentrated_starts_export(request: AuthedRequest) -> HttpResponse:
    from chanye.projects import reports  # openpyxl loads only for an export

    d = _starts(request)
    name = _heading(d)
    data = reports.sections_xlsx(heading=name, sections=starts.sections(d))
    return audited_export(request.user, data, f"{d['quarter'].code}季度集中开工", f"导出{name}（.xlsx）")


# ---------------------------------------------------------------- 季调度 (YY-P-3)


def _dispatch(request: AuthedRequest) -> dict[str, Any]:
    require_reader(request.user)
    if not dispatch_figures.stated():
        raise Http404("本市政策未规定季调度")
    quarter = _quarter(request, Quarter.of(timezone.localdate()))
    return dispatch_figures.dispatch(quarter, user=request.user)


@login_required
@require_GET
def dispatch(request: AuthedRequest) -> HttpResponse:
    """季调度 (YY-P-3) of a quarter (`?quarter=2025Q2`, default this quarter): per industry and per county."""
    d = _dispatch(request)
    sections = dispatch_figures.sections(d)
    charts = [{k: v for k, v in c.items() if k != "cols"} for c in dispatch_figures.colour_charts(d, sections)]
    return render(
        request,
        "projects/cadence_report.html",
        {
            "d": d,
            "charts": charts,
            "charts_json": json.dumps({"charts": charts}, ensure_ascii=False),
            "sections": _numbered(sections),
            "quarters": available_quarters(),
            "rule": dispatch_figures.RULE,
            "page_title": "季调度",
            "export_xlsx": "projects:dispatch_export",
            "export_docx": "projects:dispatch_export",
            "note": f"数据截至{d['end']:%Y年%m月%d日}（YY-P-3 季调度，与月通报同一口径）。",
        },
    )


@login_required
@require_GET
def dispatch_export(request: AuthedRequest, fmt: str) -> HttpResponse:
    """The 季调度 as .docx or .xlsx — the same sections as the page, for the same scope."""
    if fmt not in ("docx", "xlsx"):
        raise Http404
    from chanye.projects import reports  # python-docx and openpyxl load only for an export

    d = _dispatch(request)
    name = _heading(d)
    sections = dispatch_figures.sections(d)
    specs = dispatch_figures.colour_charts(d, sections)
    if fmt == "docx":
        data = reports.sections_docx(
            title=d["title"],
            subtitle=d["subtitle"],
            end=d["end"],
            sections=sections,
            images=reports.colour_chart_images(specs),
        )
    else:
        data = reports.sections_xlsx(heading=name, sections=sections, charts_spec=reports.colour_charts_spec(specs))
    return audited_export(request.user, data, f"{d['quarter'].code}季调度", f"导出{name}（.{fmt}）", ext=fmt)
