"""The 研发强度引导名单 page and its .xlsx export (XN-RD-4), within the user's scope; both read `guidance_list`."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import render

from chanye.accounts.http import AuthedRequest
from chanye.core import access
from chanye.cultivation.list_filters import year_and_unit
from chanye.cultivation.rd_guidance import GuidanceList, guidance_list, last_full_year
from chanye.regions.models import Region

TITLE = "研发强度引导名单"


def _filters(request: AuthedRequest) -> tuple[int, list[Region], Region | None]:
    return year_and_unit(request, last_full_year)


def _list(request: AuthedRequest) -> tuple[GuidanceList, list[Region], Region | None]:
    access.require_reader(request.user, what="企业培育页面")
    year, units, unit = _filters(request)
    return guidance_list(user=request.user, year=year, unit=unit), units, unit


@login_required
def rd_guidance(request: AuthedRequest) -> HttpResponse:
    """研发强度引导名单 (XN-RD-4): firms whose R&D intensity reaches the pack's multiple of the 高企 standard; a pack
    without the standard or the multiple gets the page saying so, and no list."""
    data, units, unit = _list(request)
    page = Paginator(data.rows, 50).get_page(request.GET.get("page"))
    return render(request, "cultivation/rd_guidance.html", {"data": data, "page": page, "units": units, "unit": unit})


@login_required
def rd_guidance_export(request: AuthedRequest) -> HttpResponse:
    """The list as .xlsx (same filters and rows as the page); 404 when the pack states no standard."""
    data, _, unit = _list(request)
    if data.standard is None:
        raise Http404("".join(data.missing))
    from chanye.core import xlsx
    from chanye.core.downloads import audited_export

    y = data.year
    headers = [
        "统一社会信用代码",
        "企业名称",
        "区县",
        f"{y}年营业收入(万元)",
        f"{y}年研发费用(万元)",
        "研发投入强度(%)",
        "高企认定标准档位",
        "引导线(%)",
        "达到高企标准倍数",
        f"{y}年填报月数",
    ]
    rows = (
        (
            r.uscc,
            r.name,
            r.county,
            float(r.revenue),
            float(r.rd),
            float(r.intensity),
            r.band.label,
            float(r.required),
            float(r.reached),
            r.months,
        )
        for r in data.rows
    )
    title = f"{TITLE}{y}"
    widths = [22, 30, 10, 16, 16, 14, 30, 10, 14, 12]
    body = xlsx.table(headers, rows, text_columns=[0], widths=widths, sheet_name=title)
    scope = f"（{unit.name}）" if unit else ""
    return audited_export(request.user, body, title, f"导出{title}{scope}（XN-RD-4）")
