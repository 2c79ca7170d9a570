"""Exports of analytics' pages (the same figures the page shows, from the same function)."""

from __future__ import annotations

from typing import Any

from chanye.core import xlsx


def specialisation_xlsx(s: Any, cells: list[Any]) -> bytes:
    """区县产业专业化: one row per county-level unit and division with output (`analytics.specialisation`)."""
    against = s.reference if s.reference == "全市" else f"{s.reference}（{s.reference_year}年）"
    period = f"；截至{s.until.year}年{s.until.month}月的12个月统计产值" if s.until else ""
    title = f"区县产业专业化（区位熵，参照：{against}{period}）"
    rows = [
        [
            c.region.name,
            c.division,
            c.division_name,
            round(c.output, 2),
            round(c.share_of_county, 2),
            round(c.lq, 3),
            f"{c.rank}/{c.compared}",
            None if c.reference_share is None else round(c.reference_share, 3),
            "是" if c.strong else "",
        ]
        for c in sorted(cells, key=lambda c: (c.region.sort_order, c.region.code, -c.lq))
    ]
    return xlsx.table(
        [
            "区县",
            "行业大类代码",
            "行业大类",
            "产值(万元)",
            "占本区县制造业(%)",
            "区位熵",
            "区位熵排名",
            f"占{s.reference}该行业产值(%)",
            "优势集群",
        ],
        rows,
        title=title,
        text_columns=(1,),
        sheet_name="区县产业专业化",
    )
