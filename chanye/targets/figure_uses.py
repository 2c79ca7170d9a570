"""The monthly figures the indicators and the 亩均税收 evaluation read (chanye.core.figure_uses)."""

from __future__ import annotations

from chanye.core.figure_uses import FigureUse

INDICATOR_FIGURES = FigureUse(
    key="indicators",
    label="规上工业产值及增速、集群产值与营收、研发费用等指标",
    metrics=("output", "revenue", "main_revenue", "rd_expense"),
    sources=("stats",),
)
MU_TAX = FigureUse(
    key="mu_tax",
    label="园区亩均税收评价",
    metrics=("tax",),
    sources=("tax", "stats", "self"),  # whose tax figure counts when several sources report one
    rule="HG-A-1",
)
USES = (INDICATOR_FIGURES, MU_TAX)
