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


def store_when_stale(provider: Any, year: int, month: Any = None) -> None:
    """Another app's indicator data changed (a month graded, a leader's ledger edited): store its values again."""
    from chanye.targets.indicators import store_provided

    store_provided(provider, year, month)


def target_progress(*, cluster_only: bool = False) -> list[Any]:
    """Progress of the active targets (of clusters only, when asked), as the 目标 page computes it."""
    from chanye.industry.models import Target
    from chanye.targets.progress import all_progress

    targets = Target.objects.filter(is_active=True).select_related("region", "cluster").order_by("rule", "code")
    if cluster_only:
        targets = targets.filter(cluster__isnull=False)
    return all_progress(targets=list(targets))


def register() -> None:
    from chanye.core import hooks as core_hooks
    from chanye.core import indicators
    from chanye.core.imports import registry
    from chanye.targets import catalogue

    catalogue.register()
    registry.after_import("monthly")(refresh_after_monthly_import)
    indicators.on_stale(store_when_stale)
    core_hooks.target_progress.register(target_progress)
