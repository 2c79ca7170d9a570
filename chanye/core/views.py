from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from chanye.core import access, audit
from chanye.core.models import AuditAction, AuditLog
from chanye.core.roles import AUDIT


@login_required
def audit_log(request: HttpRequest) -> HttpResponse:
    """Only the audit administrator reads the audit log (等保: the system administrator cannot)."""
    access.require(request.user, AUDIT, what="审计日志")
    qs = AuditLog.objects.all()
    action = request.GET.get("action", "")
    who = request.GET.get("user", "").strip()
    if action:
        qs = qs.filter(action=action)
    if who:
        qs = qs.filter(username__icontains=who)
    page = Paginator(qs, 50).get_page(request.GET.get("page"))
    return render(
        request, "core/audit.html", {"page": page, "actions": AuditAction.choices, "action": action, "who": who}
    )


def not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return render(request, "errors/404.html", status=404)


def forbidden(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    """A refusal that reached the top (a service's PermissionDenied): answered as "not found" like every denial of the
    access layer, and recorded for the auditor."""
    user = getattr(request, "user", None)
    audit.record(
        actor=user if getattr(user, "pk", None) else None,
        action=AuditAction.DENIED,
        message=f"越权操作（{request.path}）" + (f"：{exception}" if exception and str(exception) else ""),
    )
    return render(request, "errors/404.html", status=404)


def server_error(request: HttpRequest) -> HttpResponse:
    from chanye.core import errors

    return errors.server_error(request)


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    return render(request, "errors/csrf.html", status=403)
