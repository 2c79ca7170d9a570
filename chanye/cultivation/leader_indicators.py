"""The chain leaders' indicators for the target tree (provider "chain_leaders"): the per-leader duty counts
(XN-LZ-3/4/5, the lowest leader's) and the city local supporting rate (XN-LZ-2), registered from
`CultivationConfig.ready`; the ledgers mark them stale (`ledger.refresh_leader_indicators`).
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.utils import timezone

from chanye.core import indicators
from chanye.cultivation.duties import DUTIES, counts_activity, duty_rules
from chanye.cultivation.models import ChainLeader, LeaderActivity, LeaderStatus
from chanye.cultivation.supply import city_local_rate

LEADER_INDICATORS = (*(d.indicator for d in DUTIES), "local_supporting_rate")


def leader_indicator_values(year: int, month: dt.date | None = None) -> indicators.Provided:
    """The year's per-leader duty counts (the lowest leader's: every listed leader owes the duty, XN-LZ-3/4/5) and the
    city local supporting rate (XN-LZ-2), for the target tree. Stored by targets (provider "chain_leaders") under
    December of a past year or this month, replacing the year's computed values of these indicators."""
    today = timezone.localdate()
    period = dt.date(year, 12, 1) if year < today.year else dt.date(year, today.month, 1)
    listed = set(ChainLeader.objects.filter(status=LeaderStatus.LISTED).values_list("pk", flat=True))
    values: dict[str, Decimal | None] = {}
    if listed:
        rules = duty_rules()
        counts = {(pk, d.kind): 0 for pk in listed for d in DUTIES}
        for pk, kind, amount in LeaderActivity.objects.filter(leader_id__in=listed, on__year=year).values_list(
            "leader_id", "kind", "amount"
        ):
            _t, min_amount, comp = rules[kind]
            counts[(pk, kind)] += counts_activity(amount, min_amount, comp)
        for duty in DUTIES:
            values[duty.indicator] = Decimal(min(counts[(pk, duty.kind)] for pk in listed))
    values["local_supporting_rate"] = city_local_rate(year)
    note = "链主企业履职台账与配套关系申报（每家指标取各链主企业最低值）"
    rows = [indicators.Row(code, v, note=note) for code, v in values.items() if v is not None]
    return indicators.Provided(period, rows, replace="year")


PROVIDER = indicators.Provider("chain_leaders", LEADER_INDICATORS, leader_indicator_values)
