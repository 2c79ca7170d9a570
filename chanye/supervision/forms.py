"""Forms of 督办: a unit's progress report (with evidence) and the city's settings of a task."""

from __future__ import annotations

from typing import Any

from django import forms

from chanye.core.forms import clean_evidence, style
from chanye.supervision.models import Cadence, TaskStatus, TaskUnit

DATE = forms.DateInput(attrs={"type": "date"})


def _unit_name(unit: TaskUnit) -> str:
    return unit.name


class ReportForm(forms.Form):
    unit = forms.ModelChoiceField(label="报送单位", queryset=TaskUnit.objects.none(), empty_label=None)
    on = forms.DateField(label="报送日期", required=False, widget=DATE)
    text = forms.CharField(label="进展情况", max_length=4000, widget=forms.Textarea(attrs={"rows": 3}))
    evidence = forms.FileField(label="佐证材料", required=False)

    def __init__(self, *args: Any, units: list[TaskUnit], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["unit"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = TaskUnit.objects.filter(pk__in=[u.pk for u in units]).select_related("department", "region")
        field.label_from_instance = _unit_name  # type: ignore[method-assign,assignment]
        style(self)

    def clean_evidence(self) -> Any:
        return clean_evidence(self.cleaned_data.get("evidence"))


class SettingsForm(forms.Form):
    status = forms.ChoiceField(label="状态", choices=TaskStatus.choices)
    deadline = forms.DateField(label="完成时限", required=False, widget=DATE)
    cadence = forms.ChoiceField(label="报送频次", choices=Cadence.choices, required=False)
    is_key = forms.BooleanField(label="重点督办", required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        style(self)
