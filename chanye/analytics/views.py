from __future__ import annotations

import datetime as dt
import json
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from chanye.accounts.http import AuthedRequest
from chanye.accounts.models import Role
from chanye.analytics import selectors
from chanye.core import access
from chanye.core.forms import error_text
from chanye.core.imports.values import CellError, parse_month


@login_required
def dashboard(request: AuthedRequest) -> HttpResponse:
    user = request.user
    if user.role == Role.ENTERPRISE and user.enterprise_id:
        return redirect("enterprises:detail", uscc=user.enterprise.uscc)
    if user.role == Role.AUDITOR:
        return redirect("core:audit")
    if user.role in (Role.SYS_ADMIN, Role.SECURITY_ADMIN):
        return redirect("accounts:users")
    month = None
    if request.GET.get("month"):
        try:
            month = parse_month(request.GET["month"])
        except CellError:
            month = None
    data = selectors.dashboard(user=user, month=month)
    chart = {
        "months": [t["month"].strftime("%Y-%m") for t in data["trend"]],
        "output": [round(float(t["output"] or 0) / 10000, 2) for t in data["trend"]],
        "counties": [r["region"].label for r in data["rows"]],
        "county_above": [r["above"] for r in data["rows"]],
        "county_ytd": [round(float(r["ytd_output"]), 2) for r in data["rows"]],
        "county_new": [r["new"] for r in data["rows"]],
        "county_new_target": [float(r["new_target"]) if r["new_target"] is not None else None for r in data["rows"]],
        "clusters": [c["cluster"].name.replace("产业集群", "") for c in data["clusters"]],
        "cluster_above": [c["above"] for c in data["clusters"]],
        "cluster_ytd": [round(float(c["ytd_output"] or 0), 2) for c in data["clusters"]],
    }
    context = {
        **data,
        "chart_json": json.dumps(chart, ensure_ascii=False),
        "late_data": selectors.overdue_for(user=user),
    }
    return render(request, "analytics/dashboard.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def data_freshness(request: AuthedRequest) -> HttpResponse:
    """数据更新: each data source's owner, cadence and due day, the period due, whether it arrived, how late, and per
    county who reported. A city administrator sets the owners here."""
    from chanye.analytics.forms import DataDutyForm
    from chanye.analytics.models import DataDuty
    from chanye.analytics.services import do_set_duty
    from chanye.core import access

    if request.user.role in (Role.ENTERPRISE, Role.SYS_ADMIN, Role.SECURITY_ADMIN, Role.AUDITOR):
        raise PermissionDenied("该页面面向业务人员。")
    editable = access.is_city_admin(request.user)
    if request.method == "POST":
        if not editable:
            raise PermissionDenied("只有市级管理员可以设置数据报送责任。")
        key = request.POST.get("key", "")
        form = DataDutyForm(
            request.POST, instance=DataDuty.objects.filter(key=key).first(), prefix=key.replace(":", "-")
        )
        if form.is_valid():
            do_set_duty(actor=request.user, key=key, data=form.cleaned_data)
            messages.success(request, "已保存数据报送责任。")
            return redirect("data_freshness")
        messages.error(request, error_text(form))
    statuses = selectors.data_freshness(user=request.user)
    duties = {d.key: d for d in DataDuty.objects.all()}
    forms = (
        {
            s.source.key: DataDutyForm(
                instance=duties.get(s.source.key),
                initial={
                    "owner_unit": s.owner_unit,
                    "cadence": s.cadence,
                    "due_day": s.due_day,
                },
                prefix=s.source.key.replace(":", "-"),
            )
            for s in statuses
        }
        if editable
        else {}
    )
    return render(
        request,
        "analytics/freshness.html",
        {"statuses": statuses, "forms": forms, "editable": editable, "overdue": sum(1 for s in statuses if s.overdue)},
    )


def _month_param(request: AuthedRequest) -> dt.date | None:
    try:
        return parse_month(request.GET["month"]) if request.GET.get("month") else None
    except CellError:
        return None


@login_required
def county_map(request: AuthedRequest) -> HttpResponse:
    """区县地图: the counties coloured by the dashboard's figures (a choice of indicator) and the projects by colour
    (XN-XM-4) placed in their county, on outlines shipped with the project (regions.outlines)."""
    access.require_reader(request.user, what="区县地图")
    data = selectors.county_map(user=request.user, month=_month_param(request))
    outline = data["outline"]
    chart = None
    if outline is not None:
        chart = {
            "map": outline.name,
            "geo": outline.geo,
            "layers": [{"key": k, "label": label, "unit": unit} for k, label, unit, _ in data["layers"]],
            "values": data["map_values"],
            "names": [
                {"name": f["properties"]["name"], "value": f["properties"]["cp"]}
                for f in outline.geo["features"]
                if f["properties"].get("cp")
            ],
            "projects": [
                {k: p[k] for k in ("name", "code", "colour", "colour_label", "meaning", "investment", "url", "park")}
                | {"value": [p["lon"], p["lat"]]}
                for p in data["map_projects"]
            ],
        }
    return render(
        request,
        "analytics/county_map.html",
        {**data, "chart_json": json.dumps(chart, ensure_ascii=False) if chart else None},
    )


@login_required
def specialisation(request: AuthedRequest) -> HttpResponse:
    """区县产业专业化: location quotients of every county-level unit by manufacturing division against the city or an
    imported benchmark region, and the strong clusters (analytics.specialisation, docs/decisions/0015)."""
    from chanye.analytics.specialisation import STRONG_MIN_LQ, STRONG_TOP_SHARE, sees

    access.require_reader(request.user, what="区县产业专业化页面")
    s = _specialisation_for(request)
    units = [c for c in s.counties if sees(request.user, c)]
    column = {code: j for j, (code, _) in enumerate(s.divisions)}
    heat = {
        "counties": [u.name for u in units],
        "divisions": [f"{code} {name}" for code, name in s.divisions],
        "cells": [[column[c.division], units.index(c.region), round(c.lq, 2)] for c in s.cells if c.region in units],
    }
    ctx = {
        "s": s,
        "units": units,
        "strong": [c for c in s.strong() if c.region in units],
        "cells": sorted((c for c in s.cells if c.region in units), key=lambda c: (c.region.sort_order, -c.lq)),
        "top_share": int(STRONG_TOP_SHARE * 100),
        "min_lq": STRONG_MIN_LQ,
        "heat_json": json.dumps(heat, ensure_ascii=False),
        "query": request.GET.urlencode(),
    }
    return render(request, "analytics/specialisation.html", ctx)


@login_required
def specialisation_export(request: AuthedRequest) -> HttpResponse:
    """The specialisation page's figures as .xlsx (the same `specialisation()` result, the same units)."""
    from chanye.analytics.exports import specialisation_xlsx
    from chanye.analytics.specialisation import sees
    from chanye.core.downloads import audited_export

    access.require_reader(request.user, what="区县产业专业化页面")
    s = _specialisation_for(request)
    cells = [c for c in s.cells if sees(request.user, c.region)]
    return audited_export(
        request.user, specialisation_xlsx(s, cells), "区县产业专业化", f"导出区县产业专业化（参照：{s.reference}）"
    )


def _specialisation_for(request: AuthedRequest) -> Any:
    from chanye.analytics.specialisation import specialisation as compute

    return compute(until=_month_param(request), reference=request.GET.get("reference") or None)
