"""Chain placements and attraction leads as sources of the 数据更新 page (chanye.core.freshness): updated as work
happens, no period due; the page shows when each last changed."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import Max

from chanye.core import freshness
from chanye.core.freshness import Reading, Source


def _last_change(model: str, field: str) -> Any:
    """A reader of a source that changes as work happens: when its rows the user may see last changed (no period
    due)."""

    def read(*, user: Any, period: tuple[dt.date, dt.date] | None, detail: bool = True) -> Reading:
        from django.apps import apps

        last = apps.get_model("chains", model).objects.for_user(user).aggregate(t=Max(field))["t"]
        return Reading(latest_period=last.date().replace(day=1) if last else None, last_update=last)

    return read


def register() -> None:
    freshness.register(
        Source(
            key="chain_placements",
            label="产业链图谱企业落位",
            feeds="链上企业、缺失/薄弱环节、本地配套",
            read=_last_change("LinkEnterprise", "created_at"),
            default_owner="市经信局（产业链专班）",
            default_cadence="continuous",
            default_due_day=0,
            order=50,
        )
    )
    freshness.register(
        Source(
            key="leads",
            label="招商线索",
            feeds="招商转化、招商目标",
            read=_last_change("Lead", "updated_at"),
            default_owner="市招商服务中心",
            default_cadence="continuous",
            default_due_day=0,
            order=60,
        )
    )
