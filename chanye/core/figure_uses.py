"""What each monthly figure feeds (issue 13): every computation that reads monthly figures (MonthlyFigure's metrics)
declares here which metrics it reads, from which sources in which order of preference, and what it computes.

The readers take their sources from the same declaration (`FigureUse.sources`), and the monthly import reads the
registry to tell, column by column, what the sheet fed and what the monthly analysis cannot compute from what there is —
so what an import says and what the code does cannot drift apart. Apps register their uses from `AppConfig.ready()`;
core names none of them.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class FigureUse:
    key: str
    label: str  # what it computes, in words (规上门槛提醒)
    metrics: tuple[str, ...]  # the MonthlyFigure fields it reads (any of them feeds it)
    sources: tuple[str, ...]  # the sources it reads, in order of preference (the first that has the figure wins)
    rule: str = ""  # the rule IDs it applies, as a small reference
    monthly_analysis: bool = False  # computed by the monthly analysis (`chanye analyze`, 重新分析)

    def reads(self, metric: str, source: str) -> bool:
        return metric in self.metrics and source in self.sources


_USES: dict[str, FigureUse] = {}


def register(use: FigureUse) -> FigureUse:
    _USES[use.key] = use
    return use


def uses() -> list[FigureUse]:
    return list(_USES.values())
