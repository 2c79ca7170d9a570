"""The 数据更新 page's form: who owes a source, how often and by when."""

from __future__ import annotations

from typing import Any

from django import forms

from chanye.analytics.models import DataDuty
from chanye.core.forms import style


class DataDutyForm(forms.ModelForm):
    class Meta:
        model = DataDuty
        fields = ["owner_unit", "owner_name", "owner_user", "cadence", "due_day"]
        help_texts = {"due_day": "如月度数据“次月20日前”填 20；随时更新的数据不计逾期"}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        from chanye.accounts.models import User

        field = self.fields["owner_user"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = User.objects.filter(is_active=True).order_by("username")
        field.required = False
        self.fields["due_day"].widget.attrs.update({"min": 0, "max": 90})
        style(self)

    def clean_due_day(self) -> int:
        v = self.cleaned_data["due_day"]
        if v is None or v > 90:
            raise forms.ValidationError("截止日应在期末后0—90天之间。")
        return int(v)
