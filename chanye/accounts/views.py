from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import update_session_auth_hash
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.contrib.auth.forms import PasswordChangeForm
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from chanye.accounts import services
from chanye.accounts.forms import LoginForm, NewUserForm, UserScopeForm
from chanye.accounts.http import AuthedRequest
from chanye.accounts.models import Role, User
from chanye.core import access
from chanye.core.forms import error_text, messages_of
from chanye.core.roles import SECURITY, USER_ADMINS
from chanye.regions.models import Region


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
    manage = request.user.role == Role.SYS_ADMIN  # 三员分立: the system administrator manages accounts
    return render(
        request,
        "accounts/users.html",
        {
            "users": qs,
            "manage": manage,
            "new_form": NewUserForm() if manage else None,
            "roles": Role.choices,
            "regions": Region.objects.exclude(level="city").order_by("sort_order", "code") if manage else [],
        },
    )


def _managed(request: AuthedRequest, pk: int) -> User:
    access.require(request.user, frozenset({Role.SYS_ADMIN}), what="用户账号管理")
    user = User.objects.filter(pk=pk).first()
    if user is None:
        raise Http404
    return user


@login_required
@require_POST
def user_new(request: AuthedRequest) -> HttpResponse:
    """Add an account with a temporary password shown once, to be replaced at the first sign-in."""
    access.require(request.user, frozenset({Role.SYS_ADMIN}), what="新增用户")
    form = NewUserForm(request.POST)
    if not form.is_valid():
        messages.error(request, error_text(form))
        return redirect("accounts:users")
    c = form.cleaned_data
    raw = services.temporary_password()
    try:
        user = services.do_create_user(
            actor=request.user,
            username=c["username"].strip(),
            password=raw,
            role=c["role"],
            region=c.get("region"),
            enterprise=c.get("enterprise"),
            full_name=c.get("full_name", ""),
        )
    except ValidationError as e:
        messages.error(request, "；".join(messages_of(e)))
        return redirect("accounts:users")
    User.objects.filter(pk=user.pk).update(must_change_password=True)
    messages.success(
        request, f"已新增用户 {user.username}。临时密码：{raw}（只显示这一次，请当面或电话告知，首次登录须修改）"
    )
    return redirect("accounts:users")


@login_required
@require_POST
def user_active(request: AuthedRequest, pk: int) -> HttpResponse:
    user = _managed(request, pk)
    active = request.POST.get("active") == "1"
    try:
        services.do_set_active(actor=request.user, user=user, active=active)
    except ValidationError as e:
        messages.error(request, "；".join(messages_of(e)))
    else:
        messages.success(request, f"已{'启用' if active else '停用'} {user.username}。")
    return redirect("accounts:users")


@login_required
@require_POST
def user_reset(request: AuthedRequest, pk: int) -> HttpResponse:
    user = _managed(request, pk)
    raw = services.do_reset_password(actor=request.user, user=user)
    messages.success(request, f"已重置 {user.username} 的密码。临时密码：{raw}（只显示这一次，登录后须修改）")
    return redirect("accounts:users")


@login_required
@require_POST
def user_scope(request: AuthedRequest, pk: int) -> HttpResponse:
    user = _managed(request, pk)
    form = UserScopeForm(request.POST, prefix=f"u{pk}")
    if not form.is_valid():
        messages.error(request, error_text(form))
        return redirect("accounts:users")
    c = form.cleaned_data
    try:
        services.do_set_scope(
            actor=request.user, user=user, role=c["role"], region=c.get("region"), enterprise=c.get("enterprise")
        )
    except ValidationError as e:
        messages.error(request, "；".join(messages_of(e)))
    else:
        messages.success(request, f"已调整 {user.username} 的角色与所属单位。")
    return redirect("accounts:users")


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
