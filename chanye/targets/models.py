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
    params_key = models.CharField("参数", max_length=60, blank=True, default="")
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
