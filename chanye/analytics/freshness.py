"""The monthly figures of each office as sources of the 数据更新 page (chanye.core.freshness): the latest month each
source holds, when that month last changed, and per county how many of the firms expected to report did."""

from __future__ import annotations

import datetime as dt
import functools
from typing import Any

from django.db.models import Count, Max

from chanye.core import figure_uses, freshness
from chanye.core.freshness import Reading, Source

# Which firms a source's monthly figures are expected from: 统计 reports 规上 firms; the tax and power companies every
# registered firm; a firm's own report has no expectation (counted, never short).
EXPECTED = {"stats": "above_scale", "tax": "all", "power": "all", "self": None}
DEFAULTS = {
    "stats": ("市统计局", 20, "统计月度数据（规上企业）"),
    "tax": ("市税务局", 20, "税务开票数据"),
    "power": ("供电公司", 15, "电力数据"),
    "self": ("企业（各区县督促）", 10, "企业自报数据"),
}


def _reader(source: str) -> Any:
    def read(*, user: Any, period: tuple[dt.date, dt.date] | None, detail: bool = True) -> Reading:
        from chanye.analytics.models import FigureMonth
        from chanye.enterprises.models import Enterprise, MonthlyFigure
        from chanye.regions.selectors import units_for

        latest = FigureMonth.objects.filter(source=source, figures__gt=0).aggregate(m=Max("month"))["m"]
        figures = MonthlyFigure.objects.for_user(user).filter(source=source)
        last_update = figures.filter(month=latest).aggregate(t=Max("updated_at"))["t"] if latest and detail else None
        coverage: list[dict[str, Any]] = []
        if period is not None and detail:
            reported = dict(
                figures.filter(month=period[0])
                .values_list("enterprise__county")
                .annotate(n=Count("enterprise", distinct=True))
                .order_by()
            )
            ents = Enterprise.objects.for_user(user)
            if EXPECTED[source] == "above_scale":
                ents = ents.filter(is_above_scale=True)
            expected = dict(ents.values_list("county").annotate(n=Count("id")).order_by()) if EXPECTED[source] else None
            coverage = freshness.coverage_rows(units_for(user), reported, expected)
        return Reading(latest_period=latest, last_update=last_update, coverage=coverage)

    return read


def _feeds(source: str) -> str:
    labels = [u.label for u in figure_uses.uses() if source in u.sources]
    return "、".join(labels) or "企业页面展示"


def register() -> None:
    for order, (source, (owner, due, label)) in enumerate(DEFAULTS.items()):
        freshness.register(
            Source(
                key=f"monthly:{source}",
                label=label,
                feeds=functools.partial(_feeds, source),  # read late: other apps register their uses after this
                read=_reader(source),
                default_owner=owner,
                default_cadence="month",
                default_due_day=due,
                order=10 + order,
            )
        )
