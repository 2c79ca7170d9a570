from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from chanye.accounts.models import Role
from chanye.cultivation import services
from chanye.cultivation.models import Alert, AlertKind, AlertStatus

OPEN = [AlertStatus.OPEN, AlertStatus.ACKNOWLEDGED, AlertStatus.SUPPORTING]


def _require(request: HttpRequest) -> None:
    if request.user.role not in (Role.CITY_ADMIN, Role.COUNTY_OFFICER, Role.VIEWER):
        raise Http404


@login_required
def alert_list(request: HttpRequest) -> HttpResponse:
    """The to-do list: open alerts of the user's unit, newest month first."""
    _require(request)
    kind = request.GET.get("kind", "")
    show = request.GET.get("show", "open")
    qs = Alert.objects.for_user(request.user).select_related("enterprise", "enterprise__county")
    if kind:
        qs = qs.filter(kind=kind)
    if show == "open":
        qs = qs.filter(status__in=OPEN)
    counts = {k: Alert.objects.for_user(request.user).filter(kind=k, status__in=OPEN).count() for k in AlertKind.values}
    page = Paginator(qs.order_by("-month", "kind", "enterprise__name"), 50).get_page(request.GET.get("page"))
    return render(
        request,
        "cultivation/alerts.html",
        {
            "page": page,
            "kind": kind,
            "show": show,
            "kinds": AlertKind.choices,
            "counts": counts,
            "can_act": request.user.role != Role.VIEWER,
        },
    )


@login_required
@require_POST
def alert_action(request: HttpRequest, pk: int) -> HttpResponse:
    _require(request)
    alert = Alert.objects.for_user(request.user).filter(pk=pk).first()
    if alert is None:
        raise Http404
    action = request.POST.get("action", "")
    try:
        if action == "support":
            services.do_add_support(actor=request.user, alert=alert, description=request.POST.get("description", ""))
        else:
            services.do_transition(actor=request.user, alert=alert, to=action, reason=request.POST.get("reason", ""))
        messages.success(request, "已保存。")
    except (ValidationError, PermissionDenied, ValueError) as e:
        messages.error(request, "；".join(getattr(e, "messages", [str(e)])))
    return redirect(request.POST.get("next") or "cultivation:alerts")


@login_required
def quota(request: HttpRequest) -> HttpResponse:
    """小升规 progress: new 规上 per county against the yearly quota, exits, the candidate pool."""
    _require(request)
    from chanye.cultivation.selectors import quota_progress

    return render(request, "cultivation/quota.html", quota_progress(user=request.user))


@login_required
def tiers(request: HttpRequest) -> HttpResponse:
    """The tier ladder (XN-RD-6) per county and cluster, promotions per year, candidates for the next tier."""
    _require(request)
    from chanye.cultivation.tiers import ladder

    return render(request, "cultivation/tiers.html", ladder(user=request.user))


@login_required
def export_xlsx(request: HttpRequest, what: str) -> HttpResponse:
    """The to-do list (alerts) or the candidate pool as .xlsx, within the user's scope."""
    _require(request)
    from urllib.parse import quote

    from chanye.core import audit, xlsx
    from chanye.core.models import AuditAction
    from chanye.cultivation.models import Candidate

    if what == "alerts":
        qs = Alert.objects.for_user(request.user).select_related("enterprise", "enterprise__county")
        if request.GET.get("show", "open") == "open":
            qs = qs.filter(status__in=OPEN)
        headers = ["月份", "类型", "规则", "统一社会信用代码", "企业名称", "区县", "依据", "状态", "说明"]
        rows = (
            (
                a.month.strftime("%Y-%m"),
                a.get_kind_display(),
                a.rule,
                a.enterprise.uscc,
                a.enterprise.name,
                a.enterprise.county.name,
                a.detail,
                a.get_status_display(),
                a.reason,
            )
            for a in qs.order_by("-month")
        )
        title, widths = "预警待办", [9, 14, 10, 22, 30, 10, 60, 8, 20]
    elif what == "candidates":
        qs = (
            Candidate.objects.for_user(request.user)
            .filter(left_on__isnull=True)
            .select_related("enterprise", "enterprise__county")
        )
        headers = ["入库月份", "入库依据", "统一社会信用代码", "企业名称", "区县", "近12个月营收(万元)", "计划入规时间"]
        rows = (
            (
                c.added_month.strftime("%Y-%m"),
                c.get_source_display(),
                c.enterprise.uscc,
                c.enterprise.name,
                c.enterprise.county.name,
                float(c.revenue_12m) if c.revenue_12m is not None else None,
                c.planned_entry.isoformat() if c.planned_entry else "",
            )
            for c in qs
        )
        title, widths = "拟进规培育库", [9, 14, 22, 30, 10, 16, 12]
    else:
        raise Http404
    data = xlsx.table(headers, rows, text_columns=[2] if what == "candidates" else [3], widths=widths, sheet_name=title)
    audit.record(actor=request.user, action=AuditAction.EXPORT, message=f"导出{title}")
    resp = HttpResponse(data, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    resp["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(title + '.xlsx')}"
    return resp


@login_required
def chain_leaders(request: HttpRequest) -> HttpResponse:
    """链主企业库 by key industry, applications in progress, industries still below the minimum (XN-LZ-1)."""
    _require(request)
    from chanye.cultivation import leaders
    from chanye.cultivation.models import ChainLeader, LeaderStatus

    qs = ChainLeader.objects.for_user(request.user).select_related("industry", "enterprise", "enterprise__county")
    listed = qs.filter(status=LeaderStatus.LISTED).order_by("industry__sort_order", "-score")
    in_progress = qs.filter(status__in=[LeaderStatus.APPLIED, LeaderStatus.REVIEWING, LeaderStatus.NOTICE])
    closed = qs.filter(status__in=[LeaderStatus.REJECTED, LeaderStatus.REVOKED])
    try:
        cfg, below = leaders.config(), leaders.below_minimum()
    except ValidationError:
        cfg, below = None, []
    return render(
        request,
        "cultivation/leaders.html",
        {"listed": listed, "in_progress": in_progress, "closed": closed, "cfg": cfg, "below": below},
    )
