from __future__ import annotations

from django.db import models


class RegionLevel(models.TextChoices):
    PROVINCE = "province", "省"
    CITY = "city", "市"
    COUNTY = "county", "区县"
    PARK = "park", "园区"


class RegionQuerySet(models.QuerySet):
    def county_level(self) -> RegionQuerySet:
        """The units that hold county quotas: counties and county-level parks (咸宁高新区)."""
        return self.filter(is_county_level=True)

    def unit_parks(self) -> RegionQuerySet:
        """Parks that are county-level units (咸宁高新区, 黄冈 龙感湖管理区): their firms are registered under them as
        their county, so a park's firms are those of its park column and, for these, those of its county column."""
        return self.filter(level="park", is_county_level=True)


class Region(models.Model):
    """A GB/T 2260 region, or a park with a local code under its city (RULES.md shared vocabulary).

    `is_county_level` marks the units that hold quotas and officers (the 7 of XN-SYS-3: six
    counties and 咸宁高新区). Parks carry the statistics bureau's 12-digit code when known.
    """

    code = models.CharField("代码", max_length=20, unique=True)
    name = models.CharField("名称", max_length=50)
    short_name = models.CharField("简称", max_length=20, blank=True)
    level = models.CharField("层级", max_length=10, choices=RegionLevel.choices)
    parent = models.ForeignKey("self", null=True, blank=True, on_delete=models.PROTECT, related_name="children")
    is_county_level = models.BooleanField("县级单位", default=False, db_index=True)
    stats_code = models.CharField("统计用区划代码(12位)", max_length=12, blank=True)
    sort_order = models.PositiveIntegerField("排序", default=0)

    objects = RegionQuerySet.as_manager()

    class Meta:
        ordering = ["sort_order", "code"]
        verbose_name = "区域"
        verbose_name_plural = "区域"

    def __str__(self) -> str:
        return self.name

    @property
    def label(self) -> str:
        return self.short_name or self.name
