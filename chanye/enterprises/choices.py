from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.db import models


class FigureSource(models.TextChoices):
    STATS = "stats", "统计"
    TAX = "tax", "税务"
    POWER = "power", "电力"
    SELF = "self", "企业自报"
    # 开票销售额 summed from the invoice store's lines (chanye.supply, `chanye supply nowcast`): written by the
    # platform, never by a monthly sheet; the threshold reminders read it last, where no other source has the month
    # (XN-GS-6).
    INVOICES = "invoices", "发票明细"


class HonourKind(models.TextChoices):
    INNOVATIVE_SME = "innovative_sme", "创新型中小企业"
    SPECIALIZED = "specialized", "专精特新中小企业"
    LITTLE_GIANT = "little_giant", "专精特新“小巨人”"
    SINGLE_CHAMPION = "single_champion", "制造业单项冠军"
    HIGH_TECH = "high_tech", "高新技术企业"
    CHAIN_LEADER = "chain_leader", "链主企业"
    SMART_FACTORY = "smart_factory", "智能工厂"
    GREEN_FACTORY = "green_factory", "绿色工厂"
    RD_INSTITUTION = "rd_institution", "研发机构"
    DIGITAL = "digital", "数字化转型"
    INTEGRATION_DEMO = "integration_demo", "两化融合示范企业"  # HG-T-3, HG-R-5
    INTEGRATION_STANDARD = "integration_std", "两化融合管理体系贯标企业"  # HG-R-5
    WELL_KNOWN_TRADEMARK = "wk_trademark", "中国驰名商标"  # EZ-R-2
    QUALITY_BRAND = "quality_brand", "省级精品品牌（湖北精品等）"  # EZ-R-2


class HonourLevel(models.TextChoices):
    NATIONAL = "national", "国家级"
    PROVINCIAL = "provincial", "省级"
    CITY = "city", "市级"
    NONE = "", "—"


class SmartFactoryGrade(models.TextChoices):
    """XN-RD-3: 基础级 / 先进级 / 卓越级 / 领航级."""

    BASIC = "basic", "基础级"
    ADVANCED = "advanced", "先进级"
    EXCELLENT = "excellent", "卓越级"
    LEADING = "leading", "领航级"


# XN-RD-6: the cultivation ladder, lowest first.
TIER_LADDER = [HonourKind.INNOVATIVE_SME, HonourKind.SPECIALIZED, HonourKind.LITTLE_GIANT, HonourKind.SINGLE_CHAMPION]


@dataclass(frozen=True)
class Metric:
    """A monthly figure: field name, Chinese label, stored unit and the units a sheet may use."""

    field: str
    label: str
    unit: str
    units: dict[str, Decimal]
    allow_negative: bool = False
    aliases: tuple[str, ...] = ()


_MONEY = {"元": Decimal("0.0001"), "千元": Decimal("0.1"), "万元": Decimal(1), "亿元": Decimal(10000)}
_POWER = {
    "千瓦时": Decimal("0.0001"),
    "度": Decimal("0.0001"),
    "kwh": Decimal("0.0001"),
    "kw·h": Decimal("0.0001"),
    "万千瓦时": Decimal(1),
    "万度": Decimal(1),
    "万kwh": Decimal(1),
    "亿千瓦时": Decimal(10000),
}
_PEOPLE = {"人": Decimal(1), "万人": Decimal(10000)}

METRICS: tuple[Metric, ...] = (
    Metric("output", "工业总产值", "万元", _MONEY, aliases=("总产值", "工业总产值(当年价)")),
    Metric("revenue", "营业收入", "万元", _MONEY, aliases=("营收",)),
    Metric("main_revenue", "主营业务收入", "万元", _MONEY, aliases=("主营收入",)),
    Metric("profit", "利润总额", "万元", _MONEY, allow_negative=True, aliases=("利润",)),
    Metric("tax", "税收", "万元", _MONEY, aliases=("税收总额", "纳税额", "实缴税金", "税金")),
    Metric("employees", "从业人员", "人", _PEOPLE, aliases=("从业人员数", "从业人员平均人数", "用工人数")),
    Metric("rd_expense", "研发费用", "万元", _MONEY, aliases=("研发投入", "R&D经费")),
    Metric("electricity", "用电量", "万千瓦时", _POWER, aliases=("工业用电量",)),
    Metric("invoice_sales", "开票销售额", "万元", _MONEY, aliases=("开票销售收入", "增值税开票销售额", "开票收入")),
)
METRIC_BY_FIELD = {m.field: m for m in METRICS}
