"""The 退规风险企业库 page and its .xlsx export (XN-GS-7), within the user's scope."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import render

from chanye.accounts.http import AuthedRequest
from chanye.core import access
from chanye.cultivation.exit_risk import default_year, exit_risk_library, exit_risk_line, warned_count
from chanye.cultivation.list_filters import year_and_unit
from chanye.regions.models import Region


def _filters(request: AuthedRequest) -> tuple[int, list[Region], Region | None]:
    return year_and_unit(request, default_year)


@login_required
def exit_risk(request: AuthedRequest) -> HttpResponse:
    """退规风险企业库: 规上 firms whose previous-year output is at most the line, warned or not."""
    access.require_reader(request.user, what="企业培育页面")
    year, units, unit = _filters(request)
    qs = exit_risk_library(user=request.user, year=year, unit=unit)
    page = Paginator(qs, 50).get_page(request.GET.get("page"))
    return render(
        request,
        "cultivation/exit_risk.html",
        {
            "page": page,
            "year": year,
            "line": exit_risk_line(),
            "warned": warned_count(qs),
            "units": units,
            "unit": unit,
        },
    )


@login_required
def exit_risk_export(request: AuthedRequest) -> HttpResponse:
    """The library as .xlsx (same filters as the page)."""
    access.require_reader(request.user, what="企业培育页面")
    from chanye.core import xlsx
    from chanye.core.downloads import audited_export

    year, _, unit = _filters(request)
    headers = ["统一社会信用代码", "企业名称", "区县", f"{year}年产值(万元)", f"{year}年填报月数", "退规风险预警"]

    def _row(e: Any) -> tuple[Any, ...]:
        return (
            e.uscc,
            e.name,
            e.county.name,
            float(e.prev_output),
            e.prev_months,
            "有" if e.has_open_alert else "",
        )

    rows = (_row(e) for e in exit_risk_library(user=request.user, year=year, unit=unit))
    title = f"退规风险企业库{year}"
    data = xlsx.table(headers, rows, text_columns=[0], widths=[22, 30, 10, 16, 12, 12], sheet_name=title)
    scope = f"（{unit.name}）" if unit else ""
    return audited_export(request.user, data, title, f"导出{title}{scope}")
