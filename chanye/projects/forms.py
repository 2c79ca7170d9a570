"""Forms of the project pages. They only parse what people type; every rule is checked by `chanye.projects.services`,
whose Chinese refusals are shown next to the field they concern."""

from __future__ import annotations

import re
from typing import Any

from django import forms
from django.core.exceptions import ValidationError

from chanye.core import access
from chanye.core.forms import clean_evidence, messages_of, style
from chanye.projects import rules as project_rules
from chanye.projects.models import Project, ProjectKind, ProjectList, ProjectType

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")

# Which field a refusal of `services.validate` / `do_save_project` belongs to (the rest go above the form).
SERVICE_ERROR_FIELDS = [
    ("项目名称", "name"),
    ("总投资", "investment"),
    ("投资企业或填写投资主体", "investor"),
    ("已开工的项目应有签约日期", "signed_on"),
    ("开工日期不能早于签约日期", "started_on"),
    ("投产前应先开工", "started_on"),
    ("投产日期不能早于开工日期", "producing_on"),
    ("项目秘书", "secretaries"),
    ("不属于", "park"),
    ("本辖区", "county"),
]


def split_names(text: str) -> list[str]:
    return [s for s in re.split(r"[、,，;；\s]+", text or "") if s]


class ProjectForm(forms.Form):
    """Register or edit a project (→ `services.do_save_project`)."""

    code = forms.CharField(label="项目编号", max_length=40)
    name = forms.CharField(label="项目名称", max_length=200)
    enterprise = forms.CharField(
        label="投资企业（统一社会信用代码或企业全称）",
        max_length=200,
        required=False,
        help_text="已在企业库登记的企业；尚未登记的，填写“投资主体”。",
    )
    investor = forms.CharField(label="投资主体", max_length=200, required=False)
    county = forms.ModelChoiceField(label="区县", queryset=None, empty_label="请选择")
    park = forms.ModelChoiceField(label="园区", queryset=None, required=False, empty_label="无")
    industry = forms.ModelChoiceField(label="重点产业", queryset=None, required=False, empty_label="—")
    cluster = forms.ModelChoiceField(label="产业集群", queryset=None, required=False, empty_label="—")
    chain_node = forms.CharField(
        label="产业链环节",
        max_length=60,
        required=False,
        widget=forms.TextInput(attrs={"list": "chain-nodes", "autocomplete": "off"}),
        help_text="可从产业链图谱的环节中选择，也可直接填写。",
    )
    kind = forms.ChoiceField(label="项目性质", choices=ProjectKind.choices, initial=ProjectKind.NEW)
    list_kind = forms.ChoiceField(label="项目清单", choices=ProjectList.choices, initial=ProjectList.NEW_BUILD)
    project_type = forms.ChoiceField(label="项目类型", choices=ProjectType.choices, initial=ProjectType.INDUSTRY)
    investment = forms.DecimalField(label="总投资(亿元)", max_digits=12, decimal_places=4)
    signed_on = forms.DateField(label="签约日期", required=False, widget=DATE)
    started_on = forms.DateField(
        label="开工日期", required=False, widget=DATE, help_text="也可在节点表中登记“施工队进场”。"
    )
    producing_on = forms.DateField(
        label="投产日期", required=False, widget=DATE, help_text="也可在节点表中登记“验收投产”。"
    )
    expected_output = forms.DecimalField(label="预计新增产值(万元)", max_digits=14, decimal_places=2, required=False)
    leader = forms.CharField(label="包保领导", max_length=60, required=False)
    secretaries = forms.CharField(
        label="项目秘书", max_length=200, required=False, help_text="1—3名政府工作人员，用顿号分隔（XN-XM-6）。"
    )
    steward = forms.CharField(label="项目管家", max_length=60, required=False)
    responsible_unit = forms.CharField(label="责任单位", max_length=80, required=False)
    note = forms.CharField(label="备注", required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args: Any, user: Any, instance: Project | None = None, **kwargs: Any) -> None:
        from chanye.industry.models import Cluster, Industry
        from chanye.regions.models import Region

        if instance is not None and "initial" not in kwargs:
            kwargs["initial"] = self.initial_for(instance)
        super().__init__(*args, **kwargs)
        self.user, self.instance = user, instance
        counties = Region.objects.county_level()
        parks = Region.objects.filter(level="park", is_county_level=False)
        if access.is_officer(user):
            unit = user.region
            if unit is not None and not unit.is_county_level:  # a park officer: the park's county, that park
                counties = counties.filter(pk=unit.parent_id)
                parks = parks.filter(pk=unit.pk)
                self.fields["park"].required = True
            else:
                counties = counties.filter(pk=user.region_id)
                parks = parks.filter(parent_id=user.region_id)
        self.fields["county"].queryset = counties
        self.fields["park"].queryset = parks
        self.fields["industry"].queryset = Industry.objects.filter(is_active=True)
        self.fields["cluster"].queryset = Cluster.objects.filter(is_active=True)
        staffing = project_rules.current().staffing
        self.fields["secretaries"].help_text = (
            f"{staffing.secretaries_min}—{staffing.secretaries_max}名政府工作人员，用顿号分隔（XN-XM-6）。"
            if staffing is not None
            else "用顿号分隔。"
        )
        style(self)

    @staticmethod
    def initial_for(p: Project) -> dict[str, Any]:
        return {
            "code": p.code,
            "name": p.name,
            "enterprise": p.enterprise.uscc if p.enterprise_id else "",
            "investor": p.investor,
            "county": p.county_id,
            "park": p.park_id,
            "industry": p.industry_id,
            "cluster": p.cluster_id,
            "chain_node": p.chain_node,
            "kind": p.kind,
            "list_kind": p.list_kind,
            "project_type": p.project_type,
            "investment": p.investment.normalize() if p.investment is not None else None,
            "signed_on": p.signed_on,
            "started_on": p.started_on,
            "producing_on": p.producing_on,
            "expected_output": p.expected_output,
            "leader": p.leader,
            "secretaries": "、".join(p.secretaries or []),
            "steward": p.steward,
            "responsible_unit": p.responsible_unit,
            "note": p.note,
        }

    def clean_code(self) -> str:
        code = self.cleaned_data["code"].strip()
        others = Project.objects.filter(code=code)
        if self.instance is not None:
            others = others.exclude(pk=self.instance.pk)
        if others.exists():
            raise ValidationError("该项目编号已被使用。")
        return code

    def clean_enterprise(self) -> Any:
        from chanye.projects.selectors import find_enterprise

        return find_enterprise(user=self.user, text=self.cleaned_data.get("enterprise", ""))

    def clean_secretaries(self) -> list[str]:
        return split_names(self.cleaned_data.get("secretaries", ""))

    def to_data(self) -> dict[str, Any]:
        c = self.cleaned_data
        ent = c.get("enterprise")
        return {
            "code": c["code"],
            "name": c["name"].strip(),
            "enterprise_id": ent.pk if ent else None,
            "investor": (c.get("investor") or "").strip(),
            "county_id": c["county"].pk,
            "park_id": c["park"].pk if c.get("park") else None,
            "industry_id": c["industry"].pk if c.get("industry") else None,
            "cluster_id": c["cluster"].pk if c.get("cluster") else None,
            "chain_node": c.get("chain_node", "").strip(),
            "kind": c["kind"],
            "list_kind": c["list_kind"],
            "project_type": c["project_type"],
            "investment": c["investment"],
            "signed_on": c.get("signed_on"),
            "started_on": c.get("started_on"),
            "producing_on": c.get("producing_on"),
            "expected_output": c.get("expected_output"),
            "leader": c.get("leader", "").strip(),
            "secretaries": c.get("secretaries") or [],
            "steward": c.get("steward", "").strip(),
            "responsible_unit": c.get("responsible_unit", "").strip(),
            "note": c.get("note", "").strip(),
        }

    def add_service_errors(self, e: Exception) -> None:
        """Put each refusal of the service next to its field (or above the form)."""
        for msg in messages_of(e):
            field = next((f for key, f in SERVICE_ERROR_FIELDS if key in msg), None)
            self.add_error(field if field in self.fields else None, msg)


