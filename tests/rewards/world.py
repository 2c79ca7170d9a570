"""Hand-built firms, years and facts for the reward tests (issue 14). A year's 营业收入 is put in January with the
other eleven months at zero, so a full year sums to exactly the amount given (亿元) and boundaries are exact."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from chanye.core.access import SYSTEM
from chanye.enterprises.models import Honour, MonthlyFigure, ScalePeriod
from chanye.regions.models import Region
from chanye.rewards.models import Entitlement, EntitlementStatus
from chanye.rewards.services import do_compute_rewards, do_record_fact
from tests.factories import EnterpriseFactory
from tests.targets.engine_world import load_pack

__all__ = ["compute", "counties", "entered", "excluded", "fact", "firm", "granted", "honour", "load_pack", "revenue"]

YI = 10000  # 万元 per 亿元


def counties() -> list[Region]:
    return list(Region.objects.filter(is_county_level=True).order_by("code"))


def firm(county: Region | None = None, *, above: bool = False) -> object:
    return EnterpriseFactory(county=county or counties()[0], is_above_scale=above)


def people(county: Region, firm_of: object | None = None) -> dict[str, object]:
    """One user per role the reward tests need: the city administrator, `county`'s officer, a viewer, an auditor and,
    with `firm_of`, that firm's own user."""
    from tests.factories import UserFactory

    out = {
        "admin": UserFactory(username="admin", role="city_admin"),
        "officer": UserFactory(username="officer", role="county_officer", region=county),
        "viewer": UserFactory(username="viewer", role="viewer"),
        "auditor": UserFactory(username="auditor", role="auditor"),
    }
    if firm_of is not None:
        out["firm"] = UserFactory(username="qiye", role="enterprise", enterprise=firm_of)
    return out


def revenue(e: object, year: int, yi: str | int, *, months: int = 12) -> None:
    """营业收入 of `year`: `yi` 亿元 in January, 0 in the other months up to `months`."""
    for m in range(1, months + 1):
        v = Decimal(str(yi)) * YI if m == 1 else Decimal(0)
        MonthlyFigure.objects.create(enterprise=e, month=dt.date(year, m, 1), revenue=v, output=v)


def entered(e: object, on: dt.date, exited: dt.date | None = None, *, assumed: bool = False) -> None:
    ScalePeriod.objects.create(enterprise=e, entered_on=on, exited_on=exited, entry_assumed=assumed)


def honour(e: object, kind: str, level: str = "", year: int | None = None) -> None:
    Honour.objects.create(enterprise=e, kind=kind, level=level, year=year)


def fact(e: object, year: int, kind: str, value: str | int, project: str = "") -> None:
    do_record_fact(actor=SYSTEM, enterprise=e, year=year, kind=kind, value=Decimal(str(value)), project=project)


def compute(year: int):
    return do_compute_rewards(actor=SYSTEM, year=year)


def granted(year: int, code: str) -> dict[tuple[int | None, str], Decimal]:
    """The entitled amounts (万元) of one rule and year by (enterprise id, project)."""
    return {
        (r.enterprise_id, r.subject): r.amount
        for r in Entitlement.objects.filter(year=year, reward_code=code, status=EntitlementStatus.COMPUTED)
    }


def excluded(year: int, code: str) -> dict[int | None, str]:
    """The excluded rows of one rule and year: enterprise id → explanation."""
    return {
        r.enterprise_id: r.explanation
        for r in Entitlement.objects.filter(year=year, reward_code=code, status=EntitlementStatus.EXCLUDED)
    }
