"""The enterprise-list and monthly-figure importers (templates in docs/import-templates.md): `enterprise_list` and
`monthly` hold the importers; this module registers them with their template notes and examples."""

from __future__ import annotations

import datetime as dt
from typing import Any

from chanye.core.roles import Role
from chanye.enterprises.choices import FigureSource
from chanye.enterprises.importers.enterprise_list import EnterpriseImporter
from chanye.enterprises.importers.monthly import MonthlyImporter

TEMPLATE_NOTES = {
    "enterprises": [
        "1. 第一行为表头，请勿修改列名；标橙色的列必填。可以删除不需要的选填列。",
        "2. 统一社会信用代码列已设为“文本”格式。请勿以数字格式输入：Excel 数字只保留15位，18位代码会丢失末尾。",
        "3. 所属区县填写名称（如 咸安区、咸宁高新区）或区划代码（如 421202）。",
        "4. 行业代码按《国民经济行业分类》GB/T 4754-2017 填写小类代码，如 3311。",
        "5. 荣誉列填写 是/否，或级别 国家级/省级/市级，可带认定年份，如“省级(2023)”。",
        "6. 是否规上填“是”但没有入规日期的企业，按导入时选择的名录年份自当年1月1日起计为规上（入规日期标为推定，"
        "不计入新增规上）；有实际入规日期的请填写。",
        "7. 系统先校验整个文件：只要有一处错误，就不会写入任何数据，并列出每处错误的行、列、值和原因。",
    ],
    "monthly": [
        "1. 每行是一家企业一个月的数据；用统一社会信用代码（推荐）或企业名称识别企业。",
        "2. 年月可写 2025-03、2025年3月、202503，或 Excel 日期。",
        "3. 每个数据列的表头必须带单位，如 工业总产值(万元) 或 工业总产值(元)，系统会自动换算为万元。",
        "4. 填写当月数（非累计数）。空白、“—”、“/” 视为未报送，不会覆盖已有数据。",
        "5. 重复导入同一文件不会产生变化；修改后的数字会更新，原值保留在修订记录中。",
    ],
}
TEMPLATE_EXAMPLES: dict[str, list[dict[str, Any]]] = {
    "enterprises": [
        {
            "uscc": "91421200MA4F000000",
            "name": "湖北示例科技有限公司",
            "county": "咸安区",
            "industry_code": "3311",
            "is_above_scale": "是",
            "h_specialized": "省级(2023)",
        }
    ],
    "monthly": [{"uscc": "91421200MA4F000000", "name": "湖北示例科技有限公司", "month": "2025-03", "output": 1234.5}],
}


_THIS_YEAR = dt.date.today().year  # the years offered for a roster (the choice "导入当年" follows the calendar)


def register() -> None:
    """Register the enterprise-list and monthly-figure importers (from `EnterprisesConfig.ready`)."""
    from chanye.core.imports import registry

    registry.register(
        "enterprises",
        EnterpriseImporter,
        label="企业名录",
        roles=[Role.CITY_ADMIN, Role.COUNTY_OFFICER],
        notes=TEMPLATE_NOTES["enterprises"],
        examples=TEMPLATE_EXAMPLES["enterprises"],
        text_keys=["uscc", "industry_code"],
        options=[
            registry.ImportOption(
                "roster_year",
                "名录年份（导入企业名录、“是否规上”为“是”但没有入规日期时使用）",
                choices=[("", "导入当年"), *((str(y), f"{y}年") for y in range(_THIS_YEAR, _THIS_YEAR - 5, -1))],
                default="",
                help="“是否规上”为“是”但没有入规日期的企业，自该年1月1日起计为规上（入规日期标为推定，不计入新增规上）",
            )
        ],
        order=10,
    )
    registry.register(
        "monthly",
        MonthlyImporter,
        label="月度数据",
        roles=[Role.CITY_ADMIN, Role.COUNTY_OFFICER, Role.ENTERPRISE],
        notes=TEMPLATE_NOTES["monthly"],
        examples=TEMPLATE_EXAMPLES["monthly"],
        text_keys=["uscc"],
        options=[
            registry.ImportOption(
                "source",
                "月度数据来源（导入月度数据、表中没有“数据来源”列时使用）",
                choices=[c for c in FigureSource.choices if c[0] != FigureSource.INVOICES],
                default=FigureSource.STATS,
                help="月度数据来源（表中无“数据来源”列时使用）：stats 统计、tax 税务、power 电力、self 企业自报",
                role_choices={Role.ENTERPRISE: [(FigureSource.SELF, "企业自报")]},
            )
        ],
        role_labels={Role.ENTERPRISE: "月度数据（企业自报）"},
        order=20,
    )


__all__ = ["EnterpriseImporter", "MonthlyImporter", "register"]
