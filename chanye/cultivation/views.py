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
