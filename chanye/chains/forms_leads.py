"""Forms and filters of the target library (招商目标库) and lead pages. Forms only parse what people type; the rules
are checked by `chanye.chains.services.do_save_target` and `chanye.chains.leads`, whose Chinese refusals are shown on
the page."""

from __future__ import annotations

from dataclasses import dataclass, fields
from typing import Any, Self
from urllib.parse import urlencode

from django import forms
from django.db.models import Prefetch, Q, QuerySet

from chanye.accounts.models import Role, User
from chanye.core import access, uscc
from chanye.core.forms import UploadForm, style
from chanye.core.text import squash
from chanye.industry.models import Cluster
from chanye.regions.models import Region

from . import leads
from .models import PIPELINE, AttractionTarget, Chain, ChainLink, Lead, LeadStage

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def active_chains() -> list[Chain]:
    """The active chains, each with its links in order."""
    links = Prefetch("links", queryset=ChainLink.objects.order_by("position"))
    return list(Chain.objects.filter(is_active=True).prefetch_related(links))


def link_choices(
    current: ChainLink | None = None, empty: str = "请选择", chains: list[Chain] | None = None
) -> list[Any]:
    """Links of the active chains (or of `chains`), grouped by chain (plus the current link when its chain was
    deactivated)."""
    if chains is None:
        chains = active_chains()
    out: list[Any] = [("", empty)]
    seen: set[int] = set()
    for chain in chains:
        items = [(str(x.pk), f"{x.name}（{x.get_stage_display()}）") for x in chain.links.all()]
        seen.update(x.pk for x in chain.links.all())
        if items:
            out.append((chain.name, items))
    if current is not None and current.pk not in seen:
        out.append((f"{current.chain.name}（已停用）", [(str(current.pk), current.name)]))
    return out


def option_groups(choices: list[Any]) -> list[dict[str, Any]]:
    """Choices as the templates draw them: [{"group": chain name or "", "options": [(value, label), …]}, …]."""
    out: list[dict[str, Any]] = []
    for value, label in choices:
        if isinstance(label, list | tuple):
            out.append({"group": value, "options": list(label)})
        else:
            out.append({"group": "", "options": [(value, label)]})
    return out


def clean_uscc_text(value: str) -> str:
    code = uscc.normalize(value or "")
    if not code:
        return ""
    found = uscc.problems(code)
    if found:
        raise forms.ValidationError("统一社会信用代码无效：" + "；".join(p.message for p in found))
    return code


# ---------------------------------------------------------------- targets


class TargetForm(forms.Form):
    """A candidate company for a link (→ `services.do_save_target`)."""

    link = forms.ChoiceField(label="产业链环节")
    name = forms.CharField(label="企业名称", max_length=200)
    uscc = forms.CharField(label="统一社会信用代码", max_length=30, required=False, help_text="选填；18位。")
    location = forms.CharField(label="所在地", max_length=100, required=False)
    products = forms.CharField(label="主要产品", max_length=300, required=False)
    size = forms.CharField(label="规模", max_length=100, required=False, help_text="如 上市公司、营收约30亿元")
    revenue = forms.DecimalField(label="营业收入(亿元)", max_digits=14, decimal_places=2, required=False, min_value=0)
    source = forms.CharField(label="来源", max_length=100, required=False, help_text="来源名单，如 中国企业500强")
    note = forms.CharField(label="备注", max_length=300, required=False)

    def __init__(self, *args: Any, instance: AttractionTarget | None = None, **kwargs: Any) -> None:
        if instance is not None and "initial" not in kwargs:
            kwargs["initial"] = {
                "link": str(instance.link_id),
                **{k: getattr(instance, k) for k in ("name", "uscc", "location", "products", "size", "source")},
                "revenue": instance.revenue,
                "note": instance.note,
            }
        super().__init__(*args, **kwargs)
        self.fields["link"].choices = link_choices(instance.link if instance else None)
        style(self)

    def clean_link(self) -> ChainLink:
        link = ChainLink.objects.select_related("chain").filter(pk=self.cleaned_data["link"]).first()
        if link is None:
            raise forms.ValidationError("请选择产业链环节。")
        return link

    def clean_uscc(self) -> str:
        return clean_uscc_text(self.cleaned_data.get("uscc", ""))

    def to_data(self) -> dict[str, Any]:
        c = self.cleaned_data
        data = {k: (c.get(k) or "").strip() for k in ("name", "location", "products", "size", "source", "note")}
        return {**data, "uscc": c.get("uscc", ""), "revenue": c.get("revenue"), "link": c["link"]}


class TargetImportForm(UploadForm):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        style(self)


class _ParamFilter:
    """A list page's filter as a dataclass of text fields, read from and written back to the query string."""

    @classmethod
    def from_params(cls, params: Any) -> Self:
        return cls(**{f.name: (params.get(f.name) or "").strip() for f in fields(cls)})

    def querystring(self, **override: str) -> str:
        values = {f.name: getattr(self, f.name) for f in fields(self)} | override
        return urlencode({k: v for k, v in values.items() if v})

    @property
    def active(self) -> bool:
        return any(getattr(self, f.name) for f in fields(self))


