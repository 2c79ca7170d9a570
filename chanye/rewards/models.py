"""Rewards and entitlements (奖补兑现、免申即享, issue 14): the facts a reward needs that the registry does not
hold, and the entitlements computed from the pack's reward rules (HG-R-1…5, EZ-R-1/2)."""

from __future__ import annotations

from django.db import models

from chanye.core.scoping import ScopedManager


class RewardFact(models.Model):
    """A figure a reward rule needs and the registry does not hold (奖补事实): 直播销售额, 主播带货佣金, a 技改
    project's equipment investment, new 5G stations, an award already granted by the province. Its kind is a key the
    active pack declares (`reward_facts`), so a new city's rules need no code."""

    enterprise = models.ForeignKey(
        "enterprises.Enterprise", on_delete=models.CASCADE, related_name="reward_facts", verbose_name="企业"
    )
    year = models.PositiveIntegerField("年度")
    kind = models.CharField("事实", max_length=40)
    project = models.CharField("项目", max_length=200, blank=True)  # the project a per-project fact belongs to
    value = models.DecimalField("数值", max_digits=18, decimal_places=4)
    note = models.CharField("备注", max_length=200, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ScopedManager()
    scope_region_paths = ("enterprise__county", "enterprise__park")
    scope_enterprise_path = "enterprise"

    class Meta:
        ordering = ["year", "kind", "enterprise_id", "project"]
        constraints = [
            models.UniqueConstraint(fields=["enterprise", "year", "kind", "project"], name="reward_fact_unique")
        ]
        verbose_name = "奖补事实"
        verbose_name_plural = "奖补事实"

    def __str__(self) -> str:
        return f"{self.year} {self.kind} {self.value}"


class EntitlementStatus(models.TextChoices):
    COMPUTED = "computed", "测算"
    EXCLUDED = "excluded", "不予兑现"  # met the main condition, excluded by a clause (首次, 不重复, 高档替代 …)
    PUBLISHED = "published", "公示"
    APPROVED = "approved", "审核通过"
    PAID = "paid", "已拨付"
    REVOKED = "revoked", "已撤销"


# What a new computation may replace: the rows nobody has acted on yet.
RECOMPUTABLE = (EntitlementStatus.COMPUTED, EntitlementStatus.EXCLUDED)


class RewardFund(models.Model):
    """A budget a year's rewards are paid from (鄂州 EZ-R-4: 每年1亿元市级制造业高质量发展专项资金)."""

    name = models.CharField("资金名称", max_length=100)
    year = models.PositiveIntegerField("年度")
    budget = models.DecimalField("预算(万元)", max_digits=14, decimal_places=4)
    note = models.CharField("备注", max_length=200, blank=True)

    class Meta:
        ordering = ["-year", "name"]
        constraints = [models.UniqueConstraint(fields=["name", "year"], name="reward_fund_unique")]
        verbose_name = "奖补资金"
        verbose_name_plural = "奖补资金"

    def __str__(self) -> str:
        return f"{self.year}年{self.name}"


class Entitlement(models.Model):
    """What one recipient (an enterprise, or the county of a recognised cluster) is entitled to under one reward rule
    in one year, with the figures and the words that explain it."""

    key = models.CharField("键", max_length=300, unique=True, editable=False)
    year = models.PositiveIntegerField("年度", db_index=True)
    reward_code = models.CharField("奖补编号", max_length=80)
    rule = models.CharField("规则编号", max_length=30)
    label = models.CharField("奖补项目", max_length=200)
    enterprise = models.ForeignKey(
        "enterprises.Enterprise",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="entitlements",
        verbose_name="企业",
    )
    cluster = models.ForeignKey(
        "industry.Cluster", null=True, blank=True, on_delete=models.SET_NULL, related_name="+", verbose_name="产业集群"
    )
    county = models.ForeignKey("regions.Region", on_delete=models.PROTECT, related_name="+", verbose_name="区县")
    park = models.ForeignKey(
        "regions.Region", null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name="园区"
    )
    subject = models.CharField("项目", max_length=200, blank=True)
    amount = models.DecimalField("金额(万元)", max_digits=14, decimal_places=4)
    base = models.DecimalField("计算基数", max_digits=18, decimal_places=4, null=True, blank=True)
    explanation = models.TextField("测算说明")
    status = models.CharField(
        "状态", max_length=10, choices=EntitlementStatus.choices, default=EntitlementStatus.COMPUTED, db_index=True
    )
    computed_at = models.DateTimeField("测算时间", auto_now=True)
    # 公示 → 审核 → 拨付, or 撤销 (rewards.services)
    published_on = models.DateField("公示日期", null=True, blank=True)
    objection_until = models.DateField("异议截止", null=True, blank=True)
    approved_on = models.DateField("审核日期", null=True, blank=True)
    paid_on = models.DateField("拨付日期", null=True, blank=True)
    voucher_no = models.CharField("凭证号", max_length=60, blank=True)
    fund = models.ForeignKey(
        RewardFund, null=True, blank=True, on_delete=models.PROTECT, related_name="entitlements", verbose_name="资金"
    )
    status_note = models.CharField(
        "办理说明", max_length=300, blank=True
    )  # the reason of a revocation, an approval note
    # 免申即享: the enterprise confirms where the money goes; nothing to apply for.
    account_name = models.CharField("收款户名", max_length=200, blank=True)
    account_bank = models.CharField("开户银行", max_length=100, blank=True)
    account_no = models.CharField("银行账号", max_length=40, blank=True)
    account_confirmed_at = models.DateTimeField("收款账户确认时间", null=True, blank=True)

    objects = ScopedManager()
    scope_region_paths = ("county", "park")
    scope_enterprise_path = "enterprise"

    class Meta:
        ordering = ["year", "rule", "reward_code", "county_id", "enterprise_id", "subject"]
        indexes = [models.Index(fields=["year", "status"])]
        verbose_name = "奖补兑现"
        verbose_name_plural = "奖补兑现"

    def __str__(self) -> str:
        return f"{self.year} {self.label}"

    @property
    def audit_key(self) -> str:
        return self.key

    @property
    def account_masked(self) -> str:
        n = self.account_no
        return f"{n[:4]}****{n[-4:]}" if len(n) > 8 else ("****" if n else "")


class Objection(models.Model):
    """An objection raised during the publication period (公示期异议) and how it was answered."""

    class Outcome(models.TextChoices):
        OPEN = "", "待处理"
        UPHELD = "upheld", "异议成立（退回测算核实）"
        REJECTED = "rejected", "异议不成立（维持公示）"

    entitlement = models.ForeignKey(Entitlement, on_delete=models.CASCADE, related_name="objections")
    raised_by = models.ForeignKey(
        "accounts.User", null=True, on_delete=models.SET_NULL, related_name="+", verbose_name="提出人"
    )
    text = models.TextField("异议内容")
    raised_at = models.DateTimeField("提出时间", auto_now_add=True)
    outcome = models.CharField("处理结果", max_length=10, choices=Outcome.choices, blank=True, default="")
    reply = models.TextField("答复", blank=True)
    replied_by = models.ForeignKey(
        "accounts.User", null=True, blank=True, on_delete=models.SET_NULL, related_name="+", verbose_name="答复人"
    )
    replied_at = models.DateTimeField("答复时间", null=True, blank=True)

    objects = ScopedManager()
    scope_region_paths = ("entitlement__county", "entitlement__park")
    scope_enterprise_path = "entitlement__enterprise"

    class Meta:
        ordering = ["raised_at"]
        verbose_name = "公示异议"
        verbose_name_plural = "公示异议"

    def __str__(self) -> str:
        return self.text[:40]
