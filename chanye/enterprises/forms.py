from __future__ import annotations

from django import forms

from chanye.core import access
from chanye.enterprises.choices import METRICS


class MonthlyForm(forms.Form):
    month = forms.CharField(label="年月", help_text="如 2025-03", max_length=10)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for m in METRICS:
            self.fields[m.field] = forms.DecimalField(
                label=f"{m.label}（{m.unit}）",
                required=False,
                max_digits=18,
                decimal_places=4,
                min_value=None if m.allow_negative else 0,
            )

    def clean_month(self):
        from chanye.core.imports.values import CellError, parse_month

        try:
            return parse_month(self.cleaned_data["month"])
        except CellError as e:
            raise forms.ValidationError(str(e)) from e


class EnterpriseForm(forms.Form):
    """Register or edit one enterprise (the same checks as the importer, through the same service)."""

    uscc = forms.CharField(label="统一社会信用代码", max_length=30)
    name = forms.CharField(label="企业名称", max_length=200)
    county = forms.ModelChoiceField(label="所属区县", queryset=None, empty_label="请选择")
    park = forms.ModelChoiceField(label="所属园区", queryset=None, required=False, empty_label="无")
    industry_code = forms.CharField(label="行业代码（GB/T 4754-2017）", max_length=5, required=False)
    industries = forms.ModelMultipleChoiceField(label="重点产业", queryset=None, required=False)
    clusters = forms.ModelMultipleChoiceField(label="产业集群", queryset=None, required=False)
    is_above_scale = forms.BooleanField(label="规上企业", required=False)
    scale_entered_on = forms.DateField(label="入规日期", required=False, help_text="如 2024-06-30")
    aliases = forms.CharField(label="曾用名", required=False, help_text="多个用顿号分隔")
    address = forms.CharField(label="地址", max_length=200, required=False)
    uscc_override_reason = forms.CharField(
        label="校验位豁免理由（仅市级管理员）",
        max_length=200,
        required=False,
        help_text="早期合法代码校验位不符时，填写核实依据（如工商档案号）后可登记，审计日志会记录。",
    )

    def __init__(self, *args, user=None, instance=None, **kwargs):
        from chanye.industry.models import Cluster, Industry
        from chanye.regions.models import Region

        super().__init__(*args, **kwargs)
        self.user, self.instance = user, instance
        counties = Region.objects.county_level()
        if access.is_officer(user):
            counties = counties.filter(pk=user.region_id)
        self.fields["county"].queryset = counties
        parks = Region.objects.filter(level="park", is_county_level=False)
        if access.is_officer(user):
            parks = parks.filter(parent_id=user.region_id)
        self.fields["park"].queryset = parks
        self.fields["industries"].queryset = Industry.objects.filter(is_active=True)
        self.fields["clusters"].queryset = Cluster.objects.filter(is_active=True)
        if getattr(user, "role", None) != "city_admin":
            del self.fields["uscc_override_reason"]
        if instance is not None:
            self.fields["uscc"].disabled = True
        for f in self.fields.values():
            css = "form-check-input" if isinstance(f.widget, forms.CheckboxInput) else "form-control"
            if isinstance(f.widget, forms.Select | forms.SelectMultiple):
                css = "form-select"
            f.widget.attrs["class"] = css

    def clean_uscc(self):
        from chanye.core import uscc

        code = uscc.normalize(self.cleaned_data["uscc"])
        if self.instance is None:
            from chanye.enterprises.models import Enterprise

            if Enterprise.objects.filter(uscc=code).exists():
                raise forms.ValidationError("该统一社会信用代码已登记。")
        return code

    def clean_industry_code(self):
        from chanye.core.text import squash
        from chanye.industry.models import IndustryCode

        raw = squash(self.cleaned_data.get("industry_code") or "").upper()
        if not raw:
            return None
        if raw[:1].isalpha() and len(raw) > 1:
            raw = raw[1:]
        code = IndustryCode.objects.filter(code=raw).first()
        if code is None:
            raise forms.ValidationError("不是有效的国民经济行业分类（GB/T 4754-2017）代码。")
        return code

    def to_data(self) -> dict:
        from chanye.core.imports.values import split_list

        d = dict(self.cleaned_data)
        d["aliases"] = split_list(d["aliases"]) if d.get("aliases") else []
        if not d.get("scale_entered_on"):
            d.pop("scale_entered_on", None)
        d["uscc_override_reason"] = d.get("uscc_override_reason") or ""
        if self.instance is not None:
            d["uscc"] = self.instance.uscc
        return d
