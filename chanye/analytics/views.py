from __future__ import annotations

import json

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render

from chanye.accounts.http import AuthedRequest
from chanye.accounts.models import Role
from chanye.analytics import selectors
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
    return render(request, "analytics/dashboard.html", {**data, "chart_json": json.dumps(chart, ensure_ascii=False)})
