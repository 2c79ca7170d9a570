"""Forms of the chain editor and the placement page. They only parse what people type; the chain is validated as a
`ChainSpec` (its Chinese errors shown on the row and field they concern) and written by `services.do_save_chain`;
placements go through `services.do_place_enterprise` / `do_remove_enterprise`."""

from __future__ import annotations

import re
from typing import Any

import pydantic
from django import forms

from chanye.core.forms import UploadForm, style
from chanye.industry import schema
from chanye.industry.models import Cluster

from . import chain_errors, chain_format, services
from .models import Chain, LinkRole, Stage

_SPLIT = re.compile(r"[、,，;；\s]+")
NONE_WORDS = chain_format.NONE_WORDS


def split_items(text: str) -> list[str]:
    return [s for s in _SPLIT.split(text or "") if s]


class ChainForm(forms.Form):
    """The chain itself: code (new chains only), name, cluster, description."""

    code = forms.CharField(
        label="产业链编号",
        max_length=80,
        required=False,
        help_text="全市唯一，小写字母、数字、- _ .；不填则按所属集群自动生成。",
    )
    name = forms.CharField(label="产业链名称", max_length=200)
    cluster = forms.ModelChoiceField(label="所属产业集群", queryset=None, required=False, empty_label="—")
    description = forms.CharField(label="说明", required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args: Any, instance: Chain | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.instance = instance
        self.fields["cluster"].queryset = Cluster.objects.filter(is_active=True)  # type: ignore[attr-defined]
        if instance is not None:
            del self.fields["code"]
        style(self)

    def clean_code(self) -> str:
        code = self.cleaned_data.get("code", "").strip()
        if code and not schema.CODE.match(code):
            raise forms.ValidationError("编号只能用小写字母、数字、- _ .（如 food-meat）")
        if code and Chain.objects.filter(code=code).exists():
            raise forms.ValidationError(f"产业链编号“{code}”已被使用")
        return code


class LinkForm(forms.Form):
    """One row of the link table."""

    code = forms.CharField(max_length=80, required=False, widget=forms.HiddenInput)
    old_name = forms.CharField(max_length=80, required=False, widget=forms.HiddenInput)
    name = forms.CharField(label="环节名称", max_length=80)
    stage = forms.ChoiceField(label="位置", choices=Stage.choices, initial=Stage.MIDSTREAM)
    description = forms.CharField(label="说明", max_length=500, required=False)
    gbt4754 = forms.CharField(
        label="行业代码", max_length=200, required=False, help_text="GB/T 4754，用、分隔，如 1351、1353"
    )
    products = forms.CharField(label="主要产品", max_length=500, required=False)
    key = forms.BooleanField(label="关键", required=False)
    chokepoint = forms.BooleanField(label="卡脖子", required=False)
    next = forms.CharField(
        label="下游环节",
        max_length=500,
        required=False,
        help_text="环节名称，用、分隔；空白为下一行，“无”为没有下游",
    )
    min_enterprises = forms.IntegerField(label="最少企业数", min_value=0, required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        style(self)
        self.fields["name"].widget.attrs["placeholder"] = "如 屠宰加工"
        self.fields["next"].widget.attrs["placeholder"] = "下一行"
        self.fields["gbt4754"].widget.attrs["placeholder"] = "如 1351"

    def has_changed(self) -> bool:
        """A row added and left blank is ignored even though the page numbered it (its 顺序 is set)."""
        return any(name not in ("ORDER", "DELETE") for name in self.changed_data)


class BaseLinkFormSet(forms.BaseFormSet):
    def get_ordering_widget(self) -> forms.Widget:
        return forms.NumberInput(attrs={"class": "form-control form-control-sm order-input", "min": 0, "title": "顺序"})

    def add_fields(self, form: forms.Form, index: int | None) -> None:
        super().add_fields(form, index)
        if "DELETE" in form.fields:
            form.fields["DELETE"].label = "删除"
            form.fields["DELETE"].widget.attrs["class"] = "form-check-input delete-box"


LinkFormSet = forms.formset_factory(
    LinkForm, formset=BaseLinkFormSet, extra=0, can_delete=True, can_order=True, min_num=2
)


def link_initial(chain: Chain) -> list[dict[str, Any]]:
    """The formset's rows for a saved chain; 下游环节 written with names."""
    spec = services.chain_to_spec(chain)
    names = {x.code: x.name for x in spec.links}
    rows = []
    for x in spec.links:
        nxt = "" if x.next is None else ("、".join(names.get(c, c) for c in x.next) or "无")
        rows.append(
            {
                "code": x.code,
                "old_name": x.name,
                "name": x.name,
                "stage": x.stage,
                "description": x.description,
                "gbt4754": "、".join(x.gbt4754),
                "products": "、".join(x.products),
                "key": x.key,
                "chokepoint": x.chokepoint,
                "next": nxt,
                "min_enterprises": x.min_enterprises,
            }
        )
    return rows


def build_spec(
    chain_form: ChainForm, formset: Any, *, instance: Chain | None
) -> tuple[schema.ChainSpec | None, list[str]]:
    """The ChainSpec the (valid) forms describe, in the order of their 顺序 column; errors of the spec are put on
    the row and field they concern, the rest returned as messages for the top of the page."""
    rows = [f for f in formset.ordered_forms if f.has_changed() or f.cleaned_data.get("code")]  # deleted left out
    renamed = {}  # old name → code, so 下游环节 still written with a link's old name follows it
    for f in rows:
        c = f.cleaned_data
        if c.get("code") and c.get("old_name") and c["old_name"] != c["name"]:
            renamed[c["old_name"]] = c["code"]
    current = {f.cleaned_data["name"] for f in rows} | {f.cleaned_data.get("code") for f in rows}
    links = []
    for f in rows:
        c = f.cleaned_data
        link: dict[str, Any] = {
            "name": c["name"],
            "stage": c["stage"],
            "description": c.get("description") or "",
            "gbt4754": split_items(c.get("gbt4754", "")),
            "products": split_items(c.get("products", "")),
            "key": bool(c.get("key")),
            "chokepoint": bool(c.get("chokepoint")),
            "min_enterprises": c.get("min_enterprises"),
        }
        if c.get("code"):
            link["code"] = c["code"]
        raw_next = (c.get("next") or "").strip()
        if raw_next:
            items = split_items(raw_next)
            if len(items) == 1 and items[0].lower() in NONE_WORDS:
                link["next"] = []
            else:
                link["next"] = [x if x in current else renamed.get(x, x) for x in items]
        links.append(link)
    c = chain_form.cleaned_data
    data = {
        "code": instance.code if instance is not None else (c.get("code") or ""),
        "name": c["name"],
        "description": c.get("description") or "",
        "rule": (instance.rule or None) if instance is not None else None,
        "source_text": instance.source_text if instance is not None else "",
        "links": links,
    }
    try:
        spec = schema.ChainSpec.model_validate(data)
    except pydantic.ValidationError as e:
        fields = {label: key for key, label in chain_errors.LINK_FIELD_LABELS.items()}
        top: list[str] = []
        for err in chain_errors.spec_errors(e, chain_place={}, link_place=lambda i: {"where": f"#{i}"}):
            if err.where.startswith("#"):
                i = int(err.where[1:])
                field = fields.get(err.column)
                if field and field not in ("code", "old_name") and field in rows[i].fields:
                    rows[i].add_error(field, err.message)
                else:
                    top.append(f"第{i + 1}个环节“{rows[i].cleaned_data.get('name', '')}”：{err.message}")
            else:
                top.append(f"{err.column}：{err.message}" if err.column else err.message)
        return None, top or ["请修改标红的环节。"]
    return spec, []


class ChainImportForm(UploadForm):
    suffixes = (".yaml", ".yml", ".xlsx", ".xlsm", ".xls")
    wrong_type = "请上传 .yaml/.yml 或 .xlsx 文件。"

    file = forms.FileField(label="文件（.yaml 或 .xlsx）")
    dry_run = None  # a chain file is checked whole before anything is written anyway


ROLE_CHOICES = LinkRole.choices


class PlaceForm(forms.Form):
    """Put an enterprise (found by name or USCC among those the user may see) on a link."""

    link = forms.ModelChoiceField(label="环节", queryset=None, empty_label=None)
    enterprise = forms.CharField(label="企业（名称或统一社会信用代码）", max_length=200)
    role = forms.ChoiceField(label="角色", choices=ROLE_CHOICES, initial=LinkRole.ORDINARY)
    note = forms.CharField(label="备注", max_length=200, required=False)

    def __init__(self, *args: Any, chain: Chain, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["link"].queryset = chain.links.order_by("position")  # type: ignore[attr-defined]
        style(self)
        self.fields["enterprise"].widget.attrs.update({"list": "enterprise-options", "autocomplete": "off"})


class RoleForm(forms.Form):
    role = forms.ChoiceField(label="角色", choices=ROLE_CHOICES)
