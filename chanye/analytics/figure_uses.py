"""The monthly figures the dashboard's monthly totals read (chanye.core.figure_uses; MonthSummary)."""

from __future__ import annotations

from chanye.core.figure_uses import FigureUse

MONTH_SUMMARY = FigureUse(
    key="month_summary",
    label="首页月度汇总（产值、主营业务收入、开票销售额）",
    metrics=("output", "main_revenue", "invoice_sales"),
    sources=("stats",),
)
USES = (MONTH_SUMMARY,)
