"""The monthly figures the monthly analysis reads (chanye.core.figure_uses): the analysis takes its sources from
these declarations, and an import reads them to say what its columns fed."""

from __future__ import annotations

from chanye.core.figure_uses import FigureUse

# XN-GS-6: 开票销售额 is the tax bureau's figure; a sheet from another office that carries it (a 统计 roster with a
# 开票销售额 column, a firm's own report) is read when the tax bureau has none for the firm in the window.
THRESHOLD_REMINDER = FigureUse(
    key="threshold_reminder",
    label="规上门槛提醒",
    metrics=("invoice_sales",),
    sources=("tax", "stats", "self", "invoices"),  # 发票明细 last: where no sheet has the month (issue 15 nowcast)
    rule="XN-GS-6",
    monthly_analysis=True,
)
EXIT_RISK = FigureUse(
    key="exit_risk",
    label="退规风险预警",
    metrics=("output",),
    sources=("stats",),
    rule="XN-GS-7",
    monthly_analysis=True,
)
CANDIDATE_POOL = FigureUse(
    key="candidate_pool",
    label="小升规培育库入库（近12个月营业收入）",
    metrics=("revenue", "main_revenue", "invoice_sales"),
    sources=("stats", "tax", "self", "power"),
    rule="XN-GS-4",
    monthly_analysis=True,
)
USES = (THRESHOLD_REMINDER, EXIT_RISK, CANDIDATE_POOL)
