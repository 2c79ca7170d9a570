"""Chain maps (产业链图谱, XN-SYS-4, XN-CL-5) and investment attraction (招商目标库, XN-LZ-11).

* `Chain` / `ChainLink` / `ChainEdge`: a chain template, a directed graph of links with stages, products, GB/T 4754
  classes and flags (key link, 卡脖子). Templates come from the pack and are edited in the web UI; a chain edited by
  a user is kept as edited when the pack is reloaded (`edited`).
* `LinkEnterprise`: a local enterprise on a link with its role (链主 / core supplier / ordinary).
* `Chain.lead_bank` and `ChainCredit` (XN-LZ-11 "链主企业+合作银行+若干链属企业"): one lead bank (主办银行) per chain,
  and which enterprises on the chain its business covers, with their credit lines (`chanye.chains.finance`).
* `AttractionTarget`: a candidate company from outside the city for a link (imported from the bureau's lists).
* `Lead` / `LeadEvent`: the pipeline 线索 → 接洽 → 考察 → 签约 → 落地; a signed lead becomes a yellow project.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models

from chanye.core.scoping import ScopedManager


class Stage(models.TextChoices):
    UPSTREAM = "upstream", "上游"
    MIDSTREAM = "midstream", "中游"
    DOWNSTREAM = "downstream", "下游"


class Chain(models.Model):
    code = models.CharField("产业链编号", max_length=80, unique=True)
    name = models.CharField("产业链名称", max_length=200)
    cluster = models.ForeignKey(
        "industry.Cluster", null=True, blank=True, on_delete=models.SET_NULL, related_name="chain_maps"
    )
    description = models.TextField("说明", blank=True)
    rule = models.CharField("规则编号", max_length=20, blank=True)
    source_text = models.TextField("文件原文", blank=True)
    pack = models.ForeignKey("industry.Pack", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    edited = models.BooleanField("已在平台修改", default=False)  # pack reloads no longer overwrite it
    is_active = models.BooleanField("启用", default=True)
    sort_order = models.PositiveIntegerField(default=0)
    # XN-LZ-11 "引导一家主办银行服务一条产业链": the chain's one lead bank, named by the city
    lead_bank = models.CharField("主办银行", max_length=100, blank=True)
    lead_bank_since = models.DateField("主办银行对接日期", null=True, blank=True)
    # banks the move from one bank per chain leader to one per chain did not keep (cultivation 0007); shown to the
    # city until it names the chain's bank again
    lead_bank_note = models.TextField("主办银行待确认说明", blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["sort_order", "code"]
        verbose_name = "产业链"
        verbose_name_plural = "产业链"

    def __str__(self) -> str:
        return self.name


class ChainLink(models.Model):
    chain = models.ForeignKey(Chain, on_delete=models.CASCADE, related_name="links")
    code = models.CharField("环节编号", max_length=80)
    name = models.CharField("环节名称", max_length=80)
    stage = models.CharField("环节位置", max_length=12, choices=Stage.choices)
    position = models.PositiveIntegerField("顺序", default=0)
    description = models.TextField("说明", blank=True)
    gbt4754 = models.JSONField("国民经济行业代码", default=list, blank=True)
    products = models.JSONField("主要产品", default=list, blank=True)
    is_key = models.BooleanField("关键环节", default=False)
    is_chokepoint = models.BooleanField("卡脖子环节", default=False)
    min_enterprises = models.PositiveIntegerField("最少企业数（覆盖政策包）", null=True, blank=True)
    successors = models.ManyToManyField(
        "self", symmetrical=False, through="ChainEdge", related_name="predecessors", blank=True
    )

    class Meta:
        ordering = ["chain", "position"]
        constraints = [models.UniqueConstraint(fields=["chain", "code"], name="chain_link_code_unique")]
        verbose_name = "产业链环节"
        verbose_name_plural = "产业链环节"

    def __str__(self) -> str:
        return self.name


class ChainEdge(models.Model):
    source = models.ForeignKey(ChainLink, on_delete=models.CASCADE, related_name="out_edges")
    target = models.ForeignKey(ChainLink, on_delete=models.CASCADE, related_name="in_edges")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["source", "target"], name="chain_edge_unique")]

    def __str__(self) -> str:
        return f"{self.source_id} → {self.target_id}"


class LinkRole(models.TextChoices):
    LEADER = "leader", "链主"
    CORE = "core", "核心配套"
    ORDINARY = "ordinary", "一般企业"


class LinkEnterprise(models.Model):
    link = models.ForeignKey(ChainLink, on_delete=models.CASCADE, related_name="members")
    enterprise = models.ForeignKey("enterprises.Enterprise", on_delete=models.CASCADE, related_name="chain_links")
    role = models.CharField("角色", max_length=10, choices=LinkRole.choices, default=LinkRole.ORDINARY)
    note = models.CharField("备注", max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ScopedManager()
    scope_region_paths = ("enterprise__county", "enterprise__park")
    scope_enterprise_path = "enterprise"

    class Meta:
        constraints = [models.UniqueConstraint(fields=["link", "enterprise"], name="link_enterprise_unique")]
        verbose_name = "链上企业"
        verbose_name_plural = "链上企业"

    def __str__(self) -> str:
        return f"{self.link} · {self.enterprise}"


class ChainCredit(models.Model):
    """An enterprise on the chain served by the chain's lead bank (XN-LZ-11 "业务覆盖产业链上的每家企业"), with its
    credit line. `bank` is the bank that served it: once the city names another bank, the row no longer counts."""

    chain = models.ForeignKey(Chain, on_delete=models.CASCADE, related_name="credits")
    enterprise = models.ForeignKey("enterprises.Enterprise", on_delete=models.CASCADE, related_name="chain_credits")
    bank = models.CharField("主办银行", max_length=100)
    credit = models.DecimalField("授信额度(万元)", max_digits=18, decimal_places=4, null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ScopedManager()
    scope_region_paths = ("enterprise__county", "enterprise__park")
    scope_enterprise_path = "enterprise"

    class Meta:
        constraints = [models.UniqueConstraint(fields=["chain", "enterprise"], name="chain_credit_unique")]
        verbose_name = "链属企业金融服务"
        verbose_name_plural = "链属企业金融服务"

    def __str__(self) -> str:
        return f"{self.chain} · {self.enterprise}"


class AttractionTarget(models.Model):
    """A company outside the city worth attracting to a link (招商目标库)."""

    link = models.ForeignKey(ChainLink, on_delete=models.CASCADE, related_name="targets")
    name = models.CharField("企业名称", max_length=200)
    uscc = models.CharField("统一社会信用代码", max_length=18, blank=True)
    location = models.CharField("所在地", max_length=100, blank=True)
    products = models.CharField("主要产品", max_length=300, blank=True)
    size = models.CharField("规模", max_length=100, blank=True)  # as the list gives it: 营收约30亿元, 上市公司 …
    revenue = models.DecimalField("营业收入(亿元)", max_digits=14, decimal_places=2, null=True, blank=True)
    source = models.CharField("来源名单", max_length=100, blank=True)
    note = models.CharField("备注", max_length=300, blank=True)
    # The unit whose officer added it (they may edit it); empty for the city's shared entries (the city edits them).
    unit = models.ForeignKey(
        "regions.Region", null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name="登记单位"
    )
    batch = models.ForeignKey("core.ImportBatch", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["link", "-revenue", "name"]
        verbose_name = "招商目标企业"
        verbose_name_plural = "招商目标企业"

    def __str__(self) -> str:
        return self.name


class LeadStage(models.TextChoices):
    CLUE = "clue", "线索"
    CONTACT = "contact", "接洽"
    VISIT = "visit", "考察"
    SIGNED = "signed", "签约"
    LANDED = "landed", "落地"
    DROPPED = "dropped", "终止"


PIPELINE = [LeadStage.CLUE, LeadStage.CONTACT, LeadStage.VISIT, LeadStage.SIGNED, LeadStage.LANDED]
STAGE_DATE = {
    LeadStage.CLUE: "found_on",
    LeadStage.CONTACT: "contacted_on",
    LeadStage.VISIT: "visited_on",
    LeadStage.SIGNED: "signed_on",
    LeadStage.LANDED: "landed_on",
    LeadStage.DROPPED: "dropped_on",
}


class Lead(models.Model):
    """An attraction lead followed to closure; scoped to the county that would host the project."""

    code = models.CharField("线索编号", max_length=40, unique=True)
    company = models.CharField("企业名称", max_length=200)
    uscc = models.CharField("统一社会信用代码", max_length=18, blank=True)
    target = models.ForeignKey(AttractionTarget, null=True, blank=True, on_delete=models.SET_NULL, related_name="leads")
    link = models.ForeignKey(ChainLink, null=True, blank=True, on_delete=models.SET_NULL, related_name="leads")
    cluster = models.ForeignKey("industry.Cluster", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    county = models.ForeignKey("regions.Region", on_delete=models.PROTECT, related_name="+", verbose_name="落户区县")
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name="负责人",
    )
    owner_name = models.CharField("负责人", max_length=60, blank=True)
    stage = models.CharField("阶段", max_length=10, choices=LeadStage.choices, default=LeadStage.CLUE, db_index=True)
    project_name = models.CharField("拟建项目", max_length=200, blank=True)
    investment = models.DecimalField("拟投资额(亿元)", max_digits=12, decimal_places=4, null=True, blank=True)
    found_on = models.DateField("发现日期")
    contacted_on = models.DateField("接洽日期", null=True, blank=True)
    visited_on = models.DateField("考察日期", null=True, blank=True)
    signed_on = models.DateField("签约日期", null=True, blank=True)
    landed_on = models.DateField("落地日期", null=True, blank=True)
    dropped_on = models.DateField("终止日期", null=True, blank=True)
    drop_reason = models.CharField("终止原因", max_length=300, blank=True)
    project = models.ForeignKey(
        "projects.Project", null=True, blank=True, on_delete=models.SET_NULL, related_name="leads"
    )
    notes = models.TextField("备注", blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ScopedManager()
    scope_region_paths = ("county", "county__parent")  # a park's leads belong to its county too
    scope_enterprise_path = None  # enterprises see no leads

    class Meta:
        ordering = ["-updated_at"]
        verbose_name = "招商线索"
        verbose_name_plural = "招商线索"

    def __str__(self) -> str:
        return self.company

    @property
    def owner_label(self) -> str:
        if self.owner_id:
            return self.owner.full_name or self.owner.username  # type: ignore[union-attr]
        return self.owner_name


class LeadEvent(models.Model):
    lead = models.ForeignKey(Lead, on_delete=models.CASCADE, related_name="events")
    from_stage = models.CharField("原阶段", max_length=10, choices=LeadStage.choices, blank=True)
    to_stage = models.CharField("新阶段", max_length=10, choices=LeadStage.choices)
    on = models.DateField("日期")
    note = models.TextField("说明", blank=True)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["lead", "created_at"]
        verbose_name = "线索进展"
        verbose_name_plural = "线索进展"

    def __str__(self) -> str:
        return f"{self.lead_id}: {self.from_stage} → {self.to_stage}"
