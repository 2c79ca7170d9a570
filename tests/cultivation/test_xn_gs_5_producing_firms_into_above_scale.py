"""XN-GS-5 “重点关注134家已正式投产企业…逐户确定入规时间表” (咸安 9 … 高新区 15): `producing_firms_into_above_scale`
is computed from the candidate pool and the 规上 periods — the firms given a timetable (计划入规时间) counted once they
enter 规上 on or after the month they joined the pool, by the period end — and the 咸宁 targets read it.

Hand-built (period June 2026):
  咸安  p1  joined 2025-03, timetable, entered 2025-09-01                     counts
  咸安  p2  joined 2025-03, timetable, not 规上                               no
  咸安  p3  joined 2025-04 by revenue, no timetable, entered 2025-10-01        no (not in the cohort)
  咸安  p4  joined 2025-05, timetable, entered 2026-07-01 (after the period)   no
  咸安  p5  joined 2025-05, timetable, entered 2026-06-30 (the period's end)   counts
  咸安  p6  规上 2019–2024, joined 2025-06 with a timetable, not back yet      no (entered before joining)
  嘉鱼  p7  joined 2025-02, timetable, entered 2025-02-01, left 2026-01-01     counts (entered; the month it joined)
  嘉鱼  p8  joined twice (2025-01 removed, 2025-08), entered 2026-01-01        counts once
City 4; 咸安 2; 嘉鱼 2; 咸宁高新区 0.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from chanye.cultivation import pool_indicators
from chanye.cultivation.models import Candidate
from chanye.enterprises.models import ScalePeriod
from chanye.regions.models import Region
from chanye.targets.indicators import store_provided
from chanye.targets.models import IndicatorValue
from tests.factories import EnterpriseFactory

MONTH = dt.date(2026, 6, 1)
D = dt.date
PLANNED = D(2026, 12, 1)


def build() -> dict[str, Region]:
    xa, jy = Region.objects.get(name="咸安区"), Region.objects.get(name="嘉鱼县")

    def firm(county, joined, *, planned=PLANNED, entered=None, exited=None, source="manual"):
        e = EnterpriseFactory(county=county, is_above_scale=entered is not None and exited is None)
        for month in joined if isinstance(joined, list) else [joined]:
            Candidate.objects.create(enterprise=e, source=source, added_month=month, planned_entry=planned)
        if entered:
            ScalePeriod.objects.create(enterprise=e, entered_on=entered, exited_on=exited)
        return e

    firm(xa, D(2025, 3, 1), entered=D(2025, 9, 1))  # p1
    firm(xa, D(2025, 3, 1))  # p2
    firm(xa, D(2025, 4, 1), planned=None, source="revenue", entered=D(2025, 10, 1))  # p3
    firm(xa, D(2025, 5, 1), entered=D(2026, 7, 1))  # p4
    firm(xa, D(2025, 5, 1), entered=D(2026, 6, 30))  # p5
    p6 = firm(xa, D(2025, 6, 1))
    ScalePeriod.objects.create(enterprise=p6, entered_on=D(2019, 1, 1), exited_on=D(2024, 12, 31))
    firm(jy, D(2025, 2, 1), entered=D(2025, 2, 1), exited=D(2026, 1, 1))  # p7
    p8 = firm(jy, [D(2025, 1, 1), D(2025, 8, 1)], entered=D(2026, 1, 1))
    Candidate.objects.filter(enterprise=p8, added_month=D(2025, 1, 1)).update(left_on=D(2025, 6, 1))  # removed
    return {"xa": xa, "jy": jy}


@pytest.mark.django_db
def test_xn_gs_5_cohort_entries_by_hand(regions):
    units = build()
    v = pool_indicators.entered_counts(MONTH)
    assert v[None] == 4
    assert v[units["xa"].pk] == 2 and v[units["jy"].pk] == 2
    assert v[regions["咸宁高新区"].pk] == 0  # a county-level unit with no cohort firm shows 0


@pytest.mark.django_db
def test_xn_gs_5_no_timetabled_firm_is_no_data(regions):
    e = EnterpriseFactory(county=regions["咸安区"])
    Candidate.objects.create(enterprise=e, source="revenue", added_month=D(2025, 3, 1))  # no timetable
    assert pool_indicators.pool_indicator_values(2026, MONTH).rows is None


@pytest.mark.django_db
def test_xn_gs_5_stored_through_the_provider(regions):
    units = build()
    store_provided(pool_indicators.PROVIDER, 2026, MONTH)
    v = {
        r.region_id: r.value
        for r in IndicatorValue.objects.filter(indicator="producing_firms_into_above_scale", period=MONTH)
    }
    assert v[None] == Decimal(4) and v[units["xa"].pk] == Decimal(2)
    assert IndicatorValue.objects.filter(source=IndicatorValue.Source.COMPUTED).count() == len(v)


@pytest.mark.django_db(transaction=True)
def test_xn_gs_5_the_xianning_targets_read_the_computed_figures():
    from chanye.core.indicators import get
    from chanye.targets.progress import all_progress
    from tests.targets.engine_world import load_pack

    load_pack("xianning")
    build()
    assert get("producing_firms_into_above_scale").kind == "computed"
    store_provided(pool_indicators.PROVIDER, 2026, MONTH)
    p = {p.target.code: p for p in all_progress(today=D(2026, 7, 1))}
    assert p["xn-gs-5-producing-firms"].current == 4 and p["xn-gs-5-producing-firms"].target.value == 134
    assert p["xn-gs-5-producing-firms-xianan"].current == 2 and p["xn-gs-5-producing-firms-jiayu"].current == 2
    assert p["xn-gs-5-producing-firms-gxq"].current == 0
