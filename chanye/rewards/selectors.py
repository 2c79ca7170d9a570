"""Reads of rewards: the active pack's reward rules and the entitlements a user may see."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.db.models import Count, QuerySet, Sum

from chanye.rewards.models import Entitlement, EntitlementStatus, RewardFund

if TYPE_CHECKING:
    from chanye.industry.schema import RewardFactSpec, RewardSpec


def reward_rules() -> tuple[list[RewardSpec], list[RewardFactSpec]]:
    """The reward rules and reward facts of the active pack (issue 14)."""
    from chanye.industry.schema import RewardFactSpec, RewardSpec  # pydantic: only when rules are read
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


NOT_ENTITLED = (EntitlementStatus.EXCLUDED, EntitlementStatus.REVOKED)


def entitled(qs: QuerySet[Entitlement]) -> QuerySet[Entitlement]:
    """The rows that entitle to money: every row but the excluded and the revoked."""
    return qs.exclude(status__in=NOT_ENTITLED)


def total_amount(qs: QuerySet[Entitlement]) -> Decimal:
    """What `qs` entitles to (万元). The one definition of the total shown on pages, exports, the CLI and the API."""
    v = entitled(qs).aggregate(s=Sum("amount"))["s"]
    return (v if v is not None else Decimal(0)).quantize(Decimal("0.0001"))


@dataclass
class CountyShare:
    county: str
    count: int
    amount: Decimal
    share: Decimal | None  # % of the total


def county_shares(qs: QuerySet[Entitlement]) -> list[CountyShare]:
    """Each county's entitled count and amount and its share of the total (a county's share of the year's rewards)."""
    total = total_amount(qs)
    rows = (
        entitled(qs)
        .values("county__name", "county__sort_order", "county__code")
        .annotate(n=Count("id"), s=Sum("amount"))
        .order_by("county__sort_order", "county__code")
    )
    return [
        CountyShare(
            r["county__name"],
            r["n"],
            Decimal(r["s"] or 0).quantize(Decimal("0.0001")),
            (Decimal(r["s"] or 0) * 100 / total).quantize(Decimal("0.1")) if total else None,
        )
        for r in rows
    ]


def counties_of(qs: QuerySet[Entitlement]) -> list[tuple[str, str]]:
    """The (code, name) of the counties `qs` has rows in, for the list's county filter."""
    return sorted(set(qs.order_by().values_list("county__code", "county__name").distinct()))


def approvable(qs: QuerySet[Entitlement], today: dt.date) -> QuerySet[Entitlement]:
    """Published rows whose objection period is over and whose objections are all answered (审核 may proceed)."""
    return (
        qs.filter(status=EntitlementStatus.PUBLISHED)
        .exclude(objection_until__gte=today)
        .exclude(objections__outcome="")
    )


def status_counts(qs: QuerySet[Entitlement]) -> dict[str, int]:
    return dict(qs.order_by().values_list("status").annotate(n=Count("id")).values_list("status", "n"))


def years(user: Any) -> list[int]:
    """The years with entitlements the user may see, newest first."""
    return list(Entitlement.objects.for_user(user).order_by("-year").values_list("year", flat=True).distinct())


@dataclass
class FundState:
    fund: RewardFund
    paid: Decimal
    approved: Decimal  # approved, not yet paid, with this fund named
    remaining: Decimal

    @property
    def warning(self) -> bool:
        """Less left than is already approved (or nothing left): warn before the budget is exceeded."""
        return self.remaining <= 0 or self.approved > self.remaining


def fund_paid(fund: RewardFund) -> Decimal:
    """What has been paid out of `fund` (万元)."""
    v = fund.entitlements.filter(status=EntitlementStatus.PAID).aggregate(s=Sum("amount"))["s"]
    return v if v is not None else Decimal(0)


def fund_remaining(fund: RewardFund) -> Decimal:
    """The budget of `fund` not yet paid out (万元): the page's 剩余 and the payment check read this one figure."""
    return fund.budget - fund_paid(fund)


def fund_states(year: int) -> list[FundState]:
    """Each fund of `year` with what it has paid and what is approved and waiting to be paid (from any fund)."""
    approved = Entitlement.objects.filter(year=year, status=EntitlementStatus.APPROVED).aggregate(s=Sum("amount"))["s"]
    waiting = approved if approved is not None else Decimal(0)
    out = []
    for f in RewardFund.objects.filter(year=year):
        paid = fund_paid(f)
        out.append(FundState(f, paid, waiting, f.budget - paid))
    return out
