from __future__ import annotations

from django.db import models


class IndustryCode(models.Model):
    """GB/T 4754-2017 国民经济行业分类: 门类 (letter), 大类 (2 digits), 中类 (3), 小类 (4)."""

    code = models.CharField("代码", max_length=4, primary_key=True)
    name = models.CharField("名称", max_length=100)
    level = models.PositiveSmallIntegerField("层级")  # 1 门类, 2 大类, 3 中类, 4 小类
    section = models.CharField("门类", max_length=1)
    parent = models.ForeignKey("self", null=True, blank=True, on_delete=models.CASCADE, related_name="children")

    class Meta:
        ordering = ["code"]
        verbose_name = "国民经济行业分类"
        verbose_name_plural = "国民经济行业分类"

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


class Pack(models.Model):
    """One loaded policy pack (a versioned YAML file). The latest loaded pack of a city is active."""

    code = models.CharField("编号", max_length=60, unique=True)
    name = models.CharField("名称", max_length=200)
    city = models.ForeignKey("regions.Region", on_delete=models.PROTECT, related_name="packs")
    edition = models.CharField("版本", max_length=20, blank=True)
    source = models.CharField("依据文件", max_length=200, blank=True)
    system_label = models.CharField("产业体系", max_length=40, blank=True)
    content = models.JSONField("内容")
    sha256 = models.CharField(max_length=64)
    loaded_at = models.DateTimeField("加载时间", auto_now=True)
    is_active = models.BooleanField("当前生效", default=True)

    class Meta:
        ordering = ["-loaded_at"]
        verbose_name = "政策包"
        verbose_name_plural = "政策包"

    def __str__(self) -> str:
        return self.name


class ClusterFamily(models.TextChoices):
    TRADITIONAL = "traditional", "传统产业"
    EMERGING = "emerging", "新兴产业"
    FUTURE = "future", "未来产业"
    COUNTY = "county", "县域特色产业"
    PILLAR = "pillar", "支柱产业"
    OTHER = "other", "其他"


