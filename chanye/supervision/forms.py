"""Forms of 督办: a unit's progress report (with evidence) and the city's settings of a task."""

from __future__ import annotations

from typing import Any

from django import forms

from chanye.core.forms import clean_evidence, style
from chanye.supervision.models import Cadence, Department, TaskStatus, TaskUnit

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


class LeadUnitForm(forms.Form):
    """The industry's lead unit (YY-ORG-1 一个牵头单位): one of the pack's departments, or none."""

    department = forms.ModelChoiceField(
        label="牵头单位", queryset=Department.objects.none(), required=False, empty_label="（未确定）"
    )

    def __init__(self, *args: Any, choices: list[Department], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["department"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = Department.objects.filter(pk__in=[d.pk for d in choices])
        style(self)


class MemberForm(forms.Form):
    """A member of the working team (YY-ORG-1 一套工作班子)."""

    name = forms.CharField(label="姓名", max_length=40)
    unit = forms.CharField(label="单位", max_length=80)
    role = forms.CharField(label="职务/分工", max_length=80)
    phone = forms.CharField(label="联系电话", max_length=30, required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        style(self)
