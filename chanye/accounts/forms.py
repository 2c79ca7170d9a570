from __future__ import annotations

from django import forms
from django.contrib.auth.forms import AuthenticationForm


class LoginForm(AuthenticationForm):
    error_messages = {
        "invalid_login": "用户名或密码错误。连续失败 5 次账户将被锁定。",
        "inactive": "该账户已停用。",
        "locked": "账户因多次登录失败已被锁定，请稍后再试或联系安全管理员解锁。",
    }

    def __init__(self, request=None, *args, **kwargs):
        super().__init__(request, *args, **kwargs)
        self.fields["username"].label = "用户名"
        self.fields["password"].label = "密码"
        for f in self.fields.values():
            f.widget.attrs["class"] = "form-control"

    def clean(self):
        try:
            return super().clean()
        except forms.ValidationError:
            if getattr(self.request, "chanye_locked", False):
                raise forms.ValidationError(self.error_messages["locked"], code="locked") from None
            raise