class MilestoneForm(forms.Form):
    actual_on = forms.DateField(label="实际完成", required=False, widget=DATE)
    planned_on = forms.DateField(label="计划完成", required=False, widget=DATE)
    note = forms.CharField(label="说明", max_length=300, required=False)


class IssueRaiseForm(forms.Form):
    content = forms.CharField(label="问题", max_length=2000, widget=forms.Textarea(attrs={"rows": 2}))
    raised_on = forms.DateField(label="提出日期", required=False, widget=DATE)


class IssueAssignForm(forms.Form):
    department = forms.CharField(label="责任单位", max_length=80, required=False)
    due_on = forms.DateField(label="办结时限", required=False, widget=DATE)


class IssueFollowForm(forms.Form):
    kind = forms.ChoiceField(label="类型", choices=[("remind", "提醒"), ("supervise", "督查")])
    note = forms.CharField(label="情况", max_length=300, required=False)


class IssueCloseForm(forms.Form):
    note = forms.CharField(label="办理结果", max_length=2000, required=False)
    evidence = forms.FileField(label="佐证材料", required=False)
    evidence_text = forms.CharField(label="佐证说明", max_length=300, required=False)

    def clean_evidence(self) -> Any:
        return clean_evidence(self.cleaned_data.get("evidence"))


class ExitForm(forms.Form):
    reason = forms.CharField(
        label="退出说明", max_length=2000, required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    unit = forms.CharField(label="作出说明的责任单位", max_length=80, required=False)
    on = forms.DateField(label="退出日期", required=False, widget=DATE)


class RectifyForm(forms.Form):
    deadline = forms.DateField(label="整改期限", required=False, widget=DATE)
    note = forms.CharField(label="整改要求", max_length=300, required=False)
