from __future__ import annotations

from decimal import Decimal

from chanye.industry.models import Cluster, Industry, Pack, Target, Threshold


def active_pack() -> Pack | None:
    return Pack.objects.filter(is_active=True).select_related("city").order_by("-loaded_at").first()


def threshold(key: str, default: Decimal | int | None = None) -> Decimal | None:
    """A pack threshold by key (e.g. above_scale_revenue → 2000 万元, XN-GS-1)."""
    t = Threshold.objects.filter(key=key).only("value").first()
    if t is None:
        return Decimal(default) if default is not None else None
    return t.value


def active_industries() -> list[Industry]:
    return list(Industry.objects.filter(is_active=True))


def top_clusters() -> list[Cluster]:
    return list(Cluster.objects.filter(is_active=True, parent__isnull=True).exclude(family="county"))


def city_targets() -> list[Target]:
    return list(Target.objects.filter(is_active=True).select_related("region", "cluster"))
