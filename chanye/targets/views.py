from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal, InvalidOperation

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from chanye.accounts.models import Role
from chanye.core.imports.values import CellError, parse_month
from chanye.targets import selectors, services
from chanye.targets.catalogue import CATALOGUE
from chanye.targets.progress import STATUS_LABELS, progress_for


def _require(request: HttpRequest) -> None:
    if not request.user.sees_business_data or request.user.role == Role.ENTERPRISE:
        raise Http404


@login_required
def target_tree(request: HttpRequest) -> HttpResponse:
    _require(request)
    status = request.GET.get("status", "")
    rule = request.GET.get("rule", "")
    nodes = selectors.target_tree(user=request.user, status=status, rule_prefix=rule)
    sparks = {p.target.code: p.history for n in nodes for p in n.items if p.history}
    totals = {"met": 0, "on_track": 0, "behind": 0, "no_data": 0}
    for n in nodes:
        for k, v in n.counts.items():
            totals[k] += v
    prefixes = sorted(
        {
            t.rule.split("-")[0] + "-" + t.rule.split("-")[1]
            for t in selectors.visible_targets(request.user)
            if t.rule.count("-") >= 2
        }
    )
    return render(
        request,
        "targets/tree.html",
        {
            "nodes": nodes,
            "status": status,
            "rule": rule,
            "statuses": STATUS_LABELS,
            "totals": totals,
            "prefixes": prefixes,
            "sparks_json": json.dumps(sparks),
            "catalogue": CATALOGUE,
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def target_detail(request: HttpRequest, code: str) -> HttpResponse:
    _require(request)
    target = next((t for t in selectors.visible_targets(request.user) if t.code == code), None)
    if target is None:
        raise Http404("目标不存在")
    can_report = request.user.role == Role.CITY_ADMIN or (
        request.user.role == Role.COUNTY_OFFICER and target.region_id == request.user.region_id
    )
    errors: list[str] = []
    if request.method == "POST":
        if not can_report:
            raise Http404
        try:
            period = parse_month(request.POST.get("period", ""))
        except CellError as e:
            errors.append(f"月份：{e}")
        try:
            value = Decimal(request.POST.get("value", "").replace(",", "").strip())
        except InvalidOperation:
            errors.append("数值：不是数字")
        note = request.POST.get("note", "").strip()
        if not note:
            errors.append("数据来源：请注明来源（如 市统计局2025年10月快报）")
        if not errors:
            try:
                services.do_report_value(actor=request.user, target=target, period=period, value=value, note=note)
            except PermissionDenied as e:
                errors.append(str(e))
            else:
                messages.success(request, "已保存报送数据。")
                return redirect("targets:detail", code=code)
    from chanye.industry.selectors import active_pack

    pack = active_pack()
    start = pack.content.get("period", [None])[0] if pack else None
    p = progress_for(target, period_start=start)
    return render(
        request,
        "targets/detail.html",
        {
            "p": p,
            "t": target,
            "indicator": CATALOGUE.get(target.indicator),
            "can_report": can_report,
            "errors": errors,
            "history_json": json.dumps(p.history),
            "today": dt.date.today(),
        },
    )
