"""Department-reported indicators as a source of the 数据更新 page (chanye.core.freshness): each target a department
reports (reporter, cadence) owes its figure for its last completed period (`progress.report_due`); per reporting
unit, how many of its figures are in."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone

from chanye.core import freshness
from chanye.core.freshness import Reading, Source


def read(*, user: Any, period: tuple[dt.date, dt.date] | None, detail: bool = True) -> Reading:
    from chanye.industry.models import Target
    from chanye.targets.progress import all_progress

    targets = list(Target.objects.filter(is_active=True).exclude(reporter="").exclude(cadence=""))
    progress = all_progress(targets=targets, today=timezone.localdate())
    per: dict[str, dict[str, Any]] = {}
    for p in progress:
        row = per.setdefault(p.target.reporter, {"unit": p.target.reporter, "unit_id": None, "n": 0, "expected": 0})
        row["expected"] += 1
        row["n"] += 0 if p.report_due else 1
    latest = max((p.as_of for p in progress if p.as_of), default=None)
    due = any(p.report_due for p in progress)
    # in for the due period when no reported figure is due; otherwise not yet (the unit rows say which are missing)
    arrived = (period[0] if not due else None) if period else latest
    return Reading(
        latest_period=arrived,
        last_update=None,
        coverage=sorted(per.values(), key=lambda r: r["unit"]),
        note="按各指标自己的报送频次",
        owed=bool(progress),
    )


def register() -> None:
    freshness.register(
        Source(
            key="reported",
            label="部门报送指标",
            feeds="目标进度（统计、发改、科技等部门报送的指标）、考核",
            read=read,
            default_owner="各报送单位",
            default_cadence="quarter",
            default_due_day=15,
            order=40,
        )
    )
