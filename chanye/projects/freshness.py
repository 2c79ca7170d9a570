"""Project progress as a source of the 数据更新 page (chanye.core.freshness): projects in construction or signed are
updated (milestones, dates) by their county every month; per county, how many of them changed since the due month
began."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import Count, Max, Q

from chanye.core import freshness
from chanye.core.freshness import Reading, Source


def read(*, user: Any, period: tuple[dt.date, dt.date] | None, detail: bool = True) -> Reading:
    from chanye.projects.models import Project
    from chanye.regions.selectors import units_for

    projects = Project.objects.for_user(user)
    last = projects.aggregate(t=Max("updated_at"))["t"]
    latest = last.date().replace(day=1) if last else None
    coverage: list[dict[str, Any]] = []
    if period is not None and detail:
        live = projects.filter(exited_on__isnull=True, producing_on__isnull=True)  # still to be followed
        rows = list(
            live.values("county")
            .annotate(expected=Count("pk"), n=Count("pk", filter=Q(updated_at__date__gte=period[0])))
            .order_by()
        )
        coverage = freshness.coverage_rows(
            units_for(user), {r["county"]: r["n"] for r in rows}, {r["county"]: r["expected"] for r in rows}
        )
    return Reading(latest_period=latest, last_update=last, coverage=coverage, note="当月有更新的在建/未开工项目")


def register() -> None:
    freshness.register(
        Source(
            key="projects",
            label="项目进度（节点、开工投产日期）",
            feeds="项目四色图与月度评定（XN-XM-4/5）、月通报、增长点与技改",
            read=read,
            default_owner="各区县经信局（项目秘书）",
            default_cadence="month",
            default_due_day=5,
            order=30,
        )
    )
