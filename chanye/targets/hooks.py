"""What targets does after other apps' work, registered in `TargetsConfig.ready` (core calls it without knowing it)."""

from __future__ import annotations

from typing import Any

from django.conf import settings


def refresh_after_monthly_import(importer: Any, rows: list[tuple[int, dict[str, Any]]]) -> None:
    """After a monthly import, refresh the figures: recompute the indicators of the months it touched (unless the
    run's `refresh_indicators` option or CHANYE_REFRESH_INDICATORS_ON_IMPORT says not to)."""
    if not importer.options.get("refresh_indicators", settings.CHANYE_REFRESH_INDICATORS_ON_IMPORT):
        return
    months = sorted({data["month"] for _, data in rows if data.get("month")})
    if months:
        from chanye.targets.indicators import refresh_after_import

        refresh_after_import(months)


def register() -> None:
    from chanye.core.imports import registry

    registry.after_import("monthly")(refresh_after_monthly_import)