@dataclass
class TargetFilter(_ParamFilter):
    chain: str = ""  # chain code
    link: str = ""  # link pk
    location: str = ""  # text in 所在地
    q: str = ""  # name, USCC or products

    def apply(self, qs: QuerySet[AttractionTarget]) -> QuerySet[AttractionTarget]:
        if self.chain:
            qs = qs.filter(link__chain__code=self.chain)
        if self.link.isdigit():
            qs = qs.filter(link_id=int(self.link))
        if self.location:
            qs = qs.filter(location__contains=squash(self.location))
        if self.q:
            term = squash(self.q)
            qs = qs.filter(Q(name__icontains=term) | Q(uscc=term.upper()) | Q(products__icontains=term))
        return qs


# ---------------------------------------------------------------- leads


def county_choices(user: Any) -> QuerySet[Region]:
    """Where a lead may be hosted: a county officer only their own unit; the city every county-level unit and park."""
    if access.is_officer(user):
        return Region.objects.filter(pk=user.region_id)
    return Region.objects.filter(Q(is_county_level=True) | Q(level="park")).order_by("-is_county_level", "sort_order")


def owner_choices(user: Any) -> QuerySet[User]:
    """Who may own a lead: the active editors, for a county officer those of their own unit."""
    qs = User.objects.filter(is_active=True, role__in=[Role.CITY_ADMIN, Role.COUNTY_OFFICER])
    if access.is_officer(user):
        qs = qs.filter(role=Role.COUNTY_OFFICER, region_id=user.region_id)
    return qs.order_by("role", "username")


class OwnerChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return str(obj) + (f"（{obj.region.name}）" if obj.region_id else "")


class LeadForm(forms.Form):
    """Register or edit a lead's particulars (→ `leads.do_save_lead`); its stage moves on its page."""

    company = forms.CharField(label="企业名称", max_length=200)
    uscc = forms.CharField(label="统一社会信用代码", max_length=30, required=False, help_text="选填；18位。")
    target = forms.IntegerField(required=False, widget=forms.HiddenInput)
    link = forms.ChoiceField(label="产业链环节", required=False)
    cluster = forms.ModelChoiceField(
        label="产业集群", queryset=None, required=False, empty_label="—", help_text="选了环节可不填，按环节所属集群。"
    )
    county = forms.ModelChoiceField(label="落户区县", queryset=None, empty_label="请选择")
    owner = OwnerChoiceField(label="负责人（用户）", queryset=None, required=False, empty_label="—")
    owner_name = forms.CharField(
        label="负责人（姓名）", max_length=60, required=False, help_text="负责人不是平台用户时填写。"
    )
    project_name = forms.CharField(label="拟建项目", max_length=200, required=False)
    investment = forms.DecimalField(label="拟投资额(亿元)", max_digits=12, decimal_places=4, required=False)
    found_on = forms.DateField(label="发现日期", required=False, widget=DATE, help_text="不填为今天。")
    notes = forms.CharField(label="备注", required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args: Any, user: Any, instance: Lead | None = None, **kwargs: Any) -> None:
        if instance is not None and "initial" not in kwargs:
            kwargs["initial"] = {
                "company": instance.company,
                "uscc": instance.uscc,
                "target": instance.target_id,
                "link": str(instance.link_id or ""),
                "cluster": instance.cluster_id,
                "county": instance.county_id,
                "owner": instance.owner_id,
                "owner_name": instance.owner_name,
                "project_name": instance.project_name,
                "investment": instance.investment.normalize() if instance.investment is not None else None,
                "found_on": instance.found_on,
                "notes": instance.notes,
            }
        super().__init__(*args, **kwargs)
        self.user, self.instance = user, instance
        self.fields["link"].choices = link_choices(instance.link if instance and instance.link_id else None, "—")
        self.fields["cluster"].queryset = Cluster.objects.filter(is_active=True)
        self.fields["county"].queryset = county_choices(user)
        owners = owner_choices(user)
        if instance is not None and instance.owner_id:  # keep the current owner even if no longer an editor
            owners = User.objects.filter(Q(pk__in=owners.values("pk")) | Q(pk=instance.owner_id))
        self.fields["owner"].queryset = owners.select_related("region").order_by("role", "username")
        style(self)

    @classmethod
    def initial_from_target(cls, target: AttractionTarget, user: Any) -> dict[str, Any]:
        """A new lead prefilled from a target of the library (转为线索)."""
        note = "；".join(
            x
            for x in (
                f"所在地：{target.location}" if target.location else "",
                f"主要产品：{target.products}" if target.products else "",
                f"规模：{target.size}" if target.size else "",
                f"来源：{target.source}" if target.source else "",
                target.note,
            )
            if x
        )
        initial: dict[str, Any] = {
            "company": target.name,
            "uscc": target.uscc,
            "target": target.pk,
            "link": str(target.link_id),
            "notes": note,
        }
        if access.is_officer(user):
            initial["county"] = user.region_id
            initial["owner"] = user.pk
        return initial

    def clean_uscc(self) -> str:
        return clean_uscc_text(self.cleaned_data.get("uscc", ""))

    def clean_target(self) -> AttractionTarget | None:
        pk = self.cleaned_data.get("target")
        return AttractionTarget.objects.filter(pk=pk).first() if pk else None

    def clean_link(self) -> ChainLink | None:
        pk = self.cleaned_data.get("link")
        if not pk:
            return None
        link = ChainLink.objects.select_related("chain").filter(pk=pk).first()
        if link is None:
            raise forms.ValidationError("请选择产业链环节。")
        return link

    def to_data(self) -> dict[str, Any]:
        c = self.cleaned_data
        link, target, cluster = c.get("link"), c.get("target"), c.get("cluster")
        if link is None and target is not None:
            link = target.link
        if cluster is None and link is not None:
            cluster = link.chain.cluster
        return {
            "company": c["company"].strip(),
            "uscc": c.get("uscc", ""),
            "target_id": target.pk if target else None,
            "link_id": link.pk if link else None,
            "cluster_id": cluster.pk if cluster else None,
            "county_id": c["county"].pk,
            "owner_id": c["owner"].pk if c.get("owner") else None,
            "owner_name": (c.get("owner_name") or "").strip(),
            "project_name": (c.get("project_name") or "").strip(),
            "investment": c.get("investment"),
            "found_on": c.get("found_on"),
            "notes": (c.get("notes") or "").strip(),
        }


