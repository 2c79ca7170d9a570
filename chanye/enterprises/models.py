from __future__ import annotations

from django.conf import settings
from django.db import models

from chanye.core.models import TimeStampedModel
from chanye.core.scoping import ScopedManager
from chanye.enterprises.choices import (
    FigureSource,
    HonourKind,
    HonourLevel,
    SmartFactoryGrade,
)


class Enterprise(TimeStampedModel):
    """An enterprise of the registry, identified by its 统一社会信用代码 (GB 32100-2015)."""

    uscc = models.CharField("统一社会信用代码", max_length=18, unique=True)
    name = models.CharField("企业名称", max_length=200, db_index=True)
    name_key = models.CharField("名称匹配键", max_length=200, db_index=True, editable=False)
    county = models.ForeignKey(
        "regions.Region", on_delete=models.PROTECT, related_name="enterprises", verbose_name="所属区县"
    )
    park = models.ForeignKey(
        "regions.Region",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="park_enterprises",
        verbose_name="所属园区",
    )
    industry_code = models.ForeignKey(
        "industry.IndustryCode", null=True, blank=True, on_delete=models.PROTECT, verbose_name="国民经济行业"
    )
    industries = models.ManyToManyField(
        "industry.Industry", blank=True, related_name="enterprises", verbose_name="重点产业"
    )
    clusters = models.ManyToManyField(
        "industry.Cluster", blank=True, related_name="enterprises", verbose_name="产业集群"
    )
    is_above_scale = models.BooleanField("规上企业", default=False, db_index=True)
    smart_factory_grade = models.CharField("智能工厂等级", max_length=10, choices=SmartFactoryGrade.choices, blank=True)
    address = models.CharField("地址", max_length=200, blank=True)
    established_on = models.DateField("成立日期", null=True, blank=True)
    uscc_override = models.BooleanField("信用代码校验豁免", default=False)
    uscc_override_reason = models.CharField("豁免理由", max_length=200, blank=True)

    objects = ScopedManager()
    scope_region_paths = ("county", "park")
    scope_enterprise_path = "pk"

    class Meta:
        ordering = ["name"]
        verbose_name = "企业"
        verbose_name_plural = "企业"
        indexes = [
            models.Index(fields=["county", "is_above_scale"]),
            # the list page's order (规上 first, then by name): lets the first pages come from the index
            models.Index(fields=["-is_above_scale", "name", "id"], name="enterprise_list_order"),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def audit_key(self) -> str:
        """How audit rows name an enterprise (its credit code, the key every sheet and page uses)."""
        return self.uscc


class EnterpriseAlias(models.Model):
    """A former name (曾用名) or another name the enterprise is known by in sheets."""

    enterprise = models.ForeignKey(Enterprise, on_delete=models.CASCADE, related_name="aliases")
    name = models.CharField("名称", max_length=200)
    name_key = models.CharField(max_length=200, db_index=True)
    is_former = models.BooleanField("曾用名", default=True)

    class Meta:
        unique_together = [("enterprise", "name")]
        verbose_name = "企业别名"
        verbose_name_plural = "企业别名"

    def __str__(self) -> str:
        return self.name


class ScalePeriod(models.Model):
    """A period during which the enterprise was 规上 (entered, and exited if it left)."""

    enterprise = models.ForeignKey(Enterprise, on_delete=models.CASCADE, related_name="scale_periods")
    entered_on = models.DateField("入规日期")
    exited_on = models.DateField("退规日期", null=True, blank=True)
    # A roster said 是否规上 = 是 without an entry date: 规上 from 1 January of the roster's year by the stated rule
    # (`services.assumed_entry`), not counted as a new entry (新增规上) since the real date is not known.
    entry_assumed = models.BooleanField("入规日期为推定", default=False)

    class Meta:
        ordering = ["entered_on"]
        verbose_name = "规上期间"
        verbose_name_plural = "规上期间"

    def __str__(self) -> str:
        return f"{self.entered_on:%Y-%m}—{self.exited_on or ''}"


class Honour(models.Model):
    """An honour or tier (创新型中小企业 … 单项冠军, 高新技术企业, 链主, 智能工厂, 绿色工厂 …)."""

    enterprise = models.ForeignKey(Enterprise, on_delete=models.CASCADE, related_name="honours")
    kind = models.CharField("类别", max_length=20, choices=HonourKind.choices, db_index=True)
    level = models.CharField("级别", max_length=12, choices=HonourLevel.choices, blank=True)
    grade = models.CharField("等级", max_length=10, choices=SmartFactoryGrade.choices, blank=True)
    year = models.PositiveIntegerField("认定年份", null=True, blank=True)
    note = models.CharField("备注", max_length=200, blank=True)

    class Meta:
        ordering = ["kind", "-year"]
        unique_together = [("enterprise", "kind", "level", "grade")]
        verbose_name = "荣誉与梯度"
        verbose_name_plural = "荣誉与梯度"

    def __str__(self) -> str:
        parts = [self.get_level_display() if self.level else "", self.get_kind_display()]
        if self.grade:
            parts.append(f"（{self.get_grade_display()}）")
        return "".join(parts)


class MonthlyFigure(models.Model):
    """One source's figures for one enterprise and month. Amounts in 万元, power in 万千瓦时."""

    enterprise = models.ForeignKey(Enterprise, on_delete=models.CASCADE, related_name="monthly")
    month = models.DateField("月份")  # first day of the month
    source = models.CharField("来源", max_length=10, choices=FigureSource.choices, default=FigureSource.STATS)
    output = models.DecimalField("工业总产值(万元)", max_digits=18, decimal_places=4, null=True, blank=True)
    revenue = models.DecimalField("营业收入(万元)", max_digits=18, decimal_places=4, null=True, blank=True)
    main_revenue = models.DecimalField("主营业务收入(万元)", max_digits=18, decimal_places=4, null=True, blank=True)
    profit = models.DecimalField("利润总额(万元)", max_digits=18, decimal_places=4, null=True, blank=True)
    tax = models.DecimalField("税收(万元)", max_digits=18, decimal_places=4, null=True, blank=True)
    employees = models.DecimalField("从业人员(人)", max_digits=12, decimal_places=0, null=True, blank=True)
    rd_expense = models.DecimalField("研发费用(万元)", max_digits=18, decimal_places=4, null=True, blank=True)
    electricity = models.DecimalField("用电量(万千瓦时)", max_digits=18, decimal_places=4, null=True, blank=True)
    invoice_sales = models.DecimalField("开票销售额(万元)", max_digits=18, decimal_places=4, null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ScopedManager()
    scope_region_paths = ("enterprise__county", "enterprise__park")
    scope_enterprise_path = "enterprise"

    class Meta:
        ordering = ["enterprise", "month", "source"]
        constraints = [
            models.UniqueConstraint(fields=["enterprise", "month", "source"], name="uniq_figure_month_source")
        ]
        indexes = [models.Index(fields=["month", "source"])]
        verbose_name = "月度数据"
        verbose_name_plural = "月度数据"

    def __str__(self) -> str:
        return f"{self.enterprise_id} {self.month:%Y-%m} {self.get_source_display()}"


# The month columns of FigureYear: (prefix, label, the MonthlyFigure expression it holds). `revenue` is the
# operating revenue as the rules read it (营业收入, else 主营业务收入).
FIGURE_YEAR_MEASURES: tuple[tuple[str, str, str], ...] = (
    ("output", "工业总产值", "output"),
    ("revenue", "营业收入", "COALESCE(revenue, main_revenue)"),
    ("invoice", "开票销售额", "invoice_sales"),
    ("rd", "研发费用", "rd_expense"),
)


class FigureYear(models.Model):
    """One enterprise's figures of one source and year, a column per month (docs/decisions/0012).

    Amounts are whole 元 (a MonthlyFigure amount has four decimals of 万元, so this is exact): integer sums are exact
    and several times cheaper than decimal ones. `<measure>_months` has bit m−1 set when month m has a figure.
    Kept by database triggers on MonthlyFigure (every insert, update, delete and truncate, whatever writes it), so it
    never disagrees with the monthly rows. The monthly analysis and the indicators read their 12-month and
    year-to-date sums from it: two rows per enterprise and source instead of up to 24 monthly rows. Read-only for
    the application."""

    enterprise = models.ForeignKey(Enterprise, on_delete=models.DO_NOTHING, related_name="+", db_constraint=False)
    source = models.CharField("来源", max_length=10)
    year = models.PositiveIntegerField("年份")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["enterprise", "source", "year"], name="figure_year_unique"),
        ]
        indexes = [models.Index(fields=["year", "source"])]
        verbose_name = "年度月度数据"
        verbose_name_plural = "年度月度数据"

    def __str__(self) -> str:
        return f"{self.enterprise_id} {self.year} {self.source}"


for _prefix, _label, _expr in FIGURE_YEAR_MEASURES:
    for _m in range(1, 13):
        FigureYear.add_to_class(f"{_prefix}_{_m:02d}", models.BigIntegerField(f"{_label}{_m}月(元)", null=True))
    FigureYear.add_to_class(f"{_prefix}_months", models.IntegerField(f"{_label}有数月份", default=0))


class FigureRevision(models.Model):
    """The value a figure had before it was revised (history kept forever)."""

    figure = models.ForeignKey(MonthlyFigure, on_delete=models.CASCADE, related_name="revisions")
    metric = models.CharField("指标", max_length=20)
    old_value = models.DecimalField("原值", max_digits=18, decimal_places=4, null=True)
    new_value = models.DecimalField("新值", max_digits=18, decimal_places=4, null=True)
    changed_at = models.DateTimeField("修改时间", auto_now_add=True)
    changed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    batch = models.ForeignKey("core.ImportBatch", null=True, on_delete=models.SET_NULL, related_name="revisions")

    class Meta:
        ordering = ["-changed_at", "-id"]
        verbose_name = "数据修订"
        verbose_name_plural = "数据修订"

    def __str__(self) -> str:
        return f"{self.metric}: {self.old_value} → {self.new_value}"
