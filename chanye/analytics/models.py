from __future__ import annotations

from django.db import models


class MonthSummary(models.Model):
    """Monthly totals per county-level unit and per cluster, refreshed after every import.

    Pages read these through selectors instead of scanning enterprises × months on each request.
    `region` and `cluster` are both empty for the city total. Figures come from the 统计 source.
    """

    month = models.DateField(db_index=True)
    region = models.ForeignKey("regions.Region", null=True, on_delete=models.CASCADE, related_name="+")
    cluster = models.ForeignKey("industry.Cluster", null=True, on_delete=models.CASCADE, related_name="+")
    above_scale = models.BooleanField("规上")
    enterprises = models.PositiveIntegerField("报送企业数", default=0)
    output = models.DecimalField("工业总产值(万元)", max_digits=20, decimal_places=4, default=0)
    main_revenue = models.DecimalField("主营业务收入(万元)", max_digits=20, decimal_places=4, default=0)
    invoice_sales = models.DecimalField("开票销售额(万元)", max_digits=20, decimal_places=4, default=0)

    class Meta:
        indexes = [models.Index(fields=["month", "above_scale"])]
        verbose_name = "月度汇总"
        verbose_name_plural = "月度汇总"

    def __str__(self) -> str:
        return f"{self.month:%Y-%m} {self.region_id or self.cluster_id or '全市'}"


class FigureMonth(models.Model):
    """How many monthly figures each month holds per source, refreshed with MonthSummary after every import.

    The month pickers (what a monthly analysis can be run for) read this small table instead of a DISTINCT over
    every monthly row (6 million rows at province scale)."""

    month = models.DateField()
    source = models.CharField("来源", max_length=10)
    figures = models.PositiveIntegerField("数据条数", default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["month", "source"], name="figure_month_unique")]
        ordering = ["-month", "source"]
        verbose_name = "月度数据月份"
        verbose_name_plural = "月度数据月份"

    def __str__(self) -> str:
        return f"{self.month:%Y-%m} {self.source} {self.figures}"


class BenchmarkFigure(models.Model):
    """Output of a benchmark region outside the city in one GB/T 4754 manufacturing division (大类), as a
    statistical yearbook gives it; joined to the counties' matrix for relatedness (issue 6)."""

    region = models.CharField("对标地区", max_length=60, db_index=True)
    year = models.PositiveIntegerField("年份")
    industry_code = models.CharField("行业大类代码", max_length=2)
    output = models.DecimalField("工业总产值(万元)", max_digits=20, decimal_places=4)
    source = models.CharField("来源", max_length=120, blank=True)
    batch = models.ForeignKey("core.ImportBatch", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["region", "year", "industry_code"], name="benchmark_figure_unique")
        ]
        ordering = ["region", "year", "industry_code"]
        verbose_name = "对标地区产值"
        verbose_name_plural = "对标地区产值"

    def __str__(self) -> str:
        return f"{self.region} {self.year} {self.industry_code}"


class DataDuty(models.Model):
    """Who owes a source of data, how often and by when (数据更新, issue 13): the city's setting for one registered
    source (`chanye.core.freshness`); without a row the source's defaults apply. Set by a city administrator."""

    class Cadence(models.TextChoices):
        MONTH = "month", "每月"
        QUARTER = "quarter", "每季度"
        YEAR = "year", "每年"
        CONTINUOUS = "continuous", "随时更新"

    key = models.CharField("数据来源", max_length=40, unique=True)
    owner_unit = models.CharField("责任单位", max_length=80, blank=True)
    owner_name = models.CharField("责任人", max_length=40, blank=True)
    owner_user = models.ForeignKey(
        "accounts.User", null=True, blank=True, on_delete=models.SET_NULL, related_name="+", verbose_name="责任人账号"
    )
    cadence = models.CharField("更新频次", max_length=12, choices=Cadence.choices, default=Cadence.MONTH)
    due_day = models.PositiveSmallIntegerField("截止（期末后第几天）", default=15)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["key"]
        verbose_name = "数据报送责任"
        verbose_name_plural = "数据报送责任"

    def __str__(self) -> str:
        return f"{self.key} {self.owner_unit}"