class MoveForm(forms.Form):
    """推进: the next stage and its date; 签约/落地 also the signing date and investment (→ `leads.do_move_lead`)."""

    to = forms.ChoiceField(label="推进到")
    on = forms.DateField(label="日期", required=False, widget=DATE, help_text="不填为今天。")
    signed_on = forms.DateField(
        label="签约日期", required=False, widget=DATE, help_text="签约或落地时填写（签约时即为签约当天）。"
    )
    investment = forms.DecimalField(
        label="拟投资额(亿元)", max_digits=12, decimal_places=4, required=False, help_text="签约时必填。"
    )
    note = forms.CharField(label="进展说明", max_length=2000, required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args: Any, lead: Lead, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        rank = PIPELINE.index(LeadStage(lead.stage)) if lead.stage in PIPELINE else len(PIPELINE)
        self.fields["to"].choices = [(s.value, s.label) for s in PIPELINE[rank + 1 :]]
        if lead.signed_on:
            self.fields["signed_on"].disabled = True
            self.fields["signed_on"].help_text = f"已于 {lead.signed_on:%Y-%m-%d} 签约。"
        style(self)

    def move_kwargs(self) -> dict[str, Any]:
        """Arguments of `do_move_lead`: for 签约 the signing date is the move's date."""
        c = self.cleaned_data
        on, signed_on = c.get("on"), c.get("signed_on")
        if c["to"] == LeadStage.SIGNED and signed_on:
            on = signed_on
        return {
            "to": c["to"],
            "on": on,
            "note": (c.get("note") or "").strip(),
            "signed_on": signed_on,
            "investment": c.get("investment"),
        }


class DropForm(forms.Form):
    """终止 with its reason (→ `leads.do_move_lead(to="dropped")`)."""

    reason = forms.CharField(label="终止原因", max_length=300, required=False)
    on = forms.DateField(label="终止日期", required=False, widget=DATE, help_text="不填为今天。")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        style(self)


@dataclass
class LeadFilter(_ParamFilter):
    q: str = ""  # company, code or planned project
    stage: str = ""
    cluster: str = ""  # cluster code (sub-clusters included)
    chain: str = ""  # chain code
    link: str = ""  # link pk
    county: str = ""  # region code
    owner: str = ""  # "u<pk>" a user, "n:<name>" a typed name
    year: str = ""  # year found
    stale: str = ""  # "1": open leads without progress for longer than leads.stale_days()

    def apply(self, qs: QuerySet[Lead], *, stage: bool = True) -> QuerySet[Lead]:
        if self.q:
            term = squash(self.q)
            qs = qs.filter(
                Q(company__icontains=term) | Q(project_name__icontains=term) | Q(code__iexact=term) | Q(uscc=term)
            )
        if stage and self.stage in LeadStage.values:
            qs = qs.filter(stage=self.stage)
        if self.cluster:
            qs = qs.filter(Q(cluster__code=self.cluster) | Q(cluster__parent__code=self.cluster))
        if self.chain:
            qs = qs.filter(link__chain__code=self.chain)
        if self.link.isdigit():
            qs = qs.filter(link_id=int(self.link))
        if self.county:
            qs = qs.filter(county__code=self.county)
        if self.owner.startswith("u") and self.owner[1:].isdigit():
            qs = qs.filter(owner_id=int(self.owner[1:]))
        elif self.owner.startswith("n:"):
            qs = qs.filter(owner__isnull=True, owner_name=self.owner[2:])
        if self.year.isdigit():
            qs = qs.filter(found_on__year=int(self.year))
        if self.stale == "1":
            qs = leads.stale(qs)
        return qs
