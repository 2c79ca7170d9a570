"""梯队名单 pages (EZ-T-1, HG-T-1, YY-T-1, YY-P-1): every tier of the active pack with what reaches it and its 后备, and
the .xlsx export of the same rows (`chanye.targets.echelons`)."""

from __future__ import annotations

import json

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import render

from chanye.accounts.http import AuthedRequest
from chanye.core import access
from chanye.targets import echelons


def _lists(request: AuthedRequest) -> echelons.Lists:
    access.require_reader(request.user, what="目标与考核页面")
    data = echelons.lists(user=request.user)
    if not data.echelons:
        raise Http404("本市政策包没有梯队（tiers）")
    return data


@login_required
def echelon_lists(request: AuthedRequest) -> HttpResponse:
    """One section per tier: counts, the entities reaching it with the figure and its share of the tier, the 后备; a
    pack without tiers gets the page saying so (not a bare 404)."""
    access.require_reader(request.user, what="目标与考核页面")
    data = echelons.lists(user=request.user)
    if not data.echelons:
        return render(request, "targets/echelons_none.html", status=200)
    shown = [e for e in data.echelons if not e.missing]
    chart = {
        "tiers": [e.tier.name for e in shown],
        "reached": [len(e.reached) for e in shown],
        "reserve": [len(e.reserve) for e in shown],
    }
    return render(
        request,
        "targets/echelons.html",
        {
            "data": data,
            "reserve_percent": int(data.reserve_share * 100),
            "city_wide": access.is_city_wide(request.user),
            "chart": chart,
            "chart_json": json.dumps(chart, ensure_ascii=False),
        },
    )


@login_required
def echelon_export(request: AuthedRequest) -> HttpResponse:
    from chanye.core import xlsx
    from chanye.core.downloads import audited_export

    data = _lists(request)
    window = f"（近12个月：{data.window}）" if data.window else ""
    body = xlsx.table(
        echelons.EXPORT_HEADERS,
        echelons.export_rows(data),
        title=f"梯队名单{window}",
        widths=[22, 8, 10, 26, 8, 30, 12, 24, 14, 12, 40],
        sheet_name="梯队名单",
    )
    return audited_export(request.user, body, "梯队名单", "导出梯队名单")
