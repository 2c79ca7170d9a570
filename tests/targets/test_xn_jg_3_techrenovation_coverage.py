"""XN-JG-3 “到2030年，实现新一轮规上工业企业技改全覆盖”: `techrenovation_coverage` is computed from the project library
— the share of enterprises 规上 at the period end with a 技改 project (kind=upgrade) entered between the start of
the round (the pack period's first year, 2025-01-01) and the period end and not exited by then — and the 咸宁 target
reads it.

Hand-built (period June 2026; round from 2025-01-01):
  咸安  a  规上  技改 signed 2025-01-01 (the round's first day)   covered
  咸安  b  规上  技改 signed 2024-12-31 (the round before)       not covered
  咸安  c  规上  new-investment project signed 2025-05-01        not covered
  咸安  d  规上  技改 signed 2026-03-01, exited 2026-04-01       not covered
  咸安  h  规上  技改 signed 2026-07-01 (after the period end)   not covered
  嘉鱼  e  规上  two 技改 projects (2025, 2026)                  covered once
  嘉鱼  g  规上  技改 signed 2026-06-30 (the period's last day)   covered
  嘉鱼  f  left 规上 on 2025-12-31, 技改 signed 2025-06-01       not in the denominator
  an unlinked 技改 project (no enterprise)                       covers nobody
City 3 of 7 = 42.8571 %; 咸安 1 of 5 = 20 %; 嘉鱼 2 of 2 = 100 %.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from chanye.enterprises.models import ScalePeriod
from chanye.industry.models import Pack
from chanye.projects import coverage
from chanye.projects import indicators as project_indicators
from chanye.regions.models import Region
from chanye.targets.indicators import store_provided
from chanye.targets.models import IndicatorValue
from tests.factories import EnterpriseFactory, ProjectFactory

MONTH = dt.date(2026, 6, 1)
D = dt.date


def build() -> dict[str, Region]:
    xa, jy = Region.objects.get(name="咸安区"), Region.objects.get(name="嘉鱼县")

    def firm(county, projects=(), *, left=None, kind="upgrade"):
        e = EnterpriseFactory(county=county, is_above_scale=left is None)
        ScalePeriod.objects.create(enterprise=e, entered_on=D(2020, 1, 1), exited_on=left)
        for signed, exited in projects:
            ProjectFactory(enterprise=e, county=county, kind=kind, signed_on=signed, exited_on=exited)
        return e

    firm(xa, [(D(2025, 1, 1), None)])  # a
    firm(xa, [(D(2024, 12, 31), None)])  # b
    firm(xa, [(D(2025, 5, 1), None)], kind="new")  # c
    firm(xa, [(D(2026, 3, 1), D(2026, 4, 1))])  # d
    firm(xa, [(D(2026, 7, 1), None)])  # h
    firm(jy, [(D(2025, 2, 1), None), (D(2026, 2, 1), None)])  # e
    firm(jy, [(D(2026, 6, 30), None)])  # g
    firm(jy, [(D(2025, 6, 1), None)], left=D(2025, 12, 31))  # f
    ProjectFactory(county=xa, kind="upgrade", signed_on=D(2025, 3, 1))  # no enterprise
    return {"xa": xa, "jy": jy}


def values(rows):
    return {r.region_id: r.value for r in rows if r.indicator == "techrenovation_coverage"}


@pytest.mark.django_db
def test_xn_jg_3_coverage_by_hand(regions):
    units = build()
    v = values(coverage.coverage_rows(MONTH))
    assert v[None] == Decimal("42.8571")  # a, e, g of a, b, c, d, e, g, h
    assert v[units["xa"].pk] == Decimal("20.0000") and v[units["jy"].pk] == Decimal("100.0000")
    assert regions["咸宁高新区"].pk not in v  # no 规上 firm there: a share of nothing is undefined


@pytest.mark.django_db
def test_xn_jg_3_round_starts_with_the_pack_period(regions):
    build()
    assert coverage.round_start(MONTH) == D(2025, 1, 1)
    Pack.objects.update(is_active=False)  # no plan period: the round is the period's own year
    assert coverage.round_start(MONTH) == D(2026, 1, 1)
    assert values(coverage.coverage_rows(MONTH))[None] == Decimal("28.5714")  # e and g (2026 projects) of 7


@pytest.mark.django_db
def test_xn_jg_3_stored_through_the_projects_provider(regions):
    build()
    store_provided(project_indicators.PROVIDER, 2026, MONTH)
    v = IndicatorValue.objects.get(indicator="techrenovation_coverage", period=MONTH, region__isnull=True)
    assert v.value == Decimal("42.8571") and v.source == IndicatorValue.Source.COMPUTED


@pytest.mark.django_db(transaction=True)
def test_xn_jg_3_the_xianning_target_reads_the_computed_coverage():
    from chanye.core.indicators import get
    from chanye.targets.progress import all_progress
    from tests.targets.engine_world import load_pack

    load_pack("xianning")
    build()
    assert get("techrenovation_coverage").kind == "computed"
    store_provided(project_indicators.PROVIDER, 2026, MONTH)
    p = {p.target.code: p for p in all_progress(today=D(2026, 7, 1))}["xn-jg-3-coverage"]
    assert p.target.rule == "XN-JG-3" and p.current == Decimal("42.8571") and p.status != "met"
