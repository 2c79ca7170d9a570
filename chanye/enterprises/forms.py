from __future__ import annotations

from django import forms

from chanye.enterprises.choices import METRICS, FigureSource


class ImportForm(forms.Form):
    kind = forms.ChoiceField(label="数据类型", choices=[("enterprises", "企业名录"), ("monthly", "月度数据")])
    file = forms.FileField(label="文件（.xlsx 或 .csv）")
    source = forms.ChoiceField(
        label="数据来源（表中无“数据来源”列时）",
        choices=FigureSource.choices,
        initial=FigureSource.STATS,
        required=False,
    )
    dry_run = forms.BooleanField(label="只校验，不写入", required=False)

    def clean_file(self):
        f = self.cleaned_data["file"]
        name = f.name.lower()
        if not name.endswith((".xlsx", ".xlsm", ".csv", ".xls")):
            raise forms.ValidationError("请上传 .xlsx 或 .csv 文件。")
        return f


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
