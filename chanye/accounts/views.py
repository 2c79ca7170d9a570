from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import update_session_auth_hash
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.contrib.auth.forms import PasswordChangeForm
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from chanye.accounts import services
from chanye.accounts.forms import LoginForm
from chanye.accounts.http import AuthedRequest
from chanye.accounts.models import User
from chanye.core import access
from chanye.core.roles import SECURITY, USER_ADMINS


class LoginView(auth_views.LoginView):
    template_name = "accounts/login.html"
    authentication_form = LoginForm
    redirect_authenticated_user = True

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        return {
            **super().get_context_data(**kwargs),
            "max_failures": settings.CHANYE_LOGIN_MAX_FAILURES,
            "lockout_minutes": settings.CHANYE_LOCKOUT_MINUTES,
            "idle_minutes": settings.SESSION_COOKIE_AGE // 60,
        }


@login_required
def password_change(request: AuthedRequest) -> HttpResponse:
    form = PasswordChangeForm(request.user, request.POST or None)
    for f in form.fields.values():
        f.widget.attrs["class"] = "form-control"
    form.fields["old_password"].label = "原密码"
    form.fields["new_password1"].label = "新密码"
    form.fields["new_password2"].label = "确认新密码"
    if request.method == "POST" and form.is_valid():
        services.do_set_password(actor=request.user, user=request.user, password=form.cleaned_data["new_password1"])
        update_session_auth_hash(request, request.user)
        messages.success(request, "密码已修改。")
        return redirect("dashboard")
    return render(request, "accounts/password_change.html", {"form": form, "expired": request.GET.get("expired")})


@login_required
def users(request: AuthedRequest) -> HttpResponse:
    access.require(request.user, USER_ADMINS, what="用户管理页面")
    qs = User.objects.select_related("region", "enterprise").order_by("role", "username")
    return render(request, "accounts/users.html", {"users": qs})


@login_required
@require_POST
def unlock(request: AuthedRequest, pk: int) -> HttpResponse:
    access.require(request.user, SECURITY, what="解除锁定")
    user = User.objects.filter(pk=pk).first()
    if user is None:
        raise Http404
    services.do_unlock(actor=request.user, user=user)
    messages.success(request, f"已解除 {user.username} 的锁定。")
    return redirect("accounts:users")
