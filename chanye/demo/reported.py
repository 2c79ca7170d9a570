"""Demo figures for the targets a department reports (the pack's `indicator: reported` and the catalogue's reported
indicators): a few year-end figures per target moving towards its value, some reached and some behind, written through
the targets' report action as the system — so each city's 目标 page shows varied, believable statuses."""

from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from chanye.core import access
from chanye.core.indicators import CATALOGUE, COUNT_UNITS
from chanye.industry.models import Target
from chanye.targets.models import IndicatorValue
from chanye.targets.services import do_report_value


def _reported(t: Target) -> bool:
    ind = CATALOGUE.get(t.indicator)
    return ind is None or ind.kind == "reported"


def _plausible(t: Target, value: Decimal) -> Decimal:
    """A figure a department could report: whole numbers for counts (no “0.55家”), a share of at most 100 %."""
    if t.unit in COUNT_UNITS:
        return value.quantize(Decimal("1"))
    if t.unit == "%":
        value = min(value, Decimal(100))
    return value.quantize(Decimal("0.01"))


@transaction.atomic
def seed_reported(*, seed: int = 2025, today: dt.date | None = None) -> int:
    """Figures for every reported target still without any; the number of figures written."""
    rng = random.Random(seed)
    today = today or timezone.localdate()
    actor = access.system("chanye demo")
    n = 0
    targets = [t for t in Target.objects.filter(is_active=True).order_by("code") if _reported(t)]
    for t in targets:
        if IndicatorValue.objects.filter(indicator=t.indicator, params_key=t.series_key).exists():
            continue
        if t.comparator not in (">=", ">") or not t.value:
            continue
        reach = rng.choice([0.55, 0.7, 0.85, 0.95, 1.1])  # how far along the city is this year
        years = [today.year - 2, today.year - 1, today.year]
        for i, year in enumerate(years):
            share = reach * (0.6 + 0.2 * i)
            value = _plausible(t, t.value * Decimal(str(round(share, 3))))
            period = dt.date(year, 12, 1) if year < today.year else today.replace(day=1)
            do_report_value(actor=actor, target=t, period=period, value=value, note="演示数据（部门报送）")
            n += 1
    return n
