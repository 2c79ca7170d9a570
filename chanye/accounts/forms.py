from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings
from django.contrib.auth.forms import AuthenticationForm
from django.utils import timezone

from chanye.accounts.models import ThrottleKind
from chanye.core.forms import style


class LoginForm(AuthenticationForm):
    error_messages = {
        "invalid_login": "用户名或密码错误。同一账户连续失败 {max} 次将暂停登录 {minutes} 分钟。",
        "inactive": "用户名或密码错误。",
        "locked": "该账户因连续登录失败已被锁定，请于 {until} 以后再试，或联系安全管理员解锁。",
        "address": "该地址登录失败次数过多，已暂停从该地址登录，请稍后（{until} 以后）再试。"
        "如多人共用同一出口地址，请联系系统管理员。",
    }

    def __init__(self, request=None, *args, **kwargs):
        super().__init__(request, *args, **kwargs)
        self.fields["username"].label = "用户名"
        self.fields["password"].label = "密码"
        for f in self.fields.values():
            f.widget.attrs["class"] = "form-control"
        self.error_messages = {
            **self.error_messages,
            "invalid_login": self.error_messages["invalid_login"].format(
                max=settings.CHANYE_LOGIN_MAX_FAILURES, minutes=settings.CHANYE_LOCKOUT_MINUTES
            ),
        }

    def clean(self):
        try:
            return super().clean()
        except forms.ValidationError:
            lock = getattr(self.request, "chanye_lock", None)
            if lock is not None:
                code = "address" if lock.kind == ThrottleKind.ADDRESS else "locked"
                until = f"{timezone.localtime(lock.until):%H:%M}"
                raise forms.ValidationError(self.error_messages[code].format(until=until), code=code) from None
            raise


class UserScopeForm(forms.Form):
    """A role and its unit: a county officer's county or park, an enterprise user's firm (by credit code)."""

    role = forms.ChoiceField(label="角色")
    region: forms.ModelChoiceField[Any] = forms.ModelChoiceField(
        label="所属单位（区县/园区工作人员）", queryset=None, required=False
    )
    enterprise = forms.CharField(label="所属企业统一社会信用代码（企业用户）", max_length=18, required=False)

    def __init__(self, *args, **kwargs):
        from chanye.accounts.models import Role
        from chanye.regions.models import Region

        super().__init__(*args, **kwargs)
        role, region = self.fields["role"], self.fields["region"]
        assert isinstance(role, forms.ChoiceField) and isinstance(region, forms.ModelChoiceField)
        role.choices = Role.choices
        region.queryset = Region.objects.exclude(level="city").order_by("sort_order", "code")
        style(self)

    def clean_enterprise(self):
        from chanye.core import uscc
        from chanye.enterprises.models import Enterprise

        raw = (self.cleaned_data.get("enterprise") or "").strip()
        if not raw:
            return None
        ent = Enterprise.objects.filter(uscc=uscc.normalize(raw)).first()
        if ent is None:
            raise forms.ValidationError("企业库中没有该统一社会信用代码。")
        return ent


class NewUserForm(UserScopeForm):
    username = forms.CharField(label="用户名", max_length=150)
    full_name = forms.CharField(label="姓名或单位", max_length=50, required=False)

    field_order = ["username", "full_name", "role", "region", "enterprise"]
