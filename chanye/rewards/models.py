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
