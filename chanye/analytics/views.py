from __future__ import annotations

import json

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from chanye.accounts.http import AuthedRequest
from chanye.accounts.models import Role
from chanye.analytics import selectors
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