class Industry(models.Model):
    """A key industry of the city's system (XN-SYS-1: 大健康, 装备制造 …)."""

    code = models.CharField("编号", max_length=60, unique=True)
    name = models.CharField("名称", max_length=50)
    rule = models.CharField("规则编号", max_length=30, blank=True)
    gbt_prefixes = models.JSONField("行业代码前缀", default=list, blank=True)
    sort_order = models.PositiveIntegerField(default=0)
    is_active = models.BooleanField(default=True)
    pack = models.ForeignKey(Pack, null=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        ordering = ["sort_order", "code"]
        verbose_name = "重点产业"
        verbose_name_plural = "重点产业"

    def __str__(self) -> str:
        return self.name


class Cluster(models.Model):
    """An industrial cluster or sub-cluster (XN-SYS-2, 专栏1–10) with its recognitions and chains."""

    code = models.CharField("编号", max_length=80, unique=True)
    name = models.CharField("名称", max_length=100)
    family = models.CharField("类别", max_length=20, choices=ClusterFamily.choices, default=ClusterFamily.OTHER)
    parent = models.ForeignKey("self", null=True, blank=True, on_delete=models.SET_NULL, related_name="children")
    region = models.ForeignKey(
        "regions.Region", null=True, blank=True, on_delete=models.SET_NULL, verbose_name="所在区县"
    )
    column = models.CharField("专栏", max_length=20, blank=True)
    description = models.TextField("说明", blank=True)
    anchors = models.JSONField("龙头/骨干企业", default=list, blank=True)
    chains = models.JSONField("产业链", default=list, blank=True)
    recognitions = models.JSONField("认定", default=list, blank=True)
    industries = models.ManyToManyField(Industry, blank=True, related_name="clusters")
    rule = models.CharField("规则编号", max_length=30, blank=True)
    sort_order = models.PositiveIntegerField(default=0)
    is_active = models.BooleanField(default=True)
    pack = models.ForeignKey(Pack, null=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        ordering = ["sort_order", "code"]
        verbose_name = "产业集群"
        verbose_name_plural = "产业集群"

    def __str__(self) -> str:
        return self.name

    @property
    def recognition_labels(self) -> list[str]:
        from chanye.industry.schema import recognition_label

        return [recognition_label(r) for r in self.recognitions]


class CountyLayout(models.Model):
    """A county-level unit's leading industries and manufacturing clusters (XN-SYS-3, 专栏10)."""

    region = models.OneToOneField("regions.Region", on_delete=models.CASCADE, related_name="layout")
    industries = models.ManyToManyField(Industry, blank=True)
    clusters = models.ManyToManyField(Cluster, blank=True)
    industry_notes = models.JSONField("产业备注", default=dict, blank=True)
    position = models.PositiveIntegerField("表中位置", default=0)
    rule = models.CharField("规则编号", max_length=30, blank=True)

    class Meta:
        ordering = ["position"]
        verbose_name = "县域产业布局"
        verbose_name_plural = "县域产业布局"

    def __str__(self) -> str:
        return str(self.region)


class Threshold(models.Model):
    """A number a mechanism uses (2000万, 3000万, 20%, 60 days …), always from the pack."""

    key = models.CharField("键", max_length=60, unique=True)
    label = models.CharField("名称", max_length=100)
    value = models.DecimalField("数值", max_digits=18, decimal_places=4)
    unit = models.CharField("单位", max_length=20, blank=True)
    comparator = models.CharField("比较", max_length=12, blank=True)
    rule = models.CharField("规则编号", max_length=30, blank=True)
    pack = models.ForeignKey(Pack, null=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        ordering = ["key"]
        verbose_name = "阈值"
        verbose_name_plural = "阈值"

    def __str__(self) -> str:
        return f"{self.label} {self.comparator}{self.value}{self.unit}"


class Comparator(models.TextChoices):
    GE = ">=", "≥（达到/以上/不少于）"
    GT = ">", ">（突破/超过）"
    LE = "<=", "≤（以内/不超过）"
    LT = "<", "<（不满/低于）"
    EQ = "=", "="
    INCREASE_BY = "increase_by", "增长"
    DECREASE_BY = "decrease_by", "下降"


class Target(models.Model):
    """A quantitative target from the pack (RULES.md), scoped to the city, a county or a cluster."""

    code = models.CharField("编号", max_length=60, unique=True)
    indicator = models.CharField("指标", max_length=80, db_index=True)
    label = models.CharField("名称", max_length=200)
    value = models.DecimalField("目标值", max_digits=18, decimal_places=4)
    unit = models.CharField("单位", max_length=20, blank=True)
    comparator = models.CharField("比较", max_length=12, choices=Comparator.choices, default=Comparator.GE)
    year = models.PositiveIntegerField("年份", null=True, blank=True)
    per_year = models.BooleanField("每年", default=False)
    region = models.ForeignKey("regions.Region", null=True, blank=True, on_delete=models.CASCADE)
    cluster = models.ForeignKey(Cluster, null=True, blank=True, on_delete=models.CASCADE)
    params = models.JSONField("参数", default=dict, blank=True)
    rule = models.CharField("规则编号", max_length=30, blank=True, db_index=True)
    source_text = models.TextField("原文", blank=True)
    reporter = models.CharField("报送单位", max_length=80, blank=True)
    cadence = models.CharField(
        "报送频次",
        max_length=10,
        blank=True,
        choices=[("month", "按月"), ("quarter", "按季"), ("year", "按年")],
    )
    is_active = models.BooleanField(default=True)
    pack = models.ForeignKey(Pack, null=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        ordering = ["rule", "code"]
        verbose_name = "目标"
        verbose_name_plural = "目标"

    def __str__(self) -> str:
        return self.label

    @property
    def series_key(self) -> str:
        """Where this target's figures are kept under its indicator (`core.indicators.series_key`)."""
        from chanye.core.indicators import series_key

        return series_key(self.indicator, self.params if isinstance(self.params, dict) else {}, self.code)

    @property
    def scope_label(self) -> str:
        if self.cluster_id:
            return self.cluster.name
        if self.region_id:
            return self.region.name
        return "全市"
