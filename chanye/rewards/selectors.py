"""Reads of rewards: the active pack's reward rules and the entitlements a user may see."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.db.models import QuerySet

from chanye.industry.schema import RewardFactSpec, RewardSpec
from chanye.rewards.models import Entitlement


def reward_rules() -> tuple[list[RewardSpec], list[RewardFactSpec]]:
    """The reward rules and reward facts of the active pack (issue 14)."""
    from chanye.industry.selectors import active_pack

    pack = active_pack()
    if pack is None:
        return [], []
    content = pack.content or {}
    return (
        [RewardSpec.model_validate(r) for r in content.get("rewards") or []],
        [RewardFactSpec.model_validate(f) for f in content.get("reward_facts") or []],
    )


def entitlement_list(*, user: Any, year: int | None = None, status: str = "") -> QuerySet[Entitlement]:
    """Entitlements in the user's scope (a county officer its county's, an enterprise its own), newest year first."""
    qs: QuerySet[Entitlement] = Entitlement.objects.for_user(user).select_related("enterprise", "county", "cluster")
    if year is not None:
        qs = qs.filter(year=year)
    if status:
        qs = qs.filter(status=status)
    return qs.order_by("-year", "rule", "reward_code", "county_id", "enterprise_id", "subject")


def total_amount(qs: QuerySet[Entitlement]) -> Decimal:
    """What `qs` entitles to (万元): every row but the excluded and the revoked. The one definition of the total shown
    on pages, exports and the API."""
    from django.db.models import Sum

    from chanye.rewards.models import EntitlementStatus

    v = qs.exclude(status__in=[EntitlementStatus.EXCLUDED, EntitlementStatus.REVOKED]).aggregate(s=Sum("amount"))["s"]
    return (v if v is not None else Decimal(0)).quantize(Decimal("0.0001"))
