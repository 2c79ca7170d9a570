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
