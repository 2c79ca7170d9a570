from __future__ import annotations

from django.conf import settings
from django.db import models


class IndicatorValue(models.Model):
    """A computed (or reported) indicator value for one period and scope; pages read these, never raw rows.

    `period` is the first day of the month the value is as of; year-to-date sums run from January to it.
    `region` and `cluster` both empty mean the whole city. `params_key` distinguishes parameterised indicators
    (e.g. "threshold=100" for enterprises with revenue over 100 亿元).
    """

    class Source(models.TextChoices):
        COMPUTED = "computed", "系统计算"
        REPORTED = "reported", "部门上报"

    indicator = models.CharField("指标", max_length=60, db_index=True)
    params_key = models.CharField("参数", max_length=100, blank=True, default="")
    period = models.DateField("期间", db_index=True)
    region = models.ForeignKey("regions.Region", null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    cluster = models.ForeignKey("industry.Cluster", null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    value = models.DecimalField("数值", max_digits=20, decimal_places=4)
    source = models.CharField("来源", max_length=10, choices=Source.choices, default=Source.COMPUTED)
    source_note = models.CharField("数据来源说明", max_length=200, blank=True)
    reported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    computed_at = models.DateTimeField(auto_now=True)

    class Meta:
        indexes = [models.Index(fields=["indicator", "period"])]
        verbose_name = "指标值"
        verbose_name_plural = "指标值"

    def __str__(self) -> str:
        return f"{self.indicator}[{self.params_key}] {self.period:%Y-%m} = {self.value}"


class AssessmentRun(models.Model):
    """One year's county assessment (HG-A-1, YY-P-3), computed from the pack's indicators and weights."""

    year = models.PositiveIntegerField("年度", unique=True)
    name = models.CharField("名称", max_length=100)
    config = models.JSONField("考核方案")
    computed_at = models.DateTimeField("计算时间", auto_now=True)

    class Meta:
        ordering = ["-year"]
        verbose_name = "年度考核"
        verbose_name_plural = "年度考核"

    def __str__(self) -> str:
        return f"{self.year}年{self.name}"


class AssessmentScore(models.Model):
    run = models.ForeignKey(AssessmentRun, on_delete=models.CASCADE, related_name="scores")
    region = models.ForeignKey("regions.Region", on_delete=models.CASCADE, related_name="+")
    total = models.DecimalField("总分", max_digits=8, decimal_places=2)
    rank = models.PositiveIntegerField("名次")
    previous_rank = models.PositiveIntegerField("上年名次", null=True, blank=True)
    details = models.JSONField("分项", default=list)

    class Meta:
        ordering = ["run", "rank"]
        verbose_name = "考核得分"
        verbose_name_plural = "考核得分"

    def __str__(self) -> str:
        return f"{self.region} {self.total}"

    @property
    def rank_change(self) -> int | None:
        return None if self.previous_rank is None else self.previous_rank - self.rank


class ParkLand(models.Model):
    """A park's industrial land area in a year (亩), imported from the natural-resources bureau's figures: the
    denominator of the 亩均税收 evaluation every park gets (HG-A-1 “坚持园区亩均税收综合评价全覆盖”)."""

    region = models.ForeignKey("regions.Region", on_delete=models.CASCADE, related_name="+")
    year = models.PositiveIntegerField("年度")
    area_mu = models.DecimalField("用地面积（亩）", max_digits=14, decimal_places=2)
    source_note = models.CharField("数据来源", max_length=200, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["region", "year"], name="park_land_region_year")]
        ordering = ["year", "region"]
        verbose_name = "园区用地面积"
        verbose_name_plural = "园区用地面积"

    def __str__(self) -> str:
        return f"{self.region} {self.year} {self.area_mu}亩"


class BlockRecognition(models.Model):
    """The city's yearly decision on one 块状经济 base (HG-A-1 “制定市级块状经济认定办法,每年认定一次制造基地”): the
    base (a cluster of the family the pack's `assessment.block_recognition` names), the year, the year's output at the
    time of the decision and whether it passed the pack's tier, and the decision with its document number and reason."""

    class Decision(models.TextChoices):
        RECOGNISED = "recognised", "认定"
        REFUSED = "refused", "不予认定"

    cluster = models.ForeignKey("industry.Cluster", on_delete=models.CASCADE, related_name="block_recognitions")
    year = models.PositiveIntegerField("年度")
    output = models.DecimalField("当年产值（亿元）", max_digits=14, decimal_places=4, null=True, blank=True)
    output_through = models.DateField("产值截至", null=True, blank=True)
    meets = models.BooleanField("达到认定门槛", default=False)
    decision = models.CharField("认定结果", max_length=12, choices=Decision.choices)
    document_no = models.CharField("认定文号", max_length=100, blank=True)
    note = models.CharField("说明", max_length=300, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_at = models.DateTimeField("认定时间", auto_now=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["cluster", "year"], name="block_recognition_cluster_year")]
        ordering = ["-year", "cluster"]
        verbose_name = "块状经济年度认定"
        verbose_name_plural = "块状经济年度认定"

    def __str__(self) -> str:
        return f"{self.year} {self.cluster} {self.get_decision_display()}"
